#include "dialsoak/prometheus/metrics_sink.h"

#include <algorithm>
#include <chrono>
#include <string>

namespace dialsoak::prometheus_export {
namespace {

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

const std::vector<double>& DialBuckets() {
  static const std::vector<double> kBuckets = {0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4,
                                               0.5,  0.75,  1,    1.5, 2,    3,   5,   7.5,
                                               10,   15,    20,   30,  45,   60,  90,  120};
  return kBuckets;
}

const std::vector<double>& HangupBuckets() {
  static const std::vector<double> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                               0.25,   0.5,   1,      2.5,   5,    10,    20,   30};
  return kBuckets;
}

const std::vector<double>& ConnectRateBuckets() {
  static const std::vector<double> kBuckets = {300,   1200,  2400,  4800,  7200,  9600,
                                               12000, 14400, 16800, 19200, 21600, 24000,
                                               26400, 28800, 31200, 33600, 48000, 56000};
  return kBuckets;
}

MetricsSink::MetricsSink(std::shared_ptr<prometheus::Registry> registry, const std::string& version,
                         Options options)
    : registry_(std::move(registry)),
      run_info_(prometheus::BuildGauge()
                    .Name("dialsoak_run_info")
                    .Help("The run being measured (always 1): backend and run id")
                    .Register(*registry_)),
      hangup_duration_(prometheus::BuildHistogram()
                           .Name("dialsoak_hangup_duration_seconds")
                           .Help("Time from the start of a connected call's hang-up to the "
                                 "modem's confirmation (confirmed hang-ups only, as the report's "
                                 "hang-up row)")
                           .Register(*registry_)
                           .Add({}, HangupBuckets())),
      cycles_(prometheus::BuildCounter()
                  .Name("dialsoak_cycles_total")
                  .Help("Dial/hang-up cycles completed, all lines")
                  .Register(*registry_)
                  .Add({})),
      hangup_failures_(prometheus::BuildCounter()
                           .Name("dialsoak_hangup_failures_total")
                           .Help("Hang-ups the modem did not confirm before the deadline")
                           .Register(*registry_)
                           .Add({})),
      dropped_(prometheus::BuildCounter()
                   .Name("dialsoak_calls_dropped_total")
                   .Help("Calls of an open-loop run dropped at origin: every line was busy at "
                         "their arrival time")
                   .Register(*registry_)
                   .Add({})),
      dropped_during_hold_(prometheus::BuildCounter()
                               .Name("dialsoak_calls_dropped_during_hold_total")
                               .Help("Connected calls that ended by themselves while held: NO "
                                     "CARRIER from the far end, or the device lost")
                               .Register(*registry_)
                               .Add({})),
      reopens_(prometheus::BuildCounter()
                   .Name("dialsoak_device_reopens_total")
                   .Help("Dials for which a line's lost device (EIO, POLLHUP: unplugged) was "
                         "opened again")
                   .Register(*registry_)
                   .Add({})),
      connect_rate_(prometheus::BuildHistogram()
                        .Name("dialsoak_connect_rate_bits_per_second")
                        .Help("The rate a connected call's modem said (CONNECT 33600, +MRR, "
                              "CARRIER), in bit/s; calls whose modem said none are not observed")
                        .Register(*registry_)
                        .Add({}, ConnectRateBuckets())),
      handles_(
          prometheus::BuildGauge()
              .Name("dialsoak_process_open_handles")
              .Help("Open handles (descriptors) of dialsoak itself (self) or of a watched process")
              .Register(*registry_)),
      threads_(prometheus::BuildGauge()
                   .Name("dialsoak_process_threads")
                   .Help("Threads of dialsoak itself (self) or of a watched process")
                   .Register(*registry_)),
      resident_(prometheus::BuildGauge()
                    .Name("dialsoak_process_resident_memory_bytes")
                    .Help("Resident memory of dialsoak itself (self) or of a watched process")
                    .Register(*registry_)),
      baseline_handles_(prometheus::BuildGauge()
                            .Name("dialsoak_process_open_handles_baseline")
                            .Help("Open handles of the process at its first sample in this run "
                                  "(for processes there at the start: all lines open, no dial yet)")
                            .Register(*registry_)),
      baseline_threads_(prometheus::BuildGauge()
                            .Name("dialsoak_process_threads_baseline")
                            .Help("Threads of the process at its first sample in this run")
                            .Register(*registry_)),
      baseline_resident_(prometheus::BuildGauge()
                             .Name("dialsoak_process_resident_memory_baseline_bytes")
                             .Help("Resident memory of the process at its first sample in this run")
                             .Register(*registry_)),
      restarts_(prometheus::BuildCounter()
                    .Name("dialsoak_process_restarts_total")
                    .Help("Times a watched process came back under a new pid (a --watch-name "
                          "daemon restarted); each life has its own baseline")
                    .Register(*registry_)),
      leak_handles_(prometheus::BuildGauge()
                        .Name("dialsoak_leak_handles_per_cycle")
                        .Help("Open handles a process gains per dial/hang-up cycle over the last "
                              "window (Theil-Sen slope)")
                        .Register(*registry_)),
      leak_threads_(prometheus::BuildGauge()
                        .Name("dialsoak_leak_threads_per_cycle")
                        .Help("Threads a process gains per dial/hang-up cycle over the last "
                              "window (Theil-Sen slope)")
                        .Register(*registry_)),
      leak_resident_(prometheus::BuildGauge()
                         .Name("dialsoak_leak_resident_memory_bytes_per_cycle")
                         .Help("Resident memory a process gains per dial/hang-up cycle over the "
                               "last window (Theil-Sen slope), in bytes")
                         .Register(*registry_)),
      leak_suspected_(prometheus::BuildGauge()
                          .Name("dialsoak_leak_suspected")
                          .Help("1 while the window's slope is surely above the threshold and "
                                "the count is above its baseline: a leak developing")
                          .Register(*registry_)),
      offered_erlangs_family_(prometheus::BuildGauge()
                                  .Name("dialsoak_offered_load_erlangs")
                                  .Help("Open loop: the traffic offered now, in Erlangs (call "
                                        "rate x mean hold time)")
                                  .Register(*registry_)),
      offered_rate_family_(prometheus::BuildGauge()
                               .Name("dialsoak_offered_calls_per_second")
                               .Help("Open loop: the call arrival rate the schedule offers now")
                               .Register(*registry_)),
      options_(options) {
  prometheus::BuildGauge()
      .Name("dialsoak_build_info")
      .Help("dialsoak's version (always 1)")
      .Register(*registry_)
      .Add({{"version", version}})
      .Set(1);
  auto& attempts = prometheus::BuildCounter()
                       .Name("dialsoak_dial_attempts_total")
                       .Help("Dials, by result")
                       .Register(*registry_);
  auto& durations = prometheus::BuildHistogram()
                        .Name("dialsoak_dial_duration_seconds")
                        .Help("Time from when a cycle was due to the dial's result, by result")
                        .Register(*registry_);
  auto& lines = prometheus::BuildGauge()
                    .Name("dialsoak_lines")
                    .Help("Lines in each state: idle, dialing, connected, hanging_up, failed")
                    .Register(*registry_);
  for (int st = 0; st < kLineStateCount; ++st) {
    lines_[static_cast<size_t>(st)] =
        &lines.Add({{"state", std::string(ToString(static_cast<LineState>(st)))}});
  }
  auto& modulations = prometheus::BuildCounter()
                           .Name("dialsoak_calls_by_modulation_total")
                           .Help("Connected calls by the modulation their modem said (v21 ... "
                                 "v92; other; unknown when it said none)")
                           .Register(*registry_);
  for (std::size_t i = 0; i < kModulationLabelCount; ++i) {
    modulations_[i] = &modulations.Add({{"modulation", std::string(kModulationLabels[i])}});
  }
  for (int r = 0; r < kCallResultCount; ++r) {
    const std::string label(ToString(static_cast<CallResult>(r)));
    attempts_[static_cast<size_t>(r)] = &attempts.Add({{"result", label}});
    dial_duration_[static_cast<size_t>(r)] = &durations.Add({{"result", label}}, DialBuckets());
  }
}

void MetricsSink::OnRunStart(const RunInfo& info) {
  run_info_.Add({{"backend", info.backend}, {"run_id", info.run_id}}).Set(1);
  if (!options_.per_line) return;
  auto& family = prometheus::BuildCounter()
                     .Name("dialsoak_line_dial_attempts_total")
                     .Help("Dials of each line (0-based, in --device order), by result")
                     .Register(*registry_);
  line_attempts_.resize(static_cast<size_t>(std::max(info.lines, 0)));
  for (size_t line = 0; line < line_attempts_.size(); ++line) {
    for (int r = 0; r < kCallResultCount; ++r) {
      line_attempts_[line][static_cast<size_t>(r)] =
          &family.Add({{"line", std::to_string(line)},
                       {"result", std::string(ToString(static_cast<CallResult>(r)))}});
    }
  }
}

void MetricsSink::OnCycle(const CycleRecord& c) {
  const auto r = static_cast<size_t>(c.result);
  attempts_[r]->Increment();
  if (c.line >= 0 && static_cast<size_t>(c.line) < line_attempts_.size()) {
    line_attempts_[static_cast<size_t>(c.line)][r]->Increment();
  }
  dial_duration_[r]->Observe(Seconds(c.dial_latency));
  if (c.hung_up) {
    // As the report's "hang-up, confirmed": a failed hang-up's time is the wait until giving
    // up, and one after a dial that did not connect the wait for a silent modem.
    if (c.hangup_ok && c.result == CallResult::Connect) {
      hangup_duration_.Observe(Seconds(c.hangup_latency));
    }
    if (!c.hangup_ok) hangup_failures_.Increment();
  }
  if (c.result == CallResult::Connect) {
    if (c.connect_rate) connect_rate_.Observe(static_cast<double>(*c.connect_rate));
    modulations_[ModulationIndex(c.modulation)]->Increment();
  }
  if (c.dropped) dropped_during_hold_.Increment();
  if (c.reopened) reopens_.Increment();
  cycles_.Increment();
}

void MetricsSink::OnDropped(const DroppedCall& /*d*/) { dropped_.Increment(); }

void MetricsSink::OnProbe(const ProbeSample& s) {
  const Incarnations::Seen life = incarnations_.Note(s);
  auto it = processes_.find(s.process);
  if (it == processes_.end()) {
    const prometheus::Labels labels{{"process", s.process}};
    it = processes_
             .emplace(s.process, ProcessGauges{&handles_.Add(labels), &threads_.Add(labels),
                                               &resident_.Add(labels), &restarts_.Add(labels)})
             .first;
  }
  // A vanished process keeps its last values; counts that could not be read are skipped.
  if (!s.alive) return;
  ProcessGauges& g = it->second;
  if (life.restart) {  // a new life: counted, and its own baseline from this sample
    g.restarts->Increment();
    g.baseline_set = false;
  }
  if (s.handles >= 0) g.handles->Set(static_cast<double>(s.handles));
  if (s.threads >= 0) g.threads->Set(static_cast<double>(s.threads));
  if (s.resident_bytes >= 0) g.resident->Set(static_cast<double>(s.resident_bytes));
  // The baseline a leak is measured against: the run's own, whatever range a dashboard
  // shows. Created only now, so that no series says 0 before anything was seen.
  if (!g.baseline_set) {
    g.baseline_set = true;
    const prometheus::Labels labels{{"process", s.process}};
    if (s.handles >= 0) baseline_handles_.Add(labels).Set(static_cast<double>(s.handles));
    if (s.threads >= 0) baseline_threads_.Add(labels).Set(static_cast<double>(s.threads));
    if (s.resident_bytes >= 0) {
      baseline_resident_.Add(labels).Set(static_cast<double>(s.resident_bytes));
    }
  }
}

void MetricsSink::OnLineStates(const LineStateCounts& counts) {
  for (int st = 0; st < kLineStateCount; ++st) {
    lines_[static_cast<size_t>(st)]->Set(counts[static_cast<size_t>(st)]);
  }
}

void MetricsSink::OnLeakEstimate(const LeakEstimate& e) {
  auto key = std::make_pair(e.process, e.resource);
  auto it = leaks_.find(key);
  if (it == leaks_.end()) {
    // Each resource's slope in a family named for its unit; the suspicion is one family.
    prometheus::Family<prometheus::Gauge>* slope = e.resource == "handles"   ? &leak_handles_
                                                   : e.resource == "threads" ? &leak_threads_
                                                   : e.resource == "resident_memory"
                                                       ? &leak_resident_
                                                       : nullptr;
    prometheus::Gauge* per_cycle = slope ? &slope->Add({{"process", e.process}}) : nullptr;
    prometheus::Gauge& suspected =
        leak_suspected_.Add({{"process", e.process}, {"resource", e.resource}});
    it = leaks_.emplace(std::move(key), LeakGauges{per_cycle, &suspected}).first;
  }
  if (it->second.per_cycle) it->second.per_cycle->Set(e.per_cycle);
  it->second.suspected->Set(e.suspected ? 1 : 0);
}

void MetricsSink::OnOfferedLoad(const OfferedLoad& load) {
  if (!offered_erlangs_) {
    offered_erlangs_ = &offered_erlangs_family_.Add({});
    offered_rate_ = &offered_rate_family_.Add({});
  }
  offered_erlangs_->Set(load.erlangs);
  offered_rate_->Set(load.rate);
}

}  // namespace dialsoak::prometheus_export
