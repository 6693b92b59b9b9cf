// RasConnections. See ras_connections.h for the contract.
#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "dialsoak/ras/ras_connections.h"

namespace dialsoak::ras {

bool RasConnections::BeginDial() {
  std::lock_guard lock(mu_);
  if (closing_) return false;
  ++dialing_;
  return true;
}

std::uint64_t RasConnections::EndDial(HRASCONN conn, const std::string& entry, const RasApi& api) {
  std::lock_guard lock(mu_);
  --dialing_;
  std::uint64_t id = 0;
  if (conn != nullptr) {
    id = next_id_++;
    entries_.push_back(Entry{id, conn, entry, api.hang_up, api.get_connect_status});
  }
  changed_.notify_all();
  return id;
}

void RasConnections::Remove(std::uint64_t id) {
  if (id == 0) return;
  std::lock_guard lock(mu_);
  std::erase_if(entries_, [&](const Entry& e) { return e.id == id; });
  changed_.notify_all();
}

std::size_t RasConnections::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

bool RasConnections::closing() const {
  std::lock_guard lock(mu_);
  return closing_;
}

RasConnections::CloseReport RasConnections::HangUpAll(Deadline deadline,
                                                      std::chrono::nanoseconds poll) {
  const auto start = Clock::now();
  CloseReport report;
  std::unique_lock lock(mu_);
  closing_ = true;
  for (;;) {
    // RasHangUp on every handle not hung up yet (one registered since, too).
    std::vector<Entry> fresh;
    for (Entry& e : entries_) {
      if (!e.hung_up) {
        e.hung_up = true;
        fresh.push_back(e);
      }
    }
    lock.unlock();
    for (const Entry& e : fresh) {
      ++report.connections;
      if (const DWORD rc = e.hang_up ? e.hang_up(e.conn) : DWORD{ERROR_INVALID_FUNCTION};
          rc != 0 && rc != ERROR_INVALID_HANDLE) {
        report.notes.push_back(fmt::format("{}: RasHangUp returned {}", e.entry, rc));
      }
    }
    // One round of RasGetConnectStatus on each: ERROR_INVALID_HANDLE is its end.
    lock.lock();
    std::vector<Entry> known = entries_;
    lock.unlock();
    std::vector<std::uint64_t> gone;
    for (const Entry& e : known) {
      RASCONNSTATUSA status{};
      status.dwSize = sizeof status;
      const DWORD rc = e.get_connect_status ? e.get_connect_status(e.conn, &status)
                                            : DWORD{ERROR_INVALID_HANDLE};
      ++report.polls;
      if (rc == ERROR_INVALID_HANDLE) gone.push_back(e.id);
    }
    lock.lock();
    std::erase_if(entries_, [&](const Entry& e) {
      return std::find(gone.begin(), gone.end(), e.id) != gone.end();
    });
    // Done when nothing is known and no RasDial is still under way.
    if (entries_.empty() && dialing_ == 0) break;
    if (deadline.Expired()) break;
    changed_.wait_until(lock, std::min(deadline.at(), Clock::now() + poll));
  }
  const std::vector<Entry> left = entries_;
  const int dialing = dialing_;
  lock.unlock();
  int left_hung_up = 0;
  for (const Entry& e : left) {
    RASCONNSTATUSA status{};
    status.dwSize = sizeof status;
    const DWORD rc = e.get_connect_status ? e.get_connect_status(e.conn, &status) : 0;
    ++report.polls;
    if (rc == ERROR_INVALID_HANDLE) continue;  // gone just now
    report.still_up.push_back(fmt::format("{} (RasGetConnectStatus returned {})", e.entry, rc));
    if (e.hung_up) ++left_hung_up;
  }
  if (dialing > 0) {
    report.still_up.push_back(fmt::format("{} RasDial call(s) not returned yet", dialing));
  }
  report.gone = report.connections - left_hung_up;
  report.elapsed = Clock::now() - start;
  return report;
}

}  // namespace dialsoak::ras
