// The journal: records written by the observer come back from Replay as they went in;
// damage (a torn last line, a garbled line, a foreign file) is counted or refused; the file
// is never written over or through a symlink; a write that fails stops the journal and
// says why. Real files in a scratch directory.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "dialsoak/journal/journal_codec.h"
#include "dialsoak/journal/journal_reader.h"
#include "dialsoak/journal/journal_writer.h"

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
  void OnDropped(const DroppedCall& d) override { drops.push_back(d); }
  void OnProbe(const ProbeSample& s) override { probes.push_back(s); }
  void OnFdTable(const FdTable& t) override { tables.push_back(t); }
  void OnLeakEstimate(const LeakEstimate& e) override { estimates.push_back(e); }
  void OnRunEnd(const RunEnd& e) override { end = e; }
  RunInfo info;
  std::vector<CycleRecord> cycles;
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
  EXPECT_EQ((*w)->records(), 12) << "header, start, 2 probes, 2 tables, 2 cycles, a drop, a "
                                    "suspicion, the end, the simulator";

  auto header = ReadJournalHeader(path);
  ASSERT_TRUE(header) << header.error().message;
  EXPECT_EQ(header->format, kFormat);
  EXPECT_EQ(header->command, "run");
  EXPECT_EQ(header->config["lines"], 2);

  Recorder rec;
  auto stats = Replay(path, {&rec});
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->records, 11);  // all but the header
  EXPECT_EQ(stats->torn_lines, 0);
  EXPECT_EQ(stats->bad_lines, 0);
  EXPECT_EQ(rec.info.run_id, "20261202T060000-beef");
  EXPECT_EQ(rec.info.cycles_per_line, 5);
  EXPECT_EQ(rec.info.started, Info().started);
  ASSERT_EQ(rec.cycles.size(), 2u);
  const CycleRecord& c = rec.cycles[0];
  const CycleRecord want = Cycle(0, 0, 1ms, CallResult::Connect);
  EXPECT_EQ(c.due - rec.info.start, 1ms) << "times keep their offsets from the start";
  EXPECT_EQ(c.result, CallResult::Connect);
  EXPECT_EQ(c.dial_latency, want.dial_latency);
  EXPECT_EQ(c.start_lag, 12us);
  EXPECT_EQ(c.held, 20ms);
  EXPECT_EQ(c.detail, "CONNECT 33600/ARQ");
  EXPECT_EQ(c.hangup_latency, 90us);
  EXPECT_EQ(c.hangup_method, HangupMethod::Dtr);
  EXPECT_EQ(c.hangup_detail, "NO CARRIER");
  EXPECT_EQ(rec.cycles[1].result, CallResult::Busy);
  EXPECT_FALSE(rec.cycles[1].hung_up);
  ASSERT_EQ(rec.drops.size(), 1u);
  EXPECT_EQ(rec.drops[0].arrival, 2);
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
  ASSERT_EQ(rec.cycles.size(), 1u);
  EXPECT_THAT(rec.cycles[0].detail, HasSubstr("line noise \xEF\xBF\xBD"));  // U+FFFD
  EXPECT_THAT(rec.cycles[0].detail, HasSubstr(std::string("\0 here", 6))) << "a NUL is text too";
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
  EXPECT_EQ(rec.cycles.size(), 3u);
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
  text.insert(third, "not json at all\n{\"t\":\"cycle\",\"line\":\"x\"}\n{\"t\":\"martian\"}\n");
  Write(path, text);
  Recorder rec;
  auto stats = Replay(path, {&rec});
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->bad_lines, 3);
  EXPECT_EQ(stats->first_bad_line, 4);
  EXPECT_EQ(rec.cycles.size(), 2u) << "the good records around them all count";
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
  EXPECT_THAT(ReadJournalHeader(path).error().message, HasSubstr("format 99, this dialsoak reads format 1"));
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
  for (int i = 0; i < 200; ++i) (*w)->OnCycle(Cycle(0, i, std::chrono::milliseconds(i), CallResult::Connect));
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
  EXPECT_LT(rec.cycles.size(), 200u);
}

}  // namespace
}  // namespace dialsoak::journal
