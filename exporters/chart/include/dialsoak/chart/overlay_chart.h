// The overlay chart: a count (open handles, say) against completed cycles for several runs
// on one chart, one line a run in its own colour, for `dialsoak compare BASE NEW`: last
// night's run (BASE, dashed) under tonight's (NEW, solid). Drawn by gnuplot as SVG or PNG
// (900x500), the series named in the legend under the plot, the verdicts under the title.
// Axes from the data: cycles from 0 to the last sample of any run, counts around every
// sample with whole-number ticks, as on the leak chart. Plain data in, no dependency on
// bench/ or on the report: the caller fills OverlayChartInput.
//
// Thread-safe: no shared state; concurrent calls each run their own gnuplot. A call
// blocks for as long as gnuplot runs (at most kGnuplotDeadline, then it is killed).
//
// Errors are returned, never thrown (except std::bad_alloc); each message names the
// chart's path: gnuplot missing ("gnuplot not found: install gnuplot-nox", ENOENT),
// gnuplot failing (its standard error, trimmed) or hanging (ETIMEDOUT), and a path that
// cannot be written (the errno of the failed step). The file is written atomically: a
// temporary file in the same directory, renamed over the target once gnuplot succeeded;
// on any failure the temporary file is removed and the target is untouched.
#pragma once

#include <string>
#include <vector>

#include "dialsoak/chart/chart_format.h"
#include "dialsoak/chart/chart_point.h"
#include "dialsoak/io/error.h"

namespace dialsoak::chart {

struct OverlaySeries {
  std::string name;  // the legend entry: "BASE 20261206T2200-ab12"
  // Any number, in cycle order. Past kMaxPlottedPoints they are thinned for drawing (each
  // stretch keeps its lowest and highest sample, so spikes stay visible). None: named in
  // the legend with "(no samples)", nothing drawn.
  std::vector<ChartPoint> points;
  bool dashed = false;  // drawn dashed (the BASE run); else solid
};

struct OverlayChartInput {
  std::string title;     // "self: open handles, BASE vs NEW"
  std::string subtitle;  // "BASE ok +0.00/1000 cycles; NEW leak +1.00/1000 cycles"
  std::string x_label;   // empty: "cycles"
  std::string y_label;   // empty: "count"
  // In legend order; colours in that order too, starting again after the sixth. None, or
  // none with points: still a chart, saying "no samples".
  std::vector<OverlaySeries> series;
};

// Draws the chart into `path` (any extension; `format` decides the content). Titles,
// labels and series names are drawn literally: quotes, backslashes and backquotes cannot
// reach gnuplot's command language, control characters become spaces, invalid UTF-8
// becomes U+FFFD.
io::Result<void> WriteOverlayChart(const std::string& path, ChartFormat format,
                                   const OverlayChartInput& input);

}  // namespace dialsoak::chart
