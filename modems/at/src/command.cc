#include "dialsoak/at/command.h"

#include "ascii.h"

namespace dialsoak::at {
namespace {

using internal::EqualsIgnoreCase;
using internal::EscapeByte;
using internal::ToUpper;

bool IsDialSeparator(char c) { return c == ' ' || c == '-' || c == '(' || c == ')'; }

bool IsDialCharacter(char c) {
  if (c >= '0' && c <= '9') return true;
  switch (ToUpper(c)) {
    case '*':
    case '#':
    case 'A':
    case 'B':
    case 'C':
    case 'D':
    case ',':
    case 'W':
    case '@':
    case '!':
    case 'P':
    case 'T':
      return true;
    default:
      return false;
  }
}

std::string BadDialCharacter(std::string_view number, std::size_t pos) {
  const char c = number[pos];
  std::string msg = "dial string \"" + internal::Escape(number) + "\": character '" +
                    EscapeByte(c) + "' at position " + std::to_string(pos + 1) + " is not allowed";
  if (c == ';') {
    msg += " (';' would leave the modem in command mode after dialing)";
  } else {
    msg += " (allowed: 0-9 * # A-D , W @ ! P T, and spaces, dashes, parentheses)";
  }
  return msg;
}

}  // namespace

std::string FormatCommand(std::string_view body, char s3) {
  // A caller that already terminated the line should not send an empty second command.
  if (!body.empty() && body.back() == s3) body.remove_suffix(1);
  std::string out;
  out.reserve(body.size() + 3);
  if (body.size() < 2 || !EqualsIgnoreCase(body.substr(0, 2), "AT")) out = "AT";
  out += body;
  out += s3;
  return out;
}

tl::expected<std::string, std::string> FormatDial(std::string_view number, DialMode mode, char s3) {
  std::string out = mode == DialMode::Tone ? "ATDT" : "ATDP";
  const std::size_t prefix = out.size();
  for (std::size_t i = 0; i < number.size(); ++i) {
    const char c = number[i];
    if (IsDialSeparator(c)) continue;
    if (!IsDialCharacter(c)) return tl::unexpected(BadDialCharacter(number, i));
    out += c;
  }
  // A bare ATDT takes the line off-hook without dialing: never what a dial loop means.
  if (out.size() == prefix) {
    return tl::unexpected("dial string \"" + internal::Escape(number) + "\" has nothing to dial");
  }
  out += s3;
  return out;
}

}  // namespace dialsoak::at
