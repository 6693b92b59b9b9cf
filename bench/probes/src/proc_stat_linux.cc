#include "proc_stat_linux.h"

#include <algorithm>
#include <charconv>

namespace dialsoak::probes::detail {
namespace {

// Field numbers in /proc/<pid>/stat (1-based, proc_pid_stat(5)).
constexpr int kStateField = 3;
constexpr int kFlagsField = 9;
constexpr int kThreadsField = 20;
constexpr int kStartTimeField = 22;

template <typename T>
bool ParseNumber(std::string_view token, T& out) {
  const char* end = token.data() + token.size();
  auto [ptr, ec] = std::from_chars(token.data(), end, out);
  return ec == std::errc() && ptr == end;
}

}  // namespace

std::optional<ProcStat> ParseProcStat(std::string_view text) {
  const auto open = text.find('(');
  const auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return std::nullopt;
  }
  ProcStat stat;
  stat.comm = text.substr(open + 1, close - open - 1);

  std::string_view rest = text.substr(close + 1);
  int field = kStateField;
  while (field <= kStartTimeField) {
    const auto begin = rest.find_first_not_of(" \n");
    if (begin == std::string_view::npos) break;
    rest.remove_prefix(begin);
    const auto end = std::min(rest.find_first_of(" \n"), rest.size());
    const std::string_view token = rest.substr(0, end);
    rest.remove_prefix(end);
    bool ok = true;
    switch (field) {
      case kStateField:
        ok = token.size() == 1;
        stat.state = token.empty() ? '?' : token[0];
        break;
      case kFlagsField:
        ok = ParseNumber(token, stat.flags);
        break;
      case kThreadsField:
        ok = ParseNumber(token, stat.threads);
        break;
      case kStartTimeField:
        ok = ParseNumber(token, stat.start_time);
        break;
      default:
        break;
    }
    if (!ok) return std::nullopt;
    ++field;
  }
  if (field <= kStartTimeField) return std::nullopt;  // the line ended early
  return stat;
}

std::optional<std::int64_t> ParseStatmResident(std::string_view text) {
  const auto size_end = text.find(' ');
  if (size_end == std::string_view::npos) return std::nullopt;
  text.remove_prefix(size_end + 1);
  std::int64_t pages = 0;
  if (!ParseNumber(text.substr(0, text.find_first_of(" \n")), pages)) return std::nullopt;
  return pages;
}

std::string_view Argv0BaseName(std::string_view cmdline) {
  std::string_view argv0 = cmdline.substr(0, cmdline.find('\0'));
  // A path ending in '/' has no base name worth matching; keep what follows the last '/'.
  if (const auto slash = argv0.rfind('/'); slash != std::string_view::npos) {
    argv0.remove_prefix(slash + 1);
  }
  return argv0;
}

}  // namespace dialsoak::probes::detail
