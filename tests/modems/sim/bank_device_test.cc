// A dialing modem of the bank on a tty device it opens (BankConfig::devices). The device
// here is the slave of a pty pair the test makes; the test holds the master, standing for
// the dialer at the other end of a null-modem cable. A pty has no modem-control lines, so
// the bank's own TIOCMGET fails and it runs without them (the fallback); the logic of
// the lines (the dialer's DTR as DSR/DCD, our DTR per &C, RTS) is driven through fake
// lines given in DeviceConfig::lines, since no two real ports joined by a cable are here.
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "bank_fixture.h"
#include "dialsoak/sim/bank.h"
#include "support/pty_pair.h"

namespace dialsoak::sim {
namespace {

using testing::AwaitDialResult;
using testing::Eventually;
using testing::Recorder;
using testing::StartBank;
using testing::Tty;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// The far end of the cable: the pty's master, read and written like a tty.
Tty FarEnd(const testutil::PtyPair& pair) { return Tty(io::UniqueFd(::dup(pair.master()))); }

BankConfig DeviceBank(const std::string& path) {
  BankConfig config;
  config.ports = 0;
  config.devices.push_back(DeviceConfig{path, {}, {}});
  return config;
}

// The dialer's side of fake modem-control lines: `in` is what the cable brings (the
// dialer's DTR as DSR and/or DCD), `out` what the bank drives (DTR, RTS).
struct FakeLineState {
  std::atomic<int> in{TIOCM_DSR | TIOCM_CAR};
  std::atomic<int> out{TIOCM_DTR | TIOCM_RTS};  // as the kernel leaves them at open
};

class FakeLines final : public ModemLines {
 public:
  explicit FakeLines(std::shared_ptr<FakeLineState> s) : s_(std::move(s)) {}
  io::Result<int> Get() override { return s_->in.load() | s_->out.load(); }
  io::Result<void> Set(int bits, bool up) override {
    if (up) {
      s_->out.fetch_or(bits);
    } else {
      s_->out.fetch_and(~bits);
    }
    return {};
  }

 private:
  std::shared_ptr<FakeLineState> s_;
};

BankConfig FakeLinesBank(const std::string& path, std::shared_ptr<FakeLineState> state) {
  BankConfig config = DeviceBank(path);
  config.devices[0].lines = [state](int) { return std::make_unique<FakeLines>(state); };
  return config;
}

bool Up(const FakeLineState& s, int bit) { return (s.out.load() & bit) != 0; }

// Dials on the far end and expects CONNECT.
void Connect(Tty& far) {
  far.Write("ATDT5551234\r");
  ASSERT_EQ(AwaitDialResult(far), "CONNECT") << far.pending();
}

TEST(DeviceFallbackTest, PtySlaveHasNoLinesYetAnswersDialsAndHangsUpByAth) {
  testutil::PtyPair pair(false);
  Recorder recorder;
  auto bank = StartBank(DeviceBank(pair.slave_path()), &recorder);
  ASSERT_EQ(bank->devices().size(), 1u);
  EXPECT_FALSE(bank->devices()[0].modem_lines);
  EXPECT_THAT(bank->devices()[0].no_lines, HasSubstr("TIOCMGET"));
  EXPECT_THAT(bank->devices()[0].no_lines, HasSubstr(pair.slave_path()));
  EXPECT_TRUE(bank->port_paths().empty());  // no ptys of its own

  Tty far = FarEnd(pair);
  far.Write("AT\r");
  ASSERT_TRUE(far.WaitFor("OK\r\n")) << far.pending();
  far.Write("ATS12=1\r");  // a 20 ms escape guard time
  ASSERT_TRUE(far.WaitFor("OK\r\n"));
  Connect(far);
  far.Write("ping");
  EXPECT_EQ(far.ReadBytes(4), "ping");  // the bank answered: data loops back
  std::this_thread::sleep_for(40ms);
  far.Write("+++");
  ASSERT_TRUE(far.WaitFor("OK\r\n")) << far.pending();
  far.Write("ATH\r");
  ASSERT_TRUE(far.WaitFor("OK\r\n")) << far.pending();

  auto records = recorder.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].port, 0);  // dialing port 0: the device, as there are no ptys
  EXPECT_EQ(records[0].hangup_cause, "ath");
  EXPECT_EQ(bank->stats().hangups_ath, 1u);
  Connect(far);  // and takes the next call
}

