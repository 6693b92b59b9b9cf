#include "compare_command.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "dialsoak/analysis/compare_gates.h"
#include "dialsoak/analysis/run_comparison.h"
#include "dialsoak/chart/overlay_chart.h"
#include "dialsoak/chart/percentile_chart.h"
#include "dialsoak/junit/comparison_junit.h"
#include "dialsoak/report/atomic_file.h"
#include "dialsoak/sim/distribution.h"
#include "exit_codes.h"
#include "report_command.h"

namespace dialsoak::cli {
namespace {

namespace fs = std::filesystem;
using analysis::ComparedRun;
using nlohmann::json;

// Each process's handle counts against cycles, for the overlay chart: at most kMaxPoints,
// halved (every other one kept) when full, so a run of any length costs the same.
class HandleSeries final : public RunObserver {
 public:
  static constexpr std::size_t kMaxPoints = 20000;
  void OnProbe(const ProbeSample& s) override {
    if (!s.alive || !s.error.empty()) return;
    auto& points = series_[s.process];
    if (points.size() >= kMaxPoints) {
      std::vector<chart::ChartPoint> kept;
      for (std::size_t i = 0; i < points.size(); i += 2) kept.push_back(points[i]);
      points = std::move(kept);
    }
    points.push_back({s.cycles_done, s.handles});
  }
  const std::map<std::string, std::vector<chart::ChartPoint>>& series() const { return series_; }

 private:
  std::map<std::string, std::vector<chart::ChartPoint>> series_;
};

class BatchCollector final : public RunObserver {
 public:
  void OnCycles(const CycleTally& t) override { batches_.Add(t); }
  void OnCycle(const CycleRecord& c) override {  // a format-1 journal: a cycle is a tick
    CycleTally t;
    AddCycle(t, c);
    batches_.Add(t);
  }
  analysis::TickBatches& batches() { return batches_; }

 private:
  analysis::TickBatches batches_;
};

struct LoadedRun {
  ComparedRun run;
  std::map<std::string, std::vector<chart::ChartPoint>> handles;
  std::vector<std::string> notes;  // for the warnings: damage, no journal
};

io::Error Bad(const std::string& path, const std::string& why) {
  return io::Error{0, fmt::format("{}: {}", path, why)};
}

io::Result<json> ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) return io::Fail(io::ErrnoError("open " + path));
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    return io::Fail(Bad(path, fmt::format("not JSON ({})", e.what())));
  }
}

