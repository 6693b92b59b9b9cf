// The journal: records written by the observer come back from Replay as they went in;
// damage (a torn last line, a garbled line, a foreign file) is counted or refused; the file
// is never written over or through a symlink; a write that fails stops the journal and
// says why. Real files in a scratch directory.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <fstream>
#include <sstream>

#include "dialsoak/journal/journal_codec.h"
#include "dialsoak/journal/journal_reader.h"
#include "dialsoak/journal/journal_writer.h"
#include "dialsoak/journal/tick_codec.h"
#include "dialsoak/report/percentiles.h"

namespace dialsoak::journal {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Clock::time_point kStart = Clock::time_point(Clock::duration(7h));

class ScratchDir {
 public:
  ScratchDir() {
    char tmpl[] = "/tmp/dialsoak-journal-test.XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string Path(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class Recorder final : public RunObserver {
 public:
  void OnRunStart(const RunInfo& i) override { info = i; }
  void OnCycle(const CycleRecord& c) override { cycles.push_back(c); }
  void OnCycles(const CycleTally& t) override {
    ++ticks;
    Merge(tally, t);
  }
  void OnDropped(const DroppedCall& d) override { drops.push_back(d); }
  void OnProbe(const ProbeSample& s) override { probes.push_back(s); }
  void OnFdTable(const FdTable& t) override { tables.push_back(t); }
  void OnLeakEstimate(const LeakEstimate& e) override { estimates.push_back(e); }
  void OnRunEnd(const RunEnd& e) override { end = e; }
  RunInfo info;
  std::vector<CycleRecord> cycles;
  CycleTally tally = [] {
    CycleTally t;
    t.max_failures = 1000;
    return t;
  }();
  int ticks = 0;
  std::vector<DroppedCall> drops;
  std::vector<ProbeSample> probes;
  std::vector<FdTable> tables;
  std::vector<LeakEstimate> estimates;
  std::optional<RunEnd> end;
};

RunInfo Info() {
  RunInfo i;
  i.run_id = "20261202T060000-beef";
  i.version = "0.1.0";
  i.backend = "sim";
  i.lines = 2;
  i.cycles_per_line = 5;
  i.started = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  i.start = kStart;
  return i;
}

CycleRecord Cycle(int line, std::int64_t n, std::chrono::nanoseconds at, CallResult r) {
  CycleRecord c;
  c.line = line;
  c.cycle = n;
  c.due = kStart + at;
  c.result = r;
  c.dial_latency = 25ms + std::chrono::microseconds(n);
  c.start_lag = 12us;
  c.detail = r == CallResult::Connect ? "CONNECT 33600/ARQ" : "BUSY";
  c.hung_up = r == CallResult::Connect;
  c.held = c.hung_up ? 20ms : 0ms;
  c.hangup_ok = true;
  c.hangup_latency = c.hung_up ? 90us : 0us;
  c.hangup_method = c.hung_up ? HangupMethod::Dtr : HangupMethod::None;
  c.hangup_detail = c.hung_up ? "NO CARRIER" : "";
  return c;
}

ProbeSample Probe(SampleKind kind, std::chrono::nanoseconds at, std::int64_t cycles, std::int64_t handles) {
  return ProbeSample{"self", 4242, kind, kStart + at, cycles, true, handles, 11, 12 << 20, ""};
}

// A whole little run through the writer.
void WriteRun(JournalWriter& w) {
  w.OnRunStart(Info());
  w.OnProbe(Probe(SampleKind::Baseline, 0ms, 0, 23));
  w.OnFdTable(FdTable{"self", 4242, SampleKind::Baseline, {"/dev/null", "pipe:[1]"}, "", 1024});
  w.OnCycle(Cycle(0, 0, 1ms, CallResult::Connect));
  w.OnCycle(Cycle(1, 0, 1ms, CallResult::Busy));
  w.OnDropped(DroppedCall{2, kStart + 3ms});
  w.OnTick(kStart + 100ms, 2);
  w.OnLeakEstimate(LeakEstimate{"self", "handles", 1.0, true, 40});
  w.OnLeakEstimate(LeakEstimate{"self", "handles", 1.0, true, 41});  // not the first: dropped
  w.OnLeakEstimate(LeakEstimate{"self", "threads", 0.0, false, 41});  // not suspected: dropped
  w.OnProbe(Probe(SampleKind::End, 2s, 2, 25));
  w.OnFdTable(FdTable{"self", 4242, SampleKind::End, {"/dev/null", "pipe:[1]", "anon_inode:[eventfd]"}, "", 1024});
  w.OnRunEnd(RunEnd{StopReason::Completed, 2s, 2, "", 1});
  w.Append({{"t", "simulator"}, {"calls", 2}, {"blocked", 1}});
  w.Close();
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

TEST(JournalTest, EveryRecordComesBackAsItWentIn) {
  ScratchDir dir;
  const std::string path = dir.Path("journal.jsonl");
  auto w = JournalWriter::Open(path, "0.1.0", "run", {{"lines", 2}, {"thresholds", {"dial_p99<=1s"}}});
  ASSERT_TRUE(w) << w.error().message;
  WriteRun(**w);
  EXPECT_FALSE((*w)->failed());
  EXPECT_EQ((*w)->records(), 10) << "header, start, 2 probes, 2 tables, a suspicion, the tick "
                                    "(its cycles and drop), the end, the simulator";

  auto header = ReadJournalHeader(path);
  ASSERT_TRUE(header) << header.error().message;
  EXPECT_EQ(header->format, kFormat);
  EXPECT_EQ(header->command, "run");
  EXPECT_EQ(header->config["lines"], 2);

  Recorder rec;
  auto stats = Replay(path, {&rec});
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->records, 9);  // all but the header
  EXPECT_EQ(stats->torn_lines, 0);
  EXPECT_EQ(stats->bad_lines, 0);
  EXPECT_EQ(rec.info.run_id, "20261202T060000-beef");
  EXPECT_EQ(rec.info.cycles_per_line, 5);
  EXPECT_EQ(rec.info.started, Info().started);
  EXPECT_TRUE(rec.cycles.empty()) << "format 2 counts cycles in ticks";
  EXPECT_EQ(rec.ticks, 1);
  const CycleTally& t = rec.tally;
  EXPECT_EQ(t.cycles, 2);
  EXPECT_EQ(t.Count(CallResult::Connect), 1);
  EXPECT_EQ(t.Count(CallResult::Busy), 1);
  EXPECT_EQ(t.dropped_at_origin, 1);
  EXPECT_EQ(t.hangups, 1);
  EXPECT_EQ(t.hangup_methods[static_cast<std::size_t>(HangupMethod::Dtr)], 1);
  const auto& connected = t.dial[static_cast<std::size_t>(CallResult::Connect)];
  EXPECT_EQ(connected.count(), 1);
  EXPECT_EQ(connected.min(), Cycle(0, 0, 1ms, CallResult::Connect).dial_latency.count());
  EXPECT_EQ(t.hangup_ok.max(), std::chrono::nanoseconds(90us).count());
  EXPECT_EQ(t.start_lag.count(), 2);
  ASSERT_EQ(t.failures.size(), 1u);
  EXPECT_EQ(t.failures[0].what, "busy");
  EXPECT_EQ(t.failures[0].detail, "BUSY") << "an interned text comes back as itself";
  ASSERT_TRUE(t.first_seen);
  EXPECT_EQ(*t.first_seen - rec.info.start, 1ms) << "times keep their offsets from the start";
  ASSERT_EQ(rec.probes.size(), 2u);
  EXPECT_EQ(rec.probes[1].kind, SampleKind::End);
  EXPECT_EQ(rec.probes[1].handles, 25);
  EXPECT_EQ(rec.probes[1].at - rec.info.start, 2s);
  ASSERT_EQ(rec.tables.size(), 2u);
  EXPECT_THAT(rec.tables[1].targets, ElementsAre("/dev/null", "pipe:[1]", "anon_inode:[eventfd]"));
  EXPECT_EQ(rec.tables[1].nofile_limit, 1024);
  ASSERT_EQ(rec.estimates.size(), 1u) << "only the first suspicion is kept";
  EXPECT_EQ(rec.estimates[0].cycles_done, 40);
  ASSERT_TRUE(rec.end);
  EXPECT_EQ(rec.end->reason, StopReason::Completed);
  EXPECT_EQ(rec.end->dropped, 1);
  EXPECT_EQ(stats->simulator["blocked"], 1);
}

// `dialsoak report DIR` must exit as the run did: 143 for a clean run stopped by SIGTERM,
// 130 for SIGINT. The end record keeps the signal; a journal without it reads as 0.
TEST(JournalTest, TheEndRecordKeepsTheStopSignal) {
  RunEnd end{StopReason::Interrupted, 3s, 7, "", 0};
  end.signal = SIGTERM;
  const nlohmann::json line = nlohmann::json::parse(Encode(end).dump());
  EXPECT_EQ(line.at("signal"), SIGTERM);
  auto back = DecodeEnd(line);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->reason, StopReason::Interrupted);
  EXPECT_EQ(back->signal, SIGTERM);
  nlohmann::json older = line;
  older.erase("signal");
  auto old = DecodeEnd(older);
  ASSERT_TRUE(old) << "a journal of an earlier version is still read";
  EXPECT_EQ(old->signal, 0);
}

TEST(JournalTest, ModemNoiseIsKeptAsReplacedTextNotLost) {
  ScratchDir dir;
  const std::string path = dir.Path("journal.jsonl");
  auto w = JournalWriter::Open(path, "0.1.0", "run", nlohmann::json::object());
  ASSERT_TRUE(w);
  (*w)->OnRunStart(Info());
  CycleRecord c = Cycle(0, 0, 1ms, CallResult::Error);
  static const char kNoise[] = "line noise \xff\xfe\0 here";
  c.detail = std::string(kNoise, sizeof kNoise - 1);
  (*w)->OnCycle(c);
  (*w)->Close();
  Recorder rec;
  auto stats = Replay(path, {&rec});
  ASSERT_TRUE(stats);
  ASSERT_EQ(rec.tally.failures.size(), 1u);
  const std::string& detail = rec.tally.failures[0].detail;
  EXPECT_THAT(detail, HasSubstr("line noise \xEF\xBF\xBD"));  // U+FFFD
  EXPECT_THAT(detail, HasSubstr(std::string("\0 here", 6))) << "a NUL is text too";
}

TEST(JournalTest, ATornLastLineIsIgnoredAndCounted) {
  ScratchDir dir;
  const std::string path = dir.Path("journal.jsonl");
  auto w = JournalWriter::Open(path, "0.1.0", "run", nlohmann::json::object());
  ASSERT_TRUE(w);
  (*w)->OnRunStart(Info());
  for (int i = 0; i < 3; ++i) (*w)->OnCycle(Cycle(0, i, std::chrono::milliseconds(i), CallResult::Connect));
  (*w)->Close();
  std::string text = Read(path);
  text += "{\"t\":\"cycle\",\"at\":30000";  // killed in the middle of a write
  Write(path, text);
  Recorder rec;
  auto stats = Replay(path, {&rec});
  ASSERT_TRUE(stats);
  EXPECT_EQ(rec.tally.cycles, 3) << "Close writes the pending tick";
  EXPECT_EQ(stats->torn_lines, 1);
  EXPECT_EQ(stats->bad_lines, 0);
  EXPECT_FALSE(stats->end) << "no end record: the run did not finish";
  EXPECT_FALSE(rec.end);
}

TEST(JournalTest, GarbledLinesInTheMiddleAreSkippedAndTheFirstIsNamed) {
  ScratchDir dir;
  const std::string path = dir.Path("journal.jsonl");
  auto w = JournalWriter::Open(path, "0.1.0", "run", nlohmann::json::object());
  ASSERT_TRUE(w);
  WriteRun(**w);
  std::string text = Read(path);
  const auto third = text.find('\n', text.find('\n', text.find('\n') + 1) + 1) + 1;
  text.insert(third, "not json at all\n{\"t\":\"tick\",\"cycles\":\"x\"}\n{\"t\":\"martian\"}\n");
  Write(path, text);
  Recorder rec;
  auto stats = Replay(path, {&rec});
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->bad_lines, 3);
  EXPECT_EQ(stats->first_bad_line, 4);
  EXPECT_EQ(rec.tally.cycles, 2) << "the good records around them all count";
  EXPECT_TRUE(rec.end);
}

