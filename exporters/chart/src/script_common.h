// Pieces the charts' gnuplot scripts share (private to dialsoak_chart): the preamble
// (terminal, encoding, the quote variable), caller-given text as a literal gnuplot cannot
// interpret, numbers, the title and subtitle over the plot, series colours and the plot
// command; for the charts of a count against cycles (leak, overlay) the thinned samples as
// a data block and the axes with whole-number ticks.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "dialsoak/chart/chart_format.h"
#include "dialsoak/chart/chart_point.h"

namespace dialsoak::chart::detail {

// The script variable holding a single quote; ScriptPreamble defines it.
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

// `v` for a script: up to 10 significant digits, no locale. Finite values only.
std::string Number(double v);

// The first lines of every chart script: the 900x500 terminal for `format` (writing to
// standard output), UTF-8, and kQuoteVariable.
std::string ScriptPreamble(ChartFormat format);

// Title and subtitle as labels placed on the canvas (terminals differ in where `set title`
// lands), drawn literally, above a top margin that leaves them room. Empty ones are left
// out.
void AppendTitles(std::string& s, std::string_view title, std::string_view subtitle);

// The colour of the series at `index` in legend order: six, starting again after the sixth.
std::string_view SeriesColour(std::size_t index);

// `plot` with `parts` (one plot element each, at least one), one a line.
void AppendPlotCommand(std::string& s, const std::vector<std::string>& parts);

// At most kMaxPlottedPoints of `points`: the first, the last, and between them the lowest
// and the highest sample of each equal stretch, in their original order.
std::vector<ChartPoint> Thinned(const std::vector<ChartPoint>& points);

// `points` as the inline data block `name` ("$samples"): cycles and count, a line each.
void AppendPoints(std::string& s, std::string_view name, const std::vector<ChartPoint>& points);

// A linear axis: its range and its tick step (1, 2 or 5 times a power of ten, at least 1).
struct Axis {
  double low = 0;
  double high = 1;
  double step = 1;
};

// Cycles from `low` to `high` (the extremes of what is drawn), with a little room so the
// points on the edges are not cut in half by the axes; about 8 ticks.
Axis CycleAxis(double low, double high);

// Counts from `low` to `high` (the extremes of what is drawn) plus some room, widened to at
// least 10 so a flat line is not blown up into noise, ends rounded out to whole ticks,
// never below 0 when `low` is not.
Axis CountAxis(double low, double high);

// Frame, grid, the axis labels (drawn literally), ranges and whole-number tick labels of a
// chart of a count against cycles (handles and cycles come in ones).
void AppendCycleCountAxes(std::string& s, std::string_view x_label, std::string_view y_label,
                          const Axis& x, const Axis& y);

}  // namespace dialsoak::chart::detail
