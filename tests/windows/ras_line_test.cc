// RasLine against wine's rasapi32 (whose RasDialA is a stub that fails) and against a
// stand-in RAS (FakeRas behind the RasApi seam) for the paths wine cannot show: a handle
// returned by a failed dial, RAS notifications, a handle that goes away after some polls,
// the entry's saved credentials from RasGetEntryDialParams.
#include "dialsoak/ras/ras_line.h"

#include <gtest/gtest.h>
#include <raserror.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "fake_ras.h"

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
  EXPECT_EQ(d.detail,
            "RAS error 691 (authentication failed): Access was denied; dialed with the given "
            "user soak-user-7");
  ASSERT_EQ(ras.Dials().size(), 1u);
  EXPECT_EQ(ras.Dials()[0].password, kPassword);
  EXPECT_EQ(line.open_handles(), 1u);

  HangupOutcome h = line.hangup(Deadline::After(std::chrono::seconds(2)));
  EXPECT_TRUE(h.ok) << h.detail;
  EXPECT_EQ(h.method, HangupMethod::Api);
  ASSERT_EQ(ras.HungUp().size(), 1u);
  EXPECT_EQ(ras.HungUp()[0], FakeHandle(0x42));
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
  ASSERT_EQ(ras.HungUp().size(), 1u);
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
  EXPECT_EQ(ras.HungUp().size(), 1u);
}