TEST(JournalTest, AFileThatIsNoJournalIsRefusedNamingIt) {
  ScratchDir dir;
  const std::string path = dir.Path("journal.jsonl");
  Write(path, "{\"t\":\"header\",\"tool\":\"other\",\"format\":1}\n");
  auto h = ReadJournalHeader(path);
  ASSERT_FALSE(h);
  EXPECT_THAT(h.error().message, HasSubstr(path + ": not a dialsoak journal (another tool wrote it)"));
  Write(path, "{\"t\":\"header\",\"tool\":\"dialsoak\",\"format\":99}\n");
  EXPECT_THAT(ReadJournalHeader(path).error().message, HasSubstr("journal format 99 (written by dialsoak ?); this dialsoak reads formats 1 to 2"));
  Write(path, "");
  EXPECT_THAT(ReadJournalHeader(path).error().message, HasSubstr("(empty)"));
  EXPECT_THAT(Replay(dir.Path("none.jsonl"), {}).error().message, HasSubstr("none.jsonl"));
}

TEST(JournalTest, NeverWritesOverAFileOrThroughASymlink) {
  ScratchDir dir;
  const std::string path = dir.Path("journal.jsonl");
  Write(path, "someone else's data\n");
  auto over = JournalWriter::Open(path, "0.1.0", "run", nlohmann::json::object());
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, EEXIST);
  EXPECT_THAT(over.error().message, HasSubstr(path));
  EXPECT_EQ(Read(path), "someone else's data\n");
  const std::string link = dir.Path("link.jsonl");
  std::filesystem::create_symlink(dir.Path("target"), link);
  auto through = JournalWriter::Open(link, "0.1.0", "run", nlohmann::json::object());
  ASSERT_FALSE(through);
  EXPECT_FALSE(std::filesystem::exists(dir.Path("target"))) << "nothing created through the link";
}

