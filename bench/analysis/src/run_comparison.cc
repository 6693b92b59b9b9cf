#include "dialsoak/analysis/run_comparison.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "dialsoak/analysis/erlang_b.h"
#include "dialsoak/analysis/theil_sen.h"

namespace dialsoak::analysis {
namespace {

using histogram::LatencyHistogram;
using report::Change;
using report::ComparisonRow;

// A row before the intervals are drawn: the standard error of its difference, and the
// smallest difference that counts (the noise floor, absolute).
struct Pending {
  ComparisonRow row;
  double se = 0;
  double floor = 0;
  bool compare = false;  // has a difference and a standard error (or bootstrap draws)
  // A latency's bootstrap draws of NEW - BASE, sorted: its interval is their quantiles,
  // not +-z standard errors (a tail percentile's draws are skewed, often far).
  std::vector<double> draws;
  // A leak row's verdict, decided by the leak verdicts' change over what its interval says.
  std::optional<Change> decided;
};

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

double SpanSeconds(const CycleTally& t) {
  if (!t.first_seen || !t.last_seen) return 0;
  return Seconds(*t.last_seen - *t.first_seen);
}

double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

double StandardDeviation(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  const double m = Mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

Pending Start(std::string group, std::string metric, std::string label, std::string unit,
              bool higher_is_worse) {
  Pending p;
  p.row.group = std::move(group);
  p.row.metric = std::move(metric);
  p.row.label = std::move(label);
  p.row.unit = std::move(unit);
  p.row.higher_is_worse = higher_is_worse;
  return p;
}

// Both values known and a standard error for each: compared.
void Finish(Pending& p, double base, double next, double se_base, double se_next, double floor) {
  p.row.base = base;
  p.row.next = next;
  p.row.diff = next - base;
  p.se = std::hypot(se_base, se_next);
  p.floor = floor;
  p.compare = std::isfinite(p.se) && std::isfinite(*p.row.diff);
}

// ---- throughput ----

using Count = std::function<double(const CycleTally&)>;

double RateSe(const std::vector<CycleTally>& batches, const Count& count) {
  std::vector<double> rates;
  for (const CycleTally& b : batches) {
    const double span = SpanSeconds(b);
    if (span > 0) rates.push_back(count(b) / span);
  }
  return StandardDeviation(rates) / std::sqrt(static_cast<double>(std::max<std::size_t>(rates.size(), 1)));
}

Pending Throughput(const ComparedRun& base, const ComparedRun& next,
                   const ComparisonOptions& o) {
  const bool open = base.open_loop || next.open_loop;
  const Count count = open ? Count([](const CycleTally& t) {
    return static_cast<double>(t.Count(CallResult::Connect));
  })
                           : Count([](const CycleTally& t) { return static_cast<double>(t.cycles); });
  Pending p = open ? Start("throughput", "carried_per_second", "calls carried per second",
                           "calls/s", false)
                   : Start("throughput", "cycles_per_second", "cycles per second", "cycles/s",
                           false);
  auto rate = [&](const ComparedRun& r) -> std::optional<double> {
    if (r.elapsed_seconds <= 0) return std::nullopt;
    return count(r.total) / r.elapsed_seconds;
  };
  const auto b = rate(base), n = rate(next);
  p.row.base = b;
  p.row.next = n;
  if (!b || !n) {
    p.row.note = "a run has no elapsed time";
  } else if (base.batches.size() < kMinBatches || next.batches.size() < kMinBatches) {
    p.row.diff = *n - *b;
    p.row.note = fmt::format("too short to tell the variation (fewer than {} ticks)", kMinBatches);
  } else {
    Finish(p, *b, *n, RateSe(base.batches, count), RateSe(next.batches, count),
           o.noise_floor_relative * std::abs(*b));
  }
  return p;
}

// ---- shares ----

struct ShareOf {
  std::string metric, label;
  bool higher_is_worse;
  Count part, whole;
};

// The ratio estimator's standard error over the batches, never below the binomial one
// (with half a count added, so that 0 of N still has a spread).
double ShareSe(const ComparedRun& r, const ShareOf& s) {
  const double n = s.part(r.total), total = s.whole(r.total);
  if (total <= 0) return 0;
  const double p = n / total;
  const double q = (n + 0.5) / (total + 1);
  double var = q * (1 - q) / total;
  const auto b = static_cast<double>(r.batches.size());
  if (b >= 2) {
    double ss = 0;
    for (const CycleTally& t : r.batches) {
      const double d = s.part(t) - p * s.whole(t);
      ss += d * d;
    }
    var = std::max(var, b / (b - 1) * ss / (total * total));
  }
  return std::sqrt(var);
}

void Shares(const ComparedRun& base, const ComparedRun& next, const ComparisonOptions& o,
            std::vector<Pending>& out) {
  std::vector<ShareOf> shares;
  const Count cycles = [](const CycleTally& t) { return static_cast<double>(t.cycles); };
  for (int i = 0; i < kCallResultCount; ++i) {
    const auto r = static_cast<CallResult>(i);
    const std::string name(ToString(r));
    shares.push_back({name + "_share", fmt::format("{} share", name), r != CallResult::Connect,
                      [r](const CycleTally& t) { return static_cast<double>(t.Count(r)); }, cycles});
  }
  shares.push_back({"hangup_failure_share", "failed hang-ups share", true,
                    [](const CycleTally& t) { return static_cast<double>(t.hangup_failures); },
                    [](const CycleTally& t) { return static_cast<double>(t.hangups); }});
  shares.push_back({"dropped_share", "calls dropped during the hold", true,
                    [](const CycleTally& t) { return static_cast<double>(t.dropped_during_hold); },
                    [](const CycleTally& t) { return static_cast<double>(t.Count(CallResult::Connect)); }});
  shares.push_back({"dropped_at_origin_share", "arrivals dropped at origin", true,
                    [](const CycleTally& t) { return static_cast<double>(t.dropped_at_origin); },
                    [](const CycleTally& t) { return static_cast<double>(t.cycles + t.dropped_at_origin); }});
  for (const ShareOf& s : shares) {
    const double bn = s.part(base.total), nn = s.part(next.total);
    const double bw = s.whole(base.total), nw = s.whole(next.total);
    if (bn == 0 && nn == 0) continue;  // neither run has it: nothing to say
    Pending p = Start("outcomes", s.metric, s.label, "share", s.higher_is_worse);
    if (bw <= 0 || nw <= 0) {
      if (bw > 0) p.row.base = bn / bw;
      if (nw > 0) p.row.next = nn / nw;
      p.row.note = "a run has none to share";
    } else {
      Finish(p, bn / bw, nn / nw, ShareSe(base, s), ShareSe(next, s), o.noise_floor_share);
    }
    out.push_back(std::move(p));
  }
}

// ---- latency ----

// The batches' histograms as a count matrix over the buckets any of them uses, so that a
// resample adds up a few thousand columns instead of whole histograms.
struct Columns {
  std::vector<double> values;                     // ns, each bucket's midpoint
  std::vector<std::vector<std::int64_t>> counts;  // [batch][column]
};

using Pick = std::function<const LatencyHistogram&(const CycleTally&)>;

Columns ColumnsOf(const std::vector<CycleTally>& batches, const Pick& pick) {
  std::map<std::size_t, double> used;  // bucket index -> midpoint
  for (const CycleTally& b : batches) {
    pick(b).ForEachBucket([&](std::int64_t lo, std::int64_t hi, std::int64_t) {
      used.emplace(LatencyHistogram::IndexOf(lo), (static_cast<double>(lo) + static_cast<double>(hi)) / 2);
    });
  }
  Columns c;
  std::map<std::size_t, std::size_t> column;
  for (const auto& [index, mid] : used) {
    column.emplace(index, c.values.size());
    c.values.push_back(mid);
  }
  for (const CycleTally& b : batches) {
    std::vector<std::int64_t> row(c.values.size(), 0);
    pick(b).ForEachBucket([&](std::int64_t lo, std::int64_t, std::int64_t n) {
      row[column.at(LatencyHistogram::IndexOf(lo))] += n;
    });
    c.counts.push_back(std::move(row));
  }
  return c;
}

// Nearest rank, as LatencyHistogram::Percentile.
double PercentileOf(const std::vector<std::int64_t>& counts, const std::vector<double>& values,
                    double p) {
  std::int64_t n = 0;
  for (std::int64_t x : counts) n += x;
  if (n == 0) return 0;
  const auto rank = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(p / 100 * static_cast<double>(n) - 1e-9)));
  std::int64_t seen = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    seen += counts[i];
    if (seen >= rank) return values[i];
  }
  return values.back();
}

