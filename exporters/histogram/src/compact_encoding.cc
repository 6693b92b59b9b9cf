// EncodeCompact / DecodeCompact (latency_histogram.h): varints, runs of counters, base64.
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "dialsoak/histogram/latency_histogram.h"

namespace dialsoak::histogram {
namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();
// A varint of up to 63 bits: 9 bytes of 7.
constexpr int kMaxVarintBytes = 9;

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Alphabet position of each byte, or -1.
constexpr std::array<std::int8_t, 256> DecodeTable() {
  std::array<std::int8_t, 256> t{};
  t.fill(-1);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return t;
}
constexpr std::array<std::int8_t, 256> kDecode = DecodeTable();

std::int64_t SaturatingAdd(std::int64_t a, std::int64_t b) {  // a, b >= 0
  return b > kMaxInt64 - a ? kMaxInt64 : a + b;
}

std::int64_t SaturatingMul(std::int64_t a, std::int64_t b) {  // a, b >= 0
  if (a == 0 || b == 0) return 0;
  return a > kMaxInt64 / b ? kMaxInt64 : a * b;
}

// Whether count samples with this min and max can add up to sum (saturated as
// LatencyHistogram saturates it): one sample is max and the others at least min, one is
// min and the others at most max. So one sample has min == max == sum.
bool SumPossible(std::int64_t count, std::int64_t min, std::int64_t max, std::int64_t sum) {
  const std::int64_t lowest = SaturatingAdd(max, SaturatingMul(count - 1, min));
  const std::int64_t highest = SaturatingAdd(min, SaturatingMul(count - 1, max));
  return lowest <= sum && sum <= highest;
}

void PutVarint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

std::string Base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  auto at = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (bytes.size() - i == 1) {
    const std::uint32_t v = at(i) << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
  } else if (bytes.size() - i == 2) {
    const std::uint32_t v = at(i) << 16 | at(i + 1) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

// Strict: the standard alphabet only, '=' padding only to a multiple of four characters,
// and the bits past the last whole byte zero (so every byte string has one encoding).
std::optional<std::string> FromBase64(std::string_view text) {
  if (text.size() % 4 == 0 && !text.empty()) {
    std::size_t pad = 0;
    while (pad < 2 && text[text.size() - 1 - pad] == '=') ++pad;
    text.remove_suffix(pad);
  }
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int nbits = 0;
  for (char c : text) {
    const std::int8_t v = kDecode[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out += static_cast<char>((bits >> nbits) & 0xFF);
      bits &= (1U << nbits) - 1;
    }
  }
  if (bits != 0) return std::nullopt;
  return out;
}

// Reads the bytes of a decoded stream; every read checks the end.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}
  bool done() const { return rest_.empty(); }

  std::optional<std::uint8_t> Byte() {
    if (rest_.empty()) return std::nullopt;
    const auto b = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }

  // An unsigned LEB128 of at most 63 bits, in its shortest form.
  std::optional<std::int64_t> Varint() {
    std::uint64_t v = 0;
    for (int i = 0; i < kMaxVarintBytes; ++i) {
      const auto b = Byte();
      if (!b) return std::nullopt;
      v |= static_cast<std::uint64_t>(*b & 0x7F) << (7 * i);
      if ((*b & 0x80) == 0) {
        if (*b == 0 && i > 0) return std::nullopt;  // a longer form than needed
        return static_cast<std::int64_t>(v);        // 63 bits at most: fits
      }
    }
    return std::nullopt;
  }

 private:
  std::string_view rest_;
};

}  // namespace

std::string EncodeCompact(const LatencyHistogram& h) {
  std::string bytes;
  bytes += static_cast<char>(kVersion);
  PutVarint(bytes, static_cast<std::uint64_t>(h.count()));
  PutVarint(bytes, static_cast<std::uint64_t>(h.min()));
  PutVarint(bytes, static_cast<std::uint64_t>(h.max()));
  PutVarint(bytes, static_cast<std::uint64_t>(h.sum()));
  if (!h.empty()) {
    const std::size_t last = LatencyHistogram::IndexOf(h.max());
    std::size_t end = 0;  // one past the previous run
    for (std::size_t i = LatencyHistogram::IndexOf(h.min()); i <= last;) {
      if (h.CountAt(i) == 0) {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j <= last && h.CountAt(j) != 0) ++j;
      PutVarint(bytes, i - end);
      PutVarint(bytes, j - i);
      for (std::size_t k = i; k < j; ++k)
        PutVarint(bytes, static_cast<std::uint64_t>(h.CountAt(k)));
      end = j;
      i = j;
    }
  }
  return Base64(bytes);
}

std::optional<LatencyHistogram> DecodeCompact(std::string_view text) {
  const auto bytes = FromBase64(text);
  if (!bytes) return std::nullopt;
  Reader in(*bytes);
  const auto version = in.Byte();
  if (!version || *version != kVersion) return std::nullopt;
  const auto count = in.Varint();
  const auto min = in.Varint();
  const auto max = in.Varint();
  const auto sum = in.Varint();
  if (!count || !min || !max || !sum) return std::nullopt;

  LatencyHistogram h;
  if (*count == 0) {
    if (*min != 0 || *max != 0 || *sum != 0 || !in.done()) return std::nullopt;
    return h;
  }
  if (*min > *max || !SumPossible(*count, *min, *max, *sum)) return std::nullopt;
  h.counts_.assign(LatencyHistogram::kCounterCount, 0);
  constexpr auto kCounters = static_cast<std::int64_t>(LatencyHistogram::kCounterCount);
  std::int64_t end = 0;  // one past the previous run
  std::int64_t first = -1;
  std::int64_t total = 0;
  while (!in.done()) {
    const auto gap = in.Varint();
    const auto length = in.Varint();
    if (!gap || !length || *length == 0) return std::nullopt;
    if (first >= 0 && *gap == 0) return std::nullopt;  // runs are as long as they go
    if (*gap > kCounters - end || *length > kCounters - end - *gap) return std::nullopt;
    const std::int64_t start = end + *gap;
    if (first < 0) first = start;
    for (std::int64_t i = start; i < start + *length; ++i) {
      const auto c = in.Varint();
      if (!c || *c == 0 || *c > *count - total) return std::nullopt;
      total += *c;
      h.counts_[static_cast<std::size_t>(i)] = *c;
    }
    end = start + *length;
  }
  if (total != *count) return std::nullopt;
  if (static_cast<std::size_t>(first) != LatencyHistogram::IndexOf(*min) ||
      static_cast<std::size_t>(end - 1) != LatencyHistogram::IndexOf(*max)) {
    return std::nullopt;
  }
  h.count_ = *count;
  h.min_ = *min;
  h.max_ = *max;
  h.sum_ = *sum;
  return h;
}

}  // namespace dialsoak::histogram