TEST(JournalTest, AFailedWriteStopsTheJournalAndSaysWhy) {
  ScratchDir dir;
  const std::string path = dir.Path("journal.jsonl");
  auto w = JournalWriter::Open(path, "0.1.0", "run", nlohmann::json::object());
  ASSERT_TRUE(w);
  // A file size limit stands in for a full disk: writes past it fail with EFBIG.
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGXFSZ, &ignore, &previous);
  rlimit small = old;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  (*w)->OnRunStart(Info());
  for (int i = 0; i < 200; ++i) (*w)->OnProbe(Probe(SampleKind::Periodic, std::chrono::milliseconds(i), i, 23));
  (*w)->OnTick(kStart + 1s, 200);
  ::setrlimit(RLIMIT_FSIZE, &old);
  ::sigaction(SIGXFSZ, &previous, nullptr);
  EXPECT_TRUE((*w)->failed());
  EXPECT_THAT((*w)->error(), HasSubstr("writing the journal " + path + ": File too large"));
  (*w)->OnCycle(Cycle(0, 200, 1s, CallResult::Connect));  // quietly dropped from now on
  (*w)->Close();
  Recorder rec;
  auto stats = Replay(path, {&rec});
  ASSERT_TRUE(stats) << "what was written before stays readable";
  EXPECT_LT(rec.probes.size(), 200u);
}

