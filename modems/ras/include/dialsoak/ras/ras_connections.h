// RasConnections: the RAS connections a process has open, reachable from any thread, so
// that a console close, log-off or shutdown (whose handler Windows runs on a thread of
// its own) can hang up every one of them while the lines' threads are busy elsewhere.
// Windows only.
//
// A RasLine given a RasConnections registers each handle RasDial returns and removes it
// once RasGetConnectStatus has confirmed its end. HangUpAll() closes the registry (no
// new dial starts: BeginDial() answers false; a RasDial already under way is waited for
// and its handle hung up too), calls RasHangUp on every handle, then polls
// RasGetConnectStatus until each answers ERROR_INVALID_HANDLE, by its deadline.
// Thread-safe; the RAS calls are made outside the lock.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "dialsoak/line/deadline.h"
#include "dialsoak/ras/ras_api.h"

namespace dialsoak::ras {

class RasConnections {
 public:
  RasConnections() = default;
  RasConnections(const RasConnections&) = delete;
  RasConnections& operator=(const RasConnections&) = delete;

  // Before RasDial: false once HangUpAll() has begun (then do not dial). Every true is
  // followed by one EndDial().
  bool BeginDial();
  // After RasDial returned: registers conn (when not null) for entry, with api's
  // RasHangUp and RasGetConnectStatus; returns its id for Remove() (0 for no handle).
  std::uint64_t EndDial(HRASCONN conn, const std::string& entry, const RasApi& api);
  // The connection's end is confirmed (its handle is invalid now).
  void Remove(std::uint64_t id);

  std::size_t size() const;
  bool closing() const;

  struct CloseReport {
    int connections = 0;  // handles hung up (every one known during the close)
    int gone = 0;         // of them, confirmed gone by the deadline
    std::chrono::nanoseconds elapsed{0};
    int polls = 0;
    std::vector<std::string> still_up;  // "entry (RasGetConnectStatus returned 0)"
    std::vector<std::string> notes;     // RasHangUp errors
  };
  CloseReport HangUpAll(Deadline deadline,
                        std::chrono::nanoseconds poll = std::chrono::milliseconds(5));

 private:
  struct Entry {
    std::uint64_t id;
    HRASCONN conn;
    std::string entry;
    std::function<DWORD(HRASCONN)> hang_up;
    std::function<DWORD(HRASCONN, RASCONNSTATUSA*)> get_connect_status;
    bool hung_up = false;  // by HangUpAll
  };

  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<Entry> entries_;
  std::uint64_t next_id_ = 1;
  int dialing_ = 0;  // BeginDial()s without their EndDial() yet
  bool closing_ = false;
};

}  // namespace dialsoak::ras
