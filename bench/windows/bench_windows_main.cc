// dialsoak_bench_windows: the Google Benchmark suites that run on Windows (the V.250
// parser, the leak watch, the Windows process probe); the ones over the pty simulator are
// Linux's (bench/gbench, dialsoak_bench).
#include <benchmark/benchmark.h>

#include "suites.h"

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  dialsoak::gbench::RegisterAtParseBenchmarks();
  dialsoak::gbench::RegisterLeakWatchBenchmarks();
  dialsoak::gbench::RegisterProbeBenchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