TEST(JournalTest, PerCycleRecordsAreOptInCappedAndNotCountedTwice) {
  ScratchDir dir;
  const std::string path = dir.Path("journal.jsonl");
  auto w = JournalWriter::Open(path, "0.1.0", "run", nlohmann::json::object(),
                               JournalOptions{.cycles = true, .cycles_limit_bytes = 2000});
  ASSERT_TRUE(w);
  (*w)->OnRunStart(Info());
  for (int i = 0; i < 100; ++i) (*w)->OnCycle(Cycle(0, i, std::chrono::milliseconds(i), CallResult::Connect));
  (*w)->OnRunEnd(RunEnd{StopReason::Completed, 1s, 100, "", 0});
  (*w)->Close();
  EXPECT_TRUE((*w)->cycles_capped());
  EXPECT_THAT(Read(path), HasSubstr("\"journal\":\"cycles\""));
  Recorder rec;
  auto stats = Replay(path, {&rec});
  ASSERT_TRUE(stats);
  EXPECT_GT(stats->detail_records, 5);
  EXPECT_LT(stats->detail_records, 100) << "stopped at the limit";
  EXPECT_TRUE(rec.cycles.empty());
  EXPECT_EQ(rec.tally.cycles, 100) << "the ticks count every cycle, past the limit too";
}

