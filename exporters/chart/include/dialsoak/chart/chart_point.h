// A sample of a count against completed cycles, as the leak chart and the overlay chart
// draw it, and how many of them a chart draws at most (more are thinned for drawing).
//
// Thread-safe: plain data. No errors.
#pragma once

#include <cstddef>
#include <cstdint>

namespace dialsoak::chart {

struct ChartPoint {
  std::int64_t cycles = 0;  // completed dial/hang-up cycles when sampled
  std::int64_t count = 0;   // the resource count then
};

// Past this many points a series is thinned for drawing: each stretch keeps its lowest and
// highest sample, so spikes stay visible.
inline constexpr std::size_t kMaxPlottedPoints = 5000;

}  // namespace dialsoak::chart