TEST(DeviceFallbackTest, DeviceGoingAwayEndsTheCallAsAClose) {
  testutil::PtyPair pair(false);
  Recorder recorder;
  auto bank = StartBank(DeviceBank(pair.slave_path()), &recorder);
  {
    Tty far = FarEnd(pair);
    Connect(far);
  }
  pair.CloseMaster();  // the cable's other end is gone: the slave reads EOF
  auto records = recorder.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].hangup_cause, "close");
  EXPECT_EQ(bank->stats().hangups_close, 1u);
}

TEST(DeviceFallbackTest, DevicesComeAfterThePtysInPortNumbers) {
  testutil::PtyPair pair(false);
  Recorder recorder;
  BankConfig config = DeviceBank(pair.slave_path());
  config.ports = 2;
  auto bank = StartBank(config, &recorder);
  EXPECT_EQ(bank->port_paths().size(), 2u);
  Tty far = FarEnd(pair);
  Connect(far);
  far.Close();
  pair.CloseMaster();
  auto records = recorder.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].port, 2);
}

TEST(DeviceOpenTest, MissingDeviceIsAClearError) {
  auto bank = ModemBank::Start(DeviceBank("/nonexistent/ttyS9"));
  ASSERT_FALSE(bank);
  EXPECT_EQ(bank.error().code, ENOENT);
  EXPECT_THAT(bank.error().message, HasSubstr("/nonexistent/ttyS9"));
  EXPECT_THAT(bank.error().message, HasSubstr("No such file"));
}

TEST(DeviceOpenTest, NotATtyIsAClearError) {
  auto bank = ModemBank::Start(DeviceBank("/dev/null"));
  ASSERT_FALSE(bank);
  EXPECT_EQ(bank.error().code, ENOTTY);
  EXPECT_THAT(bank.error().message, HasSubstr("/dev/null: not a tty"));
}

TEST(DeviceOpenTest, DeviceHeldByAnotherBankIsBusy) {
  testutil::PtyPair pair(false);
  auto first = StartBank(DeviceBank(pair.slave_path()));
  auto second = ModemBank::Start(DeviceBank(pair.slave_path()));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, EBUSY);
  EXPECT_THAT(second.error().message, HasSubstr("in use"));
}

TEST(DeviceConfigTest, RefusesAnEmptyPathABadSpeedAndVanishOnADevice) {
  BankConfig config = DeviceBank("");
  EXPECT_THAT(CheckBankConfig(config).value_or(""), HasSubstr("devices[0]: path is empty"));
  config = DeviceBank("/dev/ttyS1");
  config.devices[0].tty.speed = 12345;
  EXPECT_THAT(CheckBankConfig(config).value_or(""), HasSubstr("unsupported speed 12345"));
  config = DeviceBank("/dev/ttyS1");
  config.ports = 1;
  config.link_dir = "/tmp/x";
  config.faults = *ParseFaultConfig("vanish");
  EXPECT_THAT(CheckBankConfig(config).value_or(""),
              HasSubstr("faults[0] (vanish): port 1 is a device (/dev/ttyS1)"));
  config.faults = *ParseFaultConfig("vanish@0 noise@1");
  EXPECT_EQ(CheckBankConfig(config), std::nullopt);
  config.faults = *ParseFaultConfig("noise@2");
  EXPECT_THAT(CheckBankConfig(config).value_or(""), HasSubstr("port 2 is not a dialing port"));
}

