// ProcessProbe on Windows: GetProcessHandleCount for the handle count (the count KB
// Q197517's leak shows in), a Toolhelp32 process snapshot for the thread count (and for
// finding a process by name), GetProcessMemoryInfo's working set for resident memory.
// Another process is opened once with PROCESS_QUERY_LIMITED_INFORMATION and the handle is
// kept: while we hold it the pid cannot be reused, so an exited process reads as gone
// (GetExitCodeProcess != STILL_ACTIVE), never as its successor. See process_probe.h.
#include <windows.h>
// windows.h first: psapi.h and tlhelp32.h need its types.
#include <psapi.h>
#include <tlhelp32.h>

#include <chrono>
#include <cwctype>
#include <optional>
#include <string>
#include <utility>

#include "dialsoak/probes/process_probe.h"
#include "process_probe_platform.h"

namespace dialsoak::probes {
namespace {

std::string WinError(DWORD code) {
  char* text = nullptr;
  const DWORD n = FormatMessageA(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, code, 0, reinterpret_cast<LPSTR>(&text), 0, nullptr);
  std::string out = n ? std::string(text, n) : "error " + std::to_string(code);
  if (text) LocalFree(text);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == '.')) {
    out.pop_back();
  }
  return out + " (" + std::to_string(code) + ")";
}

std::string Gone(int pid, std::string_view why = {}) {
  std::string text = "process " + std::to_string(pid) + " is gone";
  if (!why.empty()) text.append(" (").append(why).append(")");
  return text;
}

// An owned process handle (not the current-process pseudo handle, which is never closed).
class ProcessHandle {
 public:
  ProcessHandle() = default;
  explicit ProcessHandle(HANDLE h) : h_(h) {}
  ProcessHandle(ProcessHandle&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  ProcessHandle& operator=(ProcessHandle&& o) noexcept {
    if (this != &o) {
      Close();
      h_ = std::exchange(o.h_, nullptr);
    }
    return *this;
  }
  ProcessHandle(const ProcessHandle&) = delete;
  ProcessHandle& operator=(const ProcessHandle&) = delete;
  ~ProcessHandle() { Close(); }
  HANDLE get() const { return h_; }
  explicit operator bool() const { return h_ != nullptr; }

 private:
  void Close() {
    if (h_) CloseHandle(h_);
    h_ = nullptr;
  }
  HANDLE h_ = nullptr;
};

// Threads of pid from a process snapshot; -1 with why set if it cannot be taken.
std::int64_t CountThreads(DWORD pid, std::string& why) {
  HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snap == INVALID_HANDLE_VALUE) {
    why = "cannot count threads: CreateToolhelp32Snapshot: " + WinError(GetLastError());
    return -1;
  }
  std::int64_t threads = -1;
  PROCESSENTRY32W entry{};
  entry.dwSize = sizeof entry;
  for (BOOL more = Process32FirstW(snap, &entry); more; more = Process32NextW(snap, &entry)) {
    if (entry.th32ProcessID == pid) {
      threads = entry.cntThreads;
      break;
    }
  }
  CloseHandle(snap);
  if (threads < 0) why = "cannot count threads: process not in the snapshot";
  return threads;
}

void AddError(ResourceCounts& out, const std::string& why) {
  if (why.empty()) return;
  if (!out.error.empty()) out.error += "; ";
  out.error += why;
}

// Samples the process behind h (pid for the messages and the snapshot).
ResourceCounts SampleHandle(HANDLE h, int pid, bool handles_only = false,
                            const ResourceCounts* previous = nullptr) {
  ResourceCounts out;
  out.pid = pid;
  DWORD code = 0;
  if (!GetExitCodeProcess(h, &code)) {
    out.error = "cannot query process " + std::to_string(pid) + ": " + WinError(GetLastError());
    return out;
  }
  if (code != STILL_ACTIVE) {
    out.error = Gone(pid, "exited with code " + std::to_string(code));
    return out;
  }
  out.alive = true;
  DWORD handles = 0;
  if (GetProcessHandleCount(h, &handles)) {
    out.handles = handles;
  } else {
    out.handles = -1;
    AddError(out, "cannot count handles of process " + std::to_string(pid) + ": " +
                      WinError(GetLastError()));
  }
  if (handles_only && previous) {
    out.threads = previous->threads;
    out.resident_bytes = previous->resident_bytes;
    return out;
  }
  std::string why;
  out.threads = CountThreads(static_cast<DWORD>(pid), why);
  AddError(out, why);
  PROCESS_MEMORY_COUNTERS mem{};
  if (GetProcessMemoryInfo(h, &mem, sizeof mem)) {
    out.resident_bytes = static_cast<std::int64_t>(mem.WorkingSetSize);
  } else {
    out.resident_bytes = -1;
    AddError(out, "cannot read the working set of process " + std::to_string(pid) + ": " +
                      WinError(GetLastError()));
  }
  return out;
}

class SelfProbe final : public ProcessProbe {
 public:
  const std::string& label() const override { return label_; }

  ResourceCounts Sample() override {
    last_full_ = SampleHandle(GetCurrentProcess(), static_cast<int>(GetCurrentProcessId()));
    last_full_at_ = std::chrono::steady_clock::now();
    return last_full_;
  }

