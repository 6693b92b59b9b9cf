// ProcReader: the few reads a probe makes under /proc, into buffers it owns, so a sample
// allocates nothing: /proc/<pid>/stat and statm in one read each, the open descriptors
// (the size stat(2) gives /proc/<pid>/fd, or that directory listed with getdents64
// without a per-entry allocation), argv[0] from /proc/<pid>/cmdline, and the pids listed
// in /proc. pid 0 means this process; HoldSelfFiles() makes its samples cheaper still.
// Not thread-safe (one reader per probe). Errors are errno values (ENOENT and ESRCH mean
// the process is gone); nothing here throws.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string_view>
#include <tl/expected.hpp>

#include "dialsoak/io/unique_fd.h"
#include "proc_stat_linux.h"

namespace dialsoak::probes::detail {

class ProcReader {
 public:
  ProcReader();

  // Keeps /proc/self/stat and statm open, so that pid 0 re-reads them (pread at offset 0
  // makes the kernel print them afresh) instead of opening them every time: a self
  // sample in three system calls. The held descriptors are left out of CountFds(0).
  // A reader holding them belongs to this process (a forked child would read its
  // parent). Returns 0 or the errno of opening them.
  int HoldSelfFiles();

  // Reads and parses /proc/<pid>/stat. The comm it returns points into this reader and
  // is valid until the next ReadStat. EINVAL if the text does not parse.
  tl::expected<ProcStat, int> ReadStat(int pid);

  // Reads the resident set size, in pages, from /proc/<pid>/statm.
  tl::expected<std::int64_t, int> ReadResidentPages(int pid);

  // Counts the entries of /proc/<pid>/fd: the directory's st_size where the kernel gives
  // it (Linux 6.2 on: the number of open descriptors, read from the fd table's bitmap,
  // and allowed on another user's process), else by listing it. For pid 0 the reader's
  // own descriptors are not counted.
  tl::expected<std::int64_t, int> CountFds(int pid);

  // Counts the entries of /proc/<pid>/fd by listing them (getdents64): the cost grows
  // with the count, and another user's process gives EACCES. For pid 0 the descriptor
  // used to list the directory is not counted.
  tl::expected<std::int64_t, int> CountFdsByListing(int pid);

  // The base name of argv[0] (empty for a kernel thread); valid until the next call.
  tl::expected<std::string_view, int> ReadArgv0BaseName(int pid);

  // Calls visit(pid) for every process listed in /proc (thread-group leaders only). visit
  // may call the other reads. Returns 0, or the errno of listing /proc.
  int ForEachPid(const std::function<void(int)>& visit);

  std::int64_t page_size() const { return page_size_; }

 private:
  // Reads up to buffer.size() bytes of /proc/<pid>/<file> in one read; for pid 0 from
  // held when it is open.
  template <std::size_t N>
  tl::expected<std::string_view, int> ReadSmall(int pid, const char* file,
                                                std::array<char, N>& buffer,
                                                const io::UniqueFd& held);

  std::int64_t page_size_;
  io::UniqueFd self_stat_, self_statm_;  // see HoldSelfFiles
  std::array<char, 1024> stat_buffer_;
  std::array<char, 256> statm_buffer_;
  std::array<char, 1024> cmdline_buffer_;
  alignas(8) std::array<char, 32 * 1024> fd_dirents_;   // /proc/<pid>/fd listing
  alignas(8) std::array<char, 16 * 1024> pid_dirents_;  // /proc listing
};

// Formats "/proc/<pid>/<file>" ("/proc/self/<file>" for pid 0) into out, NUL-terminated.
void FormatProcPath(int pid, const char* file, std::array<char, 64>& out);

}  // namespace dialsoak::probes::detail
