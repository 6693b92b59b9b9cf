// The Prometheus sink and /metrics, scraped over HTTP on loopback as Prometheus would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dialsoak/prometheus/metrics_endpoint.h"
#include "dialsoak/prometheus/capacity_metrics.h"
#include "dialsoak/prometheus/metrics_sink.h"
#include "scrape.h"

#include <sstream>
#include <string>
#include <vector>

namespace dialsoak::prometheus_export {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

CycleRecord Cycle(CallResult r, std::chrono::nanoseconds dial, bool hung_up) {
  CycleRecord c;
  c.result = r;
  c.dial_latency = dial;
  c.hung_up = hung_up;
  c.hangup_latency = 2ms;
  c.hangup_method = hung_up ? HangupMethod::Dtr : HangupMethod::None;
  return c;
}

TEST(PrometheusMetricsTest, ScrapeShowsCyclesOutcomesLatencyAndProcesses) {
  auto registry = std::make_shared<prometheus::Registry>();
  MetricsSink sink(registry, "9.9.9");
  auto endpoint = MetricsEndpoint::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  ASSERT_GT((*endpoint)->port(), 0);

  RunInfo info;
  info.backend = "sim";
  info.run_id = "run-42";
  sink.OnRunStart(info);
  sink.OnCycle(Cycle(CallResult::Connect, 30ms, true));
  sink.OnCycle(Cycle(CallResult::Connect, 700ms, true));
  sink.OnCycle(Cycle(CallResult::Busy, 5ms, false));
  ProbeSample s;
  s.process = "self";
  s.handles = 17;
  s.threads = 5;
  s.resident_bytes = 4096;
  sink.OnProbe(s);

  LineStateCounts states{};
  states[static_cast<size_t>(LineState::Connected)] = 3;
  states[static_cast<size_t>(LineState::Dialing)] = 1;
  sink.OnLineStates(states);

  const std::string text = Scrape((*endpoint)->port());
  EXPECT_THAT(text, HasSubstr("200 OK"));
  EXPECT_THAT(text, HasSubstr("dialsoak_lines{state=\"connected\"} 3"));
  EXPECT_THAT(text, HasSubstr("dialsoak_lines{state=\"dialing\"} 1"));
  EXPECT_THAT(text, HasSubstr("dialsoak_lines{state=\"hanging_up\"} 0"));
  EXPECT_THAT(text, HasSubstr("dialsoak_cycles_total 3"));
  EXPECT_THAT(text, HasSubstr("dialsoak_dial_attempts_total{result=\"connect\"} 2"));
  EXPECT_THAT(text, HasSubstr("dialsoak_dial_attempts_total{result=\"busy\"} 1"));
  // Every result label exists from the start, at zero.
  EXPECT_THAT(text, HasSubstr("dialsoak_dial_attempts_total{result=\"io_error\"} 0"));
  EXPECT_THAT(text, HasSubstr("dialsoak_dial_duration_seconds_bucket{result=\"connect\",le=\"0.05\"} 1"));
  EXPECT_THAT(text, HasSubstr("dialsoak_dial_duration_seconds_bucket{result=\"connect\",le=\"1\"} 2"));
  EXPECT_THAT(text, HasSubstr("dialsoak_dial_duration_seconds_bucket{result=\"connect\",le=\"120\"} 2"));
  // 30 ms and 700 ms fall in the buckets that end at 0.05 and 0.75 s, not coarser ones.
  EXPECT_THAT(text, HasSubstr("dialsoak_dial_duration_seconds_bucket{result=\"connect\",le=\"0.025\"} 0"));
  EXPECT_THAT(text, HasSubstr("dialsoak_dial_duration_seconds_bucket{result=\"connect\",le=\"0.5\"} 1"));
  EXPECT_THAT(text, HasSubstr("dialsoak_dial_duration_seconds_bucket{result=\"connect\",le=\"0.75\"} 2"));
  EXPECT_THAT(text, HasSubstr("dialsoak_hangup_duration_seconds_count 2"));
  // Hang-ups of 2 ms: resolved below 10 ms.
  EXPECT_THAT(text, HasSubstr("dialsoak_hangup_duration_seconds_bucket{le=\"0.001\"} 0"));
  EXPECT_THAT(text, HasSubstr("dialsoak_hangup_duration_seconds_bucket{le=\"0.0025\"} 2"));
  EXPECT_THAT(text, HasSubstr("dialsoak_process_open_handles{process=\"self\"} 17"));
  EXPECT_THAT(text, HasSubstr("dialsoak_process_threads{process=\"self\"} 5"));
  EXPECT_THAT(text, HasSubstr("dialsoak_process_resident_memory_bytes{process=\"self\"} 4096"));
  EXPECT_THAT(text, HasSubstr("dialsoak_build_info{version=\"9.9.9\"} 1"));
  EXPECT_THAT(text, HasSubstr("dialsoak_run_info{backend=\"sim\",run_id=\"run-42\"} 1"));
}

TEST(PrometheusMetricsTest, DroppedCallsCounterIsZeroFromTheStartThenCounts) {
  auto registry = std::make_shared<prometheus::Registry>();
  MetricsSink sink(registry, "1");
  auto endpoint = MetricsEndpoint::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  const std::string before = Scrape((*endpoint)->port());
  EXPECT_THAT(before, HasSubstr("# HELP dialsoak_calls_dropped_total Calls of an open-loop run "
                                "dropped at origin: every line was busy at their arrival time"));
  EXPECT_THAT(before, HasSubstr("# TYPE dialsoak_calls_dropped_total counter"));
  EXPECT_THAT(before, HasSubstr("\ndialsoak_calls_dropped_total 0\n"));
  for (std::int64_t a = 0; a < 3; ++a) sink.OnDropped(DroppedCall{a, Clock::time_point{}});
  sink.OnCycle(Cycle(CallResult::Connect, 30ms, true));
  const std::string after = Scrape((*endpoint)->port());
  EXPECT_THAT(after, HasSubstr("\ndialsoak_calls_dropped_total 3\n"));
  EXPECT_THAT(after, HasSubstr("\ndialsoak_cycles_total 1\n")) << "drops are not cycles";
}

TEST(PrometheusMetricsTest, OfferedLoadOnlyOnceAnOpenLoopRunReportsIt) {
  auto registry = std::make_shared<prometheus::Registry>();
  MetricsSink sink(registry, "1");
  auto endpoint = MetricsEndpoint::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  const std::string closed_loop = Scrape((*endpoint)->port());
  EXPECT_THAT(closed_loop, Not(HasSubstr("\ndialsoak_offered_load_erlangs ")));
  sink.OnOfferedLoad(OfferedLoad{2.5, 7.5});
  const std::string open_loop = Scrape((*endpoint)->port());
  EXPECT_THAT(open_loop, HasSubstr("\ndialsoak_offered_load_erlangs 7.5\n"));
  EXPECT_THAT(open_loop, HasSubstr("\ndialsoak_offered_calls_per_second 2.5\n"));
  sink.OnOfferedLoad(OfferedLoad{0, 0});  // the schedule is over
  EXPECT_THAT(Scrape((*endpoint)->port()), HasSubstr("\ndialsoak_offered_load_erlangs 0\n"));
}

TEST(PrometheusCapacityMetricsTest, ShowTheLatestStepThatMeasuredACall) {
  auto registry = std::make_shared<prometheus::Registry>();
  CapacityMetrics metrics(*registry, 24, 3);
  auto endpoint = MetricsEndpoint::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  const std::string before = Scrape((*endpoint)->port());
  EXPECT_THAT(before, HasSubstr("\ndialsoak_capacity_ports 24\n"));
  EXPECT_THAT(before, HasSubstr("\ndialsoak_capacity_steps 3\n"));
  EXPECT_THAT(before, HasSubstr("\ndialsoak_blocking_upper_bound_ratio 1\n")) << "nothing known yet";
  CapacityStep s;
  s.index = 0;
  s.dialed = 200;
  s.blocking = 0.01;
  s.blocking_lower = 0.005;
  s.blocking_upper = 0.02;
  s.erlang_b = 0.012;
  s.carried_erlangs = 14.5;
  s.offered_erlangs = 15.25;
  metrics.OnCapacityStep(s);
  CapacityStep warmup;  // the next step's warm-up: nothing measured, nothing shown
  warmup.index = 1;
  metrics.OnCapacityStep(warmup);
  std::string shown = Scrape((*endpoint)->port());
  EXPECT_THAT(shown, HasSubstr("\ndialsoak_capacity_step 1\n"));
  EXPECT_THAT(shown, HasSubstr("\ndialsoak_blocking_ratio 0.01\n"));
  EXPECT_THAT(shown, HasSubstr("\ndialsoak_blocking_lower_bound_ratio 0.005\n"));
  EXPECT_THAT(shown, HasSubstr("\ndialsoak_blocking_upper_bound_ratio 0.02\n"));
  EXPECT_THAT(shown, HasSubstr("\ndialsoak_predicted_blocking_ratio 0.012\n"));
  EXPECT_THAT(shown, HasSubstr("\ndialsoak_carried_load_erlangs 14.5\n"));
  EXPECT_THAT(shown, HasSubstr("\ndialsoak_measured_offered_load_erlangs 15.25\n"));
  CapacityStep next = s;
  next.index = 1;
  next.blocking = 0.05;
  metrics.OnCapacityStep(next);
  CapacityStep late = s;  // step 1's complete update, after step 2 began to measure
  late.complete = true;
  late.blocking = 0.011;
  metrics.OnCapacityStep(late);
  shown = Scrape((*endpoint)->port());
  EXPECT_THAT(shown, HasSubstr("\ndialsoak_capacity_step 2\n"));
  EXPECT_THAT(shown, HasSubstr("\ndialsoak_blocking_ratio 0.05\n"));
}

TEST(PrometheusMetricsTest, VanishedProcessKeepsItsLastValues) {
  auto registry = std::make_shared<prometheus::Registry>();
  MetricsSink sink(registry, "1");
  auto endpoint = MetricsEndpoint::Start("0", registry);
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  ProbeSample s;
  s.process = "pppd";
  s.handles = 9;
  sink.OnProbe(s);
  s.alive = false;
  s.handles = 0;
  sink.OnProbe(s);
  EXPECT_THAT(Scrape((*endpoint)->port()), HasSubstr("dialsoak_process_open_handles{process=\"pppd\"} 9"));
}

TEST(PrometheusMetricsTest, BaselineIsTheFirstSampleSeenAlive) {
  auto registry = std::make_shared<prometheus::Registry>();
  MetricsSink sink(registry, "1");
  auto endpoint = MetricsEndpoint::Start("0", registry);
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  ProbeSample self;
  self.process = "self";
  self.kind = SampleKind::Baseline;
  self.handles = 12;
  self.threads = 6;
  self.resident_bytes = 1000;
  sink.OnProbe(self);
  ProbeSample pppd;  // watched by name, not there yet at the start
  pppd.process = "pppd";
  pppd.kind = SampleKind::Baseline;
  pppd.alive = false;
  sink.OnProbe(pppd);
  EXPECT_THAT(Scrape((*endpoint)->port()), Not(HasSubstr("_baseline{process=\"pppd\"}")));

  self.kind = SampleKind::Periodic;
  self.handles = 15;  // a leak: the gauge follows, the baseline stays
  self.threads = 7;
  sink.OnProbe(self);
  pppd.kind = SampleKind::Periodic;
  pppd.alive = true;
  pppd.handles = 4;
  sink.OnProbe(pppd);
  pppd.handles = 5;
  sink.OnProbe(pppd);

  const std::string text = Scrape((*endpoint)->port());
  EXPECT_THAT(text, HasSubstr("dialsoak_process_open_handles{process=\"self\"} 15"));
  EXPECT_THAT(text, HasSubstr("dialsoak_process_open_handles_baseline{process=\"self\"} 12"));
  EXPECT_THAT(text, HasSubstr("dialsoak_process_threads_baseline{process=\"self\"} 6"));
  EXPECT_THAT(text, HasSubstr("dialsoak_process_resident_memory_baseline_bytes{process=\"self\"} 1000"));
  EXPECT_THAT(text, HasSubstr("dialsoak_process_open_handles{process=\"pppd\"} 5"));
  EXPECT_THAT(text, HasSubstr("dialsoak_process_open_handles_baseline{process=\"pppd\"} 4"));
}

TEST(PrometheusMetricsTest, PerLineSeriesOnlyWhenAskedAndCreatedAtStart) {
  auto plain_registry = std::make_shared<prometheus::Registry>();
  MetricsSink plain(plain_registry, "1");
  auto per_line_registry = std::make_shared<prometheus::Registry>();
  MetricsSink per_line(per_line_registry, "1", MetricsSink::Options{.per_line = true});
  auto plain_endpoint = MetricsEndpoint::Start("127.0.0.1:0", plain_registry);
  auto per_line_endpoint = MetricsEndpoint::Start("127.0.0.1:0", per_line_registry);
  ASSERT_TRUE(plain_endpoint && per_line_endpoint);

  RunInfo info;
  info.lines = 3;
  plain.OnRunStart(info);
  per_line.OnRunStart(info);
  // Before any cycle, every line has its series (label values are created at start).
  const std::string before = Scrape((*per_line_endpoint)->port());
  EXPECT_THAT(before, HasSubstr("dialsoak_line_dial_attempts_total{line=\"2\",result=\"busy\"} 0"));
  CycleRecord c = Cycle(CallResult::Busy, 5ms, false);
  c.line = 1;
  plain.OnCycle(c);
  per_line.OnCycle(c);
  per_line.OnCycle(c);

  EXPECT_THAT(Scrape((*plain_endpoint)->port()), Not(HasSubstr("dialsoak_line_")));
  const std::string after = Scrape((*per_line_endpoint)->port());
  EXPECT_THAT(after, HasSubstr("dialsoak_line_dial_attempts_total{line=\"1\",result=\"busy\"} 2"));
  EXPECT_THAT(after, HasSubstr("dialsoak_line_dial_attempts_total{line=\"0\",result=\"busy\"} 0"));
  EXPECT_THAT(after, HasSubstr("dialsoak_dial_attempts_total{result=\"busy\"} 2"));
}

// The bug: dialsoak_leak_handles_per_cycle{resource="resident_memory"} was in bytes. Each
// resource's slope now has a family named for its unit; the suspicion stays one family.
TEST(PrometheusMetricsTest, LeakSlopesAreNamedForTheirResourceAndUnit) {
  auto registry = std::make_shared<prometheus::Registry>();
  MetricsSink sink(registry, "1");
  auto endpoint = MetricsEndpoint::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  EXPECT_THAT(Scrape((*endpoint)->port()), Not(HasSubstr("dialsoak_leak_"))) << "before any estimate";
  sink.OnLeakEstimate(LeakEstimate{"self", "handles", 1.0, true, 300});
  sink.OnLeakEstimate(LeakEstimate{"self", "threads", 0.0, false, 300});
  sink.OnLeakEstimate(LeakEstimate{"pppd", "resident_memory", 4096, true, 300});
  sink.OnLeakEstimate(LeakEstimate{"self", "handles", 0.5, false, 400});  // refreshed
  const std::string text = Scrape((*endpoint)->port());
  EXPECT_THAT(text, HasSubstr("\ndialsoak_leak_handles_per_cycle{process=\"self\"} 0.5\n"));
  EXPECT_THAT(text, HasSubstr("\ndialsoak_leak_threads_per_cycle{process=\"self\"} 0\n"));
  EXPECT_THAT(text,
              HasSubstr("\ndialsoak_leak_resident_memory_bytes_per_cycle{process=\"pppd\"} 4096\n"));
  EXPECT_THAT(text, HasSubstr("dialsoak_leak_suspected{process=\"self\",resource=\"handles\"} 0"));
  EXPECT_THAT(text,
              HasSubstr("dialsoak_leak_suspected{process=\"pppd\",resource=\"resident_memory\"} 1"));
  EXPECT_THAT(text, Not(HasSubstr("resource=\"resident_memory\"} 4096")));
  EXPECT_THAT(text, Not(HasSubstr("dialsoak_leak_handles_per_cycle{process=\"pppd\"")));
}

// Prometheus' conventions for every family the sinks export (prometheus-cpp's exposer_*
// families aside): snake_case with the
// dialsoak_ prefix, counters end in _total, and a unit (seconds, bytes, ratio, erlangs) is
// the last word but for _total, _per_cycle, _per_second and a histogram's own suffixes.
// The bug: dialsoak_process_resident_memory_bytes_baseline put the unit before a word.
TEST(PrometheusMetricsTest, EveryMetricNameFollowsTheConventions) {
  auto registry = std::make_shared<prometheus::Registry>();
  MetricsSink sink(registry, "1", MetricsSink::Options{.per_line = true});
  CapacityMetrics capacity(*registry, 24, 3);
  RunInfo info;
  info.lines = 1;
  sink.OnRunStart(info);
  ProbeSample p;
  p.kind = SampleKind::Baseline;
  p.handles = 3;
  p.threads = 2;
  p.resident_bytes = 1000;
  sink.OnProbe(p);
  for (const char* r : {"handles", "threads", "resident_memory"}) {
    sink.OnLeakEstimate(LeakEstimate{"self", r, 0, false, 0});
  }
  sink.OnOfferedLoad(OfferedLoad{1, 2});
  auto endpoint = MetricsEndpoint::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  const std::string text = Scrape((*endpoint)->port());
  std::istringstream lines(text);
  std::string line;
  int families = 0;
  const std::vector<std::string> units = {"seconds", "bytes", "ratio", "erlangs"};
  while (std::getline(lines, line)) {
    if (line.rfind("# TYPE ", 0) != 0) continue;
    std::istringstream words(line.substr(7));
    std::string name, type;
    words >> name >> type;
    if (name.starts_with("exposer_")) continue;  // prometheus-cpp's own, about its exposer
    ++families;
    EXPECT_TRUE(name.starts_with("dialsoak_")) << name;
    EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_"), std::string::npos)
        << name;
    const bool total = name.size() > 6 && name.ends_with("_total");
    EXPECT_EQ(type == "counter", total) << name << " is a " << type;
    std::string stem = name;
    for (const char* suffix : {"_total", "_per_cycle", "_per_second"}) {
      if (stem.ends_with(suffix)) stem.resize(stem.size() - std::string(suffix).size());
    }
    for (const std::string& unit : units) {
      const auto at = stem.find("_" + unit + "_");
      EXPECT_EQ(at, std::string::npos) << name << ": the unit " << unit << " is not last";
    }
  }
  EXPECT_GE(families, 25) << text;
}

TEST(PrometheusEndpointTest, PortInUseIsAClearErrorNamingThePort) {
  auto registry = std::make_shared<prometheus::Registry>();
  auto first = MetricsEndpoint::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(first) << first.error().message;
  const std::string taken = "127.0.0.1:" + std::to_string((*first)->port());
  auto second = MetricsEndpoint::Start(taken, registry);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, EADDRINUSE);
  EXPECT_THAT(second.error().message, HasSubstr("port " + std::to_string((*first)->port())));
  EXPECT_THAT(second.error().message, HasSubstr("in use"));
}

