// Private ASCII helpers for the AT library: case folding, trimming and the printable
// escaping used for noise samples and error messages. Locale-free on purpose: modems
// speak IA5, and <cctype> would depend on the process locale.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dialsoak::at::internal {

constexpr bool IsBlank(char c) { return c == ' ' || c == '\t'; }
constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// What may appear in a text line. Tab is allowed: some modems pad ATI output with it.
constexpr bool IsPrintable(char c) { return (c >= 0x20 && c <= 0x7e) || c == '\t'; }

constexpr char ToUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

constexpr bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ToUpper(a[i]) != ToUpper(b[i])) return false;
  }
  return true;
}

constexpr std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

// One byte as it appears in a sample: itself if plainly printable, else \xNN. The
// backslash and tab are escaped too, so a sample reads back unambiguously on one line.
inline std::string EscapeByte(char c) {
  if (c >= 0x20 && c <= 0x7e && c != '\\') return std::string(1, c);
  constexpr std::string_view kHex = "0123456789ABCDEF";
  const auto u = static_cast<unsigned char>(c);
  return {'\\', 'x', kHex[u >> 4], kHex[u & 0xf]};
}

inline std::string Escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) out += EscapeByte(c);
  return out;
}

}  // namespace dialsoak::at::internal
