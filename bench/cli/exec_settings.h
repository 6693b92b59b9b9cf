// The exec backend's settings (LineSettings::dial_cmd and the rest): their checks, the
// commands they give, and the parsing of an exit-code mapping "4=busy". Part of the
// dialsoak_cli_config target. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

#include "config_values.h"
#include "dialsoak/exec/command.h"
#include "run_settings.h"

namespace dialsoak::cli::config {

// The result names an exit code may be mapped to (the dial_attempts_total labels).
inline constexpr std::string_view kExecResults[] = {
    "connect", "busy", "no_carrier", "no_dialtone", "no_answer", "error", "timeout", "io_error"};

// "4=busy" -> {4, "busy"}; the error says what is allowed.
tl::expected<std::pair<int, std::string>, std::string> ParseExitResult(std::string_view text);

// The command a setting gives: split into words, or /bin/sh -c TEXT with `shell`.
tl::expected<exec::Command, std::string> ToCommand(const CommandSetting& setting, bool shell);

// The first problem among a line's exec settings that are set (key and message), and a
// program that cannot be found. CheckLineSettings calls it.
std::optional<LineProblem> CheckExecSettings(const LineSettings& line);

// Whether any exec setting is set on the line (they are for --backend exec only).
std::optional<std::string> FirstExecKey(const LineSettings& line);

}  // namespace dialsoak::cli::config
