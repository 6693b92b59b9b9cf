#include "command_parser.h"

#include <cctype>

namespace dialsoak::sim {
namespace {

// Upper-cases and drops spaces and control bytes outside "quoted strings".
std::string Normalize(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  bool quoted = false;
  for (char c : body) {
    if (c == '"') quoted = !quoted;
    if (quoted || c == '"') {
      out += c;
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) continue;
    out += static_cast<char>(std::toupper(u));
  }
  return out;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::vector<Command> Run() {
    std::vector<Command> out;
    while (i_ < s_.size()) {
      out.push_back(Next());
      if (out.back().kind == Command::Kind::Invalid || out.back().kind == Command::Kind::Dial) {
        break;
      }
    }
    return out;
  }

 private:
  bool AtEnd() const { return i_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[i_]; }
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }
  static bool IsLetter(char c) { return c >= 'A' && c <= 'Z'; }

  // A decimal parameter; absent means 0 (V.250 5.3.1). False on overflow.
  bool Number(Command& c) {
    long v = 0;
    bool any = false;
    while (IsDigit(Peek())) {
      v = v * 10 + (s_[i_++] - '0');
      any = true;
      if (v > kMaxParameter) return false;
    }
    c.value = v;
    c.has_value = any;
    return true;
  }

  Command Next() {
    Command c;
    const char ch = s_[i_++];
    if (ch == ';') {  // a stray separator between commands is harmless
      c.kind = Command::Kind::Nop;
      return c;
    }
    if (ch == 'D') return Dial();
    if (ch == 'S') return Register();
    if (ch == '+') return Extended();
    if (ch == '&' || ch == '\\') {
      if (!IsLetter(Peek())) return c;
      c.name = {ch, s_[i_++]};
    } else if (IsLetter(ch)) {
      c.name = {ch};
    } else {
      return c;  // Invalid
    }
    if (!Number(c)) return Command{};
    c.kind = Command::Kind::Basic;
    return c;
  }

  Command Dial() {
    Command c;
    c.kind = Command::Kind::Dial;
    c.text = std::string(s_.substr(i_));
    i_ = s_.size();
    return c;
  }

  Command Register() {
    Command c;
    if (!IsDigit(Peek())) return c;
    if (!Number(c)) return Command{};
    c.reg = static_cast<int>(c.value);
    c.value = 0;
    c.has_value = false;
    if (Peek() == '?') {
      ++i_;
      c.kind = Command::Kind::ReadReg;
    } else if (Peek() == '=') {
      ++i_;
      if (!Number(c)) return Command{};
      c.kind = Command::Kind::SetReg;
    } else {
      c.kind = Command::Kind::SelectReg;
    }
    return c;
  }

  // +NAME[=args | ? | =?], ended by ';' or the end of the line.
  Command Extended() {
    Command c;
    c.name = "+";
    while (!AtEnd() && (IsLetter(Peek()) || IsDigit(Peek()) || Peek() == '_' || Peek() == '.' ||
                        Peek() == '%' || Peek() == '!' || Peek() == '-' || Peek() == '/')) {
      c.name += s_[i_++];
    }
    if (c.name.size() == 1) return Command{};
    if (Peek() == '?') {
      ++i_;
      c.kind = Command::Kind::ExtRead;
    } else if (Peek() == '=') {
      ++i_;
      if (Peek() == '?') {
        ++i_;
        c.kind = Command::Kind::ExtTest;
      } else {
        c.kind = Command::Kind::ExtSet;
        c.text = Args();
      }
    } else {
      c.kind = Command::Kind::ExtExec;
    }
    if (Peek() == ';') {
      ++i_;
    } else if (!AtEnd()) {
      return Command{};  // V.250: an extended command ends at ';' or the end of the line
    }
    return c;
  }

  // Arguments up to an unquoted ';' or the end.
  std::string Args() {
    std::string out;
    bool quoted = false;
    while (!AtEnd() && (quoted || Peek() != ';')) {
      if (Peek() == '"') quoted = !quoted;
      out += s_[i_++];
    }
    return out;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

std::vector<Command> ParseCommandLine(std::string_view body) {
  const std::string normalized = Normalize(body);
  return Parser(normalized).Run();
}

}  // namespace dialsoak::sim
