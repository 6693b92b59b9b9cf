// RasApi: the five rasapi32 calls a RasLine makes, as a table, so that a test can stand in
// for RAS (a handle that never goes away, a dial that fails after returning a handle)
// where no real RAS server is to be had. SystemRasApi() is rasapi32's own functions.
// Windows only. The table is a value; the functions must be callable from any thread.
#pragma once

#include <windows.h>
// windows.h first: ras.h needs its types.
#include <ras.h>

#include <functional>

namespace dialsoak::ras {

// RasDialFunc2, the notifier a RasLine passes (notifier type 2).
using RasNotifier = DWORD(WINAPI*)(ULONG_PTR callback_id, DWORD sub_entry, HRASCONN conn,
                                   UINT message, RASCONNSTATE state, DWORD error,
                                   DWORD extended_error);

struct RasApi {
  std::function<DWORD(LPCSTR phonebook, RASDIALPARAMSA* params, RasNotifier notifier,
                      HRASCONN* conn)>
      dial;
  std::function<DWORD(HRASCONN conn)> hang_up;
  std::function<DWORD(HRASCONN conn, RASCONNSTATUSA* status)> get_connect_status;
  std::function<DWORD(UINT code, LPSTR text, DWORD size)> get_error_string;
  // The entry's saved dial parameters (params->dwSize and szEntryName set on input);
  // *password_saved tells whether a saved password (a handle to it) came back.
  std::function<DWORD(LPCSTR phonebook, RASDIALPARAMSA* params, BOOL* password_saved)>
      get_entry_dial_params;
};

// RasDialA (asynchronous, with the notifier), RasHangUpA, RasGetConnectStatusA,
// RasGetErrorStringA, RasGetEntryDialParamsA.
RasApi SystemRasApi();

}  // namespace dialsoak::ras
