#include "exec_settings.h"

#include <charconv>
#include <regex>

#include <fmt/format.h>

namespace dialsoak::cli::config {

tl::expected<std::pair<int, std::string>, std::string> ParseExitResult(std::string_view text) {
  const auto eq = text.find('=');
  int code = -1;
  const std::string_view number = text.substr(0, eq);
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), code);
  if (eq == std::string_view::npos || ec != std::errc() || end != number.data() + number.size() ||
      code < 0 || code > 255) {
    return tl::unexpected(fmt::format(
        "expected CODE=RESULT with CODE an exit code from 0 to 255, e.g. 4=busy, got '{}'",
        Printable(text)));
  }
  const std::string result(text.substr(eq + 1));
  if (auto p = CheckChoice("result", result, kExecResults)) return tl::unexpected(*p);
  return std::pair{code, result};
}

tl::expected<exec::Command, std::string> ToCommand(const CommandSetting& setting, bool shell) {
  if (setting.text.empty()) {
    if (shell) {
      return tl::unexpected(std::string(
          "shell: true runs a command written as one string; this one is a list (write it as "
          "a string, or drop shell)"));
    }
    return exec::Command{setting.argv};
  }
  if (shell) return exec::ShellCommand(setting.text);
  auto split = exec::SplitWords(setting.text);
  if (!split) return tl::unexpected(split.error());
  if (split->empty()) return tl::unexpected(std::string("the command is empty"));
  return *split;
}

std::optional<LineProblem> CheckExecSettings(const LineSettings& line) {
  const bool shell = line.shell.value_or(false);
  const std::pair<const char*, const std::optional<CommandSetting>*> commands[] = {
      {"dial_cmd", &line.dial_cmd}, {"hangup_cmd", &line.hangup_cmd}, {"check_cmd", &line.check_cmd}};
  for (const auto& [key, setting] : commands) {
    if (!*setting) continue;
    auto command = ToCommand(**setting, shell);
    if (!command) return LineProblem{key, command.error()};
    if (auto missing = exec::MissingProgram(*command)) {
      return LineProblem{key, fmt::format("{} (command '{}')", Printable(*missing),
                                          Printable(command->ToString()))};
    }
  }
  if (line.connect_regex) {
    if (line.connect_regex->empty()) return LineProblem{"connect_regex", "the regex is empty"};
    try {
      std::regex re(*line.connect_regex, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return LineProblem{"connect_regex", fmt::format("'{}' does not compile: {}",
                                                      Printable(*line.connect_regex), e.what())};
    }
  }
  if (line.exit_results) {
    for (const auto& [code, result] : *line.exit_results) {
      if (auto p = CheckChoice("result", result, kExecResults)) {
        return LineProblem{fmt::format("exit_results.{}", code), *p};
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> FirstExecKey(const LineSettings& line) {
  if (line.dial_cmd) return "dial_cmd";
  if (line.hangup_cmd) return "hangup_cmd";
  if (line.check_cmd) return "check_cmd";
  if (line.connect_regex) return "connect_regex";
  if (line.exit_results) return "exit_results";
  if (line.shell) return "shell";
  return std::nullopt;
}

}  // namespace dialsoak::cli::config