// The block bootstrap: kResamples draws of the run's percentiles at `levels` (ns), each from
// as many batches as the run has, picked with replacement and added up.
std::vector<std::vector<double>> BootstrapPercentiles(const Columns& c, const std::vector<double>& levels,
                                                      std::uint64_t seed) {
  const std::size_t b = c.counts.size();
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, b - 1);
  std::vector<std::vector<double>> draws(levels.size());
  for (auto& d : draws) d.reserve(kResamples);
  std::vector<std::int64_t> sum(c.values.size());
  for (int k = 0; k < kResamples; ++k) {
    std::fill(sum.begin(), sum.end(), 0);
    for (std::size_t i = 0; i < b; ++i) {
      const std::vector<std::int64_t>& row = c.counts[pick(rng)];
      for (std::size_t j = 0; j < row.size(); ++j) sum[j] += row[j];
    }
    for (std::size_t l = 0; l < levels.size(); ++l) draws[l].push_back(PercentileOf(sum, c.values, levels[l]));
  }
  return draws;
}

struct LatencyOf {
  std::string metric, label;
  Pick pick;
};

std::string LevelName(double p) {  // 99.9 -> "p99_9"
  std::string s = fmt::format("p{:g}", p);
  std::replace(s.begin(), s.end(), '.', '_');
  return s;
}