TEST(RasLineTest, TooLongAFieldIsRefusedBeforeRasDial) {
  FakeRas ras;
  RasLineConfig c = Config();
  c.entry = std::string(300, 'e');
  RasLine line(c, ras.Api());
  DialOutcome d = line.dial("5551234", Deadline::After(std::chrono::seconds(1)));
  EXPECT_EQ(d.result, CallResult::Error);
  EXPECT_NE(d.detail.find("entry name is longer"), std::string::npos);
  EXPECT_TRUE(ras.Dials().empty());  // RasDial never called
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

// Empty user and password: the entry's saved credentials, the way rasdial.exe dials.
RasLineConfig SavedConfig() {
  RasLineConfig c = Config();
  c.user.clear();
  c.password.clear();
  c.phonebook = "C:\\soak\\soak.pbk";
  return c;
}

void ExpectNoSavedPassword(const FakeRas& ras, const std::string& text) {
  EXPECT_EQ(text.find(ras.saved_password), std::string::npos) << text;
  EXPECT_EQ(text.find("saved-password-handle"), std::string::npos) << text;
}

TEST(RasLineSavedCredentialsTest, EmptyCredentialsDialWithWhatRasGetEntryDialParamsReturned) {
  FakeRas ras;
  RasLine line(SavedConfig(), ras.Api());
  EXPECT_TRUE(line.uses_saved_credentials());
  DialOutcome d = line.dial("5551234", Deadline::After(std::chrono::seconds(2)));
  EXPECT_EQ(d.result, CallResult::Connect) << d.detail;

  const auto lookups = ras.Lookups();
  ASSERT_EQ(lookups.size(), 1u);
  EXPECT_EQ(lookups[0].entry, "dialsoak-test-entry");
  EXPECT_EQ(lookups[0].phonebook, "C:\\soak\\soak.pbk");
  EXPECT_EQ(lookups[0].size, sizeof(RASDIALPARAMSA));
  // RasDial got the saved parameters as they came: the user, the handle standing for
  // the saved password, the domain, the sub-entry; the number given; our callback id.
  const auto dials = ras.Dials();
  ASSERT_EQ(dials.size(), 1u);
  EXPECT_EQ(dials[0].entry, "dialsoak-test-entry");
  EXPECT_EQ(dials[0].phonebook, "C:\\soak\\soak.pbk");
  EXPECT_EQ(dials[0].user, "saved-user");
  EXPECT_EQ(dials[0].password, ras.saved_password);
  EXPECT_EQ(dials[0].domain, "SAVEDDOM");
  EXPECT_EQ(dials[0].sub_entry, 2u);
  EXPECT_EQ(dials[0].number, "5551234");
  EXPECT_EQ(dials[0].size, sizeof(RASDIALPARAMSA));
  EXPECT_NE(dials[0].callback_id, 0u);
  ExpectNoSavedPassword(ras, d.detail);

  EXPECT_EQ(line.DescribeCredentials(),
            "saved credentials of entry dialsoak-test-entry (user saved-user, domain SAVEDDOM)");
  EXPECT_EQ(ras.Lookups().size(), 2u);  // DescribeCredentials asks RAS again
  EXPECT_TRUE(line.hangup(Deadline::After(std::chrono::seconds(2))).ok);
}

TEST(RasLineSavedCredentialsTest, AnEmptyNumberLeavesTheEntrysOwnAndAGivenDomainWins) {
  FakeRas ras;
  RasLineConfig c = SavedConfig();
  c.domain = "OTHERDOM";
  RasLine line(c, ras.Api());
  EXPECT_TRUE(line.uses_saved_credentials());
  EXPECT_EQ(line.dial("", Deadline::After(std::chrono::seconds(2))).result, CallResult::Connect);
  const auto dials = ras.Dials();
  ASSERT_EQ(dials.size(), 1u);
  EXPECT_EQ(dials[0].number, "");  // RasDial then dials the entry's own number
  EXPECT_EQ(dials[0].domain, "OTHERDOM");
  EXPECT_EQ(dials[0].password, ras.saved_password);
  EXPECT_TRUE(line.hangup(Deadline::After(std::chrono::seconds(2))).ok);
}

TEST(RasLineSavedCredentialsTest, GivenCredentialsNeverAskForTheSavedOnes) {
  FakeRas ras;
  RasLine line(Config(), ras.Api());
  EXPECT_FALSE(line.uses_saved_credentials());
  EXPECT_EQ(line.dial("5551234", Deadline::After(std::chrono::seconds(2))).result,
            CallResult::Connect);
  EXPECT_TRUE(ras.Lookups().empty());
  const auto dials = ras.Dials();
  ASSERT_EQ(dials.size(), 1u);
  EXPECT_EQ(dials[0].user, kUser);
  EXPECT_EQ(dials[0].password, kPassword);
  EXPECT_EQ(dials[0].sub_entry, 0u);
  EXPECT_EQ(line.DescribeCredentials(), "given user soak-user-7");
  EXPECT_TRUE(ras.Lookups().empty());
  EXPECT_TRUE(line.hangup(Deadline::After(std::chrono::seconds(2))).ok);

  // A user alone (the password empty) is given credentials too.
  FakeRas ras2;
  RasLineConfig c = Config();
  c.password.clear();
  RasLine user_only(c, ras2.Api());
  EXPECT_FALSE(user_only.uses_saved_credentials());
  EXPECT_EQ(user_only.dial("5551234", Deadline::After(std::chrono::seconds(2))).result,
            CallResult::Connect);
  EXPECT_TRUE(ras2.Lookups().empty());
  EXPECT_TRUE(user_only.hangup(Deadline::After(std::chrono::seconds(2))).ok);
}

TEST(RasLineSavedCredentialsTest, NoSavedPasswordIsSaid) {
  FakeRas ras;
  ras.saved_has_password = FALSE;
  ras.saved_password = "";
  ras.saved_domain = "";
  RasLine line(SavedConfig(), ras.Api());
  EXPECT_EQ(line.DescribeCredentials(),
            "saved credentials of entry dialsoak-test-entry (user saved-user; no saved password)");
}

TEST(RasLineSavedCredentialsTest, UnreadableSavedCredentialsAreAnErrorAndNoDial) {
  FakeRas ras;
  ras.saved_rc = ERROR_CANNOT_FIND_PHONEBOOK_ENTRY;
  RasLine line(SavedConfig(), ras.Api());
  DialOutcome d = line.dial("5551234", Deadline::After(std::chrono::seconds(2)));
  EXPECT_EQ(d.result, CallResult::Error);
  EXPECT_EQ(d.detail,
            "the saved credentials of entry dialsoak-test-entry could not be read "
            "(RasGetEntryDialParams): RAS error 623: The system could not find the phone book "
            "entry for this connection");
  EXPECT_TRUE(ras.Dials().empty());
  EXPECT_EQ(line.open_handles(), 0u);
  EXPECT_NE(line.DescribeCredentials().find("RasGetEntryDialParams failed: RAS error 623"),
            std::string::npos);
}

// An authentication error says which credentials were refused, never the password.
TEST(RasLineSavedCredentialsTest, AuthenticationErrorNamesTheCredentialsUsed) {
  FakeRas ras;
  ras.notify_state = RASCS_Authenticate;
  ras.notify_error = ERROR_AUTHENTICATION_FAILURE;
  RasLine line(SavedConfig(), ras.Api());
  DialOutcome d = line.dial("5551234", Deadline::After(std::chrono::seconds(2)));
  EXPECT_EQ(d.result, CallResult::Error);
  EXPECT_EQ(d.detail,
            "RAS error 691 (authentication failed): Access was denied; dialed with the saved "
            "credentials of entry dialsoak-test-entry (user saved-user, domain SAVEDDOM)");
  ExpectNoSavedPassword(ras, d.detail);
  EXPECT_TRUE(line.hangup(Deadline::After(std::chrono::seconds(2))).ok);
}

// The RAS codes of a refused login, notified during the dial, are Error outcomes with
// their class in the text (RasGetErrorString's text, or the documented meaning when RAS
// has none: the stand-in has none for these).
TEST(RasLineSavedCredentialsTest, AuthenticationCodesMapToTheirOutcomeText) {
  struct Case {
    DWORD code;
    const char* start;
  };
  for (const Case& c : {Case{649, "RAS error 649 (authentication failed): "},
                        Case{648, "RAS error 648 (authentication failed): "},
                        Case{718, "RAS error 718 (PPP ended before it was complete"},
                        Case{734, "RAS error 734 (PPP ended before it was complete"}}) {
    FakeRas ras;
    ras.notify_state = RASCS_Authenticate;
    ras.notify_error = c.code;
    RasLine line(Config(), ras.Api());
    DialOutcome d = line.dial("5551234", Deadline::After(std::chrono::seconds(2)));
    EXPECT_EQ(d.result, CallResult::Error) << c.code;
    EXPECT_EQ(d.detail.rfind(c.start, 0), 0u) << d.detail;
    EXPECT_NE(d.detail.find("; dialed with the given user soak-user-7"), std::string::npos)
        << d.detail;
    EXPECT_EQ(d.detail.find(kPassword), std::string::npos) << d.detail;
    std::printf("%lu: %s\n", static_cast<unsigned long>(c.code), d.detail.c_str());
    EXPECT_TRUE(line.hangup(Deadline::After(std::chrono::seconds(2))).ok);
  }
  // Not an authentication error: no credentials in the detail.
  FakeRas ras;
  ras.notify_error = ERROR_LINE_BUSY;
  RasLine line(Config(), ras.Api());
  EXPECT_EQ(line.dial("5551234", Deadline::After(std::chrono::seconds(2))).detail,
            "RAS error 676: The line is busy");
  EXPECT_TRUE(line.hangup(Deadline::After(std::chrono::seconds(2))).ok);
}

// Wine's own rasapi32: RasGetEntryDialParamsA is a stub there; the saved-credentials
// path runs through it and RasDialA's failure is still an Error with its code.
TEST(RasLineWineTest, SavedCredentialsThroughWinesRasapi32) {
  RasLineConfig c = SavedConfig();
  c.phonebook.clear();
  RasLine line(c);
  const std::string described = line.DescribeCredentials();
  std::printf("wine RasGetEntryDialParamsA: %s\n", described.c_str());
  EXPECT_EQ(described.rfind("saved credentials of entry dialsoak-test-entry", 0), 0u) << described;
  DialOutcome d = line.dial("5551234", Deadline::After(std::chrono::seconds(5)));
  std::printf("wine RasDialA with the saved parameters: %s\n", d.detail.c_str());
  EXPECT_EQ(d.result, CallResult::Error) << d.detail;
  EXPECT_TRUE(line.hangup(Deadline::After(std::chrono::seconds(2))).ok);
}

}  // namespace
}  // namespace dialsoak::ras
