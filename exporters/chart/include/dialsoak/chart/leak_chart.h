// The leak chart: a watched process's resource count (open handles) against completed
// dial/hang-up cycles, drawn by gnuplot as SVG or PNG (900x500) for a leak verdict. It
// shows the sampled points, the baseline (the count before the first dial) as a dashed
// horizontal line, the fitted line `intercept + slope * cycles` from the warm-up cut to
// the last cycle, the warm-up cycles shaded, and the verdict line under the title.
// Plain data in, no dependency on bench/: bench/cli fills LeakChartInput from a verdict.
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

#include <cstdint>
#include <string>
#include <vector>

#include "dialsoak/chart/chart_format.h"
#include "dialsoak/chart/chart_point.h"
#include "dialsoak/io/error.h"

namespace dialsoak::chart {

struct LeakChartInput {
  std::string title;     // "self (pid 4242): open handles"
  std::string subtitle;  // the verdict line: "leak: +1.00 handles/cycle [0.99, 1.01], ..."
  std::string y_label;   // "open handles"; empty: "count"
  // Any number, in cycle order. Past kMaxPlottedPoints they are thinned for drawing (each
  // stretch keeps its lowest and highest sample, so spikes stay visible). None: still a
  // chart, saying "no samples", with the baseline (and no fit: nothing to draw it over).
  std::vector<ChartPoint> points;
  std::int64_t baseline = 0;  // the count before the first dial
  bool has_fit = false;       // draw intercept + slope * cycles from warmup_cycles on
  double intercept = 0;
  double slope = 0;
  std::int64_t warmup_cycles = 0;  // shaded from 0 to here when positive
};

// Draws the chart into `path` (any extension; `format` decides the content). Titles and
// labels are drawn literally: quotes, backslashes and backquotes cannot reach gnuplot's
// command language, control characters become spaces, invalid UTF-8 becomes U+FFFD.
io::Result<void> WriteLeakChart(const std::string& path, ChartFormat format,
                                const LeakChartInput& input);

}  // namespace dialsoak::chart