void Latencies(const ComparedRun& base, const ComparedRun& next, const ComparisonOptions& o,
               std::vector<Pending>& out) {
  const std::vector<LatencyOf> kinds = {
      {"dial", "dial (connected)",
       [](const CycleTally& t) -> const LatencyHistogram& {
         return t.dial[static_cast<std::size_t>(CallResult::Connect)];
       }},
      {"hangup", "hang-up (confirmed)",
       [](const CycleTally& t) -> const LatencyHistogram& { return t.hangup_ok; }},
      {"start_lag", "start lag",
       [](const CycleTally& t) -> const LatencyHistogram& { return t.start_lag; }},
  };
  const bool batched = base.batches.size() >= kMinBatches && next.batches.size() >= kMinBatches;
  const std::vector<double> levels(kLatencyLevels.begin(), kLatencyLevels.end());
  std::uint64_t seed = 1;
  for (const LatencyOf& k : kinds) {
    const LatencyHistogram& hb = k.pick(base.total);
    const LatencyHistogram& hn = k.pick(next.total);
    if (hb.empty() && hn.empty()) continue;
    std::vector<std::vector<double>> draws_b, draws_n;
    if (batched && !hb.empty() && !hn.empty()) {
      draws_b = BootstrapPercentiles(ColumnsOf(base.batches, k.pick), levels, ++seed);
      draws_n = BootstrapPercentiles(ColumnsOf(next.batches, k.pick), levels, ++seed);
    }
    for (std::size_t l = 0; l < levels.size(); ++l) {
      const double level = levels[l];
      Pending p = Start("latency", k.metric + "_" + LevelName(level),
                        fmt::format("{} p{:g}", k.label, level), "s", true);
      if (!hb.empty()) p.row.base = static_cast<double>(hb.Percentile(level)) * 1e-9;
      if (!hn.empty()) p.row.next = static_cast<double>(hn.Percentile(level)) * 1e-9;
      const auto tail = [&](const LatencyHistogram& h) {
        return static_cast<double>(h.count()) * (1 - level / 100);
      };
      if (hb.empty() || hn.empty()) {
        p.row.note = "a run has no samples";
      } else if (tail(hb) < kMinTail || tail(hn) < kMinTail) {
        p.row.diff = *p.row.next - *p.row.base;
        p.row.note = fmt::format("too few samples beyond p{:g} (under {} in a run)", level, kMinTail);
      } else if (!batched) {
        p.row.diff = *p.row.next - *p.row.base;
        p.row.note = fmt::format("too short to tell the variation (fewer than {} ticks)", kMinBatches);
      } else {
        // The host's noise between runs (kLatencyFloorSeconds) or the relative floor.
        Finish(p, *p.row.base, *p.row.next, 0, 0,
               std::max(o.latency_floor_seconds[l], o.noise_floor_relative * std::abs(*p.row.base)));
        // The two runs' draws are independent, so pairing them by index draws NEW - BASE.
        for (int i = 0; i < kResamples; ++i) {
          p.draws.push_back((draws_n[l][static_cast<std::size_t>(i)] - draws_b[l][static_cast<std::size_t>(i)]) * 1e-9);
        }
        std::sort(p.draws.begin(), p.draws.end());
      }
      out.push_back(std::move(p));
    }
  }
}

