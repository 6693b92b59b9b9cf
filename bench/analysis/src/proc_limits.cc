#include "dialsoak/analysis/proc_limits.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace dialsoak::analysis {
namespace {

std::string_view FirstToken(std::string_view s) {
  const auto start = s.find_first_not_of(" \t");
  if (start == std::string_view::npos) return {};
  s.remove_prefix(start);
  return s.substr(0, s.find_first_of(" \t"));
}

io::Result<SoftLimit> ParseSoft(std::string_view name, std::string_view rest) {
  const std::string_view token = FirstToken(rest);
  if (token == "unlimited") return SoftLimit{true, 0};
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (token.empty() || ec != std::errc() || ptr != token.data() + token.size() || value < 0) {
    return io::Fail({0, std::string("limits: \"") + std::string(name) +
                            "\": soft limit is neither a number nor \"unlimited\": \"" +
                            std::string(token) + "\""});
  }
  return SoftLimit{false, value};
}

}  // namespace

io::Result<ProcessLimits> ParseProcLimits(std::string_view text) {
  static constexpr std::string_view kOpenFiles = "Max open files";
  static constexpr std::string_view kProcesses = "Max processes";
  ProcessLimits limits;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    for (const auto& [name, field] : {std::pair{kOpenFiles, &limits.max_open_files},
                                      std::pair{kProcesses, &limits.max_processes}}) {
      // The name is followed by column padding, so "Max processes" is not a prefix match
      // of a longer name.
      if (line.starts_with(name) && line.size() > name.size() &&
          (line[name.size()] == ' ' || line[name.size()] == '\t')) {
        auto soft = ParseSoft(name, line.substr(name.size()));
        if (!soft) return io::Fail(soft.error());
        *field = *soft;
      }
    }
  }
  return limits;
}

std::optional<std::int64_t> ThreadsLimit(const ProcessLimits& limits,
                                         std::optional<std::int64_t> threads_max) {
  std::optional<std::int64_t> nproc;
  if (limits.max_processes) nproc = limits.max_processes->AsLimit();
  if (nproc && threads_max) return std::min(*nproc, *threads_max);
  return nproc ? nproc : threads_max;
}

}  // namespace dialsoak::analysis
