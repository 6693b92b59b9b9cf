#include "script_common.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace dialsoak::chart::detail {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

constexpr std::string_view kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c",
                                         "#d62728", "#9467bd", "#8c564b"};

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

// A tick step of 1, 2 or 5 times a power of ten, at least 1, giving about `ticks` ticks.
double NiceStep(double span, int ticks) {
  double raw = span / ticks;
  if (raw <= 1) return 1;
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double norm = raw / magnitude;
  double nice = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
  return nice * magnitude;
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

std::string_view SeriesColour(std::size_t index) { return kColours[index % std::size(kColours)]; }

void AppendPlotCommand(std::string& s, const std::vector<std::string>& parts) {
  s += "plot ";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    s += parts[i];
    s += i + 1 < parts.size() ? ", \\\n     " : "\n";
  }
}

std::vector<ChartPoint> Thinned(const std::vector<ChartPoint>& points) {
  if (points.size() <= kMaxPlottedPoints) return points;
  const std::size_t interior = points.size() - 2;
  const std::size_t stretches = (kMaxPlottedPoints - 2) / 2;
  const std::size_t per = (interior + stretches - 1) / stretches;
  std::vector<ChartPoint> out;
  out.reserve(kMaxPlottedPoints);
  out.push_back(points.front());
  for (std::size_t begin = 1; begin < points.size() - 1; begin += per) {
    std::size_t end = std::min(begin + per, points.size() - 1);
    std::size_t lo = begin, hi = begin;
    for (std::size_t i = begin; i < end; ++i) {
      if (points[i].count < points[lo].count) lo = i;
      if (points[i].count > points[hi].count) hi = i;
    }
    out.push_back(points[std::min(lo, hi)]);
    if (lo != hi) out.push_back(points[std::max(lo, hi)]);
  }
  out.push_back(points.back());
  return out;
}

void AppendPoints(std::string& s, std::string_view name, const std::vector<ChartPoint>& points) {
  fmt::format_to(std::back_inserter(s), "{} << EOD\n", name);
  for (const auto& p : points) fmt::format_to(std::back_inserter(s), "{} {}\n", p.cycles, p.count);
  s += "EOD\n";
}

Axis CycleAxis(double low, double high) {
  double pad = (high - low) * 0.015;
  return Axis{low - pad, high + pad, NiceStep(high - low, 8)};
}

Axis CountAxis(double low, double high) {
  const bool non_negative = low >= 0;
  if (high - low < 10) {
    double mid = (low + high) / 2;
    low = mid - 5;
    high = mid + 5;
  }
  double pad = (high - low) * 0.08;
  low -= pad;
  high += pad;
  double step = NiceStep(high - low, 8);
  low = std::floor(low / step) * step;
  high = std::ceil(high / step) * step;
  if (non_negative && low < 0) low = 0;
  return Axis{low, high, step};
}

void AppendCycleCountAxes(std::string& s, std::string_view x_label, std::string_view y_label,
                          const Axis& x, const Axis& y) {
  s += "set border 3 linewidth 1 linecolor rgb '#606060'\n";
  s += "set tics nomirror out scale 0.5 textcolor rgb '#333333'\n";
  s += "set grid xtics ytics linetype 1 linewidth 1 linecolor rgb '#e2e2e2'\n";
  fmt::format_to(std::back_inserter(s), "set xlabel {} noenhanced textcolor rgb '#333333'\n",
                 GnuplotLiteral(x_label));
  fmt::format_to(std::back_inserter(s), "set ylabel {} noenhanced textcolor rgb '#333333'\n",
                 GnuplotLiteral(y_label));
  fmt::format_to(std::back_inserter(s), "set xrange [{}:{}]\nset yrange [{}:{}]\n", Number(x.low),
                 Number(x.high), Number(y.low), Number(y.high));
  fmt::format_to(std::back_inserter(s), "set xtics {}\nset ytics {}\n", Number(x.step),
                 Number(y.step));
  s += "set format x '%.0f'\nset format y '%.0f'\n";
}

}  // namespace dialsoak::chart::detail
