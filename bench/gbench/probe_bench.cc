// BM_ProbeSample*: the cost of one probe sample, which is what sampling costs a run: at
// the engine's default of one sample a second, cpu_per_sample (CPU seconds per sample)
// is the fraction of one CPU that sampling takes. range(0) descriptors are open in the
// sampled process, since listing /proc/<pid>/fd grows with them.
//   BM_ProbeSampleSelf   this process (MakeSelfProbe)
//   BM_ProbeSamplePid    a sleep child (MakePidProbe)
//   BM_ProbeSampleName   the same child followed by name, live match (no /proc scan)
//   BM_ProbeNameScan     a name that matches nothing: every sample scans all of /proc
//   BM_FdCountByListing  the handle count alone by listing /proc/self/fd, the fallback
//                        where the kernel (before 6.2) does not give the directory's size
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "dialsoak/io/unique_fd.h"
#include "dialsoak/probes/process_probe.h"
#include "proc_reader_linux.h"  // private to bench/probes: the fallback's cost
#include "suites.h"

extern char** environ;

namespace dialsoak::gbench {
namespace {

// Raises the soft descriptor limit so that `needed` more can be open; false if the hard
// limit does not allow it.
bool MakeRoomForDescriptors(long needed) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  const rlim_t want = static_cast<rlim_t>(needed) + 256;  // what is open already, with slack
  if (limit.rlim_cur >= want) return true;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < want) return false;
  limit.rlim_cur = want;
  return ::setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

// n descriptors on /dev/null; inheritable (no O_CLOEXEC) when a child should get them.
std::vector<io::UniqueFd> OpenDevNull(long n, bool inheritable) {
  std::vector<io::UniqueFd> fds;
  fds.reserve(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) {
    io::UniqueFd fd(::open("/dev/null", O_RDONLY | (inheritable ? 0 : O_CLOEXEC)));
    if (!fd) break;
    fds.push_back(std::move(fd));
  }
  return fds;
}

// A `sleep 600` child run with argv[0] = name, holding `fds` extra descriptors; killed by
// PID and reaped when destroyed.
class SleepChild {
 public:
  SleepChild(const std::string& name, long fds) {
    std::vector<io::UniqueFd> inherited = OpenDevNull(fds, /*inheritable=*/true);
    if (static_cast<long>(inherited.size()) != fds) return;
    std::string argv0 = name, seconds = "600";
    char* argv[] = {argv0.data(), seconds.data(), nullptr};
    for (const char* path : {"/bin/sleep", "/usr/bin/sleep"}) {
      if (::posix_spawn(&pid_, path, nullptr, nullptr, argv, environ) == 0) return;
    }
    pid_ = -1;
  }  // the parent's copies close here; the child keeps its own
  SleepChild(const SleepChild&) = delete;
  SleepChild& operator=(const SleepChild&) = delete;
  ~SleepChild() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// Samples probe in the timed loop; reports the handles it saw and the CPU share at 1 Hz.
// A probe expected alive must give a clean sample first.
void SampleLoop(benchmark::State& state, probes::ProcessProbe& probe, bool expect_alive = true) {
  probes::ResourceCounts last = probe.Sample();  // a name probe finds its match here
  if (expect_alive && (!last.alive || !last.error.empty())) {
    state.SkipWithError(("sample failed: " + last.error).c_str());
    return;
  }
  for (auto _ : state) {
    last = probe.Sample();
    benchmark::DoNotOptimize(last.handles);
  }
  state.counters["handles"] = benchmark::Counter(static_cast<double>(last.handles));
  // CPU time per sample, in seconds: at one sample a second, the share of one CPU.
  state.counters["cpu_per_sample"] =
      benchmark::Counter(static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_ProbeSampleSelf(benchmark::State& state) {
  const long extra = state.range(0);
  if (!MakeRoomForDescriptors(extra)) return state.SkipWithError("descriptor limit too low");
  auto fds = OpenDevNull(extra, /*inheritable=*/false);
  if (static_cast<long>(fds.size()) != extra) return state.SkipWithError("cannot open /dev/null");
  auto probe = probes::MakeSelfProbe();
  SampleLoop(state, *probe);
}

void BM_ProbeSamplePid(benchmark::State& state) {
  if (!MakeRoomForDescriptors(state.range(0)))
    return state.SkipWithError("descriptor limit too low");
  SleepChild child("sleep", state.range(0));
  if (child.pid() <= 0) return state.SkipWithError("cannot start sleep");
  auto probe = probes::MakePidProbe(child.pid());
  SampleLoop(state, *probe);
}

void BM_ProbeSampleName(benchmark::State& state) {
  if (!MakeRoomForDescriptors(state.range(0)))
    return state.SkipWithError("descriptor limit too low");
  const std::string name = "dsbench" + std::to_string(::getpid());
  SleepChild child(name, state.range(0));
  if (child.pid() <= 0) return state.SkipWithError("cannot start sleep");
  auto probe = probes::MakeNameProbe(name);
  if (probe->Sample().pid != child.pid()) return state.SkipWithError("name probe missed its child");
  SampleLoop(state, *probe);
}

void BM_ProbeNameScan(benchmark::State& state) {
  auto probe = probes::MakeNameProbe("dsbench-absent-" + std::to_string(::getpid()));
  SampleLoop(state, *probe, /*expect_alive=*/false);
}

void BM_FdCountByListing(benchmark::State& state) {
  const long extra = state.range(0);
  if (!MakeRoomForDescriptors(extra)) return state.SkipWithError("descriptor limit too low");
  auto fds = OpenDevNull(extra, /*inheritable=*/false);
  if (static_cast<long>(fds.size()) != extra) return state.SkipWithError("cannot open /dev/null");
  probes::detail::ProcReader reader;
  std::int64_t count = 0;
  for (auto _ : state) {
    count = reader.CountFdsByListing(0).value_or(-1);
    benchmark::DoNotOptimize(count);
  }
  state.counters["handles"] = benchmark::Counter(static_cast<double>(count));
  state.counters["cpu_per_sample"] =
      benchmark::Counter(static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

}  // namespace

void RegisterProbeBenchmarks() {
  for (auto* b : {benchmark::RegisterBenchmark("BM_ProbeSampleSelf", BM_ProbeSampleSelf),
                  benchmark::RegisterBenchmark("BM_ProbeSamplePid", BM_ProbeSamplePid),
                  benchmark::RegisterBenchmark("BM_ProbeSampleName", BM_ProbeSampleName)}) {
    b->ArgName("fds")->Arg(0)->Arg(1000)->Arg(2000);
  }
  benchmark::RegisterBenchmark("BM_ProbeNameScan", BM_ProbeNameScan);
  benchmark::RegisterBenchmark("BM_FdCountByListing", BM_FdCountByListing)
      ->ArgName("fds")
      ->Arg(0)
      ->Arg(1000)
      ->Arg(2000);
}

}  // namespace dialsoak::gbench
