// 1,000 dial/hang-up cycles through the serial Line over a modemsim pty: every cycle
// connects and hangs up, and the process's open descriptors return to their count before
// the loop (the KB Q197517 check, on our own code).
#include <chrono>
#include <cstdio>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dialsoak/serial/serial_line.h"
#include "support/child_process.h"
#include "support/proc_fds.h"

namespace dialsoak {
namespace {

using namespace std::chrono_literals;

// Starts modemsim and returns the path of its first dialing port.
std::string StartModemsim(testutil::ChildProcess& sim) {
  for (;;) {
    auto line = sim.ReadLine(10s);
    if (!line) return {};
    if (*line == "ready") return {};
    std::istringstream words(*line);
    std::string name, path;
    words >> name >> path;
    if (name == "modem0") {
      while (auto rest = sim.ReadLine(10s)) {
        if (*rest == "ready") return path;
      }
      return {};
    }
  }
}

TEST(DialCycleIntegrationTest, ThousandCyclesConnectAndLeaveNoDescriptorBehind) {
  testutil::ChildProcess sim({MODEMSIM_PATH, "--ports", "1", "--log-level", "warn"});
  std::string port = StartModemsim(sim);
  ASSERT_FALSE(port.empty()) << "modemsim did not report its ports";

  const int fds_before_open = testutil::OpenFdCount();
  int fds_before_loop = 0, fds_after_loop = 0;
  constexpr int kCycles = 1000;
  int connects = 0;
  std::chrono::duration<double> loop{};
  {
    serial::SerialLineConfig config;
    config.device = port;
    auto line = serial::SerialLine::Open(config);
    ASSERT_TRUE(line) << line.error().message;
    EXPECT_EQ((*line)->hangup_method(), HangupMethod::Dtr);

    fds_before_loop = testutil::OpenFdCount();
    auto start = Clock::now();
    for (int i = 0; i < kCycles; ++i) {
      DialOutcome d = (*line)->dial("5551234", Deadline::After(5s));
      ASSERT_EQ(d.result, CallResult::Connect) << "cycle " << i << ": " << d.detail;
      ++connects;
      HangupOutcome h = (*line)->hangup(Deadline::After(5s));
      ASSERT_TRUE(h.ok) << "cycle " << i << ": " << h.detail;
      ASSERT_EQ(h.method, HangupMethod::Dtr);
    }
    loop = Clock::now() - start;
    fds_after_loop = testutil::OpenFdCount();
  }
  const int fds_after_close = testutil::OpenFdCount();

  EXPECT_EQ(connects, kCycles);
  EXPECT_EQ(fds_after_loop, fds_before_loop);
  EXPECT_EQ(fds_after_close, fds_before_open);
  std::printf("[ cycles ] %d cycles in %.3f s = %.0f cycles/s; fds before/after loop %d/%d, "
              "before open/after close %d/%d\n",
              kCycles, loop.count(), kCycles / loop.count(), fds_before_loop, fds_after_loop,
              fds_before_open, fds_after_close);
  EXPECT_EQ(sim.Stop(), 0) << "modemsim did not exit cleanly on SIGTERM";
}

}  // namespace
}  // namespace dialsoak
