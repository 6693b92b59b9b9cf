#include "script_common.h"

#include <fmt/format.h>

#include <iterator>

namespace dialsoak::chart::detail {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence starting at s[i] (2 to 4), or 0.
std::size_t Utf8Length(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = byte(0);
  std::size_t len = (c >= 0xC2 && c <= 0xDF)   ? 2
                    : (c >= 0xE0 && c <= 0xEF) ? 3
                    : (c >= 0xF0 && c <= 0xF4) ? 4
                                               : 0;
  if (len == 0 || i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
  }
  // No overlong forms, no surrogates, nothing past U+10FFFF.
  if (c == 0xE0 && byte(1) < 0xA0) return 0;
  if (c == 0xED && byte(1) >= 0xA0) return 0;
  if (c == 0xF0 && byte(1) < 0x90) return 0;
  if (c == 0xF4 && byte(1) >= 0x90) return 0;
  return len;
}

}  // namespace

std::string GnuplotLiteral(std::string_view text) {
  std::string out = "('";
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c == '\'') {
        fmt::format_to(std::back_inserter(out), "' . {} . '", kQuoteVariable);
      } else {
        out += (c < 0x20 || c == 0x7F) ? ' ' : static_cast<char>(c);
      }
      ++i;
    } else if (std::size_t len = Utf8Length(text, i); len != 0) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += kReplacement;
      ++i;
    }
  }
  out += "')";
  return out;
}

std::string Number(double v) { return fmt::format("{:.10g}", v); }

std::string ScriptPreamble(ChartFormat format) {
  std::string s =
      format == ChartFormat::Svg
          ? "set terminal svg size 900,500 dynamic enhanced font 'sans,11' "
            "background rgb 'white'\n"
          : "set terminal pngcairo size 900,500 enhanced font 'sans,10' background rgb 'white'\n";
  s += "set encoding utf8\n";
  fmt::format_to(std::back_inserter(s), "{} = \"'\"\n", kQuoteVariable);
  return s;
}

void AppendTitles(std::string& s, std::string_view title, std::string_view subtitle) {
  if (!title.empty()) {
    fmt::format_to(std::back_inserter(s),
                   "set label 10 {} at screen 0.5, screen 0.95 center noenhanced font ',14'\n",
                   GnuplotLiteral(title));
  }
  if (!subtitle.empty()) {
    fmt::format_to(std::back_inserter(s),
                   "set label 11 {} at screen 0.5, screen {} center noenhanced "
                   "textcolor rgb '#333333'\n",
                   GnuplotLiteral(subtitle), title.empty() ? "0.95" : "0.895");
  }
  const bool both = !title.empty() && !subtitle.empty();
  const bool either = !title.empty() || !subtitle.empty();
  s += both     ? "set tmargin at screen 0.85\n"
       : either ? "set tmargin at screen 0.9\n"
                : "set tmargin at screen 0.95\n";
}

}  // namespace dialsoak::chart::detail
