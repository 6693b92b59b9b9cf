// Dialing modems on tty devices (see dialsoak/sim/device.h), on the bank's thread.
//
// The lines are polled (TIOCMGET every kLinePoll from this loop's timers), not waited for
// with TIOCMIWAIT: TIOCMIWAIT blocks a thread per device that cannot be woken to stop
// (only a signal or a hang-up ends it) and would have to hand each change to this thread
// anyway, whereas a poll is one ioctl on a timer the loop already has, with no lock and
// no thread. The cost: a DTR pulse shorter than kLinePoll can be missed; dialers hold DTR
// down far longer (pppd and dialsoak's serial line: until NO CARRIER, or about a second).
#include <sys/epoll.h>

#include <cstdio>

#include "bank_impl.h"

namespace dialsoak::sim {
namespace {

constexpr auto kLinePoll = std::chrono::milliseconds(10);
constexpr auto kReopenRetry = std::chrono::milliseconds(500);

}  // namespace

// A device just opened: bytes to it are sent (someone may be at the other end of the
// cable); its lines, if any, start being watched, with the level now as the start.
void BankImpl::StartDevice(Port& p, TimePoint now) {
  DevicePort& d = *p.io.device();
  p.attached = true;
  if (!d.has_lines()) return;
  auto up = d.PeerDtr();
  p.peer_dtr = up && *up;
  p.modem.SetDtr(p.peer_dtr, p.out);
  SyncDtr(p);
  Schedule(p, kLineTimer, now + kLinePoll);
}

void BankImpl::OnLineTimer(Port& p, TimePoint now) {
  DevicePort& d = *p.io.device();
  if (!d.open()) return ReopenDevice(p, now);
  if (!d.has_lines()) return;
  Schedule(p, kLineTimer, now + kLinePoll);
  auto up = d.PeerDtr();
  if (!up || *up == p.peer_dtr) return;  // an error: the device's read will tell
  p.peer_dtr = *up;
  if (p.faults.resetting()) return;  // a rebooting modem hears nothing
  p.modem.SetDtr(*up, p.out);  // a fall hangs up (&D2), as a pty's B0 does
  Pump(p, now);
}

// Our DTR is the dialer's DCD: up while a call is up (&C1), always (&C0).
void BankImpl::SyncDtr(Port& p) {
  DevicePort& d = *p.io.device();
  if (!d.open() || !d.has_lines()) return;
  const ModemState s = p.modem.state();
  d.SetDtr(p.modem.dcd_mode() == 0 || s == ModemState::Online ||
           s == ModemState::OnlineCommand);
}

// EOF or EIO: the device went away (a USB adapter unplugged, socat's pty closed). The
// call, if any, ends as by a close; the path is reopened until it is back.
void BankImpl::DeviceGone(Port& p, TimePoint now) {
  if (p.attached) PortClosed(p, now);
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, p.io.fd(), nullptr);
  std::fprintf(stderr, "modem bank: device %s went away; reopening it every %lld ms\n",
               p.io.path().c_str(), static_cast<long long>(kReopenRetry.count()));
  p.io.Close();
  p.want_out = false;
  Schedule(p, kLineTimer, now + kReopenRetry);
}

void BankImpl::ReopenDevice(Port& p, TimePoint now) {
  auto opened = DevicePort::Open(config_.devices[static_cast<std::size_t>(p.device)]);
  if (!opened) {
    Schedule(p, kLineTimer, now + kReopenRetry);
    return;
  }
  p.io = PortIo(std::move(*opened));
  if (auto watched = Watch(p); !watched) {
    std::fprintf(stderr, "modem bank: device %s: %s\n", p.io.path().c_str(),
                 watched.error().message.c_str());
    p.io.Close();
    Schedule(p, kLineTimer, now + kReopenRetry);
    return;
  }
  std::fprintf(stderr, "modem bank: device %s is back\n", p.io.path().c_str());
  StartDevice(p, now);
  Pump(p, now);
  ReadPort(p);  // bytes that arrived before it was watched (edge-triggered)
}

}  // namespace dialsoak::sim