// ---- leaks ----

void Leaks(const ComparedRun& base, const ComparedRun& next, std::vector<Pending>& out) {
  std::map<std::pair<std::string, std::string>, std::pair<const LeakCheck*, const LeakCheck*>> keyed;
  for (const LeakCheck& c : base.leaks) {
    if (c.incarnation == 0) keyed[{c.process, c.resource}].first = &c;
  }
  for (const LeakCheck& c : next.leaks) {
    if (c.incarnation == 0) keyed[{c.process, c.resource}].second = &c;
  }
  for (const auto& [key, pair] : keyed) {
    const auto [b, n] = pair;
    Pending p = Start("leaks", "leak_per_1000", fmt::format("{} {}", key.first, key.second),
                      key.second == "resident_memory" ? "B per 1000 cycles" : "per 1000 cycles",
                      true);
    auto se = [](const LeakCheck& c) {
      if (c.confidence <= 0 || c.confidence >= 1) return 0.0;
      return 1000 * (c.upper_per_cycle - c.lower_per_cycle) / 2 / TwoSidedNormalQuantile(c.confidence);
    };
    auto judged = [](const LeakCheck& c) {
      return c.verdict == "ok" || c.leaking();
    };
    if (b) {
      p.row.base = b->slope_per_1000_cycles;
      p.row.base_verdict = b->verdict;
    }
    if (n) {
      p.row.next = n->slope_per_1000_cycles;
      p.row.next_verdict = n->verdict;
    }
    if (!b || !n) {
      p.row.note = b ? "not watched in NEW" : "not watched in BASE";
    } else if (!judged(*b) || !judged(*n)) {
      p.row.diff = n->slope_per_1000_cycles - b->slope_per_1000_cycles;
      p.row.note = "a run has no slope to judge (" + (judged(*b) ? n->verdict : b->verdict) + ")";
    } else {
      Finish(p, b->slope_per_1000_cycles, n->slope_per_1000_cycles, se(*b), se(*n), 0);
    }
    // The leak verdict's change is the row's verdict: ok (or not watched) -> leak is worse;
    // leak -> ok better, only when NEW could tell (inconclusive, too few samples or not
    // seen is no verdict to be better with). The same verdict, both ok: a slope under the
    // threshold in both runs is noise, shown only; both leaking: the interval says whether
    // NEW leaks faster (worse) or slower (better).
    const bool was = b && b->leaking(), is = n && n->leaking();
    if (is && !was) {
      p.decided = Change::Worse;
    } else if (was && n && n->verdict == "ok") {
      p.decided = Change::Better;
    } else if (b && n && b->verdict == n->verdict && p.compare && n->verdict != "leak") {
      p.decided = Change::NoChange;
    }
    out.push_back(std::move(p));
  }
}

