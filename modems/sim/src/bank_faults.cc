// Fault injection on the bank's thread (see dialsoak/sim/fault.h): the faults drawn at a
// dial, the edits of the dial's result on its way to the tty, and the timed ones: a
// dribble's bytes, a RING flood, a carrier loss, a port that vanishes and comes back, a
// modem that reboots.
#include <sys/epoll.h>

#include <cstdio>

#include "bank_impl.h"

namespace dialsoak::sim {
namespace {

using at::ResultCode;
using std::chrono::nanoseconds;

constexpr auto kReplugRetry = std::chrono::milliseconds(100);
constexpr TimePoint kNoTime = PortFaults::kNever;

}  // namespace

void BankImpl::Count(FaultKind kind) {
  counters_.faults[static_cast<std::size_t>(kind)].fetch_add(1, std::memory_order_relaxed);
}

void BankImpl::Injected(Port& p, FaultKind kind) {
  Count(kind);
  p.faults.injected.push_back(kind);
}

// Draws the dial's faults. A vanish at the dial, a reset or a silent fault swallows it.
bool BankImpl::DrawDialFaults(Port& p, TimePoint now) {
  PortFaults& f = p.faults;
  f.injected.clear();
  if (!config_.faults.enabled()) return false;
  f.call = DrawFaults(config_.faults, p.index, f.rng);
  if (const Fault* v = f.call[FaultKind::kVanish]; v != nullptr && f.vanish == nullptr) {
    const nanoseconds after = v->vanish_after.Draw(f.rng);
    f.vanish = v;
    f.vanish_at = now + after;
    ScheduleFaults(p);
    if (after == nanoseconds::zero()) {
      SwallowDial(p, FaultKind::kVanish, now);  // gone before any result
      return true;
    }
  }
  if (const Fault* r = f.call[FaultKind::kReset]) {
    f.reset_until = now + r->reset_time;
    ScheduleFaults(p);
    SwallowDial(p, FaultKind::kReset, now);
    return true;
  }
  if (f.call[FaultKind::kSilent] != nullptr) {
    SwallowDial(p, FaultKind::kSilent, now);
    return true;
  }
  return false;
}

// The dial gets no result and places no call; the modem is back in command mode.
void BankImpl::SwallowDial(Port& p, FaultKind kind, TimePoint now) {
  p.modem.DropDial();
  p.call.result_at = now;
  counters_.unanswered.fetch_add(1, std::memory_order_relaxed);
  if (kind == FaultKind::kVanish) {
    p.faults.injected.push_back(kind);  // counted when the port goes, just after
  } else {
    Injected(p, kind);
  }
  Record(p, kind == FaultKind::kVanish ? "vanish" : "", now);
}

// The first RING now (all of them when their interval is 0), the others by the fault
// timer. Returns how long the dial's result must wait: one interval past the last RING.
nanoseconds BankImpl::StartRingFlood(Port& p, TimePoint now) {
  PortFaults& f = p.faults;
  const Fault* r = f.call[FaultKind::kRingFlood];
  if (r == nullptr) return nanoseconds::zero();
  Injected(p, FaultKind::kRingFlood);
  f.rings_left = r->ring_count;
  f.ring_interval = r->ring_interval;
  FloodRing(p, now);
  return r->ring_count * r->ring_interval;
}

// The RING due at `at`; the next one an interval after it (not after now, so that a late
// timer does not push the last RING past the result).
void BankImpl::FloodRing(Port& p, TimePoint at) {
  PortFaults& f = p.faults;
  f.ring_next = kNoTime;
  do {
    p.modem.UnsolicitedResult(ResultCode::Ring, p.out);
  } while (--f.rings_left > 0 && f.ring_interval == nanoseconds::zero());
  if (f.rings_left > 0) f.ring_next = at + f.ring_interval;
  ScheduleFaults(p);
}

// The dial's result was just added to the modem's output from byte `from` on: the output
// faults of the call will edit it in Deliver.
void BankImpl::ArmResult(Port& p, std::size_t from) {
  PortFaults& f = p.faults;
  if (p.out.to_dte.size() <= from) return;  // nothing said (Q1)
  PortFaults::Result r{from, f.call[FaultKind::kNoise], f.call[FaultKind::kTruncate],
                       f.call[FaultKind::kDribble]};
  if (r.noise == nullptr && r.truncate == nullptr && r.dribble == nullptr) return;
  for (FaultKind k : {FaultKind::kNoise, FaultKind::kTruncate, FaultKind::kDribble}) {
    if (f.call[k] == nullptr) continue;
    Injected(p, k);
    f.call.Clear(k);
  }
  f.result = r;
}

void BankImpl::ArmCarrierLoss(Port& p, TimePoint now) {
  PortFaults& f = p.faults;
  const Fault* c = f.call[FaultKind::kCarrierLoss];
  if (c == nullptr) return;
  f.call.Clear(FaultKind::kCarrierLoss);
  f.carrier_at = now + c->carrier_after.Draw(f.rng);
  ScheduleFaults(p);
}

// The bytes before the dial's result go as they are; the result is cut (truncate), gets
// its noise, and goes one byte every gap (dribble, the first byte at once).
void BankImpl::Deliver(Port& p, std::string_view bytes, TimePoint now) {
  PortFaults& f = p.faults;
  if (!f.result) return Send(p, bytes);
  const PortFaults::Result r = *f.result;
  f.result.reset();
  const std::size_t from = std::min(r.from, bytes.size());
  Send(p, bytes.substr(0, from));
  std::string result(bytes.substr(from));
  if (r.truncate != nullptr) {
    TruncateResult(result, static_cast<std::size_t>(r.truncate->truncate_keep),
                   static_cast<char>(p.modem.Register(3)), static_cast<char>(p.modem.Register(4)));
  }
  if (r.noise != nullptr) {
    InsertNoise(result, MakeNoise(static_cast<std::size_t>(r.noise->noise_bytes), f.rng),
                r.noise->noise_at, f.rng);
  }
  if (r.dribble == nullptr || !p.attached || result.empty() || !f.slow.empty()) {
    return Send(p, result);  // behind a dribble already going, if any
  }
  WriteOut(p, std::string_view(result).substr(0, 1));
  f.slow = result.substr(1);
  f.slow_gap = r.dribble->dribble_gap;
  if (!f.slow.empty()) f.slow_next = now + f.slow_gap;
  ScheduleFaults(p);
}

void BankImpl::ScheduleFaults(Port& p) {
  const TimePoint next = p.faults.next();
  if (next == p.timer_at[kFaultTimer]) return;
  if (next == kNoTime) {
    Cancel(p, kFaultTimer);
  } else {
    Schedule(p, kFaultTimer, next);
  }
}

void BankImpl::OnFaultTimer(Port& p, TimePoint now) {
  PortFaults& f = p.faults;
  if (f.reset_until <= now) EndReset(p);
  if (f.replug_at <= now) Replug(p, now);
  if (f.vanish_at <= now) Vanish(p, now);
  if (f.carrier_at <= now) LoseCarrier(p, now);
  if (f.ring_next <= now) {
    if (p.modem.state() == ModemState::Dialing) {
      FloodRing(p, f.ring_next);
    } else {  // the dial ended (a byte aborted it, a pty answered): no more RINGs
      f.rings_left = 0;
      f.ring_next = kNoTime;
    }
  }
  if (f.slow_next <= now) DribbleByte(p, now);
  if (!f.gone) Pump(p, now);
  ScheduleFaults(p);
}

void BankImpl::DribbleByte(Port& p, TimePoint now) {
  PortFaults& f = p.faults;
  f.slow_next = kNoTime;
  if (!p.attached) f.slow.clear();
  if (f.slow.empty()) return;
  if (p.outq.empty()) {  // else the tty is full: try again a gap later
    WriteOut(p, std::string_view(f.slow).substr(0, 1));
    f.slow.erase(0, 1);
  }
  if (!f.slow.empty()) f.slow_next = now + f.slow_gap;
}

// The connected call drops by itself: NO CARRIER to the dialer (and to an answering pty).
void BankImpl::LoseCarrier(Port& p, TimePoint now) {
  p.faults.carrier_at = kNoTime;
  if (p.call.phase != Call::Phase::Connected) return;
  Injected(p, FaultKind::kCarrierLoss);
  p.modem.RemoteHangup(p.out);
  FaultEnd(p, "carrier", now);
}

// A fault ends the call: counted as a hang-up by that cause when it was connected, else as
// a dial that got no result.
void BankImpl::FaultEnd(Port& p, std::string_view cause, TimePoint now) {
  Call& c = p.call;
  Cancel(p, kCallTimer);
  const bool connected = c.phase == Call::Phase::Connected;
  if (connected) {
    auto& counter = cause == "carrier" ? counters_.hangups_carrier : counters_.hangups_vanish;
    counter.fetch_add(1, std::memory_order_relaxed);
  } else {
    c.result_at = now;
    counters_.unanswered.fetch_add(1, std::memory_order_relaxed);
  }
  LeaveAnswerPort(c, connected, now);
  Release(p);
  Record(p, cause, now);
}

// The device is unplugged: its link goes first (so a dialer that saw the hang-up finds it
// gone), then its pty; a power-up modem comes back on a new pty after the down time.
void BankImpl::Vanish(Port& p, TimePoint now) {
  PortFaults& f = p.faults;
  f.vanish_at = kNoTime;
  Count(FaultKind::kVanish);
  if (p.call.phase != Call::Phase::Idle) {
    f.injected.push_back(FaultKind::kVanish);
    FaultEnd(p, "vanish", now);
  }
  Unlink(p.index);
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, p.io.fd(), nullptr);
  p.io.Close();
  Cancel(p, kModemTimer);
  Cancel(p, kCallTimer);
  p.out.Clear();
  p.outq.clear();
  p.want_out = p.throttled = p.hup_pending = p.attached = false;
  p.modem = Modem(p.modem.identity());
  f.EndCall();
  f.result.reset();
  f.slow.clear();
  f.slow_next = kNoTime;
  f.reset_until = kNoTime;
  f.gone = true;
  f.replug_at = now + f.vanish->vanish_down;
}

void BankImpl::Replug(Port& p, TimePoint now) {
  PortFaults& f = p.faults;
  f.replug_at = now + kReplugRetry;  // unless it works
  auto pty = PtyPort::Open();
  if (!pty) {
    std::fprintf(stderr, "modem bank: modem%d cannot come back yet: %s\n", p.index,
                 pty.error().message.c_str());
    return;
  }
  p.io = PortIo(std::move(*pty));
  if (auto watched = Watch(p); !watched) {
    std::fprintf(stderr, "modem bank: modem%d cannot come back yet: %s\n", p.index,
                 watched.error().message.c_str());
    return;
  }
  if (auto linked = Relink(p.index, p.io.path()); !linked) {
    std::fprintf(stderr, "modem bank: modem%d is back at %s but not at its link: %s\n", p.index,
                 p.io.path().c_str(), linked.error().message.c_str());
  }
  f.replug_at = kNoTime;
  f.gone = false;
  f.vanish = nullptr;
}

// The reboot is over: the power-up profile, taking commands again.
void BankImpl::EndReset(Port& p) {
  p.faults.reset_until = kNoTime;
  p.modem = Modem(p.modem.identity());
  Cancel(p, kModemTimer);
}

}  // namespace dialsoak::sim
