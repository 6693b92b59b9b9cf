#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>

#include "dialsoak/analysis/fd_attribution.h"

namespace dialsoak::analysis {
namespace {

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

io::Result<FdSnapshot> Snapshot(const std::string& dir_path, bool skip_own_fd) {
  std::unique_ptr<DIR, DirCloser> dir(::opendir(dir_path.c_str()));
  if (!dir) return io::Fail(io::ErrnoError("open " + dir_path));
  const int own_fd = ::dirfd(dir.get());
  FdSnapshot snapshot;
  std::string target;
  for (;;) {
    errno = 0;
    const dirent* e = ::readdir(dir.get());
    if (e == nullptr) {
      if (errno != 0) return io::Fail(io::ErrnoError("read " + dir_path));
      break;
    }
    if (e->d_name[0] == '.') continue;
    if (skip_own_fd && std::atoi(e->d_name) == own_fd) continue;
    target.resize(256);
    for (;;) {
      const ssize_t n = ::readlinkat(own_fd, e->d_name, target.data(), target.size());
      if (n < 0) {
        if (errno == ENOENT) break;  // closed since it was listed
        return io::Fail(io::ErrnoError("readlink " + dir_path + "/" + e->d_name));
      }
      if (static_cast<std::size_t>(n) < target.size()) {
        target.resize(static_cast<std::size_t>(n));
        snapshot.push_back(target);
        break;
      }
      target.resize(target.size() * 2);  // possibly truncated: retry larger
    }
  }
  return snapshot;
}

}  // namespace

io::Result<FdSnapshot> SnapshotFds(int pid) {
  return Snapshot("/proc/" + std::to_string(pid) + "/fd", false);
}

io::Result<FdSnapshot> SnapshotSelfFds() { return Snapshot("/proc/self/fd", true); }

}  // namespace dialsoak::analysis
