#include "dialsoak/report/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "dialsoak/io/unique_fd.h"

namespace dialsoak::report {
namespace {

constexpr int kCreateAttempts = 16;

io::Error StepError(const std::string& path, std::string_view step, int code) {
  return io::ErrnoError(fmt::format("writing {} ({})", path, step), code);
}

std::string DirectoryOf(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// A fresh temporary file next to path; O_EXCL makes a clash with another writer a retry.
io::Result<io::UniqueFd> CreateTemp(const std::string& path, std::string& temp) {
  for (int attempt = 0;; ++attempt) {
    auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    temp = fmt::format("{}.tmp.{}.{:x}", path, ::getpid(), stamp + attempt);
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) return io::UniqueFd(fd);
    if (errno != EEXIST || attempt + 1 >= kCreateAttempts) {
      return io::Fail(StepError(path, "create temp file", errno));
    }
  }
}

io::Result<void> WriteAllTo(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return io::Fail(StepError(path, "write", errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

io::Result<void> WriteAndClose(io::UniqueFd fd, std::string_view contents,
                               const std::string& path) {
  if (auto w = WriteAllTo(fd.get(), contents, path); !w) return w;
  if (::fsync(fd.get()) != 0) return io::Fail(StepError(path, "fsync", errno));
  // close() can report a deferred write error (NFS, quota): check it.
  if (::close(fd.release()) != 0) return io::Fail(StepError(path, "close", errno));
  return {};
}

// Makes the rename durable. Some file systems cannot fsync a directory (EINVAL); the file
// is complete and in place by now, so that is not worth failing the report for.
void SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  io::UniqueFd owner(fd);
  (void)::fsync(owner.get());
}

}  // namespace

io::Result<void> WriteFileAtomically(const std::string& path, std::string_view contents) {
  if (path.empty()) return io::Fail(io::Error{ENOENT, "writing a file: the path is empty"});
  std::string temp;
  auto fd = CreateTemp(path, temp);
  if (!fd) return io::Fail(fd.error());
  auto written = WriteAndClose(std::move(*fd), contents, path);
  if (written && ::rename(temp.c_str(), path.c_str()) != 0) {
    written = io::Fail(StepError(path, "rename", errno));
  }
  if (!written) {
    ::unlink(temp.c_str());
    return written;
  }
  SyncDirectory(DirectoryOf(path));
  return {};
}

}  // namespace dialsoak::report
