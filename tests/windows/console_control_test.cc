// dialsoak-ras's console control handling (bench/windows/console_control.h) with RAS
// lines on the stand-in RAS (FakeRas): a close, log-off or shutdown hangs up every open
// connection, from a thread of its own as Windows runs the handler, while a line's own
// thread is busy in a dial; Ctrl-C only stops the run. Windows' close event itself cannot
// be raised here (GenerateConsoleCtrlEvent sends only Ctrl-C and Ctrl-Break), so the
// handler's work is called directly, on a thread as Windows would.
#include "console_control.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dialsoak/ras/ras_line.h"
#include "fake_ras.h"

namespace dialsoak::windows {
namespace {

using ras::FakeRas;
using ras::RasConnections;
using ras::RasLine;
using ras::RasLineConfig;
using std::chrono::milliseconds;

RasLineConfig Config(const std::string& entry) {
  RasLineConfig c;
  c.entry = entry;
  c.user = "soak";
  c.password = "not-for-logs";
  c.hangup_poll = milliseconds(1);
  return c;
}

struct Recorder {
  std::mutex mu;
  std::vector<std::string> lines;
  std::atomic<int> stops{0};

  ConsoleControlTargets Targets(RasConnections* connections) {
    ConsoleControlTargets t;
    t.stop = [this] { ++stops; };
    t.connections = connections;
    t.log = [this](const std::string& line) {
      std::lock_guard lock(mu);
      lines.push_back(line);
    };
    return t;
  }
  std::string Last() {
    std::lock_guard lock(mu);
    return lines.empty() ? std::string() : lines.back();
  }
};

// Runs the handler on a thread of its own, as Windows does; returns what it returned.
BOOL OnItsOwnThread(DWORD type, const ConsoleControlTargets& t,
                    std::chrono::nanoseconds budget = kCloseHangupBudget) {
  BOOL handled = FALSE;
  std::thread([&] { handled = HandleConsoleControl(type, t, budget); }).join();
  return handled;
}

class CloseEventTest : public ::testing::TestWithParam<DWORD> {};

TEST_P(CloseEventTest, HangsUpEveryOpenConnection) {
  FakeRas ras;
  RasConnections connections;
  RasLine a(Config("line-a"), ras.Api(), &connections);
  RasLine b(Config("line-b"), ras.Api(), &connections);
  ASSERT_EQ(a.dial("5551", Deadline::After(std::chrono::seconds(2))).result, CallResult::Connect);
  ASSERT_EQ(b.dial("5552", Deadline::After(std::chrono::seconds(2))).result, CallResult::Connect);
  // A third connection: a failed dial that still returned its handle.
  FakeRas failing;
  failing.dial_rc = ERROR_AUTHENTICATION_FAILURE;
  RasLine c(Config("line-c"), failing.Api(), &connections);
  ASSERT_EQ(c.dial("5553", Deadline::After(std::chrono::seconds(2))).result, CallResult::Error);
  ASSERT_EQ(connections.size(), 3u);

  Recorder rec;
  EXPECT_TRUE(OnItsOwnThread(GetParam(), rec.Targets(&connections)));
  EXPECT_EQ(rec.stops.load(), 1);
  EXPECT_EQ(connections.size(), 0u);
  EXPECT_EQ(ras.HungUp().size(), 2u);
  EXPECT_EQ(failing.HungUp().size(), 1u);
  const std::string log = rec.Last();
  std::printf("%s\n", log.c_str());
  EXPECT_NE(log.find(ConsoleControlName(GetParam())), std::string::npos) << log;
  EXPECT_NE(log.find("hung up 3 RAS connection(s), all gone"), std::string::npos) << log;
  EXPECT_EQ(log.find("not-for-logs"), std::string::npos) << log;

  // The lines' own hang-ups then find their handles gone; no new dial starts.
  EXPECT_TRUE(a.hangup(Deadline::After(std::chrono::seconds(1))).ok);
  EXPECT_TRUE(b.hangup(Deadline::After(std::chrono::seconds(1))).ok);
  EXPECT_TRUE(c.hangup(Deadline::After(std::chrono::seconds(1))).ok);
  DialOutcome again = a.dial("5551", Deadline::After(std::chrono::seconds(1)));
  EXPECT_EQ(again.result, CallResult::Error);
  EXPECT_NE(again.detail.find("console closing"), std::string::npos) << again.detail;
  EXPECT_EQ(ras.Dials().size(), 2u);  // RasDial not called again
}

INSTANTIATE_TEST_SUITE_P(CloseLogoffShutdown, CloseEventTest,
                         ::testing::Values(DWORD{CTRL_CLOSE_EVENT}, DWORD{CTRL_LOGOFF_EVENT},
                                           DWORD{CTRL_SHUTDOWN_EVENT}));

// The line's own thread is in dial(), waiting for RAS, when the console closes: its
// connection is reachable all the same, and hung up from the handler's thread.
TEST(ConsoleControlTest, HangsUpAConnectionWhileItsLineIsStillDialing) {
  FakeRas ras;
  ras.notify = false;  // RAS never reports: the dial waits until its deadline
  RasConnections connections;
  RasLine line(Config("busy-line"), ras.Api(), &connections);
  DialOutcome outcome{};
  std::thread worker(
      [&] { outcome = line.dial("5551234", Deadline::After(std::chrono::seconds(2))); });
  const auto until = Clock::now() + std::chrono::seconds(2);
  while (connections.size() == 0 && Clock::now() < until)
    std::this_thread::sleep_for(milliseconds(1));
  ASSERT_EQ(connections.size(), 1u);

  Recorder rec;
  EXPECT_TRUE(OnItsOwnThread(CTRL_CLOSE_EVENT, rec.Targets(&connections)));
  EXPECT_EQ(ras.HungUp().size(), 1u);
  EXPECT_EQ(connections.size(), 0u);
  EXPECT_NE(rec.Last().find("hung up 1 RAS connection(s), all gone"), std::string::npos)
      << rec.Last();
  worker.join();
  EXPECT_EQ(outcome.result, CallResult::Timeout);
  EXPECT_TRUE(line.hangup(Deadline::After(std::chrono::seconds(1))).ok);
}

// A connection that never goes away does not hold the handler past its budget (Windows
// would end the process anyway), and the log says which one is still up.
TEST(ConsoleControlTest, EndsByItsBudgetWhenAConnectionStaysUp) {
  FakeRas ras;
  ras.polls_until_gone = INT_MAX;
  RasConnections connections;
  RasLine line(Config("stuck-line"), ras.Api(), &connections);
  ASSERT_EQ(line.dial("5551234", Deadline::After(std::chrono::seconds(2))).result,
            CallResult::Connect);
  Recorder rec;
  const auto start = Clock::now();
  EXPECT_TRUE(OnItsOwnThread(CTRL_CLOSE_EVENT, rec.Targets(&connections), milliseconds(300)));
  const auto took = Clock::now() - start;
  EXPECT_GE(took, milliseconds(300));
  EXPECT_LT(took, milliseconds(1500));
  EXPECT_EQ(ras.HungUp().size(), 1u);
  const std::string log = rec.Last();
  std::printf("%s\n", log.c_str());
  EXPECT_NE(log.find("hung up 1 RAS connection(s), 0 gone"), std::string::npos) << log;
  EXPECT_NE(log.find("still up at the bound: stuck-line (RasGetConnectStatus returned 0)"),
            std::string::npos)
      << log;
  ras.polls_until_gone = 0;  // let the destructor's hang-up end
}

TEST(ConsoleControlTest, CtrlCAndCtrlBreakOnlyStopTheRun) {
  FakeRas ras;
  RasConnections connections;
  RasLine line(Config("line"), ras.Api(), &connections);
  ASSERT_EQ(line.dial("5551234", Deadline::After(std::chrono::seconds(2))).result,
            CallResult::Connect);
  Recorder rec;
  EXPECT_TRUE(OnItsOwnThread(CTRL_C_EVENT, rec.Targets(&connections)));
  EXPECT_TRUE(OnItsOwnThread(CTRL_BREAK_EVENT, rec.Targets(&connections)));
  EXPECT_EQ(rec.stops.load(), 2);
  EXPECT_TRUE(ras.HungUp().empty());  // the engine's lines hang up, as the run stops
  EXPECT_EQ(connections.size(), 1u);
  EXPECT_FALSE(connections.closing());
  EXPECT_FALSE(OnItsOwnThread(3, rec.Targets(&connections)));  // not ours: the next handler's
  EXPECT_EQ(rec.stops.load(), 2);
  EXPECT_TRUE(line.hangup(Deadline::After(std::chrono::seconds(1))).ok);
  EXPECT_EQ(connections.size(), 0u);
}

}  // namespace
}  // namespace dialsoak::windows
