// The compact encoding of latency_histogram.h: round trips bucket for bucket, its size on
// a realistic distribution, and malformed input of every kind giving nullopt.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "dialsoak/histogram/latency_histogram.h"

namespace dialsoak::histogram {
namespace {

constexpr std::int64_t kHour = 3'600'000'000'000;

// Test-side writer of the byte stream, independent of the library's.
std::string Varint(std::uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
  return out;
}

std::string Bytes(std::initializer_list<std::uint64_t> varints, std::uint8_t version = 1) {
  std::string out(1, static_cast<char>(version));
  for (std::uint64_t v : varints) out += Varint(v);
  return out;
}

std::string Base64(const std::string& bytes, bool pad = false) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t bits = 0;
  int nbits = 0;
  for (unsigned char c : bytes) {
    bits = (bits << 8) | c;
    nbits += 8;
    while (nbits >= 6) {
      nbits -= 6;
      out += kAlphabet[(bits >> nbits) & 63];
    }
  }
  if (nbits > 0) out += kAlphabet[(bits << (6 - nbits)) & 63];
  while (pad && out.size() % 4 != 0) out += '=';
  return out;
}

LatencyHistogram Lognormal(std::size_t n, double median_ns, double sigma, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> d(std::log(median_ns), sigma);
  LatencyHistogram h;
  for (std::size_t i = 0; i < n; ++i) h.Record(std::llround(d(rng)));
  return h;
}

void ExpectRoundTrip(const LatencyHistogram& h) {
  const std::string text = EncodeCompact(h);
  const auto back = DecodeCompact(text);
  ASSERT_TRUE(back.has_value()) << text;
  EXPECT_EQ(*back, h);
  for (std::size_t i = 0; i < LatencyHistogram::kCounterCount; ++i) {
    ASSERT_EQ(back->CountAt(i), h.CountAt(i)) << "counter " << i;
  }
  EXPECT_EQ(EncodeCompact(*back), text);
}

TEST(CompactEncodingTest, EmptyIsTheVersionAndFourZeros) {
  EXPECT_EQ(EncodeCompact(LatencyHistogram{}), "AQAAAAA");
  ExpectRoundTrip(LatencyHistogram{});
  EXPECT_TRUE(DecodeCompact("AQAAAAA=")->empty());  // padded
}

TEST(CompactEncodingTest, RoundTripsEveryBucket) {
  ExpectRoundTrip(Lognormal(40'000, 50'000, 0.5, 1));
  ExpectRoundTrip(Lognormal(100'000, 2e9, 2, 2));
  LatencyHistogram extremes;
  extremes.Record(0);
  extremes.Record(1, 3);
  extremes.Record(kHour, 1'000'000'000'000);
  ExpectRoundTrip(extremes);
  LatencyHistogram past_range;
  past_range.Record(std::int64_t{1} << 60, 2);
  past_range.Record(std::numeric_limits<std::int64_t>::max());
  ExpectRoundTrip(past_range);  // sum saturated, all in the top counter
  LatencyHistogram one;
  one.Record(123'456);
  ExpectRoundTrip(one);
  LatencyHistogram reset = Lognormal(100, 1e6, 1, 3);
  reset.Reset();
  ExpectRoundTrip(reset);
}

TEST(CompactEncodingTest, AcceptsPaddingAsWritten) {
  LatencyHistogram h;
  for (std::int64_t v : {10, 20, 30, 2000, 3000}) h.Record(v);
  const std::string text = EncodeCompact(h);
  EXPECT_EQ(text.find('='), std::string::npos);
  std::string padded = text;
  while (padded.size() % 4 != 0) padded += '=';
  ASSERT_TRUE(DecodeCompact(padded).has_value()) << padded;
  EXPECT_EQ(*DecodeCompact(padded), h);
}

// 40,000 dial latencies around 50 us (lognormal, sigma 0.5): about one byte a non-empty
// counter before base64.
TEST(CompactEncodingTest, AboutOneByteANonEmptyBucket) {
  const LatencyHistogram h = Lognormal(40'000, 50'000, 0.5, 4);
  std::size_t buckets = 0;
  h.ForEachBucket([&](std::int64_t, std::int64_t, std::int64_t) { ++buckets; });
  const std::string text = EncodeCompact(h);
  const double bytes = static_cast<double>(text.size()) * 3 / 4;
  const double per_bucket = bytes / static_cast<double>(buckets);
  std::printf(
      "40,000 lognormal samples (median 50 us, sigma 0.5): %zu non-empty buckets, "
      "%zu characters (%.0f bytes): %.2f bytes, %.2f characters a bucket\n",
      buckets, text.size(), bytes, per_bucket,
      static_cast<double>(text.size()) / static_cast<double>(buckets));
  EXPECT_LE(per_bucket, 2.0);
}

TEST(CompactEncodingTest, HandWrittenStreamDecodes) {
  // 3 samples: 5 ns twice and 7 ns once; runs {5} and {7} with a gap of 1 between them.
  const auto h = DecodeCompact(Base64(Bytes({3, 5, 7, 17, 5, 1, 2, 1, 1, 1})));
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->count(), 3);
  EXPECT_EQ(h->CountAt(5), 2);
  EXPECT_EQ(h->CountAt(7), 1);
  EXPECT_EQ(h->Percentile(50), 5);
}

TEST(CompactEncodingTest, EveryTruncationIsRejected) {
  const std::string text = EncodeCompact(Lognormal(2000, 50'000, 1, 5));
  for (std::size_t n = 0; n < text.size(); ++n) {
    EXPECT_FALSE(DecodeCompact(text.substr(0, n)).has_value()) << n << " of " << text.size();
  }
}

TEST(CompactEncodingTest, BadBase64IsRejected) {
  const std::string good = EncodeCompact(Lognormal(100, 50'000, 1, 6));
  ASSERT_TRUE(DecodeCompact(good).has_value());
  for (char bad : {'!', '-', '_', ' ', '\n', '\0', '.', '\xC3'}) {
    std::string s = good;
    s[s.size() / 2] = bad;
    EXPECT_FALSE(DecodeCompact(s).has_value()) << static_cast<int>(bad);
  }
  EXPECT_FALSE(DecodeCompact(" " + good).has_value());
  EXPECT_FALSE(DecodeCompact(good + "\n").has_value());
  EXPECT_FALSE(DecodeCompact("").has_value());
  EXPECT_FALSE(DecodeCompact("A").has_value());          // 6 bits: not a byte
  EXPECT_FALSE(DecodeCompact("AQAAAAA==").has_value());  // too much padding
  EXPECT_FALSE(DecodeCompact("AQAAAA=A").has_value());   // padding inside
  EXPECT_FALSE(DecodeCompact("====").has_value());
  EXPECT_FALSE(DecodeCompact("AQAAAAB").has_value());  // bits past the last byte not zero
}

TEST(CompactEncodingTest, WrongVersionIsRejected) {
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({0, 0, 0, 0}, 2))).has_value());
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({0, 0, 0, 0}, 0))).has_value());
}

TEST(CompactEncodingTest, CountsThatDoNotAddUpAreRejected) {
  // count 3, but the runs hold 2 or 4.
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({3, 5, 7, 17, 5, 1, 1, 1, 1, 1}))).has_value());
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({3, 5, 7, 17, 5, 1, 3, 1, 1, 1}))).has_value());
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({3, 5, 7, 17}))).has_value());  // no runs
  // Empty with a run, or with a min.
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({0, 0, 0, 0, 5, 1, 1}))).has_value());
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({0, 5, 5, 0}))).has_value());
  // Counts near INT64_MAX must not overflow the running total.
  const std::uint64_t big = std::numeric_limits<std::int64_t>::max();
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({big, 5, 7, big, 5, 1, big, 1, 1, big}))).has_value());
}

