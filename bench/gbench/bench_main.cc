// dialsoak_bench: every Google Benchmark suite of dialsoak in one program. Takes the usual
// --benchmark_* flags (--benchmark_filter=BM_AtParse, --benchmark_min_time=0.01, ...), and
// --prometheus-push URL [--prometheus-push-job NAME] [--prometheus-push-timeout SECONDS]
// [--prometheus-push-ca-file FILE] [--prometheus-push-auth-file FILE]
// to push the results to a Pushgateway after the run (see bench/README.md).
// Exit codes: 0 after the run (a benchmark that failed says "ERROR OCCURRED" in its row),
// 1 for an unrecognized or bad flag (nothing runs), 3 when the push failed (the results
// were printed and --benchmark_out written all the same).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "dialsoak/prometheus/pushgateway.h"
#include "push_flags.h"
#include "pushgateway_reporter.h"
#include "shared_bank.h"
#include "suites.h"

namespace {

// One port per thread of the largest BM_DialHangupCycle run.
constexpr int kBankPorts = 64;
constexpr int kExitPushFailed = 3;

void PrintHelp() {
  benchmark::PrintDefaultHelp();
  std::fputs(dialsoak::gbench::PushFlagsHelp().data(), stdout);
}

// Runs the registered benchmarks with the push reporter in front of the display reporter,
// then pushes; returns the exit code.
int RunAndPush(const dialsoak::gbench::PushOptions& options,
               const dialsoak::prometheus_export::PushSecurity& security) {
  using dialsoak::gbench::PushResult;
  dialsoak::gbench::PushgatewayReporter reporter(*benchmark::CreateDefaultDisplayReporter());
  benchmark::RunSpecifiedBenchmarks(&reporter);
  if (reporter.samples().empty()) {
    std::cerr << "dialsoak_bench: no benchmark results, nothing pushed to " << options.url
              << "\n";
    return 0;
  }
  const PushResult result = dialsoak::gbench::PushSamples(
      options, reporter.samples(), dialsoak::prometheus_export::HostName(), security);
  for (const std::string& note : result.notes) std::cerr << "dialsoak_bench: " << note << "\n";
  switch (result.status) {
    case PushResult::Status::kPushed:
      std::cerr << "dialsoak_bench: pushed " << reporter.samples().size() << " results to "
                << options.url << " (job " << options.job << ")\n";
      return 0;
    case PushResult::Status::kFailed:
    case PushResult::Status::kTimedOut:
      std::cerr << "dialsoak_bench: warning: " << result.message
                << "; the results above were not pushed\n";
      return kExitPushFailed;
  }
  return kExitPushFailed;
}

}  // namespace

int main(int argc, char** argv) {
  auto push = dialsoak::gbench::TakePushFlags(argc, argv);
  if (!push) {
    std::cerr << "dialsoak_bench: " << push.error() << "\n";
    return 1;
  }
  // A protected gateway's CA file and credentials, read before anything runs: a file that
  // cannot be read is a bad flag (exit 1). No message holds the password.
  dialsoak::prometheus_export::PushSecurity security;
  if (*push) {
    const auto& options = **push;
    if (!options.ca_file.empty()) {
      if (auto ok = dialsoak::prometheus_export::CheckCaFile(options.ca_file); !ok) {
        std::cerr << "dialsoak_bench: --prometheus-push-ca-file: " << ok.error().message << "\n";
        return 1;
      }
    }
    auto credentials = dialsoak::prometheus_export::LoadPushCredentials(options.auth_file);
    if (!credentials) {
      std::cerr << "dialsoak_bench: "
                << (options.auth_file.empty() ? "push basic auth" : "--prometheus-push-auth-file")
                << ": " << credentials.error().message << "\n";
      return 1;
    }
    if (!credentials->warning.empty()) {
      std::cerr << "dialsoak_bench: warning: " << credentials->warning << "\n";
    }
    security = {options.ca_file, credentials->user, credentials->password};
  }
  benchmark::Initialize(&argc, argv, PrintHelp);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  dialsoak::gbench::SharedBank bank(kBankPorts);  // started by the first dial benchmark
  dialsoak::gbench::RegisterDialCycleBenchmarks(bank);
  dialsoak::gbench::RegisterAtParseBenchmarks();
  dialsoak::gbench::RegisterProbeBenchmarks();
  dialsoak::gbench::RegisterMetricsBenchmarks();
  dialsoak::gbench::RegisterLeakWatchBenchmarks();
  dialsoak::gbench::RegisterHistogramBenchmarks();

  int code = 0;
  if (*push) {
    code = RunAndPush(**push, security);
  } else {
    benchmark::RunSpecifiedBenchmarks();
  }
  benchmark::Shutdown();
  return code;
}
