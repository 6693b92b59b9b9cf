#include "dialsoak/ras/ras_api.h"

namespace dialsoak::ras {

RasApi SystemRasApi() {
  RasApi api;
  api.dial = [](LPCSTR phonebook, RASDIALPARAMSA* params, RasNotifier notifier, HRASCONN* conn) {
    return RasDialA(nullptr, phonebook, params, 2, reinterpret_cast<LPVOID>(notifier), conn);
  };
  api.hang_up = [](HRASCONN conn) { return RasHangUpA(conn); };
  api.get_connect_status = [](HRASCONN conn, RASCONNSTATUSA* status) {
    return RasGetConnectStatusA(conn, status);
  };
  api.get_error_string = [](UINT code, LPSTR text, DWORD size) {
    return RasGetErrorStringA(code, text, size);
  };
  api.get_entry_dial_params = [](LPCSTR phonebook, RASDIALPARAMSA* params, BOOL* password_saved) {
    return RasGetEntryDialParamsA(phonebook, params, password_saved);
  };
  return api;
}

}  // namespace dialsoak::ras
