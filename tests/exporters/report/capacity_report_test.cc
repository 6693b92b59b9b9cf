// The capacity sweep's report: the table, the progress line and the JSON, from steps and
// answers made by hand.
#include "dialsoak/report/capacity_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>

namespace dialsoak::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

CapacityStep Step(int index, double offered, std::int64_t dialed, std::int64_t blocked) {
  CapacityStep s;
  s.index = index;
  s.steps = 2;
  s.complete = true;
  s.ports = 24;
  s.planned_erlangs = offered;
  s.rate = offered / 0.02;
  s.window_seconds = s.measured_seconds = 10;
  s.dialed = dialed;
  s.blocked = blocked;
  s.connected = dialed - blocked;
  s.offered_erlangs = offered;
  s.carried_erlangs = offered * 0.99;
  s.blocking = static_cast<double>(blocked) / static_cast<double>(dialed);
  s.blocking_lower = s.blocking * 0.8;
  s.blocking_upper = s.blocking * 1.25;
  s.batches = 30;
  s.design_effect = index == 0 ? 4.6 : 5.5;
  s.wilson_lower = s.blocking * 0.9;
  s.wilson_upper = s.blocking * 1.1;
  s.realized_erlangs = offered * 1.01;
  s.erlang_b = s.blocking;
  s.agrees = true;
  s.dial_p50_seconds = 0.0002;
  s.dial_p99_seconds = 0.0012;
  return s;
}

CapacityReport Report() {
  CapacityReport r;
  r.run.version = "0.1.0";
  r.run.run_id = "20261202T000000-abcd";
  r.run.backend = "sim";
  r.run.lines = 36;
  r.far_end = "24 ports (simulated)";
  r.ports = 24;
  r.hold = "exp:20ms";
  r.mean_hold_seconds = 0.02;
  r.arrivals = "poisson";
  r.steps = {Step(0, 15.3, 6000, 60), Step(1, 19.0, 1200, 60)};
  r.answers.ports = 24;
  r.answers.target_blocking = 0.01;
  r.answers.load_at_target = 15.2957;
  r.answers.measured_load_at_target = 15.3;
  r.answers.crossing_after_step = 0;
  r.answers.plan_load = 19.0;
  r.answers.ports_for_plan_load = 29;
  r.answers.steps_complete = 2;
  r.answers.steps_agreeing = 2;
  return r;
}

TEST(CapacityReportTest, TableHasEveryStepAndTheAnswers) {
  const std::string text = RenderCapacity(Report(), 0, "ok");
  EXPECT_THAT(text, HasSubstr("far end: 24 ports (simulated)  hold exp:20ms (mean 20.000 ms)"));
  EXPECT_THAT(text, HasSubstr("blocking [95% interval]"));
  EXPECT_THAT(text, HasSubstr("1.00% [0.80%, 1.25%]"));
  EXPECT_THAT(text, HasSubstr("5.00% [4.00%, 6.25%]"));
  EXPECT_THAT(text, HasSubstr("24 ports carry 15.30 E at 1% by Erlang B; measured, 1% is reached "
                              "at 15.30 E (between steps 1 and 2)"));
  EXPECT_THAT(text, HasSubstr("19.00 E (the highest load measured) needs 29 ports for 1%"));
  EXPECT_THAT(text, HasSubstr("2 of 2 complete steps agree with Erlang B for 24 ports"));
  EXPECT_THAT(text, HasSubstr("interval = Student t over each step's window in up to 30 batches "
                              "of calls (blocked calls come in bursts: variance 4.6 to 5.5x the "
                              "independent calls' one), never narrower than Wilson's"));
  EXPECT_THAT(text, Not(HasSubstr("setup rate"))) << "no --p99-limit, no answer about it";
  EXPECT_THAT(text, HasSubstr("exit code 0: ok\n"));
}

