#include "settings_json.h"

#include <chrono>

namespace dialsoak::cli {
namespace {

double Seconds(nanoseconds d) { return std::chrono::duration<double>(d).count(); }

template <typename T>
void Put(nlohmann::json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}

void Put(nlohmann::json& j, const char* key, const std::optional<nanoseconds>& v) {
  if (v) j[key] = Seconds(*v);
}

nlohmann::json LineToJson(const LineSettings& l) {
  nlohmann::json j = nlohmann::json::object();
  if (!l.device.empty()) j["device"] = l.device;
  Put(j, "number", l.number);
  Put(j, "init", l.init);
  Put(j, "hangup", l.hangup);
  Put(j, "dial_mode", l.dial_mode);
  Put(j, "dial_timeout_seconds", l.dial_timeout);
  Put(j, "hangup_timeout_seconds", l.hangup_timeout);
  Put(j, "command_timeout_seconds", l.command_timeout);
  Put(j, "guard_time_seconds", l.guard_time);
  Put(j, "speed", l.speed);
  Put(j, "framing", l.framing);
  Put(j, "rtscts", l.rtscts);
  for (const auto& [key, command] : {std::pair{"dial_cmd", &l.dial_cmd},
                                     std::pair{"hangup_cmd", &l.hangup_cmd},
                                     std::pair{"check_cmd", &l.check_cmd}}) {
    if (!*command) continue;
    j[key] = (*command)->text.empty() ? nlohmann::json((*command)->argv)
                                      : nlohmann::json((*command)->text);
  }
  Put(j, "connect_regex", l.connect_regex);
  if (l.exit_results) {
    nlohmann::json results = nlohmann::json::object();
    for (const auto& [code, result] : *l.exit_results) results[std::to_string(code)] = result;
    j["exit_results"] = results;
  }
  Put(j, "shell", l.shell);
  return j;
}

}  // namespace

nlohmann::json SettingsToJson(const RunSettings& s) {
  nlohmann::json j;
  j["command"] = s.command;
  j["backend"] = s.backend;
  j["lines"] = LinesUsed(s);  // the lines dialed, not the --lines default of another backend
  j["cycles"] = s.cycles ? nlohmann::json(*s.cycles) : nlohmann::json("unlimited");
  j["duration_seconds"] = s.duration ? nlohmann::json(Seconds(*s.duration)) : nlohmann::json();
  j["hold_seconds"] = Seconds(s.hold);
  j["think_seconds"] = Seconds(s.think);
  j["number"] = s.number;
  j["devices"] = s.devices;
  j["seed"] = s.seed;
  j["sample_interval_seconds"] = Seconds(s.sample_interval);
  j["watch_pids"] = s.watch_pids;
  j["watch_names"] = s.watch_names;
  j["answer_delay"] = s.answer_delay;
  j["inject_leak"] = s.inject_leak.empty() ? nlohmann::json()
                                           : nlohmann::json(s.inject_leak);
  j["sim_failures"] = {{"busy", s.sim_busy},
                       {"no_answer", s.sim_no_answer},
                       {"no_dialtone", s.sim_no_dialtone},
                       {"no_carrier", s.sim_no_carrier}};
  j["ports"] = s.ports ? nlohmann::json(*s.ports) : nlohmann::json();
  j["pools"] = s.pools;
  j["sim_faults"] = s.sim_faults;
  j["out"] = s.out_dir;
  j["journal"] = s.journal;
  j["journal_cycles_limit_mib"] = s.journal_cycles_limit_mib;
  j["report"] = s.report_path;
  j["max_failures_percent"] = s.max_failures_percent;
  j["listen"] = s.listen;
  j["linger_seconds"] = Seconds(s.linger);
  j["per_line_metrics"] = s.per_line_metrics;
  if (!s.push_url.empty()) {
    nlohmann::json labels = nlohmann::json::object();
    for (const auto& [name, value] : s.push_labels) labels[name] = value;
    j["push"] = {{"url", s.push_url},
                 {"job", s.push_job},
                 {"interval_seconds", Seconds(s.push_interval)},
                 {"labels", labels}};
  }
  if (s.rate || !s.stages.empty()) {
    j["open_loop"] = {{"rate", s.rate ? nlohmann::json(*s.rate) : nlohmann::json()},
                      {"stages", s.stages},
                      {"arrivals", s.arrivals},
                      {"hold_dist", s.hold_dist.empty() ? nlohmann::json() : nlohmann::json(s.hold_dist)}};
  }
  if (s.command == "capacity") {
    const CapacitySettings& c = s.capacity;
    auto seconds = [](const std::optional<nanoseconds>& d) {
      return d ? nlohmann::json(Seconds(*d)) : nlohmann::json();
    };
    j["capacity"] = {{"loads", c.loads},
                     {"precision", c.precision},
                     {"step_calls", c.step_calls ? nlohmann::json(*c.step_calls) : nlohmann::json()},
                     {"step_duration_seconds", seconds(c.step_duration)},
                     {"max_step_seconds", Seconds(c.max_step)},
                     {"warmup_seconds", seconds(c.warmup)},
                     {"confidence", c.confidence},
                     {"target_blocking", c.target_blocking},
                     {"p99_limit_seconds", seconds(c.p99_limit)},
                     {"plan_load", c.plan_load ? nlohmann::json(*c.plan_load) : nlohmann::json()},
                     {"expect_erlang_b", c.expect_erlang_b},
                     {"arrivals", s.arrivals},
                     {"hold_dist", s.hold_dist.empty() ? nlohmann::json() : nlohmann::json(s.hold_dist)}};
  }
  j["leak"] = {{"allow_leaks", s.allow_leaks},
               {"allow_restarts", s.allow_restarts},
               {"settle_seconds", Seconds(s.settle)},
               {"window_seconds", Seconds(s.leak_window)},
               {"confidence", s.leak_confidence}};
  j["charts"] = s.charts;
  j["thresholds"] = s.thresholds;
  j["junit"] = s.junit_path;
  j["scenario"] = s.scenario.empty() ? nlohmann::json() : nlohmann::json(s.scenario);
  j["config_file"] = s.config_path;
  j["line_defaults"] = LineToJson(s.line_defaults);
  j["modems"] = nlohmann::json::array();
  for (const LineSettings& l : s.line_overrides) j["modems"].push_back(LineToJson(l));
  return j;
}

}  // namespace dialsoak::cli
