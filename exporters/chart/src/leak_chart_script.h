// The gnuplot script for a leak chart (private to dialsoak_chart): terminal, titles,
// axes, the thinned samples and fitted segment as inline data blocks, and the plot.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dialsoak/chart/leak_chart.h"

namespace dialsoak::chart::detail {

// The script variable holding a single quote; LeakChartScript defines it first thing.
inline constexpr std::string_view kQuoteVariable = "SQ";

// A parenthesised gnuplot string expression that draws `text` literally: single-quoted
// pieces joined with `.` to kQuoteVariable for each single quote. Single-quoted strings,
// unlike double-quoted ones, get no backquote command substitution, no @macro expansion
// and no backslash escapes. No quote of another kind appears: gnuplot 5.4 misparses ''
// when two follow each other, and a "'" makes its macro scanner lose track of quoting
// (an @name later in the line gets expanded). Control characters become spaces (a
// newline would end the command), invalid UTF-8 becomes U+FFFD (the SVG must stay
// well-formed XML).
std::string GnuplotLiteral(std::string_view text);

// At most kMaxPlottedPoints of `points`: the first, the last, and between them the lowest
// and the highest sample of each equal stretch, in their original order.
std::vector<ChartPoint> Thinned(const std::vector<ChartPoint>& points);

std::string LeakChartScript(ChartFormat format, const LeakChartInput& input);

}  // namespace dialsoak::chart::detail
