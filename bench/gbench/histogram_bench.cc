// The latency histogram of the records (exporters/histogram), per operation:
// BM_HistogramRecord: one Record of a dial latency (lognormal around 50 us, from a ring of
// pre-drawn values), what every cycle costs the run's tally.
// BM_HistogramPercentile: one Percentile(99.9) of a million samples around 50 us (sigma
// 0.5); arg 1 adds one sample of 1 ns and one of an hour (the counters from min on are
// walked, so the width of the distribution sets the cost).
// BM_HistogramEncode / BM_HistogramDecode: the compact text of 40,000 samples around 50 us
// (what a journal line carries), with its size as counters.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "dialsoak/histogram/latency_histogram.h"
#include "suites.h"

namespace dialsoak::gbench {
namespace {

using histogram::LatencyHistogram;

std::vector<std::int64_t> LognormalNs(std::size_t n, double median_ns, double sigma) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> d(std::log(median_ns), sigma);
  std::vector<std::int64_t> out(n);
  for (auto& v : out) v = std::llround(d(rng));
  return out;
}

LatencyHistogram Filled(const std::vector<std::int64_t>& samples) {
  LatencyHistogram h;
  for (std::int64_t v : samples) h.Record(v);
  return h;
}

std::size_t NonEmptyBuckets(const LatencyHistogram& h) {
  std::size_t n = 0;
  h.ForEachBucket([&](std::int64_t, std::int64_t, std::int64_t) { ++n; });
  return n;
}

void BM_HistogramRecord(benchmark::State& state) {
  const auto values = LognormalNs(4096, 50'000, 0.5);  // a power of two: the ring's mask
  LatencyHistogram h;
  std::size_t i = 0;
  for (auto _ : state) {
    h.Record(values[i++ & (values.size() - 1)]);
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations());
}

void BM_HistogramPercentile(benchmark::State& state) {
  LatencyHistogram h = Filled(LognormalNs(1'000'000, 50'000, 0.5));
  if (state.range(0) == 0) {
    state.SetLabel("1e6 samples around 50 us");
  } else {
    h.Record(1);
    h.Record(3'600'000'000'000);
    state.SetLabel("1e6 samples, 1 ns to 1 h");
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(h.Percentile(99.9));
  }
}

void BM_HistogramEncode(benchmark::State& state) {
  const LatencyHistogram h = Filled(LognormalNs(40'000, 50'000, 0.5));
  std::size_t size = 0;
  for (auto _ : state) {
    const std::string text = histogram::EncodeCompact(h);
    size = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  const auto buckets = static_cast<double>(NonEmptyBuckets(h));
  state.counters["buckets"] = buckets;
  state.counters["chars"] = static_cast<double>(size);
  state.counters["bytes_per_bucket"] = static_cast<double>(size) * 3 / 4 / buckets;
}

void BM_HistogramDecode(benchmark::State& state) {
  const std::string text = histogram::EncodeCompact(Filled(LognormalNs(40'000, 50'000, 0.5)));
  for (auto _ : state) {
    auto h = histogram::DecodeCompact(text);
    if (!h) {
      state.SkipWithError("the encoding did not decode");
      return;
    }
    benchmark::DoNotOptimize(h->count());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}

}  // namespace

void RegisterHistogramBenchmarks() {
  benchmark::RegisterBenchmark("BM_HistogramRecord", BM_HistogramRecord);
  benchmark::RegisterBenchmark("BM_HistogramPercentile", BM_HistogramPercentile)->Arg(0)->Arg(1);
  benchmark::RegisterBenchmark("BM_HistogramEncode", BM_HistogramEncode)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_HistogramDecode", BM_HistogramDecode)
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace dialsoak::gbench
