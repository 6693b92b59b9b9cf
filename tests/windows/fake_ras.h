// FakeRas: a stand-in for rasapi32 behind the RasApi seam, for the paths wine's stubs
// cannot show (wine's RasDialA always fails, its RasGetConnectStatusA answers 0 for any
// handle, its RasGetEntryDialParamsA returns nothing). RasDial returns dial_rc and a new
// handle (0x42, 0x43, ...); the notifier is called from a thread of its own with
// notify_state/notify_error (unless notify is false); a handle goes away
// (ERROR_INVALID_HANDLE) after polls_until_gone status polls once RasHangUp was called
// on it. RasGetEntryDialParams returns the saved_* fields. Thread-safe: a console close
// calls it from another thread than the line's.
#pragma once

#include <gtest/gtest.h>
#include <raserror.h>
#include <windows.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dialsoak/ras/ras_api.h"

namespace dialsoak::ras {

inline HRASCONN FakeHandle(std::uintptr_t n) { return reinterpret_cast<HRASCONN>(n); }

struct FakeRas {
  // What RasDial is to do.
  DWORD dial_rc = 0;
  bool return_handle = true;
  bool notify = true;
  RASCONNSTATE notify_state = RASCS_Connected;
  DWORD notify_error = 0;
  int polls_until_gone = 2;  // INT_MAX: never goes away

  // What RasGetEntryDialParams returns.
  DWORD saved_rc = 0;
  std::string saved_user = "saved-user";
  std::string saved_password = "\x01saved-password-handle";  // stands for RAS's handle
  std::string saved_domain = "SAVEDDOM";
  DWORD saved_sub_entry = 2;
  BOOL saved_has_password = TRUE;

  // What was called, with what.
  struct Dialed {
    std::string phonebook, entry, number, user, password, domain;
    DWORD size = 0, sub_entry = 0;
    ULONG_PTR callback_id = 0;
  };
  struct Looked {
    std::string phonebook, entry;
    DWORD size = 0;
  };

  mutable std::mutex mu;
  std::vector<Dialed> dials;
  std::vector<Looked> lookups;
  std::vector<HRASCONN> hung_up;
  std::map<HRASCONN, int> polls_of;
  std::atomic<int> polls{0};
  std::uintptr_t next_handle = 0x42;
  std::vector<std::thread> notifiers;

  ~FakeRas() {
    for (auto& t : notifiers) t.join();
  }

  std::vector<Dialed> Dials() const {
    std::lock_guard lock(mu);
    return dials;
  }
  std::vector<Looked> Lookups() const {
    std::lock_guard lock(mu);
    return lookups;
  }
  std::vector<HRASCONN> HungUp() const {
    std::lock_guard lock(mu);
    return hung_up;
  }

  RasApi Api() {
    RasApi api;
    api.dial = [this](LPCSTR phonebook, RASDIALPARAMSA* p, RasNotifier notifier, HRASCONN* conn) {
      std::lock_guard lock(mu);
      dials.push_back(Dialed{phonebook ? phonebook : "", p->szEntryName, p->szPhoneNumber,
                             p->szUserName, p->szPassword, p->szDomain, p->dwSize, p->dwSubEntry,
                             p->dwCallbackId});
      const HRASCONN handle = return_handle ? FakeHandle(next_handle++) : nullptr;
      *conn = handle;
      if (dial_rc == 0 && notify && handle != nullptr) {
        const ULONG_PTR id = p->dwCallbackId;
        notifiers.emplace_back([=, this] {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          notifier(id, 0, handle, 0, RASCS_OpenPort, 0, 0);
          notifier(id, 0, handle, 0, notify_state, notify_error, 0);
        });
      }
      return dial_rc;
    };
    api.hang_up = [this](HRASCONN conn) {
      std::lock_guard lock(mu);
      hung_up.push_back(conn);
      return DWORD{0};
    };
    api.get_connect_status = [this](HRASCONN conn, RASCONNSTATUSA* s) {
      EXPECT_EQ(s->dwSize, sizeof(RASCONNSTATUSA));
      std::lock_guard lock(mu);
      ++polls;
      const int n = ++polls_of[conn];
      const bool was_hung_up = std::find(hung_up.begin(), hung_up.end(), conn) != hung_up.end();
      if (was_hung_up && n > polls_until_gone) return DWORD{ERROR_INVALID_HANDLE};
      s->rasconnstate = RASCS_Connected;
      return DWORD{0};
    };
    api.get_error_string = [](UINT code, LPSTR text, DWORD size) {
      const char* t = code == ERROR_LINE_BUSY                ? "The line is busy."
                      : code == ERROR_AUTHENTICATION_FAILURE ? "Access was denied."
                      : code == ERROR_CANNOT_FIND_PHONEBOOK_ENTRY
                          ? "The system could not find the phone book entry for this connection."
                          : nullptr;
      if (t == nullptr) return DWORD{ERROR_INVALID_PARAMETER};
      lstrcpynA(text, t, static_cast<int>(size));
      return DWORD{0};
    };
    api.get_entry_dial_params = [this](LPCSTR phonebook, RASDIALPARAMSA* p, BOOL* has_password) {
      std::lock_guard lock(mu);
      lookups.push_back(Looked{phonebook ? phonebook : "", p->szEntryName, p->dwSize});
      if (saved_rc != 0) return saved_rc;
      lstrcpynA(p->szUserName, saved_user.c_str(), sizeof p->szUserName);
      lstrcpynA(p->szPassword, saved_password.c_str(), sizeof p->szPassword);
      lstrcpynA(p->szDomain, saved_domain.c_str(), sizeof p->szDomain);
      p->dwSubEntry = saved_sub_entry;
      *has_password = saved_has_password;
      return DWORD{0};
    };
    return api;
  }
};

}  // namespace dialsoak::ras