// ---- capacity ----

// Where a piecewise-linear curve of the steps crosses `target`, rising: the load.
std::optional<double> Crossing(const std::vector<CapacityStep>& steps, double target,
                               const std::function<double(const CapacityStep&)>& y) {
  const CapacityStep* prev = nullptr;
  for (const CapacityStep& s : steps) {
    if (!s.complete) continue;
    if (prev && y(*prev) < target && y(s) >= target) {
      const double x0 = prev->offered_erlangs, x1 = s.offered_erlangs;
      const double y0 = y(*prev), y1 = y(s);
      return y1 == y0 ? x1 : x0 + (target - y0) * (x1 - x0) / (y1 - y0);
    }
    prev = &s;
  }
  return std::nullopt;
}

void Capacity(const ComparedRun& base, const ComparedRun& next, const ComparisonOptions& o,
              std::vector<Pending>& out) {
  // Blocking at the loads both sweeps planned.
  for (const CapacityStep& b : base.steps) {
    for (const CapacityStep& n : next.steps) {
      if (std::abs(b.planned_erlangs - n.planned_erlangs) > 1e-9 * std::max(1.0, b.planned_erlangs)) continue;
      Pending p = Start("capacity", "blocking", fmt::format("blocking at {:.4g} E", b.planned_erlangs),
                        "share", true);
      if (!b.complete || !n.complete || b.dialed == 0 || n.dialed == 0) {
        p.row.note = "a step is incomplete";
      } else {
        auto se = [](const CapacityStep& s, double conf) {
          return (s.blocking_upper - s.blocking_lower) / 2 / TwoSidedNormalQuantile(conf);
        };
        Finish(p, b.blocking, n.blocking, se(b, base.capacity_confidence),
               se(n, next.capacity_confidence), o.noise_floor_share);
      }
      out.push_back(std::move(p));
    }
  }
  // The load at the target blocking, measured; its interval where the steps' bounds cross.
  Pending p = Start("capacity", "load_at_target",
                    fmt::format("load at {:g} % blocking (measured)", base.answers.target_blocking * 100),
                    "E", false);
  struct Load {
    double mid, lo, hi;  // where the blocking, its upper and its lower bound cross the target
    double se() const { return (hi - lo) / 2; }
  };
  auto load = [](const ComparedRun& r) -> std::optional<Load> {
    const double t = r.answers.target_blocking;
    const auto mid = Crossing(r.steps, t, [](const CapacityStep& s) { return s.blocking; });
    const auto lo = Crossing(r.steps, t, [](const CapacityStep& s) { return s.blocking_upper; });
    const auto hi = Crossing(r.steps, t, [](const CapacityStep& s) { return s.blocking_lower; });
    if (!mid || !lo || !hi) return std::nullopt;
    const double z = TwoSidedNormalQuantile(r.capacity_confidence);
    // The bounds' crossings as a standard error, about the measured crossing.
    return Load{*mid, *mid - (*mid - *lo) / z, *mid + (*hi - *mid) / z};
  };
  const auto lb = load(base), ln = load(next);
  const bool same_target = base.answers.target_blocking == next.answers.target_blocking;
  if (lb) p.row.base = lb->mid;
  if (ln) p.row.next = ln->mid;
  if (!same_target) {
    p.row.note = "the sweeps target different blocking";
  } else if (!lb || !ln) {
    p.row.note = "a sweep's steps (or their intervals) do not straddle the target";
  } else {
    Finish(p, lb->mid, ln->mid, lb->se(), ln->se(), o.noise_floor_relative * lb->mid);
  }
  out.push_back(std::move(p));

  // The ports the plan load needs, from the measured curve: Erlang B's count for the load,
  // scaled by how the far end measured against Erlang B at its own ports (one that reaches
  // the target at 90 % of Erlang B's load needs the ports of plan / 0.9). Fractional: the
  // crossing between two whole port counts, so that a change shows before it is a port.
  const double plan = next.answers.plan_load;
  Pending ports = Start("capacity", "ports_for_plan_load", fmt::format("ports for {:.4g} E (measured)", plan),
                        "ports", true);
  auto ports_for = [&](const ComparedRun& r, double measured_load) -> std::optional<double> {
    const double t = r.answers.target_blocking;
    const auto it = r.config.find("ports");
    const int c = it != r.config.end() && it->is_number_integer() ? it->get<int>() : 0;
    if (c <= 0 || !(plan > 0) || !(measured_load > 0)) return std::nullopt;
    const double k = measured_load / OfferedLoadForBlocking(c, t);
    double prev = 0;
    for (int n = 1; n <= 100000; ++n) {
      const double can = k * OfferedLoadForBlocking(n, t);
      if (can >= plan) return n - 1 + (plan - prev) / (can - prev);
      prev = can;
    }
    return std::nullopt;
  };
  auto ports_of = [&](const ComparedRun& r, const std::optional<Load>& l)
      -> std::optional<std::pair<double, double>> {
    if (!l) return std::nullopt;
    const auto mid = ports_for(r, l->mid), few = ports_for(r, l->hi), many = ports_for(r, l->lo);
    if (!mid || !few || !many) return std::nullopt;
    return std::pair{*mid, (*many - *few) / 2};
  };
  const auto pb = ports_of(base, lb), pn = ports_of(next, ln);
  if (pb) ports.row.base = pb->first;
  if (pn) ports.row.next = pn->first;
  if (!same_target) {
    ports.row.note = "the sweeps target different blocking";
  } else if (!(plan > 0)) {
    ports.row.note = "no plan load";
  } else if (!pb || !pn) {
    ports.row.note = lb && ln ? "a sweep has no single port count (pools)"
                              : "a sweep's steps (or their intervals) do not straddle the target";
  } else {
    Finish(ports, pb->first, pn->first, pb->second, pn->second, o.noise_floor_relative * pb->first);
  }
  out.push_back(std::move(ports));
}

