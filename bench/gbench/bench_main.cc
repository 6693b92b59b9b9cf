// dialsoak_bench: every Google Benchmark suite of dialsoak in one program. Takes the usual
// --benchmark_* flags (--benchmark_filter=BM_AtParse, --benchmark_min_time=0.01, ...).
// Exit codes: 0 after the run (a benchmark that failed says "ERROR OCCURRED" in its row),
// 1 for an unrecognized flag.
#include <benchmark/benchmark.h>

#include "shared_bank.h"
#include "suites.h"

namespace {

// One port per thread of the largest BM_DialHangupCycle run.
constexpr int kBankPorts = 64;

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  dialsoak::gbench::SharedBank bank(kBankPorts);  // started by the first dial benchmark
  dialsoak::gbench::RegisterDialCycleBenchmarks(bank);
  dialsoak::gbench::RegisterAtParseBenchmarks();
  dialsoak::gbench::RegisterProbeBenchmarks();

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