TEST(CapacityReportTest, DisagreementSaysWhichSideAndPartialStepsAreMarked) {
  CapacityReport r = Report();
  r.steps[0].agrees = false;
  r.steps[0].erlang_b = 0.001;  // below the interval: the far end blocks more than C ports would
  r.steps[1].complete = false;
  r.steps[1].measured_seconds = 4;
  r.answers.p99_limit_seconds = 0.001;
  r.answers.first_breach_step = 0;
  const std::string text = RenderCapacity(r, 6, "a step disagreed with Erlang B");
  EXPECT_THAT(text, HasSubstr("NO (above)"));
  EXPECT_THAT(text, HasSubstr("2 (partial: 4.0 of 10.0 s)"));
  EXPECT_THAT(text, HasSubstr("setup p99 was over 1.000 ms from step 1 on"));
  EXPECT_THAT(RenderCapacityStep(r.steps[0]), HasSubstr("DISAGREES"));
  EXPECT_THAT(text, Not(HasSubstr("batches of only")));
  EXPECT_THAT(text, Not(HasSubstr("did not keep the schedule")));
  r.steps[0].schedule_kept = false;
  r.steps[0].start_lag_p99_seconds = 0.004;
  r.steps[0].dropped_at_origin = 600;  // of 6600
  EXPECT_THAT(RenderCapacity(r, 0, "ok"),
              HasSubstr("* 1 step(s) did not keep the schedule: dials began up to 4.000 ms late "
                        "(start lag p99) for a mean hold of 20.000 ms, or up to 9.09% of the calls "
                        "were dropped at origin (every dialing line busy)"));
  r.steps[0].schedule_kept = true;
  // A window of 10 s in 30 batches, for holds of 1 s: a third of a hold a batch.
  r.steps[0].mean_hold_seconds = 1.0;
  EXPECT_THAT(RenderCapacity(r, 0, "ok"),
              HasSubstr("1 step(s) had batches of only 0.33 mean holds (fewer than 5)"));
}

TEST(CapacityReportTest, ProgressPrintsCompleteStepsOnly) {
  char buf[4096] = {};
  std::FILE* out = fmemopen(buf, sizeof buf - 1, "w");
  ASSERT_NE(out, nullptr);
  CapacityProgress progress(out);
  CapacityStep live = Step(0, 15.3, 100, 1);
  live.complete = false;
  progress.OnCapacityStep(live);
  progress.OnCapacityStep(Step(0, 15.3, 6000, 60));
  std::fclose(out);
  const std::string text(buf);
  EXPECT_EQ(text.rfind("step 1/2  15.30 E  765.0 calls/s  6000 dialed  blocking 1.00% [0.80%, 1.25%]", 0), 0u)
      << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
}

TEST(CapacityReportTest, JsonNumbersStepsFromOneAndNullsWhatIsUnknown) {
  CapacityReport r = Report();
  r.steps[1].dial_p99_seconds.reset();
  r.steps[1].blocking_upper = std::numeric_limits<double>::infinity();
  const nlohmann::json j = CapacityToJson(r, 0);
  EXPECT_EQ(j["kind"], "capacity");
  EXPECT_EQ(j["ports"], 24);
  ASSERT_EQ(j["steps"].size(), 2u);
  EXPECT_EQ(j["steps"][0]["step"], 1);
  EXPECT_EQ(j["steps"][0]["dialed"], 6000);
  EXPECT_DOUBLE_EQ(j["steps"][0]["blocking"].get<double>(), 0.01);
  EXPECT_EQ(j["steps"][0]["batches"], 30);
  EXPECT_DOUBLE_EQ(j["steps"][0]["design_effect"].get<double>(), 4.6);
  EXPECT_DOUBLE_EQ(j["steps"][0]["wilson_lower"].get<double>(), 0.009);
  EXPECT_DOUBLE_EQ(j["steps"][0]["wilson_upper"].get<double>(), 0.011);
  EXPECT_DOUBLE_EQ(j["steps"][0]["realized_erlangs"].get<double>(), 15.3 * 1.01);
  EXPECT_TRUE(j["steps"][1]["setup_p99_seconds"].is_null());
  EXPECT_TRUE(j["steps"][1]["blocking_upper"].is_null());
  EXPECT_EQ(j["answers"]["crossing_after_step"], 1);
  EXPECT_EQ(j["answers"]["ports_for_plan_load"], 29);
  EXPECT_TRUE(j["answers"]["max_sustained_rate"].is_null());
  EXPECT_TRUE(j["chart"].is_null());
}

}  // namespace
}  // namespace dialsoak::report
