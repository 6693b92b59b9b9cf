// A latency histogram's percentile spectrum, as HdrHistogram's outputPercentileDistribution
// prints it (a ".hgrm" file), so that the existing plotters (HdrHistogram's
// plotFiles.html, hdr-plot) read dialsoak's latencies, and as rows for dialsoak's own
// percentile chart (exporters/chart/percentile_chart.h).
//
// The rows step through percentile levels as HdrHistogram's PercentileIterator does:
// from 0%, ticks_per_half_distance equal steps to 50%, as many (each half as large) to
// 75%, to 87.5%, ... halving the distance to 100% each time; a level gets a row once the
// samples up to a bucket reach it, so one bucket may give several rows (same value and
// total count) and a level no bucket reaches alone is skipped. Once the last bucket is
// reached, a final row at 100% follows (HdrHistogram prints it without the 1/(1-p)
// column, whose value would be infinite).
//
// Values differ from HdrHistogram's in one way: where it reports a bucket's highest value,
// a row here has LatencyHistogram::Percentile at its level (the midpoint of the bucket's
// range narrowed to [min, max]; exactly min at 0% and max at 100%), so the spectrum agrees
// with the report's percentiles; the footer's Max is the exact max. Its Buckets and SubBuckets (32,
// 2048) are what HdrHistogram prints for a histogram of the same layout (3 significant digits, up
// to 2^42 - 1).
//
// Thread-safe: pure functions. No errors: an empty histogram gives the header and the
// footer (all zeros) and no rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dialsoak/histogram/latency_histogram.h"

namespace dialsoak::histogram {

struct SpectrumRow {
  std::int64_t value_ns = 0;     // LatencyHistogram::Percentile(percentile)
  double percentile = 0;         // the level, 0 to 100
  std::int64_t total_count = 0;  // samples up to and including this value's bucket
};

// ticks_per_half_distance is taken in [1, 100] (clamped). The last row, if any, is at 100.
std::vector<SpectrumRow> PercentileRows(const LatencyHistogram& h, int ticks_per_half_distance = 5);

// The .hgrm text: the header line `       Value     Percentile TotalCount 1/(1-Percentile)`
// and a blank line; the rows as `%12.3f %2.12f %10d %14.2f` (value in value_unit_ns units,
// level / 100, total count, 1 / (1 - level / 100)), the last (100%) without the fourth
// column; then `#[Mean    = %12.3f, StdDeviation   = %12.3f]`,
// `#[Max     = %12.3f, Total count    = %12d]` and `#[Buckets = %12d, SubBuckets     = %12d]`.
// value_unit_ns: 1e6 for milliseconds (the default), 1e3 for microseconds; not positive
// and finite: 1e6. The standard deviation is over the buckets' values as the rows report
// them, around the exact mean. Numbers are written without regard to the locale.
std::string PercentileSpectrum(const LatencyHistogram& h, double value_unit_ns = 1e6,
                               int ticks_per_half_distance = 5);

}  // namespace dialsoak::histogram