TEST(DeviceLinesTest, RtsUpAtOpenDtrOnlyWithAmpersandC0WhileIdle) {
  testutil::PtyPair pair(false);
  auto lines = std::make_shared<FakeLineState>();
  auto bank = StartBank(FakeLinesBank(pair.slave_path(), lines));
  EXPECT_TRUE(bank->devices()[0].modem_lines);
  EXPECT_TRUE(Up(*lines, TIOCM_RTS));
  EXPECT_FALSE(Up(*lines, TIOCM_DTR));  // &C1: no call, no DCD for the dialer
  Tty far = FarEnd(pair);
  far.Write("AT&C0\r");
  ASSERT_TRUE(far.WaitFor("OK\r\n"));
  EXPECT_TRUE(Eventually([&] { return Up(*lines, TIOCM_DTR); }));
  far.Write("AT&C1\r");
  ASSERT_TRUE(far.WaitFor("OK\r\n"));
  EXPECT_TRUE(Eventually([&] { return !Up(*lines, TIOCM_DTR); }));
  bank.reset();
  EXPECT_FALSE(Up(*lines, TIOCM_RTS));  // closing drops both
}

TEST(DeviceLinesTest, DsrDropHangsUpAConnectedCallAndOurDtrFollowsTheCall) {
  testutil::PtyPair pair(false);
  auto lines = std::make_shared<FakeLineState>();
  lines->in = TIOCM_DSR;  // a cable that wires the dialer's DTR to our DSR only
  Recorder recorder;
  auto bank = StartBank(FakeLinesBank(pair.slave_path(), lines), &recorder);
  Tty far = FarEnd(pair);
  Connect(far);
  EXPECT_TRUE(Eventually([&] { return Up(*lines, TIOCM_DTR); }));  // the dialer's DCD

  lines->in = 0;  // the dialer drops DTR
  EXPECT_TRUE(far.WaitFor("NO CARRIER\r\n", 2s)) << far.pending();
  auto records = recorder.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].hangup_cause, "dtr");
  EXPECT_EQ(bank->stats().hangups_dtr, 1u);
  EXPECT_TRUE(Eventually([&] { return !Up(*lines, TIOCM_DTR); }));

  lines->in = TIOCM_DSR;
  std::this_thread::sleep_for(30ms);  // a few polls: the rise is seen
  Connect(far);
  EXPECT_TRUE(Eventually([&] { return Up(*lines, TIOCM_DTR); }));
}

TEST(DeviceLinesTest, DcdDropAbortsADialInProgress) {
  testutil::PtyPair pair(false);
  auto lines = std::make_shared<FakeLineState>();
  lines->in = TIOCM_CAR;  // the dialer's DTR wired to our DCD only
  Recorder recorder;
  BankConfig config = FakeLinesBank(pair.slave_path(), lines);
  config.call.answer_delay = Distribution::Fixed(10s);
  auto bank = StartBank(config, &recorder);
  Tty far = FarEnd(pair);
  far.Write("ATDT5551234\r");
  ASSERT_TRUE(Eventually([&] { return bank->stats().calls == 1; }));
  lines->in = 0;
  EXPECT_EQ(AwaitDialResult(far, 2s), "NO CARRIER") << far.pending();
  auto records = recorder.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].hangup_cause, "dtr");
  EXPECT_EQ(bank->stats().no_carrier, 1u);
  EXPECT_FALSE(Up(*lines, TIOCM_DTR));  // never connected
}

// A three-wire cable (or a dialer not started yet): DSR and DCD low from the start. That
// is no drop; the call stays up until ATH.
TEST(DeviceLinesTest, LinesLowFromTheStartAreNoDrop) {
  testutil::PtyPair pair(false);
  auto lines = std::make_shared<FakeLineState>();
  lines->in = 0;
  Recorder recorder;
  auto bank = StartBank(FakeLinesBank(pair.slave_path(), lines), &recorder);
  Tty far = FarEnd(pair);
  Connect(far);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(far.Drain(20ms), "");
  EXPECT_EQ(bank->stats().hangups_dtr, 0u);
  lines->in = TIOCM_DSR | TIOCM_CAR;  // the dialer raises DTR, then drops it
  std::this_thread::sleep_for(30ms);
  lines->in = 0;
  EXPECT_TRUE(far.WaitFor("NO CARRIER\r\n", 2s)) << far.pending();
  EXPECT_EQ(recorder.WaitFor(1).at(0).hangup_cause, "dtr");
}

}  // namespace
}  // namespace dialsoak::sim