TEST(CompactEncodingTest, IndicesOutOfRangeAreRejected) {
  const std::uint64_t n = LatencyHistogram::kCounterCount;
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({1, 5, 5, 5, n, 1, 1}))).has_value());
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({2, 5, 5, 10, n - 1, 2, 1, 1}))).has_value());
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({2, 5, 5, 10, 5, 1, 1, n, 1, 1}))).has_value());
  // The last counter is fine.
  const std::int64_t top = LatencyHistogram::kHighestTrackable;
  const auto last = DecodeCompact(
      Base64(Bytes({1, static_cast<std::uint64_t>(top), static_cast<std::uint64_t>(top),
                    static_cast<std::uint64_t>(top), n - 1, 1, 1})));
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->Percentile(50), top);
}

TEST(CompactEncodingTest, HugeAndOverlongVarintsAreRejected) {
  std::string ten_bytes = std::string(1, '\x01') + std::string(9, '\xFF') + '\x01';
  EXPECT_FALSE(DecodeCompact(Base64(ten_bytes)).has_value());
  // 2^63: a 64th bit, in 10 bytes.
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({std::uint64_t{1} << 63, 0, 0, 0}))).has_value());
  // 9 bytes that never end.
  EXPECT_FALSE(DecodeCompact(Base64(std::string(1, '\x01') + std::string(9, '\x80'))).has_value());
  // Zero written as two bytes.
  EXPECT_FALSE(DecodeCompact(Base64(std::string("\x01\x80\x00\x00\x00\x00", 6))).has_value());
  // A counter's count of 2^62: fine as a varint, but more than count.
  EXPECT_FALSE(
      DecodeCompact(Base64(Bytes({1, 5, 5, 5, 5, 1, std::uint64_t{1} << 62}))).has_value());
}