TEST(JournalTest, AFormatOneJournalIsStillRead) {
  ScratchDir dir;
  const std::string path = dir.Path("journal.jsonl");
  Write(path,
        "{\"t\":\"header\",\"format\":1,\"tool\":\"dialsoak\",\"version\":\"0.1.0\","
        "\"command\":\"run\",\"config\":{}}\n"
        "{\"t\":\"start\",\"run_id\":\"r\",\"version\":\"0.1.0\",\"backend\":\"sim\",\"lines\":1,"
        "\"cycles_per_line\":1,\"duration\":null,\"started_unix_ns\":1}\n"
        "{\"t\":\"text\",\"id\":1,\"text\":\"BUSY\"}\n"
        "{\"t\":\"cycle\",\"at\":5,\"line\":0,\"cycle\":0,\"result\":\"busy\",\"dial\":7000,"
        "\"detail\":1}\n");
  Recorder rec;
  auto stats = Replay(path, {&rec});
  ASSERT_TRUE(stats) << stats.error().message;
  ASSERT_EQ(rec.cycles.size(), 1u);
  EXPECT_EQ(rec.cycles[0].detail, "BUSY");
  EXPECT_EQ(rec.cycles[0].dial_latency, 7us);
}

// The journal grows with time, not with the cycle rate: 20,000 cycles a second for two
// minutes, with latencies spread over three decades (many distinct histogram buckets),
// stay within the 50 MB an hour budget, and the rebuilt percentiles are within 0.1 %.
TEST(JournalTest, SizeStaysWithinItsBudgetAtAnyCycleRateAndPercentilesSurvive) {
  ScratchDir dir;
  const std::string path = dir.Path("journal.jsonl");
  auto w = JournalWriter::Open(path, "0.1.0", "run", nlohmann::json::object());
  ASSERT_TRUE(w);
  (*w)->OnRunStart(Info());
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> latency(std::log(50e3), 1.2);  // ns, around 50 us
  std::vector<std::int64_t> exact;
  constexpr int kSeconds = 120, kPerSecond = 20'000;
  std::int64_t n = 0;
  for (int second = 0; second < kSeconds; ++second) {
    for (int k = 0; k < kPerSecond; ++k, ++n) {
      CycleRecord c = Cycle(static_cast<int>(n % 64), n, std::chrono::seconds(second), CallResult::Connect);
      c.dial_latency = std::chrono::nanoseconds(static_cast<std::int64_t>(latency(rng)));
      exact.push_back(c.dial_latency.count());
      (*w)->OnCycle(c);
    }
    (*w)->OnTick(kStart + std::chrono::seconds(second + 1), n);
  }
  (*w)->OnRunEnd(RunEnd{StopReason::Completed, std::chrono::seconds(kSeconds), n, "", 0});
  (*w)->Close();
  const auto bytes = static_cast<double>(std::filesystem::file_size(path));
  const double per_hour = bytes / kSeconds * 3600;
  EXPECT_LT(per_hour, 50e6) << bytes << " bytes in " << kSeconds << " s";
  Recorder rec;
  ASSERT_TRUE(Replay(path, {&rec}));
  const auto& dial = rec.tally.dial[static_cast<std::size_t>(CallResult::Connect)];
  EXPECT_EQ(rec.tally.cycles, n);
  EXPECT_EQ(dial.count(), n) << "every histogram delta reached the journal by the end";
  std::sort(exact.begin(), exact.end());
  for (double p : {50.0, 99.0, 99.9, 99.99}) {
    const auto want = static_cast<double>(*report::NearestRank(exact, p));
    EXPECT_NEAR(static_cast<double>(dial.Percentile(p)), want, want * 1e-3) << "p" << p;
  }
}

// Past the probes' budget most samples are left out, but never the ones on either side of
// a change of pid or of being found: a rebuilt report sees a restart where it happened.
TEST(JournalTest, AProcessChangingPidIsKeptPastTheProbeBudget) {
  ScratchDir dir;
  const std::string path = dir.Path("journal.jsonl");
  auto w = JournalWriter::Open(path, "0.1.0", "run", nlohmann::json::object());
  ASSERT_TRUE(w);
  (*w)->OnRunStart(Info());
  const int n = static_cast<int>(kProbeBurst) + 2000;  // all within a second: past the burst
  for (int i = 0; i < n; ++i) {
    ProbeSample s = Probe(SampleKind::Periodic, std::chrono::microseconds(i), i, 23);
    s.process = "pppd";
    s.pid = i < n - 500 ? 100 : 200;  // restarted 500 samples before the end
    s.alive = i != n - 501;           // one sample in the gap: not found
    (*w)->OnProbe(s);
  }
  (*w)->OnRunEnd(RunEnd{StopReason::Completed, 1s, n, "", 0});
  (*w)->Close();
  Recorder rec;
  ASSERT_TRUE(Replay(path, {&rec}));
  EXPECT_LT(rec.probes.size(), static_cast<std::size_t>(n)) << "the budget applies";
  auto kept = [&](std::int64_t cycles) {
    return std::any_of(rec.probes.begin(), rec.probes.end(),
                       [&](const ProbeSample& p) { return p.cycles_done == cycles; });
  };
  EXPECT_TRUE(kept(n - 502)) << "the last sample of pid 100";
  EXPECT_TRUE(kept(n - 501)) << "the one that did not find it";
  EXPECT_TRUE(kept(n - 500)) << "the first of pid 200";
}

