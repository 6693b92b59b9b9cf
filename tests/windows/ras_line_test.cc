// RasLine against wine's rasapi32 (whose RasDialA is a stub that fails) and against a
// stand-in RAS (RasApi) for the paths wine cannot show: a handle returned by a failed
// dial, RAS notifications, a handle that goes away after some polls.
#include "dialsoak/ras/ras_line.h"

#include <gtest/gtest.h>
#include <raserror.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace dialsoak::ras {
namespace {

using std::chrono::milliseconds;

constexpr const char* kPassword = "hunter2-not-for-logs";
constexpr const char* kUser = "soak-user-7";

RasLineConfig Config() {
  RasLineConfig c;
  c.entry = "dialsoak-test-entry";
  c.user = kUser;
  c.password = kPassword;
  c.hangup_poll = milliseconds(1);
  return c;
}

void ExpectNoCredentials(const std::string& detail) {
  EXPECT_EQ(detail.find(kPassword), std::string::npos) << detail;
  EXPECT_EQ(detail.find(kUser), std::string::npos) << detail;
}

HRASCONN FakeHandle(std::uintptr_t n) { return reinterpret_cast<HRASCONN>(n); }

// A RAS stand-in: RasDial returns dial_rc and handle; the notifier is called from a thread
// of its own with notify_state/notify_error (unless notify is false); the handle goes
// away (ERROR_INVALID_HANDLE) after polls_until_gone status polls once hung up.
struct FakeRas {
  DWORD dial_rc = 0;
  HRASCONN handle = FakeHandle(0x42);
  bool notify = true;
  RASCONNSTATE notify_state = RASCS_Connected;
  DWORD notify_error = 0;
  int polls_until_gone = 2;

  std::vector<HRASCONN> hung_up;
  std::atomic<int> polls{0};
  std::string seen_password;
  std::vector<std::thread> notifiers;

  ~FakeRas() {
    for (auto& t : notifiers) t.join();
  }