TEST(CompactEncodingTest, StreamsEncodeCompactWouldNotWriteAreRejected) {
  const std::string ok = Base64(Bytes({3, 5, 7, 17, 5, 1, 2, 1, 1, 1}));
  ASSERT_TRUE(DecodeCompact(ok).has_value());
  // Zero count in a run; zero run length; zero gap between runs (two runs that are one).
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({3, 5, 7, 17, 5, 3, 2, 0, 1}))).has_value());
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({3, 5, 7, 17, 5, 0, 5, 1, 2, 1, 1, 1}))).has_value());
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({3, 5, 6, 16, 5, 1, 2, 0, 1, 1}))).has_value());
  // min above max; min or max not in the first or last non-empty counter.
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({3, 7, 5, 17, 5, 1, 2, 1, 1, 1}))).has_value());
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({3, 4, 7, 17, 5, 1, 2, 1, 1, 1}))).has_value());
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({3, 5, 8, 17, 5, 1, 2, 1, 1, 1}))).has_value());
  // A sum no samples between min and max could make.
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({3, 5, 7, 14, 5, 1, 2, 1, 1, 1}))).has_value());
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({3, 5, 7, 22, 5, 1, 2, 1, 1, 1}))).has_value());
  // One sample with min and max apart (in one counter), or a sum other than it.
  const std::uint64_t at = LatencyHistogram::IndexOf(123'456);
  ASSERT_EQ(at, LatencyHistogram::IndexOf(123'460));
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({1, 123'456, 123'460, 123'456, at, 1, 1}))));
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({1, 123'456, 123'456, 123'457, at, 1, 1}))));
  EXPECT_TRUE(DecodeCompact(Base64(Bytes({1, 123'456, 123'456, 123'456, at, 1, 1}))));
  // Trailing bytes after the last run.
  EXPECT_FALSE(DecodeCompact(Base64(Bytes({3, 5, 7, 17, 5, 1, 2, 1, 1, 1, 1}))).has_value());
}

}  // namespace
}  // namespace dialsoak::histogram
