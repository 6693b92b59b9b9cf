// ExecLine with real processes (sh, sleep, test): each way of deciding "connected", exit
// codes to results, deadlines that kill the whole process group, hang-up commands, and
// what a child inherits (signals unblocked, no stray descriptors).
#include "dialsoak/exec/exec_line.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dialsoak::exec {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

Command Sh(std::string script) { return Command{{"/bin/sh", "-c", std::move(script)}}; }

std::unique_ptr<ExecLine> OpenOrDie(ExecLineConfig c) {
  auto line = ExecLine::Open(std::move(c));
  EXPECT_TRUE(line) << (line ? "" : line.error().message);
  return line ? std::move(*line) : nullptr;
}

// True once pid is gone or a zombie nobody reaped yet (it no longer runs).
bool Ended(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

bool EndsWithin(pid_t pid, std::chrono::milliseconds limit) {
  const auto until = Clock::now() + limit;
  while (!Ended(pid)) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

pid_t ReadPid(const std::filesystem::path& file) {
  std::ifstream in(file);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

class ExecLineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/exec-line-test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string File(const char* name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

TEST_F(ExecLineTest, ExitZeroIsConnectAndOtherCodesMapToResults) {
  ExecLineConfig c;
  c.exit_results = {{3, CallResult::Timeout}, {4, CallResult::Busy}};
  c.dial = Sh("echo CONNECT 33600; exit 0");
  auto ok = OpenOrDie(c);
  DialOutcome d = ok->dial("5551234", Deadline::After(5s));
  EXPECT_EQ(d.result, CallResult::Connect);
  EXPECT_EQ(d.detail, "exit 0: CONNECT 33600");
  EXPECT_EQ(d.connect_rate, 33600u);  // the dialer's last line is the modem's CONNECT
  EXPECT_FALSE(ok->watchable());  // nothing holds the call: the engine waits the hold itself
  HangupOutcome h = ok->hangup(Deadline::After(5s));
  EXPECT_TRUE(h.ok);
  EXPECT_EQ(h.method, HangupMethod::None);

  for (auto [code, result, detail] :
       {std::tuple{4, CallResult::Busy, "exit 4 (busy): BUSY"},
        std::tuple{3, CallResult::Timeout, "exit 3 (timeout): BUSY"},
        std::tuple{2, CallResult::Error, "exit 2: BUSY"}}) {
    c.dial = Sh("echo BUSY >&2; exit " + std::to_string(code));
    auto l = OpenOrDie(c);
    DialOutcome r = l->dial("1", Deadline::After(5s));
    EXPECT_EQ(r.result, result) << code;
    EXPECT_EQ(r.detail, detail);
    // A failed dial leaves nothing to hang up.
    EXPECT_EQ(l->hangup(Deadline::After(1s)).method, HangupMethod::None);
  }
}

TEST_F(ExecLineTest, ASignalThatEndsTheDialerIsAnError) {
  ExecLineConfig c;
  c.dial = Sh("kill -SEGV $$");
  DialOutcome d = OpenOrDie(c)->dial("1", Deadline::After(5s));
  EXPECT_EQ(d.result, CallResult::Error);
  EXPECT_EQ(d.detail, "killed by SIGSEGV");
}

TEST_F(ExecLineTest, ADeadlineKillsTheWholeProcessGroup) {
  ExecLineConfig c;
  // A dialer that started a helper of its own, then hangs.
  c.dial = Sh("sleep 30 & echo $! > " + File("helper") + "; echo waiting; sleep 30");
  auto line = OpenOrDie(c);
  const auto start = Clock::now();
  DialOutcome d = line->dial("1", Deadline::After(400ms));
  const auto took = Clock::now() - start;
  EXPECT_EQ(d.result, CallResult::Timeout);
  EXPECT_THAT(d.detail, HasSubstr("dial command stopped: waiting"));
  EXPECT_GE(took, 400ms);
  EXPECT_LT(took, 400ms + c.kill_grace + 1s);
  const pid_t helper = ReadPid(File("helper"));
  ASSERT_GT(helper, 0);
  EXPECT_TRUE(EndsWithin(helper, 2s)) << "the dialer's helper " << helper << " still runs";
}

TEST_F(ExecLineTest, ADialerThatIgnoresSigtermGetsSigkillAfterTheGrace) {
  ExecLineConfig c;
  c.dial = Sh("trap '' TERM; echo $$ > " + File("pid") + "; sleep 30");
  c.kill_grace = 200ms;
  auto line = OpenOrDie(c);
  const auto start = Clock::now();
  DialOutcome d = line->dial("1", Deadline::After(300ms));
  const auto took = Clock::now() - start;
  EXPECT_EQ(d.result, CallResult::Timeout);
  EXPECT_GE(took, 300ms + c.kill_grace);
  EXPECT_LT(took, 3s);
  EXPECT_TRUE(EndsWithin(ReadPid(File("pid")), 1s));
}

TEST_F(ExecLineTest, OutputModeConnectsOnAMatchingLineAndTheDialerHoldsTheCall) {
  ExecLineConfig c;
  c.connected_when = ConnectedWhen::Output;
  c.connect_regex = "local +IP address [0-9.]+";
  c.dial = Sh("echo $$ > " + File("pid") +
              "; echo 'Serial connection established.'; echo 'local  IP address 10.0.0.2'; "
              "exec sleep 30");
  auto line = OpenOrDie(c);
  DialOutcome d = line->dial("1", Deadline::After(5s));
  ASSERT_EQ(d.result, CallResult::Connect) << d.detail;
  EXPECT_EQ(d.detail, "local  IP address 10.0.0.2");
  EXPECT_FALSE(d.connect_rate.has_value());  // no CONNECT said
  ASSERT_TRUE(line->watchable());
  EXPECT_EQ(line->watch(Deadline::After(200ms)), std::nullopt);  // still up
  const pid_t pid = ReadPid(File("pid"));
  EXPECT_FALSE(Ended(pid));
  HangupOutcome h = line->hangup(Deadline::After(5s));
  EXPECT_TRUE(h.ok) << h.detail;
  EXPECT_EQ(h.method, HangupMethod::Signal);
  EXPECT_EQ(h.detail, "dial command ended (killed by SIGTERM)");
  EXPECT_TRUE(EndsWithin(pid, 1s));
}

TEST_F(ExecLineTest, OutputModeSeesTheDialerEndTheCallByItself) {
  ExecLineConfig c;
  c.connected_when = ConnectedWhen::Output;
  c.connect_regex = "^up$";
  c.dial = Sh("echo up; sleep 0.2; echo 'Connection terminated.'; exit 1");
  auto line = OpenOrDie(c);
  ASSERT_EQ(line->dial("1", Deadline::After(5s)).result, CallResult::Connect);
  EXPECT_EQ(line->watch(Deadline::After(5s)),
            "dial command ended (exit 1): Connection terminated.");
  HangupOutcome h = line->hangup(Deadline::After(1s));
  EXPECT_TRUE(h.ok);
  EXPECT_EQ(h.method, HangupMethod::None);
  EXPECT_THAT(h.detail, HasSubstr("call already ended"));

  c.dial = Sh("echo 'Connect script failed'; exit 0");
  DialOutcome d = OpenOrDie(c)->dial("1", Deadline::After(5s));
  EXPECT_EQ(d.result, CallResult::Error);
  EXPECT_EQ(d.detail, "exit 0 before a line matched /^up$/: Connect script failed");
}

TEST_F(ExecLineTest, CheckModeConnectsWhenTheCheckSucceedsAndHangsUpWhenItFails) {
  ExecLineConfig c;
  c.connected_when = ConnectedWhen::Check;
  c.dial = Sh("(sleep 0.3; touch " + File("ppp0") + ") &");  // returns at once, as pon does
  c.check = Command{{"test", "-e", File("ppp0")}};
  c.hangup = Command{{"rm", "-f", File("ppp0")}};
  auto line = OpenOrDie(c);
  const auto start = Clock::now();
  DialOutcome d = line->dial("1", Deadline::After(5s));
  ASSERT_EQ(d.result, CallResult::Connect) << d.detail;
  EXPECT_GE(Clock::now() - start, 300ms);
  EXPECT_THAT(d.detail, HasSubstr("exits 0"));
  HangupOutcome h = line->hangup(Deadline::After(5s));
  EXPECT_TRUE(h.ok) << h.detail;
  EXPECT_EQ(h.method, HangupMethod::Command);
  EXPECT_FALSE(std::filesystem::exists(File("ppp0")));

  // A hang-up command that leaves the connection up is a failed hang-up.
  c.dial = Sh("touch " + File("ppp0"));
  c.hangup = Command{{"true"}};
  auto stuck = OpenOrDie(c);
  ASSERT_EQ(stuck->dial("1", Deadline::After(5s)).result, CallResult::Connect);
  HangupOutcome s = stuck->hangup(Deadline::After(500ms));
  EXPECT_FALSE(s.ok);
  EXPECT_THAT(s.detail, HasSubstr("still connected"));

  // A check that never succeeds: the dial times out.
  std::filesystem::remove(File("ppp0"));
  c.dial = Command{{"true"}};
  DialOutcome t = OpenOrDie(c)->dial("1", Deadline::After(400ms));
  EXPECT_EQ(t.result, CallResult::Timeout);
}

TEST_F(ExecLineTest, HangupCommandFailuresAndHangsAreReported) {
  ExecLineConfig c;
  c.dial = Command{{"true"}};
  c.hangup = Sh("echo 'poff: no pppd is running'; exit 1");
  auto line = OpenOrDie(c);
  ASSERT_EQ(line->dial("1", Deadline::After(5s)).result, CallResult::Connect);
  HangupOutcome h = line->hangup(Deadline::After(5s));
  EXPECT_FALSE(h.ok);
  EXPECT_EQ(h.detail, "hang-up command exit 1: poff: no pppd is running");

  c.hangup = Command{{"sleep", "30"}};
  c.kill_grace = 100ms;
  auto hangs = OpenOrDie(c);
  ASSERT_EQ(hangs->dial("1", Deadline::After(5s)).result, CallResult::Connect);
  const auto start = Clock::now();
  HangupOutcome s = hangs->hangup(Deadline::After(300ms));
  EXPECT_FALSE(s.ok);
  EXPECT_THAT(s.detail, HasSubstr("no end by its deadline"));
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST_F(ExecLineTest, PlaceholdersAreFilledInEachDial) {
  ExecLineConfig c;
  c.dial = Command{{"/bin/sh", "-c", "test \"$0 $1\" = '5551234 7'", "{number}", "{line}"}};
  c.line_index = 7;
  auto line = OpenOrDie(c);
  EXPECT_EQ(line->dial("5551234", Deadline::After(5s)).result, CallResult::Connect);
  EXPECT_EQ(line->dial("5550000", Deadline::After(5s)).result, CallResult::Error);
}

TEST_F(ExecLineTest, AChildGetsNoBlockedSignalsAndNoStrayDescriptors) {
  // The caller blocks SIGTERM (dialsoak's workers do); the dialer must not inherit that.
  sigset_t term, old;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &term, &old), 0);
  ExecLineConfig c;
  c.connected_when = ConnectedWhen::Output;
  c.connect_regex = "^SigBlk:\\s+0+$";
  c.dial = Command{{"grep", "SigBlk", "/proc/self/status"}};
  DialOutcome blk = OpenOrDie(c)->dial("1", Deadline::After(5s));
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  EXPECT_EQ(blk.result, CallResult::Connect) << blk.detail;

  // A descriptor opened without O_CLOEXEC stays ours.
  const int stray = ::open("/dev/null", O_RDONLY);
  ASSERT_GT(stray, 2);
  c.connect_regex = "^" + std::to_string(stray) + "$";
  c.dial = Sh("ls /proc/$$/fd");
  DialOutcome fds = OpenOrDie(c)->dial("1", Deadline::After(5s));
  ::close(stray);
  EXPECT_EQ(fds.result, CallResult::Error) << "the child had descriptor " << stray;
  EXPECT_THAT(fds.detail, HasSubstr("before a line matched"));
}

TEST_F(ExecLineTest, BadConfigsAndMissingProgramsAreClearErrors) {
  ExecLineConfig c;
  c.dial = Command{{"dialsoak-no-such-dialer", "provider"}};
  auto missing = ExecLine::Open(c);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "dial command 'dialsoak-no-such-dialer provider': program 'dialsoak-no-such-dialer' "
            "not found in PATH");
  c.dial = Command{{"true"}};
  c.hangup = Command{{"/nonexistent/poff"}};
  auto no_hangup = ExecLine::Open(c);
  ASSERT_FALSE(no_hangup);
  EXPECT_THAT(no_hangup.error().message, HasSubstr("hang-up command '/nonexistent/poff'"));

  ExecLineConfig regex;
  regex.dial = Command{{"true"}};
  regex.connected_when = ConnectedWhen::Output;
  regex.connect_regex = "CONNECT (";
  auto bad = ExecLine::Open(regex);
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("does not compile"));
  EXPECT_THAT(ExecLine::Open(ExecLineConfig{}).error().message, HasSubstr("needs a dial command"));
}

TEST(ParseCallResultTest, KnowsEveryLabel) {
  for (int i = 0; i < kCallResultCount; ++i) {
    const auto r = static_cast<CallResult>(i);
    EXPECT_EQ(ParseCallResult(ToString(r)), r);
  }
  EXPECT_EQ(ParseCallResult("BUSY"), std::nullopt);
}

}  // namespace
}  // namespace dialsoak::exec
