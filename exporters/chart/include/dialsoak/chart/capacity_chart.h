// The capacity chart: a capacity sweep (steps offering a load in Erlangs to a far end of C
// ports, each measuring the blocking ratio) drawn by gnuplot as SVG or PNG (900x500) over
// the Erlang B curve for C ports, to read off how many Erlangs C ports carry at a grade of
// service. Each step is a point with its confidence-interval bar; the target blocking is a
// dashed horizontal line. The y axis is logarithmic, in percent, from the data: from a
// decade at least a factor 2 below the smallest positive value drawn (but not below
// 0.0001%) to half as much again as the largest (at most 100%), two decades at least.
// A step that measured no blocked calls is drawn at the bottom of the axis with its upper
// bar and a marker of its own, never left out.
// Plain data in, no dependency on bench/ or on the Erlang B code: the caller passes the
// curve's points.
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

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dialsoak/chart/chart_format.h"
#include "dialsoak/io/error.h"

namespace dialsoak::chart {

// One step of the sweep. Ratios in [0, 1] (outside: clamped); lower <= blocking <= upper
// (else widened to hold blocking). A step whose offered load or blocking is not finite
// cannot be placed and is left out; a bound that is not finite draws no bar on its side.
struct CapacityChartStep {
  double offered_erlangs = 0;
  double blocking = 0;  // blocked / offered calls
  double lower = 0;     // the confidence interval
  double upper = 0;
};

struct CapacityChartInput {
  std::string title;         // "capacity: far end of 24 ports, hold exp:20ms"
  std::string subtitle;      // "7 of 7 steps agree with Erlang B (95% intervals); ..."
  int ports = 0;             // C, for the curve's legend; 0 or less: not named
  double confidence = 0.95;  // of the intervals, for the legend; outside (0, 1): not named
  // Measured, in any order. None: still a chart, saying "no steps", with the curve.
  std::vector<CapacityChartStep> steps;
  // Erlang B: (offered Erlangs, blocking), ascending in Erlangs (sorted if not). Points
  // that are not finite or not positive (log scale) are left out.
  std::vector<std::pair<double, double>> curve;
  std::optional<double> target_blocking;  // dashed line, e.g. 0.01; drawn if in (0, 1]
};

// Draws the chart into `path` (any extension; `format` decides the content). The title
// and subtitle are drawn literally: quotes, backslashes and backquotes cannot reach
// gnuplot's command language, control characters become spaces, invalid UTF-8 becomes
// U+FFFD.
io::Result<void> WriteCapacityChart(const std::string& path, ChartFormat format,
                                    const CapacityChartInput& input);

}  // namespace dialsoak::chart
