// Pieces every chart's gnuplot script shares (private to dialsoak_chart): the preamble
// (terminal, encoding, the quote variable), caller-given text as a literal gnuplot cannot
// interpret, numbers, and the title and subtitle over the plot.
#pragma once

#include <string>
#include <string_view>

#include "dialsoak/chart/chart_format.h"

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

}  // namespace dialsoak::chart::detail
