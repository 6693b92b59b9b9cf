#include "proc_reader_linux.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <utility>

#include "dialsoak/io/unique_fd.h"

namespace dialsoak::probes::detail {
namespace {

// Calls on_entry(name) for each entry of the open directory dir except "." and "..".
// Returns 0 or the errno of getdents64. No allocation: names point into buffer.
template <std::size_t N, typename OnEntry>
int ForEachEntry(int dir, std::array<char, N>& buffer, OnEntry&& on_entry) {
  for (;;) {
    const ssize_t got = ::getdents64(dir, buffer.data(), buffer.size());
    if (got < 0) return errno;
    if (got == 0) return 0;
    for (std::size_t at = 0; at < static_cast<std::size_t>(got);) {
      unsigned short record = 0;
      std::memcpy(&record, buffer.data() + at + offsetof(struct dirent64, d_reclen), sizeof record);
      if (record == 0) return EIO;  // never from a sane kernel; do not spin
      const char* name = buffer.data() + at + offsetof(struct dirent64, d_name);
      const bool dots = name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
      if (!dots) on_entry(name);
      at += record;
    }
  }
}

io::UniqueFd OpenProc(int pid, const char* file, int flags) {
  std::array<char, 64> path;
  FormatProcPath(pid, file, path);
  return io::UniqueFd(::open(path.data(), flags | O_RDONLY | O_CLOEXEC));
}

}  // namespace

void FormatProcPath(int pid, const char* file, std::array<char, 64>& out) {
  if (pid == 0) {
    std::snprintf(out.data(), out.size(), "/proc/self/%s", file);
  } else {
    std::snprintf(out.data(), out.size(), "/proc/%d/%s", pid, file);
  }
}

ProcReader::ProcReader() : page_size_(::sysconf(_SC_PAGESIZE)) {}

int ProcReader::HoldSelfFiles() {
  io::UniqueFd stat = OpenProc(0, "stat", 0);
  if (!stat) return errno;
  io::UniqueFd statm = OpenProc(0, "statm", 0);
  if (!statm) return errno;
  self_stat_ = std::move(stat);
  self_statm_ = std::move(statm);
  return 0;
}

template <std::size_t N>
tl::expected<std::string_view, int> ProcReader::ReadSmall(int pid, const char* file,
                                                          std::array<char, N>& buffer,
                                                          const io::UniqueFd& held) {
  ssize_t got;
  if (pid == 0 && held) {
    do {
      got = ::pread(held.get(), buffer.data(), buffer.size(), 0);
    } while (got < 0 && errno == EINTR);
    if (got < 0) return tl::unexpected(errno);
    return std::string_view(buffer.data(), static_cast<std::size_t>(got));
  }
  io::UniqueFd fd = OpenProc(pid, file, 0);
  if (!fd) return tl::unexpected(errno);
  do {
    got = ::read(fd.get(), buffer.data(), buffer.size());
  } while (got < 0 && errno == EINTR);
  if (got < 0) return tl::unexpected(errno);
  return std::string_view(buffer.data(), static_cast<std::size_t>(got));
}

tl::expected<ProcStat, int> ProcReader::ReadStat(int pid) {
  auto text = ReadSmall(pid, "stat", stat_buffer_, self_stat_);
  if (!text) return tl::unexpected(text.error());
  // An exited-and-reaped task can leave an open file that reads as empty.
  if (text->empty()) return tl::unexpected(ESRCH);
  auto stat = ParseProcStat(*text);
  if (!stat) return tl::unexpected(EINVAL);
  return *stat;
}

tl::expected<std::int64_t, int> ProcReader::ReadResidentPages(int pid) {
  auto text = ReadSmall(pid, "statm", statm_buffer_, self_statm_);
  if (!text) return tl::unexpected(text.error());
  if (text->empty()) return tl::unexpected(ESRCH);
  auto pages = ParseStatmResident(*text);
  if (!pages) return tl::unexpected(EINVAL);
  return *pages;
}

tl::expected<std::int64_t, int> ProcReader::CountFds(int pid) {
  std::array<char, 64> path;
  FormatProcPath(pid, "fd", path);
  struct stat st {};
  if (::stat(path.data(), &st) != 0) return tl::unexpected(errno);
  const std::int64_t held = pid == 0 ? self_stat_.valid() + self_statm_.valid() : 0;
  // 0 from a kernel before 6.2, or a process with no descriptors: the listing tells.
  if (st.st_size > 0) return static_cast<std::int64_t>(st.st_size) - held;
  auto listed = CountFdsByListing(pid);
  if (!listed) return listed;
  return *listed - held;
}

tl::expected<std::int64_t, int> ProcReader::CountFdsByListing(int pid) {
  io::UniqueFd dir = OpenProc(pid, "fd", O_DIRECTORY);
  if (!dir) return tl::unexpected(errno);
  std::int64_t count = 0;
  if (int err = ForEachEntry(dir.get(), fd_dirents_, [&](const char*) { ++count; }); err != 0) {
    return tl::unexpected(err);
  }
  if (pid == 0) --count;  // the descriptor listing the directory
  return count;
}

tl::expected<std::string_view, int> ProcReader::ReadArgv0BaseName(int pid) {
  auto text = ReadSmall(pid, "cmdline", cmdline_buffer_, io::UniqueFd());
  if (!text) return tl::unexpected(text.error());
  return Argv0BaseName(*text);
}

int ProcReader::ForEachPid(const std::function<void(int)>& visit) {
  io::UniqueFd proc(::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!proc) return errno;
  return ForEachEntry(proc.get(), pid_dirents_, [&](const char* name) {
    int pid = 0;
    const char* end = name + std::strlen(name);
    auto [ptr, ec] = std::from_chars(name, end, pid);
    if (ec == std::errc() && ptr == end && pid > 0) visit(pid);
  });
}

}  // namespace dialsoak::probes::detail
