// The percentile chart: latency distributions as HdrHistogram plots them, latency in
// milliseconds against the percentile on a logarithmic axis of 1/(1 - p), labelled 0%,
// 90%, 99%, 99.9%, 99.99% (and further decades when the data reaches them), one line per
// named series ("dial (connected)", "hang-up"), drawn by gnuplot as SVG or PNG (900x500).
// A series' points are the rows of its .hgrm spectrum (histogram::PercentileRows: five
// levels per half distance to 100%) up to the last below 100%, which the axis cannot show;
// a series reaches as far right as its sample count lets it.
// Plain data in: the histograms are the records' (exporters/histogram), nothing from bench/.
//
// Thread-safe: no shared state; concurrent calls each run their own gnuplot (the
// histograms are only read). A call blocks for as long as gnuplot runs (at most
// kGnuplotDeadline, then it is killed).
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
#include "dialsoak/histogram/latency_histogram.h"
#include "dialsoak/io/error.h"

namespace dialsoak::chart {

struct PercentileSeries {
  std::string name;  // the legend entry: "dial (connected)"
  // Not owned; read during the call only. Null or empty: named in the legend with
  // "(no samples)", nothing drawn.
  const histogram::LatencyHistogram* histogram = nullptr;
};

struct PercentileChartInput {
  std::string title;     // "dialsoak run 20261128T064512-4f2a: latency by percentile"
  std::string subtitle;  // "24 lines, 40,000 cycles"
  // In legend order; colours in that order too. None with samples: still a chart, saying
  // "no samples".
  std::vector<PercentileSeries> series;
};

// Draws the chart into `path` (any extension; `format` decides the content). Titles and
// series names are drawn literally: quotes, backslashes and backquotes cannot reach
// gnuplot's command language, control characters become spaces, invalid UTF-8 becomes
// U+FFFD.
io::Result<void> WritePercentileChart(const std::string& path, ChartFormat format,
                                      const PercentileChartInput& input);

}  // namespace dialsoak::chart