  // GetProcessHandleCount alone; threads and memory from a full sample at most a second old.
  ResourceCounts SampleHandles() override {
    const auto now = std::chrono::steady_clock::now();
    if (!last_full_.alive || !last_full_.error.empty() || now - last_full_at_ > kFullEvery) {
      return Sample();
    }
    return SampleHandle(GetCurrentProcess(), last_full_.pid, true, &last_full_);
  }

 private:
  static constexpr std::chrono::seconds kFullEvery{1};
  const std::string label_ = "self";
  ResourceCounts last_full_;
  std::chrono::steady_clock::time_point last_full_at_{};
};

ProcessHandle OpenForQuery(int pid) {
  return ProcessHandle(
      OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, static_cast<DWORD>(pid)));
}

class PidProbe final : public ProcessProbe {
 public:
  explicit PidProbe(int pid) : label_("pid:" + std::to_string(pid)), pid_(pid) {
    process_ = OpenForQuery(pid);
    if (!process_) {
      const DWORD err = GetLastError();
      gone_ = err == ERROR_INVALID_PARAMETER
                  ? Gone(pid, "not found when the probe was made")
                  : "cannot open process " + std::to_string(pid) + ": " + WinError(err);
    }
  }

  const std::string& label() const override { return label_; }

  ResourceCounts Sample() override {
    if (gone_.empty()) {
      ResourceCounts out = SampleHandle(process_.get(), pid_);
      if (out.alive) return out;
      gone_ = out.error;
      process_ = ProcessHandle();  // let the pid go
    }
    ResourceCounts out;
    out.pid = pid_;
    out.error = gone_;
    return out;
  }

 private:
  const std::string label_;
  const int pid_;
  ProcessHandle process_;
  std::string gone_;
};

std::wstring Lower(std::wstring s) {
  for (wchar_t& c : s) c = static_cast<wchar_t>(std::towlower(c));
  return s;
}

std::wstring Widen(const std::string& s) {
  if (s.empty()) return {};
  const int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring w(static_cast<std::size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), w.data(), n);
  return w;
}

ULONGLONG CreationTime(HANDLE h) {
  FILETIME created{}, exited{}, kernel{}, user{};
  if (!GetProcessTimes(h, &created, &exited, &kernel, &user)) return 0;
  return (static_cast<ULONGLONG>(created.dwHighDateTime) << 32) | created.dwLowDateTime;
}

// Follows the newest process whose executable is name or name.exe (case-insensitive).
class NameProbe final : public ProcessProbe {
 public:
  explicit NameProbe(std::string name) : name_(std::move(name)) {
    wanted_ = Lower(Widen(name_));
    wanted_exe_ = wanted_ + L".exe";
  }

  const std::string& label() const override { return name_; }

  ResourceCounts Sample() override {
    if (current_) {
      ResourceCounts out = SampleHandle(current_.get(), pid_);
      if (out.alive) return out;
      current_ = ProcessHandle();
    }
    if (Find()) {
      ResourceCounts out = SampleHandle(current_.get(), pid_);
      if (out.alive) return out;
      current_ = ProcessHandle();
    }
    ResourceCounts out;
    out.error = "no process named " + name_;
    return out;
  }

 private:
  bool Find() {
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snap == INVALID_HANDLE_VALUE) return false;
    ULONGLONG newest = 0;
    PROCESSENTRY32W entry{};
    entry.dwSize = sizeof entry;
    for (BOOL more = Process32FirstW(snap, &entry); more; more = Process32NextW(snap, &entry)) {
      const std::wstring exe = Lower(entry.szExeFile);
      if (exe != wanted_ && exe != wanted_exe_) continue;
      ProcessHandle h = OpenForQuery(static_cast<int>(entry.th32ProcessID));
      if (!h) continue;
      const ULONGLONG created = CreationTime(h.get());
      if (!current_ || created > newest) {
        newest = created;
        current_ = std::move(h);
        pid_ = static_cast<int>(entry.th32ProcessID);
      }
    }
    CloseHandle(snap);
    return static_cast<bool>(current_);
  }

  const std::string name_;
  std::wstring wanted_, wanted_exe_;
  ProcessHandle current_;
  int pid_ = 0;
};

std::string Narrow(const std::wstring& w) {
  if (w.empty()) return {};
  const int n = WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), nullptr, 0,
                                    nullptr, nullptr);
  std::string s(static_cast<std::size_t>(n), '\0');
  WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), s.data(), n, nullptr,
                      nullptr);
  return s;
}

}  // namespace

// The executable's name stands in for the command line (reading another process's needs
// its memory).
std::vector<NamedProcess> FindProcessesNamed(const std::string& name) {
  std::vector<NamedProcess> out;
  const std::wstring wanted = Lower(Widen(name)), wanted_exe = wanted + L".exe";
  HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snap == INVALID_HANDLE_VALUE) return out;
  PROCESSENTRY32W entry{};
  entry.dwSize = sizeof entry;
  for (BOOL more = Process32FirstW(snap, &entry); more; more = Process32NextW(snap, &entry)) {
    const std::wstring exe = Lower(entry.szExeFile);
    if (exe == wanted || exe == wanted_exe) {
      out.push_back({static_cast<int>(entry.th32ProcessID), Narrow(entry.szExeFile)});
    }
  }
  CloseHandle(snap);
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
