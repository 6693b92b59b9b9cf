#include "dialsoak/report/json_report.h"

#include "dialsoak/report/atomic_file.h"
#include "text.h"
#include "verdict_json.h"

namespace dialsoak::report {
namespace {

using nlohmann::json;

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

json Latency(const LatencyStats& l) {
  json j;
  j["count"] = l.count;
  auto put = [&](const char* key, std::chrono::nanoseconds d) {
    j[key] = l.count == 0 ? json(nullptr) : json(Seconds(d));
  };
  put("min", l.min);
  put("p50", l.p50);
  put("p90", l.p90);
  put("p99", l.p99);
  put("p99_9", l.p999);
  put("p99_99", l.p9999);
  put("max", l.max);
  put("mean", l.mean);
  return j;
}

json Resource(const ProcessSummary& p, std::int64_t ResourceCounts::*field) {
  auto value = [&](const std::optional<ResourceCounts>& c) {
    return c ? json((*c).*field) : json(nullptr);
  };
  return json{{"baseline", value(p.baseline)},
              {"end", value(p.end)},
              {"min", value(p.min)},
              {"max", value(p.max)}};
}

json Process(const ProcessSummary& p) {
  return json{{"pid", p.pid},
              {"incarnation", p.incarnation},
              {"restarted", p.restarted},
              {"alive_at_end", p.alive_at_end},
              {"vanished", p.vanished},
              {"samples", p.samples},
              {"failed_samples", p.failed_samples},
              {"last_error", p.last_error},
              {"baseline_sampled", p.baseline_was_sampled},
              {"end_sampled", p.end_was_sampled},
              {"handles", Resource(p, &ResourceCounts::handles)},
              {"threads", Resource(p, &ResourceCounts::threads)},
              {"resident_bytes", Resource(p, &ResourceCounts::resident_bytes)}};
}

json Outcomes(const Summary& s) {
  json j = json::object();
  for (int i = 0; i < kCallResultCount; ++i) {
    auto r = static_cast<CallResult>(i);
    j[std::string(ToString(r))] = s.Count(r);
  }
  return j;
}

json Hangups(const Summary& s) {
  json methods = json::object();
  for (int i = 0; i < kHangupMethodCount; ++i) {
    auto m = static_cast<HangupMethod>(i);
    methods[std::string(ToString(m))] = s.Count(m);
  }
  return json{{"attempted", s.hangups}, {"failed", s.hangup_failures}, {"methods", methods}};
}

// By outcome (summary.h): "dial" is the connected dials', "dial_all" every dial's, and
// "dial_by_result" each result's that had dials; "hangup" the confirmed hang-ups'.
json LatencyToJson(const Summary& s) {
  json by_result = json::object();
  for (int i = 0; i < kCallResultCount; ++i) {
    const LatencyStats& l = s.dial_by_result[static_cast<std::size_t>(i)];
    if (l.count > 0) by_result[std::string(ToString(static_cast<CallResult>(i)))] = Latency(l);
  }
  return json{{"dial", Latency(s.dial)},
              {"dial_all", Latency(s.dial_all)},
              {"dial_by_result", by_result},
              {"hangup", Latency(s.hangup)},
              {"hangup_failed", Latency(s.hangup_failed)},
              {"hangup_after_failed_dial", Latency(s.hangup_after_failed_dial)},
              {"hangup_all", Latency(s.hangup_all)},
              {"start_lag", Latency(s.start_lag)},
              {"precision",
               "percentiles from histograms, within 0.1% of the exact "
               "nearest-rank values; count, min, max and mean exact"}};
}

json Failures(const Summary& s) {
  json list = json::array();
  for (const auto& f : s.failures) {
    list.push_back(json{{"what", f.what},
                        {"detail", f.detail},
                        {"count", f.count},
                        {"first_line", f.first_line},
                        {"first_cycle", f.first_cycle}});
  }
  return list;
}

json RestartsToJson(const Summary& s) {
  json list = json::array();
  for (const ProcessRestart& r : s.restarts) {
    list.push_back(json{{"process", r.process},
                        {"old_pid", r.old_pid},
                        {"new_pid", r.new_pid},
                        {"incarnation", r.incarnation},
                        {"last_seen_seconds", Seconds(r.last_seen - s.run.start)},
                        {"seen_again_seconds", Seconds(r.seen_again - s.run.start)},
                        {"gone_at_most_seconds", Seconds(r.seen_again - r.last_seen)},
                        {"last_seen_cycles", r.last_seen_cycles},
                        {"seen_again_cycles", r.seen_again_cycles}});
  }
  return list;
}

json ConnectRateToJson(const Summary& s) {
  std::int64_t connected = s.connect_rate_other + s.connect_rate_unknown;
  for (const auto& [rate, n] : s.connect_rates) connected += n;
  json rates = json::array();
  for (auto it = s.connect_rates.rbegin(); it != s.connect_rates.rend(); ++it) {
    rates.push_back(json{{"rate", it->first},
                         {"calls", it->second},
                         {"share", static_cast<double>(it->second) / static_cast<double>(connected)}});
  }
  auto rate = [&s](double q) {
    const auto r = s.ConnectRate(q);
    return r ? json(*r) : json(nullptr);
  };
  json modulations = json::object();
  for (std::size_t i = 0; i < kModulationLabelCount; ++i) {
    modulations[std::string(kModulationLabels[i])] = s.modulations[i];
  }
  return json{{"rates", rates},
              {"other", s.connect_rate_other},
              {"unknown", s.connect_rate_unknown},
              {"median", rate(0.5)},
              {"p10", rate(0.1)},
              {"min", s.connect_rates.empty() ? json(nullptr) : json(s.connect_rates.begin()->first)},
              {"modulations", modulations}};
}

}  // namespace

json SummaryToJson(const Summary& s, const json& config, int exit_code) {
  const RunInfo& r = s.run;
  // By name, the latest life; a restarted process's earlier ones under "earlier_lives".
  json processes = json::object();
  for (const auto& p : s.processes) {
    json earlier = json::array();
    if (processes.contains(p.process)) {
      earlier = processes[p.process]["earlier_lives"];
      json previous = processes[p.process];
      previous.erase("earlier_lives");
      earlier.push_back(std::move(previous));
    }
    processes[p.process] = Process(p);
    processes[p.process]["earlier_lives"] = std::move(earlier);
  }
  return json{
      {"report_format", kReportFormat},
      {"tool", "dialsoak"},
      {"version", r.version},
      {"run_id", r.run_id},
      {"backend", r.backend},
      {"lines", r.lines},
      {"cycles_per_line", r.cycles_per_line ? json(*r.cycles_per_line) : json(nullptr)},
      {"duration_seconds", r.duration ? json(Seconds(*r.duration)) : json(nullptr)},
      {"started", Iso8601Utc(r.started)},
      {"ended", s.ended},
      {"stop", {{"reason", ToString(s.stop_reason)}, {"message", s.stop_message}}},
      {"elapsed_seconds", Seconds(s.elapsed)},
      {"cycles", s.cycles},
      {"cycles_per_second", s.cycles_per_second},
      {"outcomes", Outcomes(s)},
      {"hangups", Hangups(s)},
      {"dropped_at_origin", s.dropped_at_origin},
      {"dropped_during_hold", s.dropped_during_hold},
      {"reopens", s.reopens},
      {"line_noise", {{"dials", s.noisy_dials}, {"bytes", s.noise_bytes}}},
      {"connect_rate", ConnectRateToJson(s)},
      {"latency_seconds", LatencyToJson(s)},
      {"processes", processes},
      {"restarts", RestartsToJson(s)},
      {"restart_count", s.restart_count},
      {"failures", Failures(s)},
      {"other_failures", s.other_failures},
      {"leaks", LeaksToJson(s)},
      {"thresholds", ThresholdsToJson(s)},
      {"notes", s.notes},
      {"exit_code", exit_code},
      {"config", config},
  };
}

io::Result<void> WriteJsonReport(const std::string& path, const json& report) {
  std::string text = report.dump(2, ' ', false, json::error_handler_t::replace);
  text += '\n';
  return WriteFileAtomically(path, text);
}

}  // namespace dialsoak::report