// A process started anew for every call changes pid with every cycle: the changes have a
// budget of their own, so the journal does not grow with the call rate.
TEST(JournalTest, APidChangingWithEveryCallStaysWithinItsBudget) {
  ScratchDir dir;
  const std::string path = dir.Path("journal.jsonl");
  auto w = JournalWriter::Open(path, "0.1.0", "run", nlohmann::json::object());
  ASSERT_TRUE(w);
  (*w)->OnRunStart(Info());
  const int n = 20000;  // within a second
  for (int i = 0; i < n; ++i) {
    ProbeSample s = Probe(SampleKind::Periodic, std::chrono::microseconds(i * 50), i, 23);
    s.process = "pppd";
    s.pid = 1000 + i;
    (*w)->OnProbe(s);
  }
  (*w)->OnRunEnd(RunEnd{StopReason::Completed, 1s, n, "", 0});
  (*w)->Close();
  Recorder rec;
  ASSERT_TRUE(Replay(path, {&rec}));
  EXPECT_LT(rec.probes.size(), static_cast<std::size_t>(3 * kProbeBurst));
}

}  // namespace
}  // namespace dialsoak::journal

namespace dialsoak::journal {
namespace {

TEST(JournalTickTest, ConnectRatesAndModulationsComeBackAsTheyWentIn) {
  CycleTally t;
  for (std::uint32_t rate : {33600u, 33600u, 2400u}) {
    CycleRecord c;
    c.result = CallResult::Connect;
    c.connect_rate = rate;
    c.modulation = rate == 2400u ? "V22BIS" : "V34";
    AddCycle(t, c);
  }
  CycleRecord bare;
  bare.result = CallResult::Connect;  // CONNECT without a rate or protocol
  AddCycle(t, bare);
  const auto j = EncodeTick(t, kStart + 1s, 4, kStart, false);
  EXPECT_EQ(j["rates"].dump(), R"({"2400":1,"33600":2})");
  EXPECT_EQ(j["modulations"].dump(), R"({"v22bis":1,"v34":2,"unknown":1})");
  const auto back = DecodeTick(nlohmann::json::parse(j.dump()), kStart);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->connect_rates, t.connect_rates);
  EXPECT_EQ(back->connect_rate_unknown, 1);
  EXPECT_EQ(back->modulations, t.modulations);
  // A malformed rate is a malformed tick.
  auto bad = nlohmann::json::parse(j.dump());
  bad["rates"]["fast"] = 1;
  EXPECT_FALSE(DecodeTick(bad, kStart).has_value());
  auto bad_label = nlohmann::json::parse(j.dump());
  bad_label["modulations"]["v99"] = 1;
  EXPECT_FALSE(DecodeTick(bad_label, kStart).has_value());
}

TEST(JournalTickTest, APerCycleRecordKeepsTheRateAndProtocol) {
  CycleRecord c;
  c.due = kStart + 1s;
  c.result = CallResult::Connect;
  c.connect_rate = 31200;
  c.modulation = "V34";
  c.error_control = "LAPM";
  c.compression = "V44";
  const auto back = DecodeCycle(nlohmann::json::parse(Encode(c, kStart).dump()), kStart);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->connect_rate, 31200u);
  EXPECT_EQ(back->modulation, "V34");
  EXPECT_EQ(back->error_control, "LAPM");
  EXPECT_EQ(back->compression, "V44");
  CycleRecord busy;
  busy.due = kStart;
  busy.result = CallResult::Busy;
  const auto j = Encode(busy, kStart);
  EXPECT_FALSE(j.contains("rate"));  // nothing said, nothing written
  EXPECT_FALSE(j.contains("modulation"));
  EXPECT_FALSE(DecodeCycle(nlohmann::json::parse(j.dump()), kStart)->connect_rate.has_value());
}

}  // namespace
}  // namespace dialsoak::journal
