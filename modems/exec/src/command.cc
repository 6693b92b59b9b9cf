#include "dialsoak/exec/command.h"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>

namespace dialsoak::exec {
namespace {

bool NeedsQuotes(const std::string& w) {
  if (w.empty()) return true;
  for (char c : w) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_./=:,+@%").find(c) !=
                                                             std::string_view::npos)) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string ShellQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string Command::ToString() const {
  std::string out;
  for (const std::string& w : argv) {
    if (!out.empty()) out += ' ';
    out += NeedsQuotes(w) ? ShellQuote(w) : w;
  }
  return out;
}

tl::expected<Command, std::string> SplitWords(std::string_view text) {
  Command c;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == ' ' || ch == '\t' || ch == '\n') {
      if (in_word) c.argv.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (ch == '\\') {
      if (++i == text.size()) return tl::unexpected(std::string("a backslash at the end"));
      word += text[i];
    } else if (ch == '\'') {
      const auto end = text.find('\'', i + 1);
      if (end == std::string_view::npos) {
        return tl::unexpected("an unclosed single quote at character " + std::to_string(i + 1));
      }
      word += text.substr(i + 1, end - i - 1);
      i = end;
    } else if (ch == '"') {
      const std::size_t open = i;
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size() &&
            std::string_view("\"\\$`").find(text[i + 1]) != std::string_view::npos) {
          ++i;
        }
        word += text[i];
      }
      if (i == text.size()) {
        return tl::unexpected("an unclosed double quote at character " + std::to_string(open + 1));
      }
    } else {
      word += ch;
    }
  }
  if (in_word) c.argv.push_back(std::move(word));
  return c;
}

Command ShellCommand(std::string text) {
  return Command{{"/bin/sh", "-c", std::move(text)}, true};
}

Command Expand(const Command& c, const std::map<std::string, std::string>& vars) {
  Command out;
  out.shell = c.shell;
  for (std::size_t word = 0; word < c.argv.size(); ++word) {
    const std::string& w = c.argv[word];
    const bool script = c.shell && word == 2;  // /bin/sh -c TEXT
    std::string e;
    for (std::size_t i = 0; i < w.size(); ++i) {
      if ((w[i] == '{' || w[i] == '}') && i + 1 < w.size() && w[i + 1] == w[i]) {
        e += w[i++];
        continue;
      }
      if (w[i] == '{') {
        const auto close = w.find('}', i);
        if (close != std::string::npos) {
          if (auto it = vars.find(w.substr(i + 1, close - i - 1)); it != vars.end()) {
            e += script ? ShellQuote(it->second) : it->second;
            i = close;
            continue;
          }
        }
      }
      e += w[i];
    }
    out.argv.push_back(std::move(e));
  }
  return out;
}

std::optional<std::string> FindProgram(const std::string& program) {
  auto runnable = [](const std::string& p) {
    std::error_code ec;
    return ::access(p.c_str(), X_OK) == 0 && !std::filesystem::is_directory(p, ec);
  };
  if (program.empty()) return std::nullopt;
  if (program.find('/') != std::string::npos) {
    if (runnable(program)) return program;
    return std::nullopt;
  }
  const char* env = std::getenv("PATH");
  const std::string path = env ? env : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto end = std::min(path.find(':', start), path.size());
    const std::string dir = end == start ? "." : path.substr(start, end - start);
    if (const std::string candidate = dir + "/" + program; runnable(candidate)) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

std::optional<std::string> MissingProgram(const Command& c) {
  if (c.empty()) return "no program";
  if (FindProgram(c.argv[0])) return std::nullopt;
  const bool path = c.argv[0].find('/') != std::string::npos;
  return "program '" + c.argv[0] + "' not found" + (path ? " or not executable" : " in PATH");
}

}  // namespace dialsoak::exec
