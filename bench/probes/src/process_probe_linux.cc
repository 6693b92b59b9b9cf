// ProcessProbe on Linux: /proc/<pid>/stat for threads, state and start time, statm for
// resident memory, fd for the handle count. See process_probe.h for the contract.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <utility>

#include "dialsoak/probes/process_probe.h"
#include "name_scan_linux.h"
#include "process_probe_platform.h"
#include "proc_reader_linux.h"

namespace dialsoak::probes {
namespace {

using detail::ProcIdentity;
using detail::ProcReader;

bool IsGoneErrno(int err) { return err == ENOENT || err == ESRCH; }

std::string Gone(int pid, std::string_view why = {}) {
  std::string text = "process " + std::to_string(pid) + " is gone";
  if (!why.empty()) text.append(" (").append(why).append(")");
  return text;
}

std::string ReadError(int pid, const char* file, int err) {
  return "cannot read /proc/" + std::to_string(pid) + "/" + file + ": " + std::strerror(err);
}

std::string CountError(int pid, const char* what, const char* file, int err) {
  return "cannot count " + std::string(what) + " of process " + std::to_string(pid) + ": /proc/" +
         std::to_string(pid) + "/" + file + ": " + std::strerror(err);
}

// Samples one process into out. With expected_start, a process whose start time differs
// (its pid was reused) counts as gone. Returns false when the process is gone; out.error
// then says why. A count that cannot be read is -1 with the reason in out.error.
bool SampleProcess(ProcReader& reader, int pid, std::optional<std::uint64_t> expected_start,
                   ResourceCounts& out) {
  const int proc_pid = pid == ::getpid() ? 0 : pid;  // /proc/self: no pid lookup, and
                                                     // its listing fd is left out
  out = ResourceCounts{};
  out.pid = pid;
  auto stat = reader.ReadStat(proc_pid);
  if (!stat) {
    out.error = IsGoneErrno(stat.error()) ? Gone(pid) : ReadError(pid, "stat", stat.error());
    return false;
  }
  if (expected_start && stat->start_time != *expected_start) {
    out.error = Gone(pid, "its pid now belongs to another process");
    return false;
  }
  if (stat->IsZombie()) {
    out.error = Gone(pid, "exited, not yet reaped by its parent");
    return false;
  }
  out.alive = true;
  out.threads = stat->threads;
  auto pages = reader.ReadResidentPages(proc_pid);
  auto fds = reader.CountFds(proc_pid);
  // Gone between the reads: a process that was alive at the first.
  if ((!pages && IsGoneErrno(pages.error())) || (!fds && IsGoneErrno(fds.error()))) {
    out = ResourceCounts{};
    out.pid = pid;
    out.error = Gone(pid);
    return false;
  }
  out.resident_bytes = pages ? *pages * reader.page_size() : -1;
  out.handles = fds ? *fds : -1;
  if (!pages) out.error = CountError(pid, "resident memory", "statm", pages.error());
  if (!fds) {
    if (!out.error.empty()) out.error += "; ";
    out.error += CountError(pid, "handles", "fd", fds.error());
  }
  return true;
}

class SelfProbe final : public ProcessProbe {
 public:
  // Without the held files (EMFILE, say) a sample just opens them each time.
  SelfProbe() { reader_.HoldSelfFiles(); }

  const std::string& label() const override { return label_; }

  ResourceCounts Sample() override {
    ResourceCounts out;
    SampleProcess(reader_, ::getpid(), std::nullopt, out);
    last_full_ = out;
    last_full_at_ = std::chrono::steady_clock::now();
    return out;
  }

  // One system call (the fd directory's size) instead of three, at every cycle of a
  // one-line run; threads and memory come from a full sample at most a second old.
  ResourceCounts SampleHandles() override {
    const auto now = std::chrono::steady_clock::now();
    if (!last_full_.alive || !last_full_.error.empty() || now - last_full_at_ > kFullEvery) {
      return Sample();
    }
    auto fds = reader_.CountFds(0);
    if (!fds) return Sample();
    ResourceCounts out = last_full_;
    out.handles = *fds;
    return out;
  }

 private:
  static constexpr std::chrono::seconds kFullEvery{1};
  const std::string label_ = "self";
  ProcReader reader_;
  ResourceCounts last_full_;
  std::chrono::steady_clock::time_point last_full_at_{};
};

class PidProbe final : public ProcessProbe {
 public:
  explicit PidProbe(int pid) : label_("pid:" + std::to_string(pid)), pid_(pid) {
    if (auto stat = reader_.ReadStat(pid); stat && !stat->IsZombie()) {
      start_time_ = stat->start_time;
    } else {
      gone_ = Gone(pid, "not found when the probe was made");
    }
  }

  const std::string& label() const override { return label_; }

  ResourceCounts Sample() override {
    ResourceCounts out;
    if (gone_.empty() && !SampleProcess(reader_, pid_, start_time_, out)) gone_ = out.error;
    if (!gone_.empty()) {
      out = ResourceCounts{};  // once gone, always gone: a reused pid is someone else
      out.pid = pid_;
      out.error = gone_;
    }
    return out;
  }

 private:
  const std::string label_;
  const int pid_;
  std::uint64_t start_time_ = 0;
  std::string gone_;  // set once the process is gone
  ProcReader reader_;
};

class NameProbe final : public ProcessProbe {
 public:
  explicit NameProbe(std::string name) : name_(std::move(name)) {}

  const std::string& label() const override { return name_; }

  ResourceCounts Sample() override {
    ResourceCounts out;
    if (current_ && SampleProcess(reader_, current_->pid, current_->start_time, out)) {
      return out;
    }
    current_ = detail::FindNewestByName(reader_, name_);
    out = ResourceCounts{};
    if (current_ && SampleProcess(reader_, current_->pid, current_->start_time, out)) {
      return out;
    }
    current_.reset();  // none, or it went away right after the scan: scan next time
    out = ResourceCounts{};
    out.error = "no process named " + name_;
    return out;
  }

 private:
  const std::string name_;
  std::optional<ProcIdentity> current_;
  ProcReader reader_;
};

}  // namespace

std::vector<NamedProcess> FindProcessesNamed(const std::string& name) {
  ProcReader reader;
  std::vector<NamedProcess> out;
  for (const ProcIdentity& p : detail::FindAllByName(reader, name)) {
    std::string command;
    std::ifstream cmdline("/proc/" + std::to_string(p.pid) + "/cmdline", std::ios::binary);
    std::getline(cmdline, command, '\0');  // argv[0], then the rest one by one
    for (std::string arg; command.size() < 200 && std::getline(cmdline, arg, '\0');) {
      command += ' ' + arg;
    }
    if (command.size() > 200) command.resize(200);
    out.push_back({p.pid, std::move(command)});
  }
  return out;
}

namespace detail {

std::unique_ptr<ProcessProbe> NewSelfProbe() { return std::make_unique<SelfProbe>(); }
std::unique_ptr<ProcessProbe> NewPidProbe(int pid) { return std::make_unique<PidProbe>(pid); }
std::unique_ptr<ProcessProbe> NewNameProbe(std::string name) {
  return std::make_unique<NameProbe>(std::move(name));
}

}  // namespace detail

}  // namespace dialsoak::probes
