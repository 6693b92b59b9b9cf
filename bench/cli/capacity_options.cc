// The flags of `dialsoak capacity` of its own: the loads of the sweep, how long each step
// runs, and what the answers are for. They land on RunSettings::capacity.
#include "config_values.h"
#include "dialsoak/sim/distribution.h"
#include "run_options.h"

namespace dialsoak::cli {
namespace {

using Ok = tl::expected<void, std::string>;

tl::expected<nanoseconds, std::string> PositiveDuration(const std::string& flag,
                                                        const std::string& text) {
  auto d = sim::ParseDuration(text);
  if (!d) return tl::unexpected(flag + ": " + d.error());
  if (d->count() <= 0) return tl::unexpected(flag + ": must be more than 0");
  return *d;
}

}  // namespace

void RunOptions::AddCapacityFlags(CLI::App& app) {
  Add(app, "--load", loads_,
      "Offered loads in Erlangs, ascending: 10,15,20 or FROM:TO:STEP (5:30:5); repeatable "
      "(default: Erlang B's loads for 0.1% to 20% blocking at the far end's ports)",
      [this](RunSettings& s) -> Ok {
        s.capacity.loads.clear();
        for (const std::string& text : loads_) {
          auto loads = config::ParseLoads(text);
          if (!loads) return tl::unexpected("--load: " + loads.error());
          s.capacity.loads.insert(s.capacity.loads.end(), loads->begin(), loads->end());
        }
        return {};
      })
      ->type_name("LIST");
  Add(app, "--precision", precision_,
      "Half-width of each step's blocking interval, as a share of the blocking expected there "
      "(default 0.25: 1% +- 0.25 point), never finer than a quarter point; blocked calls come "
      "in bursts, so this takes 3 to 6 times the calls independent ones would (0.5: a quarter "
      "of the calls)",
      [this](RunSettings& s) -> Ok {
        s.capacity.precision = precision_;
        return {};
      })
      ->check(CLI::Range(0.01, 1.0));
  Add(app, "--step-calls", step_calls_, "Instead of --precision: calls per step",
      [this](RunSettings& s) -> Ok {
        s.capacity.step_calls = step_calls_;
        return {};
      })
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000'000}));
  Add(app, "--step-duration", step_duration_,
      "Instead of --precision: each step measures this long (after its warm-up)",
      [this](RunSettings& s) -> Ok {
        auto d = PositiveDuration("--step-duration", step_duration_);
        if (!d) return tl::unexpected(d.error());
        s.capacity.step_duration = *d;
        return {};
      });
  Add(app, "--max-step", max_step_, "Longest measurement of a step (default 10m)",
      [this](RunSettings& s) -> Ok {
        auto d = PositiveDuration("--max-step", max_step_);
        if (!d) return tl::unexpected(d.error());
        s.capacity.max_step = *d;
        return {};
      });
  Add(app, "--warmup", warmup_,
      "Time each step runs before it is measured (default 5 mean hold times, at least 100ms)",
      [this](RunSettings& s) -> Ok {
        auto d = sim::ParseDuration(warmup_);
        if (!d || d->count() < 0) {
          return tl::unexpected("--warmup: " + (d ? std::string("must not be negative") : d.error()));
        }
        s.capacity.warmup = *d;
        return {};
      });
  Add(app, "--confidence", confidence_,
      "Confidence level of the blocking intervals (default 0.95)",
      [this](RunSettings& s) -> Ok {
        s.capacity.confidence = confidence_;
        return {};
      })
      ->check(CLI::Range(0.5, 0.9999));
  Add(app, "--target-blocking", target_blocking_,
      "The grade of service the answers are for: 1% (default) or 0.01",
      [this](RunSettings& s) -> Ok {
        auto r = config::ParseRatio(target_blocking_);
        if (!r) return tl::unexpected("--target-blocking: " + r.error());
        s.capacity.target_blocking = *r;
        return {};
      })
      ->type_name("RATIO");
  Add(app, "--p99-limit", p99_limit_,
      "Answer the highest call setup rate whose setup p99 stayed within this (e.g. 30s)",
      [this](RunSettings& s) -> Ok {
        auto d = PositiveDuration("--p99-limit", p99_limit_);
        if (!d) return tl::unexpected(d.error());
        s.capacity.p99_limit = *d;
        return {};
      });
  Add(app, "--plan-load", plan_load_,
      "Answer how many ports this load (Erlangs) needs at the target (default: the highest "
      "load measured)",
      [this](RunSettings& s) -> Ok {
        s.capacity.plan_load = plan_load_;
        return {};
      })
      ->check(CLI::Range(0.0, 1e5));
  CLI::Option* expect = app.add_flag(
      "--expect-erlang-b", expect_erlang_b_,
      "Exit 6 when more steps' intervals miss Erlang B for the far end's ports than chance "
      "explains (in fewer than 1 sweep in 100)");
  given_.push_back({expect, [this](RunSettings& s) -> Ok {
                      s.capacity.expect_erlang_b = expect_erlang_b_;
                      return {};
                    }});
}

}  // namespace dialsoak::cli