// A number of a report, which writes one that is not finite as null: 0 then, as when absent.
double Number(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

LeakCheck LeakOf(const json& j) {
  LeakCheck c;
  c.process = j.value("process", "");
  c.resource = j.value("resource", "");
  c.verdict = j.value("verdict", "");
  c.incarnation = j.value("incarnation", 0);
  c.slope_per_cycle = Number(j, "slope_per_cycle");
  c.slope_per_1000_cycles = Number(j, "slope_per_1000_cycles");
  c.lower_per_cycle = Number(j, "lower_per_cycle");
  c.upper_per_cycle = Number(j, "upper_per_cycle");
  c.confidence = Number(j, "confidence");
  return c;
}

CapacityStep StepOf(const json& j) {
  CapacityStep s;
  s.index = j.value("step", 1) - 1;
  s.complete = j.value("complete", false);
  s.planned_erlangs = Number(j, "planned_erlangs");
  s.offered_erlangs = Number(j, "offered_erlangs");
  s.dialed = j.value("dialed", std::int64_t{0});
  s.blocked = j.value("blocked", std::int64_t{0});
  s.blocking = Number(j, "blocking");
  s.blocking_lower = Number(j, "blocking_lower");
  s.blocking_upper = Number(j, "blocking_upper");
  return s;
}

// A report: a capacity sweep's (its --report file, whatever its name), or a run directory's
// report.json of a run whose journal is gone (counts and leak verdicts only).
io::Result<LoadedRun> LoadReport(const RunDir& dir, const std::string& report_path) {
  auto j = ReadJson(report_path);
  if (!j) return io::Fail(j.error());
  LoadedRun out;
  ComparedRun& r = out.run;
  r.path = report_path == dir.report() ? dir.path : report_path;
  try {
    if (j->value("tool", "") != "dialsoak") return io::Fail(Bad(report_path, "not a dialsoak report"));
    r.kind = j->value("kind", "run");
    r.run_id = j->value("run_id", "");
    r.config = j->value("config", json::object());
    r.elapsed_seconds = j->value("elapsed_seconds", 0.0);
    if (r.kind == "capacity") {
      for (const json& s : j->value("steps", json::array())) r.steps.push_back(StepOf(s));
      const json a = j->value("answers", json::object());
      r.answers.target_blocking = a.value("target_blocking", 0.01);
      r.answers.ports_for_plan_load = a.value("ports_for_plan_load", 0);
      r.answers.plan_load = Number(a, "plan_load");
      r.capacity_confidence = j->value("confidence", 0.95);
      r.config = {{"ports", j->value("ports", json())}, {"far_end", j->value("far_end", json())},
                  {"hold", j->value("hold", json())},   {"lines", j->value("lines", json())},
                  {"backend", j->value("backend", json())}};
    } else if (r.kind == "run") {
      r.open_loop = r.config.contains("open_loop");
      r.total.cycles = j->value("cycles", std::int64_t{0});
      const json outcomes = j->value("outcomes", json::object());
      for (int i = 0; i < kCallResultCount; ++i) {
        r.total.outcomes[static_cast<std::size_t>(i)] =
            outcomes.value(std::string(ToString(static_cast<CallResult>(i))), std::int64_t{0});
      }
      r.total.dropped_at_origin = j->value("dropped_at_origin", std::int64_t{0});
      r.total.dropped_during_hold = j->value("dropped_during_hold", std::int64_t{0});
      const json hangups = j->value("hangups", json::object());
      r.total.hangups = hangups.value("attempted", std::int64_t{0});
      r.total.hangup_failures = hangups.value("failed", std::int64_t{0});
      for (const json& l : j->value("leaks", json::array())) r.leaks.push_back(LeakOf(l));
      for (const json& f : j->value("failures", json::array())) {
        r.total.failures.push_back({f.value("what", ""), f.value("detail", ""), f.value("count", std::int64_t{0}),
                                    f.value("first_line", 0), f.value("first_cycle", std::int64_t{0})});
      }
      out.notes.push_back(fmt::format("{} is a report, not a journal: its counts and leak verdicts "
                                      "are compared, not its throughput or latencies",
                                      report_path));
    } else {
      return io::Fail(Bad(report_path, fmt::format("a report of kind '{}'", r.kind)));
    }
  } catch (const json::exception& e) {
    return io::Fail(Bad(report_path, fmt::format("not a report dialsoak wrote ({})", e.what())));
  }
  return out;
}

io::Result<LoadedRun> LoadJournal(const RunDir& dir) {
  BatchCollector batches;
  HandleSeries handles;
  ReportOptions quiet;
  quiet.charts = "none";
  auto replayed = ReplayRunJournal(dir.path, quiet, {&batches, &handles});
  if (!replayed) return io::Fail(replayed.error());
  LoadedRun out;
  ComparedRun& r = out.run;
  r.kind = "run";
  r.path = dir.path;
  r.run_id = replayed->summary.run.run_id;
  r.config = replayed->header.config;
  r.open_loop = r.config.contains("open_loop") && !r.config["open_loop"].is_null();
  r.elapsed_seconds = std::chrono::duration<double>(replayed->summary.elapsed).count();
  r.total = std::move(replayed->tally);
  r.batches = batches.batches().batches();
  r.leaks = replayed->summary.leaks;
  out.handles = handles.series();
  // A killed run's elapsed time ends at its last tick or cycle counted (RunSummary), not at
  // the probe samples after it, so its rate is not understated.
  const journal::ReplayStats& st = replayed->stats;
  if (!st.end) {
    out.notes.push_back(fmt::format("{} did not finish (killed or crashed): compared up to its "
                                    "last record",
                                    dir.path));
  }
  if (st.bad_lines > 0 || st.torn_lines > 0) {
    out.notes.push_back(fmt::format("{}: {} damaged and {} torn journal line(s) skipped", dir.path,
                                    st.bad_lines, st.torn_lines));
  }
  return out;
}

io::Result<LoadedRun> LoadRun(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return io::Fail(Bad(path, "no such run directory or file"));
  const RunDir dir = RunDirOf(path);
  // A file named is read as it is: a journal.jsonl, or else a report (a capacity sweep's
  // --report file has any name), never another file of its directory.
  if (fs::is_regular_file(path, ec) && fs::path(path).filename() != kJournalName) {
    return LoadReport(dir, path);
  }
  if (fs::exists(dir.journal(), ec)) {
    auto header = journal::ReadJournalHeader(dir.journal());
    if (!header) return io::Fail(header.error());
    if (header->command == "run") return LoadJournal(dir);
  }
  if (fs::exists(dir.report(), ec)) return LoadReport(dir, dir.report());
  return io::Fail(Bad(path, "holds neither a journal.jsonl nor a report.json of dialsoak"));
}

// "0.1ms,2.5ms,10ms,20ms": a duration for each of p50, p90, p99 and p99.9.
tl::expected<std::array<double, 4>, std::string> ParseLatencyFloor(const std::string& text) {
  std::array<double, 4> out{};
  std::size_t at = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::size_t comma = text.find(',', at);
    if ((comma == std::string::npos) != (i + 1 == out.size())) {
      return tl::unexpected(fmt::format("'{}': want four durations, for p50, p90, p99 and p99.9 "
                                        "(0.1ms,2.5ms,10ms,20ms)",
                                        text));
    }
    const std::string part = text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    auto d = sim::ParseDuration(part);
    if (!d) return tl::unexpected(fmt::format("'{}': {}", part, d.error()));
    out[i] = std::chrono::duration<double>(*d).count();
    at = comma + 1;
  }
  return out;
}