  RasApi Api() {
    RasApi api;
    api.dial = [this](LPCSTR, RASDIALPARAMSA* p, RasNotifier notifier, HRASCONN* conn) {
      seen_password = p->szPassword;
      *conn = handle;
      if (dial_rc == 0 && notify) {
        const ULONG_PTR id = p->dwCallbackId;
        notifiers.emplace_back([=, this] {
          std::this_thread::sleep_for(milliseconds(20));
          notifier(id, 0, handle, 0, RASCS_OpenPort, 0, 0);
          notifier(id, 0, handle, 0, notify_state, notify_error, 0);
        });
      }
      return dial_rc;
    };
    api.hang_up = [this](HRASCONN conn) {
      hung_up.push_back(conn);
      return DWORD{0};
    };
    api.get_connect_status = [this](HRASCONN, RASCONNSTATUSA* s) {
      EXPECT_EQ(s->dwSize, sizeof(RASCONNSTATUSA));
      const int n = ++polls;
      if (!hung_up.empty() && n > polls_until_gone) return DWORD{ERROR_INVALID_HANDLE};
      s->rasconnstate = RASCS_Connected;
      return DWORD{0};
    };
    api.get_error_string = [](UINT code, LPSTR text, DWORD size) {
      if (code == ERROR_LINE_BUSY) {
        lstrcpynA(text, "The line is busy.", static_cast<int>(size));
        return DWORD{0};
      }
      if (code == ERROR_AUTHENTICATION_FAILURE) {
        lstrcpynA(text, "Access was denied.", static_cast<int>(size));
        return DWORD{0};
      }
      return DWORD{ERROR_INVALID_PARAMETER};
    };
    return api;
  }
};

// Wine's RasDialA is a stub returning 1 with no handle (a real Windows without the entry
// returns 623, ERROR_CANNOT_FIND_PHONEBOOK_ENTRY): an Error, with the code and a text.
TEST(RasLineWineTest, FailedRasDialIsAnErrorWithCodeAndText) {
  RasLine line(Config());
  const auto deadline = Deadline::After(std::chrono::seconds(5));
  DialOutcome d = line.dial("5551234", deadline);
  EXPECT_EQ(d.result, CallResult::Error) << d.detail;
  EXPECT_EQ(d.detail.rfind("RAS error ", 0), 0u) << d.detail;
  EXPECT_LT(d.elapsed, std::chrono::seconds(5));
  ExpectNoCredentials(d.detail);
  std::printf("wine RasDialA: %s\n", d.detail.c_str());

  HangupOutcome h = line.hangup(Deadline::After(std::chrono::seconds(2)));
  EXPECT_TRUE(h.ok) << h.detail;
  EXPECT_LT(h.elapsed, std::chrono::seconds(2));
  ExpectNoCredentials(h.detail);
  EXPECT_EQ(line.open_handles(), 0u);
}

// A handle RasDial returned with its error is hung up, and the hang-up waits until
// RasGetConnectStatus says the handle is gone.
TEST(RasLineTest, HangsUpTheHandleOfAFailedDial) {
  FakeRas ras;
  ras.dial_rc = ERROR_AUTHENTICATION_FAILURE;
  RasLine line(Config(), ras.Api());
  DialOutcome d = line.dial("", Deadline::After(std::chrono::seconds(2)));
  EXPECT_EQ(d.result, CallResult::Error);
  EXPECT_EQ(d.detail, "RAS error 691: Access was denied");
  EXPECT_EQ(ras.seen_password, kPassword);
  EXPECT_EQ(line.open_handles(), 1u);

  HangupOutcome h = line.hangup(Deadline::After(std::chrono::seconds(2)));
  EXPECT_TRUE(h.ok) << h.detail;
  EXPECT_EQ(h.method, HangupMethod::Api);
  ASSERT_EQ(ras.hung_up.size(), 1u);
  EXPECT_EQ(ras.hung_up[0], FakeHandle(0x42));
  EXPECT_EQ(ras.polls.load(), 3);  // connected, connected, invalid handle
  EXPECT_EQ(h.detail, "RasHangUp; handle gone after 3 polls");
  EXPECT_EQ(line.open_handles(), 0u);
}

TEST(RasLineTest, NotifiedErrorsAreOutcomes) {
  FakeRas ras;
  ras.notify_state = RASCS_ConnectDevice;
  ras.notify_error = ERROR_LINE_BUSY;
  RasLine line(Config(), ras.Api());
  DialOutcome d = line.dial("5551234", Deadline::After(std::chrono::seconds(2)));
  EXPECT_EQ(d.result, CallResult::Busy);
  EXPECT_EQ(d.detail, "RAS error 676: The line is busy");
  EXPECT_TRUE(line.hangup(Deadline::After(std::chrono::seconds(2))).ok);
}

TEST(RasLineTest, ConnectsThenHangsUp) {
  FakeRas ras;
  RasLine line(Config(), ras.Api());
  DialOutcome d = line.dial("5551234", Deadline::After(std::chrono::seconds(2)));
  EXPECT_EQ(d.result, CallResult::Connect) << d.detail;
  ExpectNoCredentials(d.detail);
  HangupOutcome h = line.hangup(Deadline::After(std::chrono::seconds(2)));
  EXPECT_TRUE(h.ok) << h.detail;
  EXPECT_GT(h.elapsed, std::chrono::nanoseconds::zero());
  ASSERT_EQ(ras.hung_up.size(), 1u);
}

TEST(RasLineTest, NoResultByTheDeadlineIsATimeout) {
  FakeRas ras;
  ras.notify = false;
  RasLine line(Config(), ras.Api());
  const auto start = Clock::now();
  DialOutcome d = line.dial("5551234", Deadline::After(milliseconds(100)));
  EXPECT_EQ(d.result, CallResult::Timeout);
  EXPECT_LT(Clock::now() - start, milliseconds(1000));
  EXPECT_TRUE(line.hangup(Deadline::After(std::chrono::seconds(2))).ok);
  EXPECT_EQ(ras.hung_up.size(), 1u);
}

TEST(RasLineTest, TooLongAFieldIsRefusedBeforeRasDial) {
  FakeRas ras;
  RasLineConfig c = Config();
  c.entry = std::string(300, 'e');
  RasLine line(c, ras.Api());
  DialOutcome d = line.dial("5551234", Deadline::After(std::chrono::seconds(1)));
  EXPECT_EQ(d.result, CallResult::Error);
  EXPECT_NE(d.detail.find("entry name is longer"), std::string::npos);
  EXPECT_TRUE(ras.seen_password.empty());  // RasDial never called
}

// Wine's RasHangUpA and RasGetConnectStatusA are stubs answering 0 for any handle, so
// the handle never reads as gone: the hang-up must still end by its deadline (and fail).
// On Windows a made-up handle is ERROR_INVALID_HANDLE at once: the hang-up succeeds.
TEST(RasLineWineTest, HangupEndsByItsDeadlineWhenTheHandleNeverGoes) {
  FakeRas ras;
  ras.dial_rc = ERROR_AUTHENTICATION_FAILURE;
  RasApi api = SystemRasApi();
  api.dial = ras.Api().dial;  // a failed dial that still returned a handle
  RasLine line(Config(), api);
  EXPECT_EQ(line.dial("", Deadline::After(std::chrono::seconds(1))).result, CallResult::Error);
  ASSERT_EQ(line.open_handles(), 1u);
  const auto start = Clock::now();
  HangupOutcome h = line.hangup(Deadline::After(milliseconds(300)));
  const auto took = Clock::now() - start;
  EXPECT_LT(took, milliseconds(800));
  ExpectNoCredentials(h.detail);
  std::printf("hang-up against the system's RAS: ok=%d in %.1f ms: %s\n", h.ok,
              std::chrono::duration<double, std::milli>(took).count(), h.detail.c_str());
  if (!h.ok) {
    EXPECT_GE(took, milliseconds(300));
    EXPECT_NE(h.detail.find("at the deadline"), std::string::npos) << h.detail;
    EXPECT_EQ(line.open_handles(), 1u);  // tried again by the next hang-up
  }
}

}  // namespace
}  // namespace dialsoak::ras
