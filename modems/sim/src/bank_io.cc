// The bank's thread: one epoll loop over every pty master, edge-triggered so that a
// master with no opener (which stays readable, read() failing with EIO) reports its
// hang-up once instead of spinning. Each event is read until EAGAIN or EIO.
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "bank_impl.h"

namespace dialsoak::sim {
namespace {

constexpr std::size_t kHighWater = 64 * 1024;  // stop reading what feeds a fuller queue
constexpr std::size_t kLowWater = 16 * 1024;   // resume below this
constexpr std::size_t kMaxQueue = 1024 * 1024; // beyond this, bytes are dropped (line loss)
constexpr std::uint32_t kWakeId = std::numeric_limits<std::uint32_t>::max();
constexpr int kMaxEvents = 256;

}  // namespace

void BankImpl::Run() {
  // Answer delays are timers of this thread: wake within microseconds of them, not the
  // default 50 us slack plus a millisecond of rounding.
  ::prctl(PR_SET_TIMERSLACK, 1UL);
  epoll_event events[kMaxEvents];
  for (;;) {
    timespec timeout{};
    const bool forever = !NextTimeout(Clock::now(), timeout);
    const int n = ::epoll_pwait2(epoll_.get(), events, kMaxEvents, forever ? nullptr : &timeout,
                                 nullptr);
    if (n < 0 && errno != EINTR) {
      std::perror("modem bank: epoll_wait");
      return;
    }
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u32 == kWakeId) return;
      HandleEvent(ports_[events[i].data.u32], events[i].events);
    }
    RunTimers(Clock::now());
  }
}

void BankImpl::HandleEvent(Port& p, std::uint32_t events) {
  if ((events & EPOLLOUT) != 0) Flush(p);
  // A pty master's hang-up may be followed by a new opener (ReadAfterHangup); a device's
  // is read as such (DeviceGone).
  if ((events & EPOLLHUP) != 0 && p.device < 0) p.hup_pending = true;
  if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) ReadPort(p);
}

// Reads packets until the master is empty (EAGAIN) or has no opener left (EIO).
void BankImpl::ReadPort(Port& p) {
  if (p.hup_pending) return ReadAfterHangup(p);
  for (;;) {
    if (Congested(p)) {
      p.throttled = true;
      return;
    }
    auto packet = p.io.Read(buf_);
    if (!packet || packet->kind == PtyPort::Packet::Kind::Empty) return;
    const TimePoint now = Clock::now();
    if (packet->kind == PtyPort::Packet::Kind::Hangup) {
      if (p.device >= 0) return DeviceGone(p, now);
      if (p.attached) PortClosed(p, now);
      return;
    }
    Consume(p, *packet, now);
  }
}

// The event said that every opener had closed the tty. If the master still says so
// (EIO), the packets read were sent before the close; if not (EAGAIN), a new opener
// already holds the tty and they are its own, so the old session is closed first.
void BankImpl::ReadAfterHangup(Port& p) {
  p.hup_pending = false;
  struct Saved {
    PtyPort::Packet::Kind kind;
    std::string data;
  };
  std::vector<Saved> saved;
  bool closed = false;
  for (;;) {
    auto packet = p.io.Read(buf_);
    if (!packet || packet->kind == PtyPort::Packet::Kind::Empty) break;
    if (packet->kind == PtyPort::Packet::Kind::Hangup) {
      closed = true;
      break;
    }
    saved.push_back(Saved{packet->kind, std::string(packet->data)});
  }
  const TimePoint now = Clock::now();
  if (!closed && p.attached) PortClosed(p, now);
  for (const Saved& s : saved) Consume(p, PtyPort::Packet{s.kind, s.data}, now);
  if (closed && p.attached) PortClosed(p, now);
}

void BankImpl::Consume(Port& p, const PtyPort::Packet& packet, TimePoint now) {
  p.attached = true;
  if (p.faults.resetting()) return;  // a rebooting modem hears nothing
  if (packet.kind == PtyPort::Packet::Kind::Data) {
    std::size_t used = p.modem.Feed(packet.data, now, p.out);
    if (used < packet.data.size()) {
      // A dial, then more bytes: the call is placed (or a fault drops it) before they
      // come, as a real modem goes off hook before it hears the next byte.
      std::string rest(packet.data.substr(used));
      while (!rest.empty()) {
        Pump(p, now);
        if (p.faults.resetting() || p.faults.gone) return;
        used = p.modem.Feed(rest, now, p.out);
        rest.erase(0, used);
      }
    }
  } else if (const PtyPort* pty = p.io.pty()) {
    if (auto up = pty->DtrUp()) p.modem.SetDtr(*up, p.out);
  }
  Pump(p, now);
}

// Every opener closed the tty: like a DTR drop, and the modem resets to command mode.
void BankImpl::PortClosed(Port& p, TimePoint now) {
  p.attached = false;
  p.outq.clear();
  p.faults.slow.clear();
  p.faults.result.reset();
  WantOut(p, false);
  p.throttled = false;
  p.modem.Closed(p.out);
  Pump(p, now);
}

