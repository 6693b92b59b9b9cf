// Commands an exec line runs: an argument list, never a shell unless the config asks for
// one. Words are split the way a shell splits them (quotes and backslashes honoured), but
// nothing else a shell does happens: no variables, globs, pipes or redirections.
// Placeholders {number}, {line} and {device} are filled in at each dial. Pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace dialsoak::exec {

struct Command {
  std::vector<std::string> argv;  // argv[0] is the program (looked up in PATH)
  // /bin/sh -c TEXT (ShellCommand): Expand quotes what it fills into TEXT for sh.
  bool shell = false;

  bool empty() const { return argv.empty(); }
  // The command as a person would type it, for messages ("chat -v -f 'my script'").
  std::string ToString() const;
};

// Splits text into words: 'single' and "double" quotes group, a backslash escapes the next
// character (inside double quotes only \" \\ and \$ ` are special, as in sh). Errors name
// the problem (an unclosed quote). An empty text gives an empty command.
tl::expected<Command, std::string> SplitWords(std::string_view text);

// /bin/sh -c TEXT: only where the config says `shell: true`.
Command ShellCommand(std::string text);

// The text in single quotes for sh: abc -> 'abc', it's -> 'it'\''s'.
std::string ShellQuote(std::string_view text);

// Each {name} in each word replaced by vars.at(name); an unknown {name} stays as it is,
// "{{" and "}}" give a literal brace. In a shell command's text each value is put in
// single quotes for sh (a quote inside as '\''), so that a number such as
// "1 (800) 555-1234" or a path holding "$(...)", ";" or backticks is one word to the
// shell and nothing in it runs; write {number}, not '{number}'. Without a shell a value
// is part of its word as it is (no shell ever reads it).
Command Expand(const Command& c, const std::map<std::string, std::string>& vars);

// The placeholders a command may use, for the docs and messages: {number} {line} {device}.
inline constexpr std::string_view kPlaceholders = "{number}, {line}, {device}";

// Where argv[0] would be run from: itself when it holds a '/', else the first executable
// of that name in PATH (the process's PATH, or /usr/local/bin:/usr/bin:/bin when unset).
// Empty when there is none.
std::optional<std::string> FindProgram(const std::string& program);

// Why c's program cannot be run ("program 'pon' not found in PATH", "program '/x/poff' not
// found or not executable"), or nothing when FindProgram finds it.
std::optional<std::string> MissingProgram(const Command& c);

}  // namespace dialsoak::exec
