#include "chart_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <utility>

#include "dialsoak/chart/gnuplot.h"
#include "dialsoak/io/unique_fd.h"

namespace dialsoak::chart::detail {
namespace {

constexpr int kCreateAttempts = 16;

io::Error StepError(const std::string& path, std::string_view step, int code) {
  return io::ErrnoError(fmt::format("writing chart {} ({})", path, step), code);
}

std::string DirectoryOf(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// The temporary file next to `path` that gnuplot writes into and that is renamed over
// `path` once complete; removed by its destructor unless Commit() succeeded.
class TempOutput {
 public:
  explicit TempOutput(std::string path) : path_(std::move(path)) {}
  TempOutput(const TempOutput&) = delete;
  TempOutput& operator=(const TempOutput&) = delete;
  ~TempOutput() {
    if (!name_.empty()) ::unlink(name_.c_str());
  }

  // O_EXCL makes a clash with another writer a retry with the next name.
  io::Result<void> Create() {
    for (int attempt = 0;; ++attempt) {
      auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
      std::string name = fmt::format("{}.tmp.{}.{:x}", path_, ::getpid(), stamp + attempt);
      int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd >= 0) {
        fd_ = io::UniqueFd(fd);
        name_ = std::move(name);
        return {};
      }
      if (errno != EEXIST || attempt + 1 >= kCreateAttempts) {
        return io::Fail(StepError(path_, "create temp file", errno));
      }
    }
  }

  int fd() const { return fd_.get(); }

  // Checks gnuplot wrote something, makes it durable and puts it in place.
  io::Result<void> Commit() {
    struct stat st {};
    if (::fstat(fd_.get(), &st) != 0) return io::Fail(StepError(path_, "fstat", errno));
    if (st.st_size == 0) {
      return io::Fail(io::Error{0, fmt::format("drawing chart {}: gnuplot wrote nothing", path_)});
    }
    if (::fsync(fd_.get()) != 0) return io::Fail(StepError(path_, "fsync", errno));
    if (::close(fd_.release()) != 0) return io::Fail(StepError(path_, "close", errno));
    if (::rename(name_.c_str(), path_.c_str()) != 0) {
      return io::Fail(StepError(path_, "rename", errno));
    }
    name_.clear();
    SyncDirectory();
    return {};
  }

 private:
  // Makes the rename durable; a file system that cannot fsync a directory (EINVAL) is not
  // worth failing the chart for: the file is complete and in place.
  void SyncDirectory() const {
    int fd = ::open(DirectoryOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    io::UniqueFd owner(fd);
    (void)::fsync(owner.get());
  }

  std::string path_;
  std::string name_;  // the temporary file, while it exists
  io::UniqueFd fd_;
};

}  // namespace

io::Result<void> DrawChartFile(const std::string& path, std::string_view script) {
  if (path.empty()) return io::Fail(io::Error{ENOENT, "writing chart: the path is empty"});
  TempOutput out(path);
  if (auto created = out.Create(); !created) return created;
  if (auto ran = RunGnuplot(script, out.fd()); !ran) {
    return io::Fail(io::Error{ran.error().code,
                              fmt::format("drawing chart {}: {}", path, ran.error().message)});
  }
  return out.Commit();
}

}  // namespace dialsoak::chart::detail
