// Calls between ports: a dial reaches a pool, draws its outcome, rings an answering
// program or is answered by the bank (data loopback), and ends with a CallRecord.
#include <algorithm>
#include <functional>

#include "bank_impl.h"

namespace dialsoak::sim {
namespace {

using at::ResultCode;

std::string ResultText(ResultCode code, std::string_view connect_text) {
  std::string text(at::VerboseText(code));
  if (code == ResultCode::Connect && !connect_text.empty()) {
    text += ' ';
    text += connect_text;
  }
  return text;
}

}  // namespace

void BankImpl::OnModemEvent(Port& p, const ModemEvent& e, TimePoint now) {
  switch (e.kind) {
    case ModemEvent::Kind::Dial:
      // An answering port (modem identity can_dial = false) never asks to dial.
      if (!p.answering) PlaceCall(p, e.number, now);
      return;
    case ModemEvent::Kind::Answer:
      AnswerCall(p, now);
      return;
    case ModemEvent::Kind::Hangup:
      if (!p.answering) {
        EndCall(p, e.cause, now);
      } else if (p.peer >= 0) {
        RemoteEnd(ports_[static_cast<std::size_t>(p.peer)], now);
      }
      return;
  }
}

// Data a modem sent in data mode: back to its own tty when the bank answered the call,
// else to the other pty of the call.
void BankImpl::RouteData(Port& p, std::string_view data, TimePoint now) {
  const int peer = PeerIndex(p);
  if (peer < 0) {
    if (!p.answering && p.call.phase == Call::Phase::Connected) p.modem.FromLine(data, p.out);
    return;
  }
  Port& q = ports_[static_cast<std::size_t>(peer)];
  const Call& call = p.answering ? q.call : p.call;
  if (call.phase != Call::Phase::Connected) return;
  q.modem.FromLine(data, q.out);
  Pump(q, now);
}

void BankImpl::PlaceCall(Port& p, std::string number, TimePoint now) {
  Call& c = p.call;
  c = Call{};
  c.number = std::move(number);
  c.dialed = now;
  InjectLeak(counters_.calls.fetch_add(1, std::memory_order_relaxed) + 1);

  // Both draws always happen, in this order, so a seeded run is reproducible.
  const CallModel& m = config_.call;
  double u = std::uniform_real_distribution<double>(0, 1)(p.rng);
  auto delay = m.answer_delay.Draw(p.rng);

  // Faults draw from their own generator (bank_faults.cc). A RING flood holds the result
  // until its last RING, also a result that would have come at once.
  if (DrawDialFaults(p, now)) return;
  // The modem's call-attempt restrictions refuse the dial before it places a call.
  if (const Fault* rule = p.faults.call[FaultKind::kBlacklist]) {
    if (const auto refusal = p.faults.restrictions.Check(*rule, c.number, now)) {
      Injected(p, FaultKind::kBlacklist);
      return Finish(p, *refusal, now);
    }
  }
  const auto flood = StartRingFlood(p, now);
  delay = std::max(delay, flood);
  auto finish = [&](ResultCode code) {
    if (flood > std::chrono::nanoseconds::zero()) return Await(p, code, flood, now);
    Finish(p, code, now);
  };

  if (u < m.p_no_dialtone) return finish(ResultCode::NoDialtone);
  u -= m.p_no_dialtone;
  const auto pool = concentrator_.Match(c.number);
  if (!pool) return Await(p, ResultCode::NoAnswer, delay, now);
  // In a hunt group of answering ptys, a port with a program on it is taken first.
  const auto& answer_ports = pool_ports_[static_cast<std::size_t>(*pool)];
  auto answer_port = [&](int s) -> Port& {
    return ports_[static_cast<std::size_t>(answer_ports[static_cast<std::size_t>(s)])];
  };
  std::function<bool(int)> prefer;
  if (!answer_ports.empty()) prefer = [&](int s) { return ProgramAttached(answer_port(s)); };
  auto slot = concentrator_.Acquire(*pool, prefer);
  if (!slot) {
    counters_.blocked.fetch_add(1, std::memory_order_relaxed);
    return finish(ResultCode::Busy);
  }
  c.pool = *pool;
  c.slot = *slot;
  c.seized = true;
  c.had_port = true;

  ResultCode outcome = ResultCode::Connect;
  if (u < m.p_busy) {
    outcome = ResultCode::Busy;
  } else if (u < m.p_busy + m.p_no_answer) {
    outcome = ResultCode::NoAnswer;
  } else if (u < m.p_busy + m.p_no_answer + m.p_no_carrier) {
    outcome = ResultCode::NoCarrier;
  }
  if (outcome == ResultCode::Connect && !answer_ports.empty() &&
      ProgramAttached(answer_port(*slot))) {
    return StartRinging(p, answer_port(*slot), now);
  }
  Await(p, outcome, delay, now);
}

// On every leak.every-th dial of the bank, one more descriptor held until the bank goes.
// A failure (EMFILE when the process is out of them) leaks nothing and is not counted:
// the dial goes on, as the dialing process's own calls would start failing instead.
void BankImpl::InjectLeak(std::uint64_t dial) {
  const LeakConfig& leak = config_.leak;
  if (!leak.enabled() || dial % static_cast<std::uint64_t>(leak.every) != 0) return;
  if (leaker_.Leak()) counters_.leaked_descriptors.fetch_add(1, std::memory_order_relaxed);
}

// The result after the answer delay, which the dialer's S7 caps (NO CARRIER then).
void BankImpl::Await(Port& p, ResultCode outcome, std::chrono::nanoseconds delay,
                     TimePoint now) {
  const auto carrier_wait = std::chrono::duration_cast<std::chrono::nanoseconds>(
      p.modem.CarrierWait());
  if (delay > carrier_wait) {
    outcome = ResultCode::NoCarrier;
    delay = carrier_wait;
  }
  p.call.outcome = outcome;
  p.call.phase = Call::Phase::Waiting;
  if (delay > std::chrono::nanoseconds::zero()) {
    Schedule(p, kCallTimer, now + delay);
  } else if (outcome == ResultCode::Connect) {
    ConnectCall(p, now);
  } else {
    Finish(p, outcome, now);
  }
}

// Rings the answering program now and every ring_interval, until it answers or the
// dialer's S7 runs out.
void BankImpl::StartRinging(Port& p, Port& answer, TimePoint now) {
  Call& c = p.call;
  c.phase = Call::Phase::Ringing;
  c.answer_port = answer.index;
  answer.peer = p.index;
  c.give_up = now + p.modem.CarrierWait();
  c.next_ring = now;
  OnCallTimer(p, now);
}

void BankImpl::OnCallTimer(Port& p, TimePoint now) {
  Call& c = p.call;
  if (c.phase == Call::Phase::Waiting && c.outcome == ResultCode::Connect) {
    ConnectCall(p, now);
  } else if (c.phase == Call::Phase::Waiting) {
    Finish(p, c.outcome, now);
  } else if (c.phase == Call::Phase::Ringing) {
    Port& answer = ports_[static_cast<std::size_t>(c.answer_port)];
    if (now >= c.give_up) {
      answer.modem.RingStopped();
      answer.peer = -1;
      c.answer_port = -1;
      Finish(p, ResultCode::NoCarrier, now);
    } else {
      if (now >= c.next_ring) {
        c.next_ring = now + config_.ring_interval;
        answer.modem.Ring(answer.out);
        Pump(answer, now);  // may answer at once (S0)
      }
      if (c.phase == Call::Phase::Ringing) {
        Schedule(p, kCallTimer, std::min(c.next_ring, c.give_up));
      }
    }
  }
  Pump(p, now);
}

// The dial ends without a connection.
void BankImpl::Finish(Port& p, ResultCode code, TimePoint now) {
  Call& c = p.call;
  Cancel(p, kCallTimer);
  Release(p);
  c.result = ResultText(p.modem.Reported(code), {});  // what the modem says at its ATX
  c.result_at = now;
  auto& counter = code == ResultCode::Busy          ? counters_.busy
                  : code == ResultCode::NoAnswer    ? counters_.no_answer
                  : code == ResultCode::NoDialtone  ? counters_.no_dialtone
                  : code == ResultCode::Blacklisted ? counters_.blacklisted
                  : code == ResultCode::Delayed     ? counters_.delayed
                                                    : counters_.no_carrier;
  counter.fetch_add(1, std::memory_order_relaxed);
  const bool failed = code == ResultCode::Busy || code == ResultCode::NoAnswer ||
                      code == ResultCode::NoCarrier;
  if (const Fault* rule = p.faults.call[FaultKind::kBlacklist]; rule != nullptr && failed) {
    p.faults.restrictions.Failed(*rule, c.number, now);
  }
  const std::size_t from = p.out.to_dte.size();
  p.modem.DialResult(code, p.out);
  ArmResult(p, from);
  Record(p, "", now);
}

// The bank answers by itself: CONNECT, and data loops back.
void BankImpl::ConnectCall(Port& p, TimePoint now) {
  Call& c = p.call;
  Cancel(p, kCallTimer);
  c.phase = Call::Phase::Connected;
  c.connected = c.result_at = now;
  c.result = ResultText(ResultCode::Connect,
                        p.modem.ReportsRate() ? config_.call.connect_text : std::string());
  counters_.connects.fetch_add(1, std::memory_order_relaxed);
  p.faults.restrictions.Connected(c.number);
  const std::size_t from = p.out.to_dte.size();
  p.modem.Connected(config_.call.connect_text, now, p.out);
  ArmResult(p, from);
  ArmCarrierLoss(p, now);
}

// The answering program took the call (ATA, or S0 rings): both sides CONNECT.
void BankImpl::AnswerCall(Port& answer, TimePoint now) {
  if (answer.peer < 0) {
    answer.modem.RemoteHangup(answer.out);  // the caller is gone: NO CARRIER
    return;
  }
  Port& p = ports_[static_cast<std::size_t>(answer.peer)];
  ConnectCall(p, now);
  answer.modem.Connected(config_.call.connect_text, now, answer.out);
  Pump(p, now);
}

// The dialer's modem hung up (DTR, ATH, close, or a byte during set-up).
void BankImpl::EndCall(Port& p, HangupCause cause, TimePoint now) {
  Call& c = p.call;
  if (c.phase == Call::Phase::Idle) return;
  Cancel(p, kCallTimer);
  if (c.phase == Call::Phase::Connected) {
    auto& counter = cause == HangupCause::Dtr     ? counters_.hangups_dtr
                    : cause == HangupCause::Close ? counters_.hangups_close
                                                  : counters_.hangups_ath;
    counter.fetch_add(1, std::memory_order_relaxed);
  } else {
    c.result = ResultText(ResultCode::NoCarrier, {});  // what the modem said on abort
    c.result_at = now;
    counters_.no_carrier.fetch_add(1, std::memory_order_relaxed);
  }
  LeaveAnswerPort(c, c.phase == Call::Phase::Connected, now);
  Release(p);
  Record(p, ToString(cause), now);
}

// The answering program, if the call reached one, hears the call end: NO CARRIER when it
// was connected, else the RINGs stop.
void BankImpl::LeaveAnswerPort(Call& c, bool connected, TimePoint now) {
  if (c.answer_port < 0) return;
  Port& answer = ports_[static_cast<std::size_t>(c.answer_port)];
  if (connected) {
    answer.modem.RemoteHangup(answer.out);
  } else {
    answer.modem.RingStopped();
  }
  answer.peer = -1;
  c.answer_port = -1;
  Pump(answer, now);
}

// The answering program hung up: NO CARRIER to the dialer.
void BankImpl::RemoteEnd(Port& p, TimePoint now) {
  Call& c = p.call;
  ports_[static_cast<std::size_t>(c.answer_port)].peer = -1;
  c.answer_port = -1;
  if (c.phase == Call::Phase::Connected) {
    counters_.hangups_remote.fetch_add(1, std::memory_order_relaxed);
  }
  p.modem.RemoteHangup(p.out);
  Release(p);
  Record(p, "remote", now);
  Pump(p, now);
}

void BankImpl::Release(Port& p) {
  Call& c = p.call;
  if (c.seized) concentrator_.Release(c.pool, c.slot);
  c.seized = false;
}

void BankImpl::Record(Port& p, std::string_view cause, TimePoint now) {
  Call& c = p.call;
  if (observer_) {
    const bool connected = c.phase == Call::Phase::Connected;
    observer_(CallRecord{p.index, c.number, c.result, c.result_at - c.dialed,
                         connected ? now - c.connected : std::chrono::nanoseconds::zero(),
                         std::string(cause), c.dialed,
                         c.had_port ? now - c.dialed : std::chrono::nanoseconds::zero(),
                         p.faults.injected});
  }
  c = Call{};
  p.faults.EndCall();
  p.faults.injected.clear();
}

// Whether a program holds the answering pty now (asked of the kernel: it may have opened
// it without writing yet).
bool BankImpl::ProgramAttached(Port& answer) {
  const PtyPort* pty = answer.io.pty();
  const bool open = pty != nullptr && pty->SlaveOpen();
  if (open) answer.attached = true;
  return open;
}

}  // namespace dialsoak::sim
