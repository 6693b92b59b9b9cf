// A latency distribution of constant size: an HDR (high dynamic range) log-linear histogram
// of nanoseconds, so a run keeps the same few hundred KiB in its first minute and its
// eighth hour instead of every sample. Percentiles come out within 0.05% of the exact
// nearest-rank value; count, min, max, sum and mean stay exact. Also its compact text form
// for the journal (EncodeCompact / DecodeCompact, below).
//
// Layout (HdrHistogram's with 3 significant digits, lowest value 1, written here because
// Debian packages no HdrHistogram for C or C++; Boost.Histogram's log axis has
// floating-point bucket edges and no integer index of a bucket to encode compactly):
// values 0..2047 ns each have a bucket of their own; above that, every power of two
// [2^k, 2^(k+1)) is cut into 1024 equal buckets, so a bucket is at most 1/1024 of its
// values wide. The range is 0 .. 2^42 - 1 ns (73 minutes) in 32 "buckets" (HdrHistogram's
// name for the powers of two) of 2048 sub-buckets, 33,792 counters in all. Larger values
// are counted in the top bucket (and min, max, sum still see them exactly).
//
// Memory: an empty histogram holds no counters (a few dozen bytes); the first Record or Add
// allocates all 33,792 int64 counters (264 KiB) at once, and that never changes with the
// number of samples. Reset keeps the counters' storage for the next use.
//
// Thread safety: thread-compatible (like a std::vector): const members may run
// concurrently; anything that records, merges or resets needs the caller's lock.
//
// Errors: none; nothing throws but std::bad_alloc from the first allocation. Negative
// latencies count as 0. A Record or Add that would take the count past INT64_MAX samples
// (292 years at one a nanosecond) is dropped whole; the sum saturates at INT64_MAX ns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dialsoak::histogram {

class LatencyHistogram {
 public:
  // 2048 sub-buckets per power of two: values below 2048 ns exact, above that each bucket
  // at most 1/1024 of its value wide.
  static constexpr int kSubBucketCount = 2048;
  static constexpr int kBucketCount = 32;  // powers of two up to kHighestTrackable
  static constexpr std::int64_t kHighestTrackable = (std::int64_t{1} << 42) - 1;  // ns
  static constexpr std::size_t kCounterCount =
      static_cast<std::size_t>(kBucketCount + 1) * (kSubBucketCount / 2);  // 33,792

  void Record(std::int64_t ns);                  // negative counts as 0
  void Record(std::int64_t ns, std::int64_t n);  // n copies; n <= 0 records nothing
  void Add(const LatencyHistogram& other);       // merge: as if other's samples were recorded
  void Reset();                                  // empty again; keeps the counters' storage

  bool empty() const { return count_ == 0; }
  std::int64_t count() const { return count_; }
  std::int64_t min() const { return min_; }  // exact; 0 when empty
  std::int64_t max() const { return max_; }  // exact; 0 when empty
  std::int64_t sum() const { return sum_; }  // exact sum of recorded ns (saturating)
  double mean() const;                       // sum / count; 0 when empty

  // Nearest rank: the bucket holding the sample at 1-based rank ceil(p/100 * n) (p clamped
  // to [0, 100], taken to 1e-4 like report::NearestRankIndex), reported as the midpoint of
  // that bucket's range narrowed to [min, max]. So within 0.05% of the exact nearest-rank
  // value (values below 2048 ns exact), exact for all-equal data, and rank 1 (p0) is min,
  // rank n (p100) max. 0 when empty.
  std::int64_t Percentile(double p) const;

  // Non-empty buckets in ascending order: f(lowest_ns, highest_ns, count). The top
  // bucket's highest is max() when max() lies above kHighestTrackable.
  template <typename F>
  void ForEachBucket(F&& f) const {
    if (count_ == 0) return;
    const std::size_t last = IndexOf(max_);
    for (std::size_t i = IndexOf(min_); i <= last; ++i) {
      if (counts_[i] != 0) f(LowestAt(i), HighestAt(i), counts_[i]);
    }
  }

  // What it holds: the object and its counters' storage (allocated or kept by Reset).
  std::size_t memory_bytes() const;

  // Bucket arithmetic, for the encoding and for tests: the counter index of a value
  // (clamped to [0, kHighestTrackable]), and a counter's lowest and highest value.
  static std::size_t IndexOf(std::int64_t ns);
  static std::int64_t LowestAt(std::size_t index);
  std::int64_t HighestAt(std::size_t index) const;  // the top bucket: at least max()
  // The count of one counter (0 when empty or out of range).
  std::int64_t CountAt(std::size_t index) const;

  friend bool operator==(const LatencyHistogram& a, const LatencyHistogram& b);

 private:
  friend std::optional<LatencyHistogram> DecodeCompact(std::string_view text);

  std::vector<std::int64_t> counts_;  // kCounterCount once anything was recorded
  std::int64_t count_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
  std::int64_t sum_ = 0;
};

// The compact text form, for a journal line (one histogram, or a tick's delta, as one JSON
// string): base64 (standard alphabet A-Z a-z 0-9 + /, no '=' padding) of these bytes:
//   version   1 byte, 1
//   count     varint   (unsigned LEB128: 7 bits a byte, low first, high bit = more)
//   min       varint
//   max       varint
//   sum       varint
//   runs      until the end: each a run of consecutive non-empty counters
//     gap     varint: first counter index of the run minus the index one past the previous
//             run's last (0 before the first run), so at least 1 after the first run
//     length  varint: counters in the run, at least 1
//     counts  length varints, each at least 1
// An empty histogram is "AQAAAAA" (the version and four zeros). Counts in a latency
// distribution are mostly small and runs long, so a non-empty counter costs about a byte
// (40,000 lognormal samples around 50 us: 3,884 counters in 4.6 kB, 6.1 kB of base64).
//
// Thread-safe: pure functions. Never throws (but std::bad_alloc), never reads out of bounds.
std::string EncodeCompact(const LatencyHistogram& h);

// The histogram EncodeCompact wrote; nullopt for anything else: not base64 (padding '=' is
// accepted, bits left over must be zero), an unknown version, a varint past 63 bits or not
// in its shortest form, a run past the last counter or not as EncodeCompact writes it (a
// zero gap after the first run, a zero length or count), counts that do not add up to
// count, min or max not in the first or last non-empty counter, min > max, or a sum no
// such samples make (outside [max + (count-1) * min, min + (count-1) * max], saturating at
// INT64_MAX; so one sample needs min == max == sum). So the text of every
// histogram accepted is what EncodeCompact writes for it (but for the padding).
std::optional<LatencyHistogram> DecodeCompact(std::string_view text);

}  // namespace dialsoak::histogram
