// Helpers of the fuzz targets: an aborting check that says what broke (libFuzzer and the
// replay main both report the abort with the input that caused it), and a small
// deterministic byte source that turns a few input bytes into chunk sizes and choices.
// Header-only, no libFuzzer dependency (tests/fuzz/replay_main.cc links the targets with gcc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace dialsoak::fuzz {

[[noreturn]] inline void CheckFailed(const char* file, int line, const char* condition,
                                     std::string_view detail) {
  std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n  %.*s\n", file, line, condition,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// FUZZ_CHECK(condition, detail): detail is a std::string_view-convertible description.
#define FUZZ_CHECK(condition, detail)                                                          \
  do {                                                                                         \
    if (!(condition)) ::dialsoak::fuzz::CheckFailed(__FILE__, __LINE__, #condition, (detail)); \
  } while (false)

// Choices drawn from a seed taken off the input's front (xorshift64*): the same input
// always makes the same choices, and a one-byte change of the seed changes all of them.
class Choices {
 public:
  explicit Choices(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 1) {}

  std::uint64_t Next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1DULL;
  }
  // Uniform enough in [lo, hi].
  std::size_t Between(std::size_t lo, std::size_t hi) { return lo + Next() % (hi - lo + 1); }
  bool OneIn(std::size_t n) { return Next() % n == 0; }

 private:
  std::uint64_t state_;
};

// Takes the first n bytes of data (fewer if it is shorter) as a little-endian number.
inline std::uint64_t TakeSeed(const std::uint8_t*& data, std::size_t& size, std::size_t n) {
  std::uint64_t seed = 0;
  for (std::size_t i = 0; i < n && size > 0; ++i, ++data, --size) {
    seed |= static_cast<std::uint64_t>(*data) << (8 * i);
  }
  return seed;
}

}  // namespace dialsoak::fuzz
