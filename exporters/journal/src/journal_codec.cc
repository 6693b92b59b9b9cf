#include "dialsoak/journal/journal_codec.h"

#include <chrono>
#include <cstdint>

namespace dialsoak::journal {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;
using std::chrono::nanoseconds;

std::int64_t Ns(nanoseconds d) { return d.count(); }
std::int64_t Since(Clock::time_point t, Clock::time_point start) { return (t - start).count(); }

// The enum value whose name is `text`, by the names ToString gives.
template <typename E>
std::optional<E> Named(const std::string& text, int count) {
  for (int i = 0; i < count; ++i) {
    if (ToString(static_cast<E>(i)) == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

// Reads j[key] into out when it is there with the right type; false otherwise.
template <typename T>
bool Get(const json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end()) return false;
  try {
    out = it->get<T>();
  } catch (const json::exception&) {
    return false;
  }
  return true;
}

bool GetNs(const json& j, const char* key, nanoseconds& out) {
  std::int64_t ns = 0;
  if (!Get(j, key, ns)) return false;
  out = nanoseconds(ns);
  return true;
}

bool Is(const json& j, const char* type) { return j.is_object() && TypeOf(j) == type; }

}  // namespace

std::string TypeOf(const json& j) {
  if (!j.is_object()) return "";
  auto it = j.find("t");
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

ordered_json Encode(const RunInfo& r) {
  return ordered_json{{"t", "start"},
              {"run_id", r.run_id},
              {"version", r.version},
              {"backend", r.backend},
              {"lines", r.lines},
              {"cycles_per_line", r.cycles_per_line ? ordered_json(*r.cycles_per_line) : ordered_json(nullptr)},
              {"duration", r.duration ? ordered_json(Ns(*r.duration)) : ordered_json(nullptr)},
              {"started_unix_ns", std::chrono::duration_cast<nanoseconds>(
                                      r.started.time_since_epoch())
                                      .count()}};
}

ordered_json Encode(const CycleRecord& c, Clock::time_point start) {
  ordered_json j{{"t", "cycle"},
              {"at", Since(c.due, start)},
              {"line", c.line},
              {"cycle", c.cycle},
              {"result", ToString(c.result)},
              {"dial", Ns(c.dial_latency)},
              {"lag", Ns(c.start_lag)},
              {"held", Ns(c.held)},
              {"detail", c.detail},
              {"hung_up", c.hung_up},
              {"hangup_ok", c.hangup_ok},
              {"hangup", Ns(c.hangup_latency)},
              {"method", ToString(c.hangup_method)},
              {"hangup_detail", c.hangup_detail},
              {"dropped", c.dropped},
              {"drop_detail", c.drop_detail},
              {"reopened", c.reopened},
              {"noise", c.noise_bytes}};
  if (c.connect_rate) j["rate"] = *c.connect_rate;
  if (!c.modulation.empty()) j["modulation"] = c.modulation;
  if (!c.error_control.empty()) j["error_control"] = c.error_control;
  if (!c.compression.empty()) j["compression"] = c.compression;
  return j;
}

ordered_json Encode(const DroppedCall& d, Clock::time_point start) {
  return ordered_json{{"t", "drop"}, {"at", Since(d.due, start)}, {"arrival", d.arrival}};
}

ordered_json Encode(const ProbeSample& s, Clock::time_point start) {
  return ordered_json{{"t", "probe"},        {"at", Since(s.at, start)}, {"process", s.process},
              {"pid", s.pid},        {"kind", ToString(s.kind)}, {"cycles", s.cycles_done},
              {"alive", s.alive},    {"handles", s.handles},     {"threads", s.threads},
              {"rss", s.resident_bytes}, {"error", s.error}};
}

ordered_json Encode(const FdTable& t) {
  return ordered_json{{"t", "fds"},         {"process", t.process}, {"pid", t.pid},
              {"kind", ToString(t.kind)}, {"targets", t.targets}, {"error", t.error},
              {"nofile", t.nofile_limit ? ordered_json(*t.nofile_limit) : ordered_json(nullptr)},
              {"threads_limit", t.threads_limit ? ordered_json(*t.threads_limit) : ordered_json(nullptr)}};
}

ordered_json Encode(const LeakEstimate& e) {
  return ordered_json{{"t", "suspect"},
              {"process", e.process},
              {"resource", e.resource},
              {"per_cycle", e.per_cycle},
              {"cycles", e.cycles_done}};
}

ordered_json Encode(const RunEnd& e) {
  return ordered_json{{"t", "end"},
              {"reason", ToString(e.reason)},
              {"elapsed", Ns(e.elapsed)},
              {"cycles", e.cycles_done},
              {"dropped", e.dropped},
              {"message", e.message},
              {"signal", e.signal}};
}

std::optional<RunInfo> DecodeStart(const json& j, Clock::time_point start) {
  if (!Is(j, "start")) return std::nullopt;
  RunInfo r;
  std::int64_t started = 0;
  if (!Get(j, "run_id", r.run_id) || !Get(j, "backend", r.backend) || !Get(j, "lines", r.lines) ||
      !Get(j, "started_unix_ns", started)) {
    return std::nullopt;
  }
  Get(j, "version", r.version);
  std::int64_t cycles = 0;
  if (Get(j, "cycles_per_line", cycles)) r.cycles_per_line = cycles;
  nanoseconds duration{};
  if (GetNs(j, "duration", duration)) r.duration = duration;
  r.started = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(nanoseconds(started)));
  r.start = start;
  return r;
}

std::optional<CycleRecord> DecodeCycle(const json& j, Clock::time_point start) {
  if (!Is(j, "cycle")) return std::nullopt;
  CycleRecord c;
  nanoseconds at{};
  std::string result, method;
  if (!GetNs(j, "at", at) || !Get(j, "line", c.line) || !Get(j, "cycle", c.cycle) ||
      !Get(j, "result", result) || !GetNs(j, "dial", c.dial_latency)) {
    return std::nullopt;
  }
  const auto r = Named<CallResult>(result, kCallResultCount);
  if (!r) return std::nullopt;
  c.result = *r;
  c.due = start + at;
  GetNs(j, "lag", c.start_lag);
  GetNs(j, "held", c.held);
  Get(j, "detail", c.detail);
  Get(j, "hung_up", c.hung_up);
  Get(j, "hangup_ok", c.hangup_ok);
  GetNs(j, "hangup", c.hangup_latency);
  if (Get(j, "method", method)) {
    const auto m = Named<HangupMethod>(method, kHangupMethodCount);
    if (!m) return std::nullopt;
    c.hangup_method = *m;
  }
  Get(j, "hangup_detail", c.hangup_detail);
  Get(j, "dropped", c.dropped);
  Get(j, "drop_detail", c.drop_detail);
  Get(j, "reopened", c.reopened);
  Get(j, "noise", c.noise_bytes);
  if (std::uint32_t rate = 0; Get(j, "rate", rate) && rate > 0) c.connect_rate = rate;
  Get(j, "modulation", c.modulation);
  Get(j, "error_control", c.error_control);
  Get(j, "compression", c.compression);
  return c;
}

std::optional<DroppedCall> DecodeDrop(const json& j, Clock::time_point start) {
  if (!Is(j, "drop")) return std::nullopt;
  DroppedCall d;
  nanoseconds at{};
  if (!GetNs(j, "at", at) || !Get(j, "arrival", d.arrival)) return std::nullopt;
  d.due = start + at;
  return d;
}

std::optional<ProbeSample> DecodeProbe(const json& j, Clock::time_point start) {
  if (!Is(j, "probe")) return std::nullopt;
  ProbeSample s;
  nanoseconds at{};
  std::string kind;
  if (!GetNs(j, "at", at) || !Get(j, "process", s.process) || !Get(j, "kind", kind) ||
      !Get(j, "cycles", s.cycles_done) || !Get(j, "alive", s.alive)) {
    return std::nullopt;
  }
  const auto k = Named<SampleKind>(kind, static_cast<int>(SampleKind::End) + 1);
  if (!k) return std::nullopt;
  s.kind = *k;
  s.at = start + at;
  Get(j, "pid", s.pid);
  Get(j, "handles", s.handles);
  Get(j, "threads", s.threads);
  Get(j, "rss", s.resident_bytes);
  Get(j, "error", s.error);
  return s;
}

std::optional<FdTable> DecodeFds(const json& j) {
  if (!Is(j, "fds")) return std::nullopt;
  FdTable t;
  std::string kind;
  if (!Get(j, "process", t.process) || !Get(j, "kind", kind) || !Get(j, "targets", t.targets)) {
    return std::nullopt;
  }
  const auto k = Named<SampleKind>(kind, static_cast<int>(SampleKind::End) + 1);
  if (!k || (*k != SampleKind::Baseline && *k != SampleKind::End)) return std::nullopt;
  t.kind = *k;
  Get(j, "pid", t.pid);
  Get(j, "error", t.error);
  std::int64_t nofile = 0;
  if (Get(j, "nofile", nofile)) t.nofile_limit = nofile;
  std::int64_t threads_limit = 0;  // absent in journals of earlier versions
  if (Get(j, "threads_limit", threads_limit)) t.threads_limit = threads_limit;
  return t;
}

std::optional<LeakEstimate> DecodeSuspect(const json& j) {
  if (!Is(j, "suspect")) return std::nullopt;
  LeakEstimate e;
  if (!Get(j, "process", e.process) || !Get(j, "resource", e.resource) ||
      !Get(j, "cycles", e.cycles_done)) {
    return std::nullopt;
  }
  Get(j, "per_cycle", e.per_cycle);
  e.suspected = true;
  return e;
}

std::optional<RunEnd> DecodeEnd(const json& j) {
  if (!Is(j, "end")) return std::nullopt;
  RunEnd e;
  std::string reason;
  if (!Get(j, "reason", reason) || !GetNs(j, "elapsed", e.elapsed) ||
      !Get(j, "cycles", e.cycles_done)) {
    return std::nullopt;
  }
  const auto r = Named<StopReason>(reason, static_cast<int>(StopReason::Unfinished) + 1);
  if (!r) return std::nullopt;
  e.reason = *r;
  Get(j, "dropped", e.dropped);
  Get(j, "message", e.message);
  Get(j, "signal", e.signal);  // absent in journals of earlier versions: 0, unknown
  return e;
}

}  // namespace dialsoak::journal