std::string Label(const std::string& which, const ComparedRun& r) {
  return r.run_id.empty() ? which : which + " " + r.run_id;
}

// The charts next to compare.json: the latency spectra overlaid, each process's handles.
std::vector<std::string> WriteCharts(const std::string& out_dir, chart::ChartFormat format,
                                     const LoadedRun& base, const LoadedRun& next) {
  std::vector<std::string> written;
  const std::string ext(chart::Extension(format));
  const auto connect = static_cast<std::size_t>(CallResult::Connect);
  const std::string b = Label("BASE", base.run), n = Label("NEW", next.run);
  chart::PercentileChartInput latency;
  latency.title = "dialsoak compare: latency by percentile";
  latency.subtitle = b + " vs " + n;
  latency.series = {{"dial, " + b, &base.run.total.dial[connect]},
                    {"dial, " + n, &next.run.total.dial[connect]},
                    {"hang-up, " + b, &base.run.total.hangup_ok},
                    {"hang-up, " + n, &next.run.total.hangup_ok}};
  const std::string latency_path = (fs::path(out_dir) / ("compare.latency." + ext)).string();
  if (auto w = chart::WritePercentileChart(latency_path, format, latency); w) {
    written.push_back(latency_path);
  } else {
    spdlog::warn("{}", w.error().message);
  }
  std::map<std::string, bool> processes;
  for (const auto& [p, pts] : base.handles) processes[p] = true;
  for (const auto& [p, pts] : next.handles) processes[p] = true;
  for (const auto& [process, unused] : processes) {
    chart::OverlayChartInput in;
    in.title = process + ": open handles, BASE vs NEW";
    in.y_label = "open handles";
    const auto verdict = [&](const LoadedRun& r) {
      for (const LeakCheck& c : r.run.leaks) {
        if (c.process == process && c.resource == "handles" && c.incarnation == 0) {
          return fmt::format("{} {:+.2f}/1000 cycles", c.verdict, c.slope_per_1000_cycles);
        }
      }
      return std::string("not judged");
    };
    in.subtitle = fmt::format("BASE {}; NEW {}", verdict(base), verdict(next));
    const auto points = [&](const LoadedRun& r) {
      const auto it = r.handles.find(process);
      return it == r.handles.end() ? std::vector<chart::ChartPoint>{} : it->second;
    };
    in.series = {{b, points(base), true}, {n, points(next), false}};
    std::string safe = process;
    for (char& ch : safe) {
      if (ch == '/' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20) ch = '_';
    }
    const std::string path = (fs::path(out_dir) / ("compare." + safe + ".handles." + ext)).string();
    if (auto w = chart::WriteOverlayChart(path, format, in); w) {
      written.push_back(path);
    } else {
      spdlog::warn("{}", w.error().message);
    }
  }
  return written;
}

}  // namespace

void AddCompareOptions(CLI::App& app, CompareOptions& o) {
  app.add_option("BASE", o.base, "The run to compare with (last night's): a run directory, or its "
                                 "journal.jsonl or report.json")
      ->required();
  app.add_option("NEW", o.next, "The run to judge (tonight's), likewise")->required();
  app.add_option("--fail-on", o.fail_on,
                 "A regression gate (repeatable): METRIC>LIMIT or METRIC<LIMIT with LIMIT a change "
                 "in %, pp, ms or the metric's unit (dial_p99>10%, connect_share<-0.5pp, "
                 "cycles_per_second<-5%), leak (NEW has a leak verdict), any (a row worse: the "
                 "default) or none (report only)");
  app.add_option("--confidence", o.confidence,
                 "Confidence of the verdicts, shared by all rows (default 0.99)")
      ->check(CLI::Range(0.5, 0.9999));
  app.add_option("--noise-floor", o.noise_floor_percent,
                 "Differences of throughput, latency and capacity below this percent are no change "
                 "(default 2: two runs of one build on one machine differ that much)")
      ->check(CLI::Range(0.0, 100.0));
  app.add_option("--noise-floor-pp", o.noise_floor_points,
                 "Differences of a share below this many percentage points are no change (default 0.1)")
      ->check(CLI::Range(0.0, 100.0));
  app.add_option("--latency-floor", o.latency_floor,
                 "Differences of p50,p90,p99,p99.9 below these durations are no change: a host's "
                 "timing noise between runs (default 0.1ms,2.5ms,10ms,20ms; the larger of it and "
                 "--noise-floor applies)");
  app.add_option("--out", o.out,
                 "Write compare.json, compare.md and the charts into this directory (created)");
  app.add_option("--junit", o.junit, "Write the gates as JUnit XML to this file (a test case each)");
  app.add_option("--charts", o.charts, "svg, png or none: the charts written with --out (default svg)")
      ->check(CLI::IsMember({"svg", "png", "none"}));
  app.add_flag("--markdown", o.markdown, "Print Markdown (for a pull request or CI comment) instead of the table");
  app.add_flag("--json", o.json, "Print the JSON instead of the table");
}