// Delivers what a modem produced: data to the far end, its events, and bytes to its tty,
// until nothing is left (an event may produce more output). Events go before the bytes,
// so a dialer that has read a result (NO CARRIER) finds the call already counted.
void BankImpl::Pump(Port& p, TimePoint now) {
  while (!p.out.empty()) {
    if (!p.out.to_line.empty()) {
      RouteData(p, p.out.to_line, now);
      p.out.to_line.clear();
    }
    if (!p.out.events.empty()) {
      std::vector<ModemEvent> events;
      events.swap(p.out.events);
      for (const ModemEvent& e : events) OnModemEvent(p, e, now);
    }
    if (!p.out.to_dte.empty()) {
      Deliver(p, p.out.to_dte, now);
      p.out.to_dte.clear();
    }
  }
  if (p.device >= 0) SyncDtr(p);
  const auto next = p.modem.NextTimer();
  const TimePoint want = next ? *next : kNever;
  if (want != p.timer_at[kModemTimer]) {
    if (next) {
      Schedule(p, kModemTimer, *next);
    } else {
      Cancel(p, kModemTimer);
    }
  }
}

// Writes to the tty, queueing what does not fit; behind a dribble's bytes while one is
// going out. Nothing is written to a port nobody holds: it would wait there for the next
// opener.
void BankImpl::Send(Port& p, std::string_view bytes) {
  if (!p.attached || bytes.empty()) return;
  if (!p.faults.slow.empty()) {
    if (p.faults.slow.size() + bytes.size() <= kMaxQueue) p.faults.slow.append(bytes);
    return;
  }
  WriteOut(p, bytes);
}

void BankImpl::WriteOut(Port& p, std::string_view bytes) {
  if (!p.attached || bytes.empty()) return;
  if (!p.outq.empty()) {
    if (p.outq.size() + bytes.size() <= kMaxQueue) p.outq.append(bytes);
    return;
  }
  auto n = p.io.Write(bytes);
  const std::size_t written = n ? *n : 0;
  if (written < bytes.size()) {
    p.outq.assign(bytes.substr(written));
    WantOut(p, true);
  }
}

void BankImpl::Flush(Port& p) {
  if (!p.outq.empty()) {
    auto n = p.io.Write(p.outq);
    if (n) p.outq.erase(0, *n);
  }
  if (p.outq.empty()) WantOut(p, false);
  if (p.outq.size() >= kLowWater) return;
  // Resume readers whose output was waiting for this queue.
  for (Port* r : {&p, Peer(p)}) {
    if (r != nullptr && r->throttled) {
      r->throttled = false;
      ReadPort(*r);
    }
  }
}

void BankImpl::WantOut(Port& p, bool on) {
  if (p.want_out == on) return;
  p.want_out = on;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLET | (on ? EPOLLOUT : 0u);
  ev.data.u32 = static_cast<std::uint32_t>(p.index);
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, p.io.fd(), &ev);
}

bool BankImpl::Congested(const Port& p) const {
  if (p.outq.size() > kHighWater) return true;
  const int peer = PeerIndex(p);
  return peer >= 0 && ports_[static_cast<std::size_t>(peer)].outq.size() > kHighWater;
}

Port* BankImpl::Peer(const Port& p) {
  const int i = PeerIndex(p);
  return i >= 0 ? &ports_[static_cast<std::size_t>(i)] : nullptr;
}

void BankImpl::Schedule(Port& p, int kind, TimePoint at) {
  p.timer_at[static_cast<std::size_t>(kind)] = at;
  timers_.push(Timer{at, p.index, kind});
}

// Milliseconds to the next live timer (rounded up), or -1 when there is none.
bool BankImpl::NextTimeout(TimePoint now, timespec& out) {
  while (!timers_.empty()) {
    const Timer& t = timers_.top();
    if (ports_[static_cast<std::size_t>(t.port)].timer_at[static_cast<std::size_t>(t.kind)] ==
        t.at) {
      const auto left = std::max(std::chrono::nanoseconds::zero(),
                                 std::chrono::duration_cast<std::chrono::nanoseconds>(t.at - now));
      out.tv_sec = static_cast<time_t>(left.count() / 1'000'000'000);
      out.tv_nsec = static_cast<long>(left.count() % 1'000'000'000);
      return true;
    }
    timers_.pop();  // cancelled or rescheduled
  }
  return false;
}

void BankImpl::RunTimers(TimePoint now) {
  while (!timers_.empty() && timers_.top().at <= now) {
    const Timer t = timers_.top();
    timers_.pop();
    Port& p = ports_[static_cast<std::size_t>(t.port)];
    auto& at = p.timer_at[static_cast<std::size_t>(t.kind)];
    if (at != t.at) continue;
    at = kNever;
    if (t.kind == kModemTimer) {
      p.modem.OnTimer(now, p.out);
      Pump(p, now);
    } else if (t.kind == kCallTimer) {
      OnCallTimer(p, now);
    } else if (t.kind == kFaultTimer) {
      OnFaultTimer(p, now);
    } else {
      OnLineTimer(p, now);
    }
  }
}

}  // namespace dialsoak::sim