TEST(PrometheusEndpointTest, BindsLoopbackUnlessAskedAndRejectsNonsense) {
  auto registry = std::make_shared<prometheus::Registry>();
  auto e = MetricsEndpoint::Start(":0", registry);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ((*e)->address(), "127.0.0.1");
  EXPECT_THAT((*e)->url(), HasSubstr("http://127.0.0.1:"));
  EXPECT_FALSE(MetricsEndpoint::Start("127.0.0.1:99999", registry));
  EXPECT_FALSE(MetricsEndpoint::Start("127.0.0.1:http", registry));
  auto bad_host = MetricsEndpoint::Start("localhostish:0", registry);
  ASSERT_FALSE(bad_host);
  EXPECT_THAT(bad_host.error().message, HasSubstr("not an IPv4 address"));
}

// A watched process back under a new pid: counted, and its baseline is the new life's.
TEST(PrometheusMetricsTest, ARestartIsCountedAndRebasesTheBaseline) {
  auto registry = std::make_shared<prometheus::Registry>();
  MetricsSink sink(registry, "1");
  auto endpoint = MetricsEndpoint::Start("0", registry);
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  ProbeSample s;
  s.process = "pppd";
  s.pid = 100;
  s.handles = 16;
  sink.OnProbe(s);
  s.handles = 117;
  sink.OnProbe(s);
  std::string text = Scrape((*endpoint)->port());
  EXPECT_THAT(text, HasSubstr("dialsoak_process_restarts_total{process=\"pppd\"} 0"));
  s.pid = 200;
  s.handles = 20;
  sink.OnProbe(s);
  text = Scrape((*endpoint)->port());
  EXPECT_THAT(text, HasSubstr("dialsoak_process_restarts_total{process=\"pppd\"} 1"));
  EXPECT_THAT(text, HasSubstr("dialsoak_process_open_handles_baseline{process=\"pppd\"} 20"));
}

}  // namespace
}  // namespace dialsoak::prometheus_export

