// The pure half of fault injection (modems/sim/src/fault_plan.h): which faults fire at a
// dial, seeded, per port and probability; the noise bytes; where noise goes; truncation.
#include "fault_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace dialsoak::sim {
namespace {

FaultConfig Config(const char* text) {
  auto config = ParseFaultConfig(text);
  if (!config) ADD_FAILURE() << config.error();
  return config ? *config : FaultConfig{};
}

// Which of the config's faults fired at each of n dials on `port`: one letter per dial, the
// kinds' first letters, "." when none.
std::string Draws(const FaultConfig& config, int port, std::uint64_t seed, int n) {
  auto rng = FaultRng(seed);
  std::string out;
  for (int i = 0; i < n; ++i) {
    const FaultPick pick = DrawFaults(config, port, rng);
    std::string one;
    for (FaultKind k : kFaultKinds) {
      if (pick[k] != nullptr) one += ToString(k)[0];
    }
    out += (one.empty() ? "." : one) + " ";
  }
  return out;
}

TEST(FaultPlanTest, SameSeedSameFaultsOtherSeedOthers) {
  const FaultConfig config = Config("noise:0.5 truncate:0.3");
  const std::string first = Draws(config, 0, 7, 60);
  EXPECT_EQ(Draws(config, 0, 7, 60), first);
  EXPECT_NE(Draws(config, 0, 8, 60), first);
  for (const char* seen : {". ", "n ", "t ", "nt "}) {
    EXPECT_NE(first.find(seen), std::string::npos) << seen << " in " << first;
  }
}

TEST(FaultPlanTest, ProbabilityIsRoughlyHonoured) {
  const FaultConfig config = Config("silent:0.2");
  auto rng = FaultRng(1);
  int fired = 0;
  for (int i = 0; i < 10000; ++i) fired += DrawFaults(config, 0, rng).any() ? 1 : 0;
  EXPECT_NEAR(fired, 2000, 200);  // 5 sigma is 200
  EXPECT_EQ(Draws(Config("silent:0"), 0, 1, 4), ". . . . ");
  EXPECT_EQ(Draws(Config("silent:1"), 0, 1, 3), "s s s ");
}

TEST(FaultPlanTest, OnlyTheTargetedPortsDraw) {
  const FaultConfig config = Config("reset:1@1,3");
  EXPECT_EQ(Draws(config, 0, 1, 3), ". . . ");
  EXPECT_EQ(Draws(config, 1, 1, 3), "r r r ");
  EXPECT_EQ(Draws(config, 2, 1, 3), ". . . ");
  EXPECT_EQ(Draws(config, 3, 1, 3), "r r r ");
}

TEST(FaultPlanTest, EveryTargetingFaultDrawsSoOneProbabilityDoesNotShiftTheOthers) {
  // truncate's draws are the same whether noise (before it) always fires or never does.
  auto truncates = [](const char* text) {
    std::string out = Draws(Config(text), 0, 3, 80);
    std::replace(out.begin(), out.end(), 'n', '.');
    out.erase(std::remove(out.begin(), out.end(), '.'), out.end());
    return out;
  };
  EXPECT_EQ(truncates("noise:0 truncate:0.5"), truncates("noise:1 truncate:0.5"));
}

TEST(FaultPlanTest, FirstFaultOfAKindWins) {
  const FaultConfig config = Config("dribble:1/gap=1ms dribble:1/gap=2ms");
  auto rng = FaultRng(1);
  const FaultPick pick = DrawFaults(config, 0, rng);
  ASSERT_NE(pick[FaultKind::kDribble], nullptr);
  EXPECT_EQ(pick[FaultKind::kDribble], &config.faults[0]);
}

TEST(FaultPlanTest, NoiseAlwaysHoldsANulAndAHighByte) {
  auto rng = FaultRng(5);
  for (std::size_t n = 2; n < 40; ++n) {
    for (int round = 0; round < 50; ++round) {
      const std::string noise = MakeNoise(n, rng);
      ASSERT_EQ(noise.size(), n);
      EXPECT_NE(noise.find('\0'), std::string::npos) << n;
      EXPECT_TRUE(std::any_of(noise.begin(), noise.end(), [](char c) {
        return static_cast<unsigned char>(c) >= 0x80;
      })) << n;
    }
  }
  EXPECT_NE(MakeNoise(16, rng), MakeNoise(16, rng)) << "random";
}

TEST(FaultPlanTest, NoiseGoesBeforeOrStrictlyInside) {
  auto rng = FaultRng(9);
  const std::string result = "\r\nOK\r\n";
  std::string r = result;
  InsertNoise(r, "##", NoisePlace::kBefore, rng);
  EXPECT_EQ(r, "##" + result);
  std::vector<bool> seen(result.size() + 1, false);
  for (int i = 0; i < 500; ++i) {
    r = result;
    InsertNoise(r, "##", NoisePlace::kInside, rng);
    const auto at = r.find("##");
    ASSERT_NE(at, std::string::npos);
    EXPECT_EQ(r.substr(0, at) + r.substr(at + 2), result);
    seen[at] = true;
  }
  EXPECT_FALSE(seen[0]) << "inside, not before";
  EXPECT_FALSE(seen[result.size()]) << "inside, not after";
  for (std::size_t at = 1; at < result.size(); ++at) EXPECT_TRUE(seen[at]) << at;
  r = "1";
  InsertNoise(r, "##", NoisePlace::kInside, rng);
  EXPECT_EQ(r, "##1") << "a one-byte result gets its noise before it";
}

TEST(FaultPlanTest, TruncationKeepsTheLeadAndSomeTextNeverTheLineEnd) {
  auto cut = [](std::string r, std::size_t keep) {
    TruncateResult(r, keep, '\r', '\n');
    return r;
  };
  EXPECT_EQ(cut("\r\nCONNECT 33600\r\n", 4), "\r\nCONN");
  EXPECT_EQ(cut("\r\nCONNECT 33600\r\n", 0), "\r\n");
  EXPECT_EQ(cut("\r\nCONNECT 33600\r\n", 100), "\r\nCONNECT 33600");
  EXPECT_EQ(cut("1\r", 4), "1") << "numeric (ATV0)";
  EXPECT_EQ(cut("\r\nBUSY\r\n", 2), "\r\nBU");
  EXPECT_EQ(cut("", 4), "");
}

}  // namespace
}  // namespace dialsoak::sim