Change Judge(const ComparisonRow& r, double floor) {
  if (!r.diff || !r.lower || !r.upper) return Change::NotCompared;
  const bool up = *r.lower > 0, down = *r.upper < 0;
  if ((!up && !down) || std::abs(*r.diff) < floor) return Change::NoChange;
  return up == r.higher_is_worse ? Change::Worse : Change::Better;
}

}  // namespace

void TickBatches::Add(const CycleTally& tick) {
  ++ticks_;
  if (batches_.empty() || in_last_ >= ticks_per_batch_) {
    if (batches_.size() == static_cast<std::size_t>(kMaxBatches)) {
      // Full: merge neighbours, and take twice as many ticks a batch from now on.
      std::vector<CycleTally> merged;
      for (std::size_t i = 0; i < batches_.size(); i += 2) {
        merged.push_back(std::move(batches_[i]));
        if (i + 1 < batches_.size()) Merge(merged.back(), batches_[i + 1]);
      }
      batches_ = std::move(merged);
      ticks_per_batch_ *= 2;
      in_last_ = ticks_per_batch_;  // the last merged batch is full
    }
    if (in_last_ >= ticks_per_batch_ || batches_.empty()) {
      batches_.emplace_back();
      in_last_ = 0;
    }
  }
  Merge(batches_.back(), tick);
  ++in_last_;
}