namespace dialsoak::prometheus_export {
namespace {

TEST(PrometheusMetricsTest, ConnectRateHistogramAndCallsByModulation) {
  auto registry = std::make_shared<prometheus::Registry>();
  MetricsSink sink(registry, "1");
  auto endpoint = MetricsEndpoint::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  const std::string before = Scrape((*endpoint)->port());
  // Every modulation label from the start, at zero; the histogram empty.
  for (std::string_view label : kModulationLabels) {
    EXPECT_THAT(before, HasSubstr("dialsoak_calls_by_modulation_total{modulation=\"" +
                                  std::string(label) + "\"} 0\n"));
  }
  EXPECT_THAT(before, HasSubstr("dialsoak_connect_rate_bits_per_second_count 0\n"));

  auto connected = [](std::optional<std::uint32_t> rate, std::string modulation) {
    CycleRecord c = Cycle(CallResult::Connect, 30ms, true);
    c.connect_rate = rate;
    c.modulation = std::move(modulation);
    return c;
  };
  sink.OnCycle(connected(33600, "V34"));
  sink.OnCycle(connected(33600, "V34"));
  sink.OnCycle(connected(26400, "V34"));
  sink.OnCycle(connected(2400, "V22BIS"));
  sink.OnCycle(connected(50666, "V90"));
  sink.OnCycle(connected(std::nullopt, ""));     // said no rate: not observed
  sink.OnCycle(connected(1200, "BELL212"));      // a modulation outside the set
  CycleRecord busy = Cycle(CallResult::Busy, 5ms, false);
  busy.modulation = "V34";  // not connected: not counted
  sink.OnCycle(busy);

  const std::string text = Scrape((*endpoint)->port());
  EXPECT_THAT(text, HasSubstr("# TYPE dialsoak_connect_rate_bits_per_second histogram"));
  EXPECT_THAT(text, HasSubstr("dialsoak_connect_rate_bits_per_second_count 6\n"));
  EXPECT_THAT(text, HasSubstr("dialsoak_connect_rate_bits_per_second_sum 147866\n"));
  EXPECT_THAT(text, HasSubstr("dialsoak_connect_rate_bits_per_second_bucket{le=\"300\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("dialsoak_connect_rate_bits_per_second_bucket{le=\"1200\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("dialsoak_connect_rate_bits_per_second_bucket{le=\"2400\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("dialsoak_connect_rate_bits_per_second_bucket{le=\"26400\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("dialsoak_connect_rate_bits_per_second_bucket{le=\"31200\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("dialsoak_connect_rate_bits_per_second_bucket{le=\"33600\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("dialsoak_connect_rate_bits_per_second_bucket{le=\"56000\"} 6\n"));
  EXPECT_THAT(text, HasSubstr("dialsoak_connect_rate_bits_per_second_bucket{le=\"+Inf\"} 6\n"));
  EXPECT_THAT(text, HasSubstr("dialsoak_calls_by_modulation_total{modulation=\"v34\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("dialsoak_calls_by_modulation_total{modulation=\"v22bis\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("dialsoak_calls_by_modulation_total{modulation=\"v90\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("dialsoak_calls_by_modulation_total{modulation=\"other\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("dialsoak_calls_by_modulation_total{modulation=\"unknown\"} 1\n"));
  EXPECT_EQ(ConnectRateBuckets().size(), 18u);
}

}  // namespace
}  // namespace dialsoak::prometheus_export
