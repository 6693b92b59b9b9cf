// Erlang B and the statistics a capacity sweep needs (issue 6, `dialsoak capacity`): the
// blocking a pool of ports causes at an offered load, the ports a target blocking needs,
// the load a pool carries at a target, and a confidence interval for a measured blocking
// ratio, with the number of calls a sweep step needs to make that interval narrow enough.
//
// Model. Erlang's loss formula (M/M/C/C, blocked calls cleared): Poisson arrivals from
// many independent callers, C ports, a call that finds every port busy is lost and does
// not retry. The offered load E in Erlangs is arrival rate times mean holding time (in
// the same time unit): 0.1 calls/s held 180 s on average is 18 E. Only the mean of the
// holding time matters, not its distribution.
//
// Method. B(E, C) = (E^C / C!) / sum_{k=0..C} E^k / k!, computed by the recurrence
// B(E, 0) = 1, B(E, k) = E B(E, k-1) / (k + E B(E, k-1)): every step stays in [0, 1], so
// nothing overflows (C = 5,000 at 4,900 E is fine) and no factorial is formed. The
// inverses use that B increases in E and decreases in C: PortsForBlocking steps C up
// until B <= target; OfferedLoadForBlocking bisects on E.
//
// Measured blocking. A sweep step that offers n calls and sees x blocked has the ratio
// x/n, and WilsonInterval puts a confidence interval on it. Wilson's score interval
// (Wilson 1927; recommended by Brown, Cai and DasGupta, "Interval Estimation for a
// Binomial Proportion", Statistical Science 16(2), 2001) rather than the textbook
// p +- z sqrt(p(1-p)/n): at the ratios capacity planning cares about (0 to a few per cent)
// the textbook interval collapses to [0, 0] when nothing was blocked, goes below 0 near
// 1%, and covers the true ratio far less often than it claims; Wilson's stays inside
// [0, 1], is not empty at x = 0 (its upper bound there is z^2 / (n + z^2), about 3.8/n at
// 95%), and its coverage stays near the nominal level where the textbook one's falls short.
//
// Cost. ErlangB is C steps (stopping early once B underflows to 0); PortsForBlocking is
// as many steps as the ports it returns; OfferedLoadForBlocking is about 50 ErlangB
// calls. At the 100,000-port cap that is under 1 ms for ErlangB and PortsForBlocking and
// about 40 ms for OfferedLoadForBlocking (RelWithDebInfo).
//
// Thread safety: pure functions, no shared state. Errors: every function throws
// std::invalid_argument for arguments that are a configuration error (a negative, NaN
// or infinite load; negative ports; a target or confidence outside (0, 1); blocked
// outside [0, calls]; a half-width outside (0, 0.5]), with a message naming the value and
// what is allowed; and when the answer is out of reach: PortsForBlocking beyond
// kMaxPorts, CallsForIntervalWidth beyond 1e15 calls.
#pragma once

#include <cstdint>

namespace dialsoak::analysis {

// The largest pool PortsForBlocking answers with and OfferedLoadForBlocking accepts: far
// beyond any dial-up concentrator, small enough that a typo (1e6 E) fails with a message
// instead of running for minutes.
inline constexpr int kMaxPorts = 100'000;

// Blocking probability B(E, C) of offered_erlangs (E >= 0, finite) offered to `ports`
// (C >= 0) ports. B(E, 0) = 1 (with no port every call is lost, even at E = 0);
// B(0, C) = 0 for C >= 1. Result in [0, 1].
double ErlangB(double offered_erlangs, int ports);

// The smallest C with ErlangB(offered_erlangs, C) <= target_blocking: the ports needed for
// a grade of service ("how many ports for 1% at 29 E?" -> 40). target_blocking in (0, 1).
// At 0 E the answer is 1 (B(0, 0) = 1 by the definition above). Throws when more than
// kMaxPorts ports would be needed.
int PortsForBlocking(double offered_erlangs, double target_blocking);

// The largest offered load E with ErlangB(E, ports) <= target_blocking ("how much traffic
// do 40 ports take at 1%?" -> 29.0 E), to a relative precision of 1e-12; the returned E
// itself satisfies the target. ports in [1, kMaxPorts], target_blocking in (0, 1).
double OfferedLoadForBlocking(int ports, double target_blocking);

// The load the ports actually carry: E (1 - B(E, C)), the mean number of busy ports.
double CarriedLoad(double offered_erlangs, int ports);

// A two-sided confidence interval for a proportion, all three in [0, 1].
struct ProportionInterval {
  double estimate = 0;  // blocked / calls (0 when calls == 0)
  double lower = 0;
  double upper = 1;
};

// Wilson score interval for `blocked` of `calls` at `confidence` (two-sided, in (0, 1);
// z from TwoSidedNormalQuantile in theil_sen.h). With p = blocked / calls, n = calls:
//   (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n).
// calls == 0 gives estimate 0 and [0, 1] (nothing is known); blocked == 0 gives lower
// exactly 0, blocked == calls upper exactly 1. Throws unless 0 <= blocked <= calls.
ProportionInterval WilsonInterval(std::int64_t blocked, std::int64_t calls,
                                  double confidence = 0.95);

// The calls a sweep step needs so that, if it measures the ratio `blocking` (in [0, 1],
// e.g. the Erlang B value expected at that step), the Wilson interval at `confidence` has
// a half-width (upper - lower) / 2 of at most `half_width` (in (0, 0.5]): "how long must a
// step at 1% run to know the ratio to +-0.25%?" -> 6,173 calls at 95%. Divide by the call
// rate for the step's duration. The measured ratio will differ from the planned one, and
// so will the width, a little. Throws when the answer exceeds 1e15 calls.
std::int64_t CallsForIntervalWidth(double blocking, double half_width, double confidence = 0.95);

// The pieces both Wilson intervals here are made of (this one, and the batch-means one of
// capacity_interval.h, taken at an effective number of calls):
// Wilson's score interval for the ratio p over n > 0 (effective, so not whole) calls with
// quantile z, its bounds clamped to [0, p] and [p, 1].
ProportionInterval WilsonScoreInterval(double p, double n, double z);
// Its half-width (upper - lower) / 2, unclamped: z sqrt(p(1-p) n + z^2/4) / (n + z^2),
// strictly decreasing in n.
double WilsonHalfWidth(double p, double n, double z);
// The real n at which WilsonHalfWidth(blocking, n, z) is half_width (the larger root of the
// quadratic). Throws std::invalid_argument for a blocking outside [0, 1] or a half-width
// outside (0, 0.5]; call CheckCallsWithinLimit on what is made of it.
double WilsonCallsForHalfWidth(double blocking, double half_width, double z);
// Throws std::invalid_argument when calls is over 1e15 (or NaN): ask for a wider interval.
void CheckCallsWithinLimit(double calls, double blocking, double half_width);

}  // namespace dialsoak::analysis
