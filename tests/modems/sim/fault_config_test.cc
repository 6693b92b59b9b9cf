// Fault injection's configuration (dialsoak/sim/fault.h): the text form of --fault, good
// and bad, its canonical form, and the checks CheckBankConfig makes.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "dialsoak/sim/bank.h"
#include "dialsoak/sim/fault.h"

namespace dialsoak::sim {
namespace {

using namespace std::chrono_literals;

Fault Parsed(const std::string& text) {
  auto f = ParseFault(text);
  if (!f) ADD_FAILURE() << text << ": " << f.error();
  return f ? *f : Fault{};
}

TEST(FaultConfigTest, KindAloneTakesProbabilityOneAllPortsAndDefaults) {
  const Fault f = Parsed("noise");
  EXPECT_EQ(f.kind, FaultKind::kNoise);
  EXPECT_EQ(f.probability, 1.0);
  EXPECT_TRUE(f.ports.empty());
  EXPECT_TRUE(f.Targets(0));
  EXPECT_TRUE(f.Targets(4000));
  EXPECT_EQ(f.noise_bytes, 8);
  EXPECT_EQ(f.noise_at, NoisePlace::kBefore);
  EXPECT_EQ(f.ToString(), "noise:1/bytes=8/at=before");
  const std::pair<const char*, const char*> defaults[] = {
      {"truncate", "truncate:1/keep=4"},
      {"silent", "silent:1"},
      {"dribble", "dribble:1/gap=50ms"},
      {"carrier_loss", "carrier_loss:1/after=fixed:1s"},
      {"vanish", "vanish:1/after=fixed:0s/down=2s"},
      {"ring_flood", "ring_flood:1/count=10/interval=20ms"},
      {"reset", "reset:1/time=2s"}};
  for (const auto& [text, canonical] : defaults) EXPECT_EQ(Parsed(text).ToString(), canonical);
}

TEST(FaultConfigTest, ProbabilityPortsAndKnobs) {
  Fault f = Parsed("noise:0.25@0,2/bytes=16/at=inside");
  EXPECT_EQ(f.probability, 0.25);
  EXPECT_EQ(f.ports, (std::vector<int>{0, 2}));
  EXPECT_TRUE(f.Targets(2));
  EXPECT_FALSE(f.Targets(1));
  EXPECT_EQ(f.noise_bytes, 16);
  EXPECT_EQ(f.noise_at, NoisePlace::kInside);

  EXPECT_EQ(Parsed("truncate/keep=0").truncate_keep, 0);
  EXPECT_EQ(Parsed("dribble:0.5/gap=10ms").dribble_gap, 10ms);
  EXPECT_EQ(Parsed("carrier_loss/after=uniform:1s,3s").carrier_after.ToString(), "uniform:1s,3s");
  f = Parsed("vanish@1/after=500ms/down=3s");
  EXPECT_EQ(f.vanish_after.ToString(), "fixed:500ms");
  EXPECT_EQ(f.vanish_down, 3s);
  f = Parsed("ring_flood/count=5/interval=0");
  EXPECT_EQ(f.ring_count, 5);
  EXPECT_EQ(f.ring_interval, 0ms);
  EXPECT_EQ(Parsed("reset/time=1.5s").reset_time, 1500ms);
  EXPECT_EQ(Parsed("silent:0").probability, 0.0);
  EXPECT_EQ(Parsed("noise/at=inside/bytes=2/at=before").noise_at, NoisePlace::kBefore)
      << "a knob given twice: the last one counts";
}

TEST(FaultConfigTest, CanonicalTextParsesBackToItself) {
  for (const char* text : {"noise:0.25@0,2/bytes=16/at=inside", "truncate:0.1@3/keep=0",
                           "silent:0.5@1", "dribble:1/gap=1500us", "carrier_loss:0.2/after=exp:2s",
                           "vanish:0.01@0/after=fixed:1s/down=5s",
                           "ring_flood:1/count=1000/interval=0s", "reset:0.3/time=10s"}) {
    const Fault f = Parsed(text);
    EXPECT_EQ(f.ToString(), text);
    EXPECT_EQ(Parsed(f.ToString()).ToString(), f.ToString());
  }
}

TEST(FaultConfigTest, RejectsBadTextNamingItAndWhatIsAllowed) {
  const std::pair<const char*, std::string> cases[] = {
      {"",
       "bad fault '': expected KIND[:PROBABILITY][@PORT,...][/KNOB=VALUE...] with KIND one "
       "of noise, truncate, silent, dribble, carrier_loss, vanish, ring_flood, reset"},
      {"bogus",
       "bad fault 'bogus': expected KIND[:PROBABILITY][@PORT,...][/KNOB=VALUE...] with "
       "KIND one of noise, truncate, silent, dribble, carrier_loss, vanish, ring_flood, "
       "reset"},
      {"NOISE", "with KIND one of"},
      {"noise:", "bad fault 'noise:': PROBABILITY must be a number within 0..1, got ''"},
      {"noise:2", "PROBABILITY must be a number within 0..1, got '2'"},
      {"noise:-0.1", "PROBABILITY must be a number within 0..1, got '-0.1'"},
      {"noise:nan", "PROBABILITY must be a number within 0..1"},
      {"noise:x", "PROBABILITY must be a number within 0..1, got 'x'"},
      {"noise@", "PORT must be a dialing port's index (0..4095), got ''"},
      {"noise@a", "got 'a'"},
      {"noise@-1", "got '-1'"},
      {"noise@0,", "got ''"},
      {"noise@4096", "got '4096'"},
      {"noise/bytes=1",
       "bad fault 'noise/bytes=1': bad knob 'bytes=1': noise takes bytes=N "
       "(2..1024, default 8), at=before|inside (default before)"},
      {"noise/at=middle", "bad knob 'at=middle': noise takes"},
      {"noise/gap=10ms", "bad knob 'gap=10ms': noise takes"},
      {"noise/", "bad knob '': noise takes"},
      {"noise/bytes", "bad knob 'bytes': noise takes"},
      {"truncate/keep=257", "truncate takes keep=N (bytes of the result's text kept, 0..256"},
      {"silent/x=1", "bad knob 'x=1': silent takes no knobs"},
      {"dribble/gap=0", "dribble takes gap=DUR (between bytes, above 0 and at most 10s"},
      {"dribble/gap=11s", "dribble takes gap=DUR"},
      {"carrier_loss/after=soon", "carrier_loss takes after=DIST"},
      {"vanish/down=0", "vanish takes after=DIST (from the dial, default 0), down=DUR"},
      {"ring_flood/count=0", "ring_flood takes count=N (1..1000"},
      {"ring_flood/interval=-1s", "ring_flood takes"},
      {"reset/time=0s", "reset takes time=DUR"},
  };
  for (const auto& [text, message] : cases) {
    auto f = ParseFault(text);
    ASSERT_FALSE(f) << "'" << text << "' parsed as " << f->ToString();
    EXPECT_NE(f.error().find(message), std::string::npos) << text << ": " << f.error();
    EXPECT_TRUE(f.error().starts_with("bad fault '" + std::string(text) + "': ")) << f.error();
  }
}

TEST(FaultConfigTest, ConfigTakesSeveralFaultsSeparatedBySpaces) {
  auto config = ParseFaultConfig("noise:0.1  vanish@0/down=1s\tsilent@1");
  ASSERT_TRUE(config) << config.error();
  ASSERT_EQ(config->faults.size(), 3u);
  EXPECT_EQ(config->faults[1].kind, FaultKind::kVanish);
  EXPECT_EQ(config->ToString(),
            "noise:0.1/bytes=8/at=before vanish:1@0/after=fixed:0s/down=1s silent:1@1");
  for (const char* none : {"", "off", "   "}) {
    config = ParseFaultConfig(none);
    ASSERT_TRUE(config) << none;
    EXPECT_FALSE(config->enabled());
    EXPECT_EQ(config->ToString(), "off");
  }
  config = ParseFaultConfig("noise sulent");
  ASSERT_FALSE(config);
  EXPECT_TRUE(config.error().starts_with("bad fault 'sulent': ")) << config.error();
}

std::string Problem(BankConfig config) {
  auto problem = CheckBankConfig(config);
  return problem ? *problem : "";
}

TEST(FaultConfigTest, CheckBankConfigNamesTheFaultAndWhatIsAllowed) {
  BankConfig config;
  config.ports = 2;
  config.faults = *ParseFaultConfig("noise dribble@1 silent@2");
  EXPECT_EQ(Problem(config),
            "faults[2] (silent): port 2 is not a dialing port (there are 2: 0..1)");
  config.faults = *ParseFaultConfig("vanish@1");
  EXPECT_TRUE(Problem(config).starts_with("faults[0] (vanish): needs link_dir")) << Problem(config);
  config.link_dir = "/tmp/dialsoak-sim-unused";
  EXPECT_EQ(Problem(config), "");

  config.faults = *ParseFaultConfig("noise dribble");
  config.faults.faults[1].dribble_gap = 0ms;
  EXPECT_EQ(Problem(config),
            "faults[1] (dribble): a knob is out of range: gap=DUR (between bytes, above 0 and at "
            "most 10s, default 50ms)");
  config.faults.faults[1].dribble_gap = 1ms;
  config.faults.faults[0].probability = 1.5;
  EXPECT_EQ(Problem(config), "faults[0] (noise): probability must be within 0..1 (got 1.5)");
  config.faults.faults[0].probability = std::nan("");
  EXPECT_TRUE(Problem(config).starts_with("faults[0] (noise): probability")) << Problem(config);
  config.faults.faults[0].probability = 0.5;
  config.faults.faults[0].ports = {-1};
  EXPECT_TRUE(Problem(config).starts_with("faults[0] (noise): port -1 is not")) << Problem(config);
  config.faults.faults[0].ports = {};
  config.faults.faults[0].ring_count = 0;
  EXPECT_TRUE(Problem(config).starts_with("faults[0] (noise): a knob is out of range"));
  config.faults.faults[0].ring_count = 1;
  EXPECT_EQ(Problem(config), "");
  EXPECT_THROW(ModemBank::Start([] {
                 BankConfig c;
                 c.faults = *ParseFaultConfig("vanish");
                 return c;
               }()),
               std::invalid_argument);
}

TEST(FaultConfigTest, CountsIndexByKindAndAddUp) {
  FaultCounts counts;
  std::uint64_t n = 1;
  for (FaultKind k : kFaultKinds) counts[k] = n++;
  EXPECT_EQ(counts.noise, 1u);
  EXPECT_EQ(counts.carrier_loss, 5u);
  EXPECT_EQ(counts.reset, 8u);
  EXPECT_EQ(counts.blacklist, 9u);
  EXPECT_EQ(counts.total(), kFaultKindCount * (kFaultKindCount + 1) / 2);  // 1 + 2 + ... + n
  const FaultCounts& same = counts;
  EXPECT_EQ(same[FaultKind::kRingFlood], 7u);
  for (FaultKind k : kFaultKinds) EXPECT_EQ(ParseFaultKind(ToString(k)), k);
  EXPECT_FALSE(ParseFaultKind("ring-flood"));
}

}  // namespace
}  // namespace dialsoak::sim
