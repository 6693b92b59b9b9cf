#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string>

#include "dialsoak/analysis/proc_limits.h"
#include "dialsoak/io/unique_fd.h"

namespace dialsoak::analysis {
namespace {

io::Result<std::string> ReadText(const std::string& path) {
  io::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return io::Fail(io::ErrnoError("open " + path));
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io::Fail(io::ErrnoError("read " + path));
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

io::Result<ProcessLimits> ReadLimitsFile(const std::string& path) {
  auto text = ReadText(path);
  if (!text) return io::Fail(text.error());
  auto limits = ParseProcLimits(*text);
  if (!limits) return io::Fail({0, path + ": " + limits.error().message});
  return limits;
}

}  // namespace

io::Result<ProcessLimits> ReadProcessLimits(int pid) {
  return ReadLimitsFile("/proc/" + std::to_string(pid) + "/limits");
}

io::Result<ProcessLimits> ReadSelfLimits() { return ReadLimitsFile("/proc/self/limits"); }

io::Result<std::int64_t> ReadThreadsMax() {
  static const std::string kPath = "/proc/sys/kernel/threads-max";
  auto text = ReadText(kPath);
  if (!text) return io::Fail(text.error());
  std::int64_t value = 0;
  const char* first = text->data();
  const char* last = first + text->size();
  while (last > first && (last[-1] == '\n' || last[-1] == ' ')) --last;
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr != last || first == last || value <= 0) {
    return io::Fail({0, kPath + ": not a positive number: \"" + std::string(first, last) + "\""});
  }
  return value;
}

}  // namespace dialsoak::analysis
