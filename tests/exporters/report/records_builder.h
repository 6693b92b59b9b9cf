// Builders of synthetic run records for the report tests.
#pragma once

#include <chrono>
#include <string>

#include "dialsoak/observer/records.h"

namespace dialsoak::report::fixtures {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// A fixed origin for synthetic steady-clock time points.
inline Clock::time_point T0() { return Clock::time_point(std::chrono::hours(1000)); }

inline CycleRecord Cycle(CallResult result, nanoseconds dial, std::string detail = "") {
  CycleRecord c;
  c.result = result;
  c.dial_latency = dial;
  c.detail = std::move(detail);
  c.due = T0();
  return c;
}

inline CycleRecord Connected(nanoseconds dial, nanoseconds hangup,
                             HangupMethod method = HangupMethod::Dtr, bool ok = true) {
  CycleRecord c = Cycle(CallResult::Connect, dial, "CONNECT 33600");
  c.hung_up = true;
  c.hangup_ok = ok;
  c.hangup_latency = hangup;
  c.hangup_method = method;
  if (!ok) c.hangup_detail = "no OK after ATH0";
  return c;
}

inline ProbeSample Sample(std::string process, SampleKind kind, std::int64_t handles,
                          std::int64_t threads = 1, std::int64_t resident = 1 << 20) {
  ProbeSample s;
  s.process = std::move(process);
  s.pid = 4242;
  s.kind = kind;
  s.at = T0();
  s.handles = handles;
  s.threads = threads;
  s.resident_bytes = resident;
  return s;
}

inline ProbeSample Gone(std::string process) {
  ProbeSample s = Sample(std::move(process), SampleKind::Periodic, 0, 0, 0);
  s.alive = false;
  s.error = "no such process";
  return s;
}

inline RunInfo Info() {
  RunInfo r;
  r.run_id = "20261128T064512-4f2a";
  r.version = "0.1.0";
  r.backend = "sim";
  r.lines = 4;
  r.cycles_per_line = 250;
  return r;
}

}  // namespace dialsoak::report::fixtures
