// The Google Benchmark suites of dialsoak_bench, registered by bench_main.cc. Each suite
// registers its benchmarks with benchmark::RegisterBenchmark, so the state they share (a
// modem bank) is owned by main and passed in, not held in globals.
// Registration is single-threaded (before RunSpecifiedBenchmarks); nothing here throws.
#pragma once

namespace dialsoak::gbench {

class SharedBank;

// BM_DialHangupCycle: dial/hang-up cycles over SerialLines on the sim bank, 1..64 threads.
void RegisterDialCycleBenchmarks(SharedBank& bank);
// BM_AtParse, BM_AtFrame: the V.250 response reader and line framer on a modem transcript.
void RegisterAtParseBenchmarks();
// BM_ProbeSample*: the cost of one probe sample (self, another pid, by name, a /proc scan).
void RegisterProbeBenchmarks();
// BM_MetricsSinkCycle, BM_MetricsExposition: the Prometheus sink per cycle, one scrape.
void RegisterMetricsBenchmarks();
// BM_LeakWatchLiveEstimate, BM_LeakWatchSample: the leak watch's live fit and per-sample cost.
void RegisterLeakWatchBenchmarks();
// BM_HistogramRecord, BM_HistogramPercentile, BM_HistogramEncode, BM_HistogramDecode: the
// records' latency histogram per sample, per percentile and as the journal's compact text.
void RegisterHistogramBenchmarks();

}  // namespace dialsoak::gbench
