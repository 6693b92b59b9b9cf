// RasLine over rasapi32. See ras_line.h for the contract.
#include <fmt/format.h>
#include <raserror.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <utility>

#include "dialsoak/ras/ras_error.h"
#include "dialsoak/ras/ras_line.h"

namespace dialsoak::ras {

struct RasLine::Attempt {
  HRASCONN handle = nullptr;
  std::uint64_t registry_id = 0;  // in the RasConnections, if any
  // Written by RAS's notifier thread, read by the dialing thread.
  std::mutex mu;
  std::condition_variable changed;
  bool done = false;
  bool connected = false;
  DWORD error = 0;
  RASCONNSTATE state = RASCS_OpenPort;
};

namespace {

constexpr auto kDestructorHangup = std::chrono::seconds(3);

DWORD WINAPI OnRasEvent(ULONG_PTR callback_id, DWORD /*sub_entry*/, HRASCONN /*conn*/,
                        UINT /*message*/, RASCONNSTATE state, DWORD error,
                        DWORD /*extended_error*/) {
  auto* a = reinterpret_cast<RasLine::Attempt*>(callback_id);
  std::lock_guard lock(a->mu);
  a->state = state;
  if (error != 0) {
    a->error = error;
    a->done = true;
  } else if (state == RASCS_Connected) {
    a->connected = true;
    a->done = true;
  } else if (state == RASCS_Disconnected) {
    a->error = ERROR_PORT_DISCONNECTED;  // 628: ended before it was complete
    a->done = true;
  }
  a->changed.notify_all();
  return a->done ? 0 : 1;  // 0: no further notifications for this dial
}

// Copies text into a fixed RAS field (the lengths were checked by CheckRasConfig).
template <std::size_t N>
void Put(CHAR (&field)[N], std::string_view text) {
  const std::size_t n = std::min(text.size(), N - 1);
  std::memcpy(field, text.data(), n);
  field[n] = '\0';
}

std::string Cut(const CHAR* field, std::size_t size) {
  return std::string(field, strnlen(field, size));
}

std::string SavedText(const std::string& entry, const RASDIALPARAMSA& p, bool password_saved) {
  const std::string user = Cut(p.szUserName, sizeof p.szUserName);
  const std::string domain = Cut(p.szDomain, sizeof p.szDomain);
  std::string who = user.empty() ? "no saved user name" : "user " + user;
  if (!domain.empty()) who += ", domain " + domain;
  if (!password_saved) who += "; no saved password";
  return fmt::format("saved credentials of entry {} ({})", entry, who);
}

std::string GivenText(const RasLineConfig& c) {
  std::string text = c.user.empty() ? "given credentials (no user name)" : "given user " + c.user;
  if (!c.domain.empty()) text += ", domain " + c.domain;
  return text;
}

std::string SystemText(DWORD code) {
  char* text = nullptr;
  const DWORD n = FormatMessageA(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, code, 0, reinterpret_cast<LPSTR>(&text), 0, nullptr);
  std::string out = n ? std::string(text, n) : std::string();
  if (text) LocalFree(text);
  return out;
}

}  // namespace

RasLine::RasLine(RasLineConfig config, RasApi api, RasConnections* connections)
    : config_(std::move(config)), api_(std::move(api)), connections_(connections) {}

RasLine::~RasLine() {
  if (!attempts_.empty()) hangup(Deadline::After(kDestructorHangup));
  // A handle RAS still knows may still be notified about: its Attempt must outlive us.
  for (auto& a : attempts_) (void)a.release();
}

std::string RasLine::ErrorText(DWORD code) const {
  char text[512] = {};
  if (api_.get_error_string && api_.get_error_string(code, text, sizeof text) == 0 && text[0]) {
    return RasErrorDetail(code, text);
  }
  // A RAS code whose meaning we know: that, not the system's text for the same number
  // (winerror.h gives 600-999 other meanings).
  if (!RasErrorMeaning(code).empty()) return RasErrorDetail(code, {});
  // Not a RAS code (or RAS has no text for it): the system's text, if any.
  std::string system = SystemText(code);
  if (system.empty()) return RasErrorDetail(code, {});
  return RasErrorDetail(code, system) + " (system text; RasGetErrorString has none)";
}

bool RasLine::uses_saved_credentials() const {
  return config_.user.empty() && config_.password.empty();
}

DWORD RasLine::LoadSavedParams(RASDIALPARAMSA& params, std::string& credentials) const {
  params.dwSize = sizeof params;
  Put(params.szEntryName, config_.entry);
  BOOL password_saved = FALSE;
  if (!api_.get_entry_dial_params) return ERROR_INVALID_FUNCTION;
  const DWORD rc = api_.get_entry_dial_params(
      config_.phonebook.empty() ? nullptr : config_.phonebook.c_str(), &params, &password_saved);
  if (rc != 0) {
    SecureZeroMemory(params.szPassword, sizeof params.szPassword);
    return rc;
  }
  credentials = SavedText(config_.entry, params, password_saved != FALSE);
  return 0;
}

std::string RasLine::DescribeCredentials() const {
  if (!uses_saved_credentials()) return GivenText(config_);
  RASDIALPARAMSA params{};
  std::string credentials;
  const DWORD rc = LoadSavedParams(params, credentials);
  SecureZeroMemory(params.szPassword, sizeof params.szPassword);
  if (rc != 0) {
    return fmt::format("saved credentials of entry {}, but RasGetEntryDialParams failed: {}",
                       config_.entry, ErrorText(rc));
  }
  return credentials;
}

DialOutcome RasLine::dial(std::string_view number, Deadline deadline) {
  const auto start = Clock::now();
  auto elapsed = [&] { return Clock::now() - start; };
  if (std::string bad = CheckRasConfig(config_, number); !bad.empty()) {
    return DialOutcome{CallResult::Error, elapsed(), bad};
  }

  RASDIALPARAMSA params{};
  if (uses_saved_credentials()) {
    // As rasdial.exe: the entry's saved parameters as they come (user, domain, the
    // handle standing for the saved password, sub-entry, callback number).
    if (const DWORD rc = LoadSavedParams(params, credentials_); rc != 0) {
      return DialOutcome{CallResult::Error, elapsed(),
                         fmt::format("the saved credentials of entry {} could not be read "
                                     "(RasGetEntryDialParams): {}",
                                     config_.entry, ErrorText(rc))};
    }
    if (!config_.domain.empty()) Put(params.szDomain, config_.domain);
  } else {
    params.dwSize = sizeof params;
    Put(params.szEntryName, config_.entry);
    Put(params.szUserName, config_.user);
    Put(params.szPassword, config_.password);
    Put(params.szDomain, config_.domain);
    credentials_ = GivenText(config_);
  }
  Put(params.szPhoneNumber, number);  // empty: the entry's own number
  auto attempt = std::make_unique<Attempt>();
  params.dwCallbackId = reinterpret_cast<ULONG_PTR>(attempt.get());

  if (connections_ != nullptr && !connections_->BeginDial()) {
    SecureZeroMemory(params.szPassword, sizeof params.szPassword);
    return DialOutcome{CallResult::Error, elapsed(),
                       "not dialed: every RAS connection is being hung up (console closing)"};
  }
  HRASCONN conn = nullptr;
  const DWORD rc = api_.dial(config_.phonebook.empty() ? nullptr : config_.phonebook.c_str(),
                             &params, &OnRasEvent, &conn);
  SecureZeroMemory(params.szPassword, sizeof params.szPassword);
  Attempt* a = attempt.get();
  if (connections_ != nullptr) a->registry_id = connections_->EndDial(conn, config_.entry, api_);
  if (conn != nullptr) {
    a->handle = conn;
    attempts_.push_back(std::move(attempt));  // hung up by hangup(), whatever the result
  }
  auto failed = [&](DWORD code) {
    std::string detail = ErrorText(code);
    if (ClassOfRasError(code) != RasErrorClass::Other)
      detail += "; dialed with the " + credentials_;
    return DialOutcome{RasErrorResult(code), elapsed(), std::move(detail)};
  };
  if (rc != 0) return failed(rc);
  if (conn == nullptr) {
    return DialOutcome{CallResult::Error, elapsed(), "RasDial returned no connection handle"};
  }

  std::unique_lock lock(a->mu);
  if (!a->changed.wait_until(lock, deadline.at(), [&] { return a->done; })) {
    return DialOutcome{CallResult::Timeout, elapsed(),
                       fmt::format("no RAS result before the deadline (last state {})",
                                   static_cast<int>(a->state))};
  }
  if (a->connected) {
    return DialOutcome{CallResult::Connect, elapsed(), "connected: " + config_.entry};
  }
  const DWORD error = a->error;
  lock.unlock();
  return failed(error);
}

HangupOutcome RasLine::hangup(Deadline deadline) {
  const auto start = Clock::now();
  if (attempts_.empty()) {
    return HangupOutcome{true, {}, "no RAS connection to hang up", HangupMethod::None};
  }
  std::string notes;
  for (auto& a : attempts_) {
    // ERROR_INVALID_HANDLE: already gone (hung up by a console close, or by RAS).
    if (DWORD rc = api_.hang_up(a->handle); rc != 0 && rc != ERROR_INVALID_HANDLE) {
      notes += "; RasHangUp: " + ErrorText(rc);
    }
  }
  // The documented wait: the connection is gone once its handle is no longer valid.
  int polls = 0;
  DWORD last = 0;
  std::erase_if(attempts_, [&](const std::unique_ptr<Attempt>& a) {
    for (;;) {
      RASCONNSTATUSA status{};
      status.dwSize = sizeof status;
      last = api_.get_connect_status(a->handle, &status);
      ++polls;
      if (last == ERROR_INVALID_HANDLE) {
        if (connections_ != nullptr) connections_->Remove(a->registry_id);
        return true;
      }
      if (deadline.Expired()) return false;
      std::this_thread::sleep_for(
          std::min<Clock::duration>(config_.hangup_poll, deadline.Remaining()));
    }
  });
  const auto elapsed = Clock::now() - start;
  if (!attempts_.empty()) {
    return HangupOutcome{
        false, elapsed,
        fmt::format("RasHangUp: {} connection(s) still known to RasGetConnectStatus (it "
                    "returned {}) at the deadline, after {} polls{}",
                    attempts_.size(), last, polls, notes),
        HangupMethod::Api};
  }
  return HangupOutcome{true, elapsed,
                       fmt::format("RasHangUp; handle gone after {} polls{}", polls, notes),
                       HangupMethod::Api};
}

}  // namespace dialsoak::ras