std::vector<std::string> SettingsThatDiffer(const nlohmann::json& base, const nlohmann::json& next) {
  // Where the outputs go, what is checked at the end and how it is sampled do not change
  // what is measured; the seed is expected to differ between two nights.
  static const std::set<std::string> kIgnored = {
      "out", "report", "junit", "charts", "listen", "seed", "config_file", "journal",
      "journal_cycles_limit_mib", "thresholds", "leak", "max_failures_percent", "command",
      "per_line_metrics", "sample_interval_seconds", "chart", "push", "pushgateway"};
  std::vector<std::string> out;
  if (!base.is_object() || !next.is_object()) return out;
  std::set<std::string> keys;
  for (const auto& [k, v] : base.items()) keys.insert(k);
  for (const auto& [k, v] : next.items()) keys.insert(k);
  for (const std::string& k : keys) {
    if (kIgnored.count(k)) continue;
    const nlohmann::json b = base.value(k, nlohmann::json()), n = next.value(k, nlohmann::json());
    if (b != n) {
      out.push_back(fmt::format("{}: {} in BASE, {} in NEW", k, b.dump(), n.dump()));
    }
  }
  return out;
}

report::Comparison CompareRuns(const ComparedRun& base, const ComparedRun& next,
                               const ComparisonOptions& o) {
  if (!(o.confidence > 0.5 && o.confidence < 1)) {
    throw std::invalid_argument(fmt::format("confidence {} is not in (0.5, 1)", o.confidence));
  }
  if (!(o.noise_floor_relative >= 0) || !(o.noise_floor_share >= 0) ||
      std::any_of(o.latency_floor_seconds.begin(), o.latency_floor_seconds.end(),
                  [](double f) { return !(f >= 0); })) {
    throw std::invalid_argument("a noise floor is negative");
  }
  std::vector<Pending> rows;
  if (base.kind == "capacity") {
    Capacity(base, next, o, rows);
  } else {
    rows.push_back(Throughput(base, next, o));
    Shares(base, next, o, rows);
    Latencies(base, next, o, rows);
    Leaks(base, next, rows);
  }
  report::Comparison c;
  c.kind = base.kind;
  c.base_path = base.path;
  c.next_path = next.path;
  c.base_id = base.run_id;
  c.next_id = next.run_id;
  c.confidence = o.confidence;
  const auto m = std::count_if(rows.begin(), rows.end(), [](const Pending& p) { return p.compare; });
  c.simultaneous = static_cast<int>(std::max<std::ptrdiff_t>(m, 1));
  const double z = TwoSidedNormalQuantile(1 - (1 - o.confidence) / c.simultaneous);
  for (Pending& p : rows) {
    if (p.compare && !p.draws.empty()) {
      // The draws' quantiles at the row's level; with kResamples draws, at most their extremes.
      const double tail = (1 - o.confidence) / c.simultaneous / 2;
      const auto last = static_cast<double>(p.draws.size() - 1);
      p.row.lower = p.draws[static_cast<std::size_t>(std::floor(tail * last))];
      p.row.upper = p.draws[static_cast<std::size_t>(std::ceil((1 - tail) * last))];
      p.row.change = Judge(p.row, p.floor);
    } else if (p.compare) {
      p.row.lower = *p.row.diff - z * p.se;
      p.row.upper = *p.row.diff + z * p.se;
      p.row.change = Judge(p.row, p.floor);
    }
    if (p.decided) p.row.change = *p.decided;
    c.rows.push_back(std::move(p.row));
  }
  std::set<std::pair<std::string, std::string>> known;
  for (const FailureDetail& f : base.total.failures) known.insert({f.what, f.detail});
  for (const FailureDetail& f : next.total.failures) {
    if (!known.count({f.what, f.detail})) {
      c.new_failures.push_back(fmt::format("{} {}x: {}", f.what, f.count, f.detail));
    }
  }
  return c;
}

}  // namespace dialsoak::analysis
