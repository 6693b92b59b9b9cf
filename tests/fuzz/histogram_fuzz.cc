// Fuzz target: the compact histogram text of the journal (exporters/histogram,
// DecodeCompact), which a resumed or reread run reads back from disk. Input: one byte
// choosing how the rest is used: even, as the text itself (base64 and all); odd, as the
// decoded byte stream, base64-encoded here first, so the fuzzer reaches the varints and
// runs without having to learn base64. Checks, beyond not crashing:
//   - what decodes is a histogram whose invariants hold: bucket counts add up to count,
//     buckets ascend within [min, max]'s counters, min <= max, sum within
//     [max + (count-1) * min, min + (count-1) * max] (saturating), percentiles ascend in p
//     within [min, max] with min at p0 and max at p100;
//   - EncodeCompact gives the input text back (without '=' padding), and that decodes to
//     an equal histogram;
//   - a histogram merged with itself has twice the count and the same min and max.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "dialsoak/histogram/latency_histogram.h"
#include "fuzz/fuzz_check.h"

namespace {

using dialsoak::histogram::DecodeCompact;
using dialsoak::histogram::EncodeCompact;
using dialsoak::histogram::LatencyHistogram;

constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();
constexpr double kLevels[] = {0, 1, 10, 50, 90, 99, 99.9, 99.99, 100};

std::string Base64(std::string_view bytes) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t bits = 0;
  int nbits = 0;
  for (char c : bytes) {
    bits = (bits << 8) | static_cast<unsigned char>(c);
    nbits += 8;
    while (nbits >= 6) {
      nbits -= 6;
      out += kAlphabet[(bits >> nbits) & 63];
    }
    bits &= (1U << nbits) - 1;
  }
  if (nbits > 0) out += kAlphabet[(bits << (6 - nbits)) & 63];
  return out;
}

std::int64_t SaturatingAdd(std::int64_t a, std::int64_t b) {
  return b > kMaxInt64 - a ? kMaxInt64 : a + b;
}

std::int64_t SaturatingMul(std::int64_t a, std::int64_t b) {
  if (a == 0 || b == 0) return 0;
  return a > kMaxInt64 / b ? kMaxInt64 : a * b;
}

void CheckInvariants(const LatencyHistogram& h) {
  if (h.empty()) {
    FUZZ_CHECK(h.count() == 0 && h.min() == 0 && h.max() == 0 && h.sum() == 0,
               "an empty histogram with values");
    FUZZ_CHECK(h.Percentile(50) == 0, "a percentile of nothing");
    return;
  }
  FUZZ_CHECK(h.count() > 0 && h.min() >= 0 && h.min() <= h.max(), "count, min or max wrong");
  FUZZ_CHECK(h.sum() >= SaturatingAdd(h.max(), SaturatingMul(h.count() - 1, h.min())) &&
                 h.sum() <= SaturatingAdd(h.min(), SaturatingMul(h.count() - 1, h.max())),
             "sum outside [max + (count-1) * min, min + (count-1) * max]");
  std::int64_t total = 0;
  std::int64_t previous_highest = -1;
  bool first = true;
  h.ForEachBucket([&](std::int64_t lowest, std::int64_t highest, std::int64_t n) {
    FUZZ_CHECK(n > 0 && n <= h.count() - total, "bucket counts do not add up");
    FUZZ_CHECK(lowest > previous_highest && lowest <= highest, "buckets out of order");
    if (first) FUZZ_CHECK(lowest <= h.min() && h.min() <= highest, "min not in the first bucket");
    first = false;
    total += n;
    previous_highest = highest;
  });
  FUZZ_CHECK(total == h.count(), "bucket counts do not add up to count");
  FUZZ_CHECK(h.Percentile(0) == h.min() && h.Percentile(100) == h.max(),
             "p0 or p100 not min or max");
  std::int64_t previous = h.min();
  for (double p : kLevels) {
    const std::int64_t v = h.Percentile(p);
    FUZZ_CHECK(v >= previous && v <= h.max(), "percentiles not ascending within [min, max]");
    previous = v;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool bytes_mode = (data[0] & 1) != 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string text = bytes_mode ? Base64(rest) : std::string(rest);

  const auto h = DecodeCompact(text);
  if (!h) return 0;
  CheckInvariants(*h);
  std::string unpadded = text;
  while (!unpadded.empty() && unpadded.back() == '=') unpadded.pop_back();
  const std::string again = EncodeCompact(*h);
  FUZZ_CHECK(again == unpadded, "accepted text that EncodeCompact does not write: " + again);
  const auto back = DecodeCompact(again);
  FUZZ_CHECK(back && *back == *h, "its own encoding does not decode to it");

  LatencyHistogram doubled = *h;
  doubled.Add(*h);
  if (h->count() <= kMaxInt64 / 2) {
    FUZZ_CHECK(doubled.count() == 2 * h->count(), "merged with itself: count not doubled");
  } else {
    FUZZ_CHECK(doubled == *h, "a merge past INT64_MAX samples was not dropped");
  }
  FUZZ_CHECK(doubled.min() == h->min() && doubled.max() == h->max(),
             "merged with itself: min or max changed");
  CheckInvariants(doubled);
  return 0;
}
