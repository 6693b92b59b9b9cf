// Deadline: the point in monotonic time by which a wait must end.
// Every blocking operation in dialsoak takes one, so nothing waits forever.
// Plain value type; thread-compatible.
#pragma once

#include <algorithm>
#include <chrono>

namespace dialsoak {

using Clock = std::chrono::steady_clock;

class Deadline {
 public:
  explicit Deadline(Clock::time_point at) : at_(at) {}
  static Deadline After(Clock::duration d) { return Deadline(Clock::now() + d); }

  Clock::time_point at() const { return at_; }
  bool Expired() const { return Clock::now() >= at_; }
  Clock::duration Remaining() const {
    return std::max(Clock::duration::zero(), at_ - Clock::now());
  }
  // Milliseconds left, rounded up, for poll(2); 0 once expired.
  int PollTimeoutMs() const {
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(Remaining()).count();
    return static_cast<int>(std::min<long long>(ms, 1 << 30));
  }
  // The earlier of this deadline and now + d.
  Deadline Within(Clock::duration d) const { return Deadline(std::min(at_, Clock::now() + d)); }

 private:
  Clock::time_point at_;
};

}  // namespace dialsoak