int RunCompare(const CompareOptions& o) {
  std::vector<analysis::Gate> gates;
  for (const std::string& text : o.fail_on) {
    auto g = analysis::ParseGate(text);
    if (!g) {
      spdlog::error("dialsoak compare: {}", g.error().message);
      return kUsage;
    }
    gates.push_back(*g);
  }
  if (o.markdown && o.json) {
    spdlog::error("dialsoak compare: --markdown and --json both print to stdout; pick one");
    return kUsage;
  }
  auto base = LoadRun(o.base);
  if (!base) {
    spdlog::error("dialsoak compare: BASE {}", base.error().message);
    return kUsage;
  }
  auto next = LoadRun(o.next);
  if (!next) {
    spdlog::error("dialsoak compare: NEW {}", next.error().message);
    return kUsage;
  }
  if (base->run.kind != next->run.kind) {
    spdlog::error("dialsoak compare: BASE is a {} and NEW a {}; compare a soak run with a soak "
                  "run, a capacity sweep with a capacity sweep",
                  base->run.kind == "capacity" ? "capacity sweep" : "soak run",
                  next->run.kind == "capacity" ? "capacity sweep" : "soak run");
    return kUsage;
  }
  analysis::ComparisonOptions options;
  if (!o.latency_floor.empty()) {
    auto floors = ParseLatencyFloor(o.latency_floor);
    if (!floors) {
      spdlog::error("dialsoak compare: --latency-floor {}", floors.error());
      return kUsage;
    }
    options.latency_floor_seconds = *floors;
  }
  options.confidence = o.confidence;
  options.noise_floor_relative = o.noise_floor_percent / 100;
  options.noise_floor_share = o.noise_floor_points / 100;
  report::Comparison c = analysis::CompareRuns(base->run, next->run, options);
  for (const std::string& w : analysis::SettingsThatDiffer(base->run.config, next->run.config)) {
    c.warnings.push_back("settings differ: " + w);
  }
  for (const auto* loaded : {&*base, &*next}) {
    c.warnings.insert(c.warnings.end(), loaded->notes.begin(), loaded->notes.end());
  }
  c.gates = analysis::EvaluateGates(gates, c);
  int code = c.regression() ? kRegression : kOk;

  bool write_failed = false;
  if (!o.out.empty()) {
    std::error_code ec;
    fs::create_directories(o.out, ec);
    if (ec) {
      spdlog::error("dialsoak compare: cannot create {}: {}", o.out, ec.message());
      write_failed = true;
    } else {
      if (const auto format = chart::ParseChartFormat(o.charts); format && o.charts != "none") {
        c.charts = WriteCharts(o.out, *format, *base, *next);
      }
      const std::string json_path = (fs::path(o.out) / "compare.json").string();
      const std::string md_path = (fs::path(o.out) / "compare.md").string();
      for (const auto& [path, text] :
           {std::pair{json_path, report::ComparisonToJson(c, code).dump(2) + "\n"},
            std::pair{md_path, report::RenderComparisonMarkdown(c)}}) {
        if (auto w = report::WriteFileAtomically(path, text); !w) {
          spdlog::error("dialsoak compare: {}", w.error().message);
          write_failed = true;
        }
      }
    }
  }
  if (!o.junit.empty()) {
    if (auto w = junit::WriteComparisonJUnit(o.junit, c, code); !w) {
      spdlog::error("dialsoak compare: {}", w.error().message);
      write_failed = true;
    }
  }
  // A regression is the answer asked for; an output not written comes after it.
  if (write_failed && code == kOk) code = kJournalFailed;
  if (o.json) {
    std::fputs((report::ComparisonToJson(c, code).dump(2) + "\n").c_str(), stdout);
  } else if (o.markdown) {
    std::fputs(report::RenderComparisonMarkdown(c).c_str(), stdout);
  } else {
    std::fputs(report::RenderComparison(c).c_str(), stdout);
    std::fputs(fmt::format("\nexit code {}: {}\n", code, ExitMeaning(code)).c_str(), stdout);
  }
  std::fflush(stdout);
  return code;
}

}  // namespace dialsoak::cli
