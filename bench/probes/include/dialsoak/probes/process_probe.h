// ProcessProbe: resource counts of one process (open handles, threads, resident memory),
// the numbers a handle leak like KB Q197517 shows up in. One probe per watched process:
// this process, a fixed pid, or a name followed across restarts.
//
// Thread safety: Sample() is called from one thread at a time (a probe owns its read
// buffers); different probes may be sampled from different threads.
// Errors: a process that is gone is not an error of the probe: the sample says
// alive=false with a message ("process 1234 is gone"), and a name probe finds the process
// again when it returns. A count that cannot be read (EACCES listing another user's
// /proc/<pid>/fd before Linux 6.2) is -1 with the reason in error, and the sample is
// still alive. Sample() never throws. The factories throw std::invalid_argument for a
// bad pid or name (bad configuration).
//
// Cost: a sample is three small /proc look-ups: stat (threads, state, start time), statm
// (resident memory, which the kernel sums exactly, unlike stat's approximate rss field)
// and the handle count, which is stat(2)'s st_size of /proc/<pid>/fd from Linux 6.2 on
// (constant cost), else a getdents64 listing of it without a per-entry allocation
// (cost grows with the count). A self sample does not count the probe's own descriptor.
// A name probe scans /proc only while it has no live match (see MakeNameProbe).
// Platform code lives in src/process_probe_linux.cc and src/process_probe_windows.cc
// (GetProcessHandleCount, a Toolhelp32 snapshot, the working set; see there).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dialsoak::probes {

struct ResourceCounts {
  bool alive = false;
  int pid = 0;               // the pid sampled (a name probe's current match; 0: none)
  std::int64_t handles = 0;  // entries of /proc/<pid>/fd; -1 if unreadable
  std::int64_t threads = 0;
  std::int64_t resident_bytes = 0;  // -1 if unreadable
  std::string error;                // why it is not alive / could not be read
};

class ProcessProbe {
 public:
  virtual ~ProcessProbe() = default;
  // "self", "pid:1234", or the watched name.
  virtual const std::string& label() const = 0;
  virtual ResourceCounts Sample() = 0;
  // A fresh handle count, for sampling around every cycle where a full sample would cost
  // too much: threads and resident memory may be those of a full sample up to about a
  // second old. The default takes a full sample.
  virtual ResourceCounts SampleHandles() { return Sample(); }
};

// This process. The probe keeps /proc/self/stat and statm open (two descriptors, left out
// of its handle count) and re-reads them, so that a sample costs three system calls; it
// belongs to the process that made it (not to a forked child).
std::unique_ptr<ProcessProbe> MakeSelfProbe();

// Watches one process. Its identity (pid and start time) is taken when the probe is made,
// so a pid reused by a later process is reported as the old one gone, never sampled
// (start times count 10 ms clock ticks: only a process that lived less than that could
// pass for its successor). Once gone, always gone. Throws std::invalid_argument if
// pid <= 0.
std::unique_ptr<ProcessProbe> MakePidProbe(int pid);

// Follows the newest process (highest start time) whose name is name: its comm (which
// the kernel truncates to 15 bytes, so a longer name matches by argv[0] only) or the base
// name of its argv[0]. Any process may match, this one included; zombies and kernel
// threads never do. The match is kept while it lives (a newer namesake does not take
// over); /proc is scanned again only when it is gone or its pid was reused.
// Throws std::invalid_argument if name is empty or holds a '/'.
std::unique_ptr<ProcessProbe> MakeNameProbe(std::string name);

// A live process a watched name matches (by MakeNameProbe's rule), to tell the user which.
struct NamedProcess {
  int pid = 0;
  std::string command;  // its command line (arguments joined by spaces), at most 200 bytes
};

// Every live process the name matches now, this one included, oldest first; empty when
// none does or the process table cannot be read. For refusing an ambiguous --watch-name.
std::vector<NamedProcess> FindProcessesNamed(const std::string& name);

}  // namespace dialsoak::probes
