// BM_ProbeSampleSelfWindows: the cost of one full sample of this process on Windows
// (GetProcessHandleCount, a Toolhelp32 snapshot for the threads, the working set);
// BM_ProbeHandlesSelfWindows: the handle count alone (SampleHandles, the per-cycle check).
#include <benchmark/benchmark.h>

#include "dialsoak/probes/process_probe.h"
#include "suites.h"

namespace dialsoak::gbench {
namespace {

void BM_ProbeSampleSelfWindows(benchmark::State& state) {
  auto probe = probes::MakeSelfProbe();
  for (auto _ : state) benchmark::DoNotOptimize(probe->Sample());
}

void BM_ProbeHandlesSelfWindows(benchmark::State& state) {
  auto probe = probes::MakeSelfProbe();
  probe->Sample();
  for (auto _ : state) benchmark::DoNotOptimize(probe->SampleHandles());
}

}  // namespace

void RegisterProbeBenchmarks() {
  benchmark::RegisterBenchmark("BM_ProbeSampleSelfWindows", BM_ProbeSampleSelfWindows);
  benchmark::RegisterBenchmark("BM_ProbeHandlesSelfWindows", BM_ProbeHandlesSelfWindows);
}

}  // namespace dialsoak::gbench
