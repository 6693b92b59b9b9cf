#include "dialsoak/analysis/erlang_b.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

namespace dialsoak::analysis {
namespace {

using ::testing::HasSubstr;

// The message of the std::invalid_argument that f throws, or "" (and a failure) if none.
std::string InvalidArgumentMessage(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "no std::invalid_argument thrown";
  return "";
}

// Published Erlang B table entries: the load a pool of `ports` takes at `target` blocking,
// as printed, and half a unit of its last printed digit (the table rounds the exact load).
struct TableEntry {
  int ports;
  double target;
  double load;
  double half_unit;
  bool three_figures;  // printed to 3+ significant figures: B at the printed load is close
};

// Sources:
// - The standard Erlang B table figures as quoted in issue 6 (blocking 1%: 10 ports 4.46 E,
//   20 ports 12.03 E, 40 ports 29.0 E, 100 ports 84.06 E; blocking 5%: 10 ports 6.22 E,
//   40 ports 34.6 E). No primary table was at hand for these, so they were also checked
//   outside this code: the closed form E^C/C! / sum E^k/k! in exact rational arithmetic
//   (Python fractions) at each figure, and the exact loads (4.4612, 12.0306, 29.0074,
//   84.0642, 6.2157, 34.5960) round to them.
// - Westbay Engineers' Erlang B calculator manual, "How much traffic can a trunk group
//   handle?" (https://erlang.com/calculatormanual/howmuchtrafficcanatrunkgrouphandle.htm):
//   15 lines at 1% blocking carry 8.108 E.
// - D. Collins, "Carrier Grade Voice over IP", 2nd ed., Appendix A "Table of Erlang B"
//   (https://www.globalspec.com/reference/55139/203279/appendix-a-table-of-erlang-b), one
//   decimal: 5 channels 1.4 E at 1%, 2.2 E at 5%; 8 channels 3.1 and 4.5; 9 channels 3.8
//   and 5.4.
// clang-format off
constexpr TableEntry kTable[] = {
    // ports target  load   half_unit three_figures
    {10,  0.01, 4.46,  0.005,  true},   // issue 6 standard table
    {20,  0.01, 12.03, 0.005,  true},
    {40,  0.01, 29.0,  0.05,   true},
    {100, 0.01, 84.06, 0.005,  true},
    {10,  0.05, 6.22,  0.005,  true},
    {40,  0.05, 34.6,  0.05,   true},
    {15,  0.01, 8.108, 0.0005, true},   // Westbay Engineers
    {5,   0.01, 1.4,   0.05,   false},  // Collins, Appendix A
    {5,   0.05, 2.2,   0.05,   false},
    {8,   0.01, 3.1,   0.05,   false},
    {8,   0.05, 4.5,   0.05,   false},
    {9,   0.01, 3.8,   0.05,   false},
    {9,   0.05, 5.4,   0.05,   false},
};
// clang-format on

std::string Describe(const TableEntry& e) {
  return std::to_string(e.ports) + " ports at " + std::to_string(e.target) + ", table " +
         std::to_string(e.load) + " E";
}

TEST(ErlangBTest, PublishedTableLoadsAreTheExactLoadsRounded) {
  for (const TableEntry& e : kTable) {
    // The exact load lies within half a printed unit of the table's figure.
    EXPECT_LE(ErlangB(e.load - e.half_unit, e.ports), e.target) << Describe(e);
    EXPECT_GE(ErlangB(e.load + e.half_unit, e.ports), e.target) << Describe(e);
  }
}

TEST(ErlangBTest, BlockingAtPublishedLoadIsCloseToTarget) {
  for (const TableEntry& e : kTable) {
    if (!e.three_figures) continue;
    EXPECT_NEAR(ErlangB(e.load, e.ports), e.target, 0.005 * e.target) << Describe(e);
  }
}

TEST(ErlangBTest, OfferedLoadForBlockingReturnsThePublishedLoad) {
  for (const TableEntry& e : kTable) {
    const double load = OfferedLoadForBlocking(e.ports, e.target);
    EXPECT_NEAR(load, e.load, e.half_unit) << Describe(e);
    if (e.three_figures) {
      EXPECT_NEAR(load, e.load, 0.01) << Describe(e);
    }
  }
  EXPECT_NEAR(OfferedLoadForBlocking(40, 0.01), 29.0074, 1e-4);
}

TEST(ErlangBTest, OfferedLoadForBlockingIsTheLargestLoadMeetingTheTarget) {
  for (int ports : {1, 2, 10, 24, 48, 96, 240, 1000}) {
    for (double target : {0.001, 0.01, 0.02, 0.05, 0.3}) {
      const double load = OfferedLoadForBlocking(ports, target);
      EXPECT_LE(ErlangB(load, ports), target) << ports << " ports at " << target;
      EXPECT_GT(ErlangB(load * (1 + 1e-9), ports), target) << ports << " ports at " << target;
    }
  }
}

TEST(ErlangBTest, SmallCasesByHand) {
  EXPECT_DOUBLE_EQ(ErlangB(1, 1), 0.5);          // 1 / (1 + 1)
  EXPECT_DOUBLE_EQ(ErlangB(2, 2), 0.4);          // (4/2) / (1 + 2 + 4/2)
  EXPECT_DOUBLE_EQ(ErlangB(3, 3), 4.5 / 13);     // (27/6) / (1 + 3 + 9/2 + 27/6)
  EXPECT_DOUBLE_EQ(ErlangB(0.5, 1), 0.5 / 1.5);  // E / (1 + E)
  EXPECT_DOUBLE_EQ(ErlangB(1, 2), 0.5 / 2.5);    // (1/2) / (1 + 1 + 1/2)
  EXPECT_EQ(ErlangB(7, 0), 1);                   // no port: every call is lost
  EXPECT_EQ(ErlangB(0, 0), 1);
  EXPECT_EQ(ErlangB(0, 1), 0);  // no load: nothing is blocked
  EXPECT_EQ(ErlangB(0, 500), 0);
}

TEST(ErlangBTest, IncreasesWithLoadAndDecreasesWithPorts) {
  for (int ports : {1, 5, 40, 100}) {
    double previous = ErlangB(0, ports);
    for (double load = 0.5; load <= 200; load += 0.5) {
      const double b = ErlangB(load, ports);
      EXPECT_GT(b, previous) << load << " E on " << ports << " ports";
      previous = b;
    }
  }
  for (double load : {0.1, 4.46, 29.0, 84.06}) {
    double previous = ErlangB(load, 0);
    // (B(0.1, C) underflows to 0 past C = 120 or so: stop while it is a normal number.)
    for (int ports = 1; ports <= 150 && previous > 1e-250; ++ports) {
      const double b = ErlangB(load, ports);
      EXPECT_LT(b, previous) << load << " E on " << ports << " ports";
      previous = b;
    }
  }
}

TEST(ErlangBTest, LargePoolsStayFiniteAndExact) {
  const double b = ErlangB(4900, 5000);
  EXPECT_TRUE(std::isfinite(b));
  EXPECT_GT(b, 0);
  EXPECT_LT(b, 1);
  // The closed form in exact rational arithmetic: 0.002215767902497243 (the factorials
  // here have over 16,000 digits; computing them in double would overflow at C = 171).
  EXPECT_NEAR(b, 0.002215767902497243, 1e-12 * 0.002215767902497243);
  // Overload: E >> C blocks nearly everything, roughly 1 - C/E.
  EXPECT_NEAR(ErlangB(1e6, 1000), 1 - 1000 / 1e6, 1e-5);
  // Far below capacity the blocking underflows to 0 instead of to a NaN.
  EXPECT_EQ(ErlangB(1, 100'000), 0);
  EXPECT_EQ(ErlangB(1e-300, 3), 0);
}

TEST(ErlangBTest, PortsForBlockingKnownCases) {
  EXPECT_EQ(PortsForBlocking(29.0, 0.01), 40);
  EXPECT_EQ(PortsForBlocking(84.06, 0.01), 100);
  EXPECT_EQ(PortsForBlocking(4.46, 0.01), 10);
  EXPECT_EQ(PortsForBlocking(12.03, 0.01), 20);
  EXPECT_EQ(PortsForBlocking(8.108, 0.01), 15);
  // Just above what 40 ports take at 1% (29.0074 E) needs a 41st port.
  EXPECT_EQ(PortsForBlocking(29.01, 0.01), 41);
  // The table's 6.22 E at 5% is 6.2157 rounded up: 10 ports block 5.01%, so 11 are needed.
  EXPECT_EQ(PortsForBlocking(6.22, 0.05), 11);
  EXPECT_EQ(PortsForBlocking(6.21, 0.05), 10);
  EXPECT_EQ(PortsForBlocking(1, 0.5), 1);  // B(1, 1) = 0.5 meets 0.5
  EXPECT_EQ(PortsForBlocking(2, 0.4), 2);  // B(2, 2) = 0.4 meets 0.4
  EXPECT_EQ(PortsForBlocking(2, 0.39), 3);
  EXPECT_EQ(PortsForBlocking(0, 0.01), 1);  // B(0, 0) = 1 by definition
}

TEST(ErlangBTest, PortsForBlockingIsTheSmallestPoolMeetingTheTarget) {
  for (double load : {0.3, 3.0, 17.5, 29.0, 250.0, 4900.0}) {
    for (double target : {0.001, 0.01, 0.05}) {
      const int ports = PortsForBlocking(load, target);
      EXPECT_LE(ErlangB(load, ports), target) << load << " E at " << target;
      EXPECT_GT(ErlangB(load, ports - 1), target) << load << " E at " << target;
      // And the inverse in the other direction agrees.
      EXPECT_GE(OfferedLoadForBlocking(ports, target), load) << load << " E at " << target;
      if (ports > 1) {
        EXPECT_LT(OfferedLoadForBlocking(ports - 1, target), load) << load << " E at " << target;
      }
    }
  }
}

TEST(ErlangBTest, CarriedLoadIsOfferedLoadLessTheBlocked) {
  EXPECT_DOUBLE_EQ(CarriedLoad(1, 1), 0.5);
  EXPECT_DOUBLE_EQ(CarriedLoad(2, 2), 1.2);
  EXPECT_EQ(CarriedLoad(0, 10), 0);
  EXPECT_EQ(CarriedLoad(5, 0), 0);
  EXPECT_NEAR(CarriedLoad(29.0074, 40), 29.0074 * 0.99, 1e-4);
  // Never more than the ports or the load, however overloaded.
  for (double load : {1.0, 30.0, 60.0, 1e4}) {
    EXPECT_LE(CarriedLoad(load, 40), 40) << load;
    EXPECT_LE(CarriedLoad(load, 40), load) << load;
  }
  EXPECT_NEAR(CarriedLoad(1e6, 40), 40, 1e-3);
}

TEST(ErlangBTest, BadInputsThrowWithMessages) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_THAT(InvalidArgumentMessage([] { ErlangB(-1, 10); }),
              HasSubstr("offered load must be a finite number of Erlangs >= 0"));
  EXPECT_THAT(InvalidArgumentMessage([&] { ErlangB(nan, 10); }), HasSubstr("got nan"));
  EXPECT_THAT(InvalidArgumentMessage([&] { ErlangB(inf, 10); }), HasSubstr("got inf"));
  EXPECT_THAT(InvalidArgumentMessage([] { ErlangB(5, -1); }),
              HasSubstr("ports must be >= 0, got -1"));
  EXPECT_THAT(InvalidArgumentMessage([] { CarriedLoad(-0.5, 10); }), HasSubstr("got -0.5"));

  for (double target : {0.0, 1.0, -0.01, 1.5, nan}) {
    EXPECT_THAT(InvalidArgumentMessage([&] { PortsForBlocking(10, target); }),
                HasSubstr("target blocking must be a ratio between 0 and 1"))
        << target;
    EXPECT_THAT(InvalidArgumentMessage([&] { OfferedLoadForBlocking(10, target); }),
                HasSubstr("target blocking must be a ratio between 0 and 1"))
        << target;
  }
  EXPECT_THAT(InvalidArgumentMessage([] { PortsForBlocking(-3, 0.01); }), HasSubstr("got -3"));
  EXPECT_THAT(InvalidArgumentMessage([] { PortsForBlocking(1e6, 0.01); }),
              HasSubstr("needs more than 100000 ports"));
  EXPECT_THAT(InvalidArgumentMessage([] { OfferedLoadForBlocking(0, 0.01); }),
              HasSubstr("ports must be between 1 and 100000, got 0"));
  EXPECT_THAT(InvalidArgumentMessage([] { OfferedLoadForBlocking(100'001, 0.01); }),
              HasSubstr("got 100001"));
}

// Wilson score interval, by hand for 10 blocked of 1,000 at 95% (z = 1.959964, z^2 =
// 3.841459): centre (0.01 + z^2/2000) / (1 + z^2/1000) = 0.0118751, half-width
// z sqrt(0.01 * 0.99 / 1000 + z^2 / 4e6) / (1 + z^2/1000) = 0.0064344, so [0.0054408,
// 0.0183095]. (The normal approximation would say 0.01 +- 0.0061670.)
TEST(WilsonIntervalTest, TenOfAThousandByHand) {
  const ProportionInterval ci = WilsonInterval(10, 1000);
  EXPECT_DOUBLE_EQ(ci.estimate, 0.01);
  EXPECT_NEAR(ci.lower, 0.0054408, 1e-7);
  EXPECT_NEAR(ci.upper, 0.0183095, 1e-7);
  EXPECT_NEAR((ci.lower + ci.upper) / 2, 0.0118751, 1e-7);
}

TEST(WilsonIntervalTest, NothingBlockedStillHasAnUpperBound) {
  const ProportionInterval ci = WilsonInterval(0, 1000);
  EXPECT_EQ(ci.estimate, 0);
  EXPECT_EQ(ci.lower, 0);
  // z^2 / (n + z^2): the "rule of 3.84" where the normal approximation gives [0, 0].
  EXPECT_NEAR(ci.upper, 3.841459 / 1003.841459, 1e-8);
}

TEST(WilsonIntervalTest, EverythingBlockedReachesOne) {
  const ProportionInterval ci = WilsonInterval(1000, 1000);
  EXPECT_EQ(ci.estimate, 1);
  EXPECT_EQ(ci.upper, 1);
  EXPECT_NEAR(ci.lower, 1000 / 1003.841459, 1e-8);
}

TEST(WilsonIntervalTest, EdgesAreExactlyZeroAndOneForAnyCount) {
  for (std::int64_t calls : {1, 2, 3, 7, 10, 99, 1000, 12345, 1000000, 987654321}) {
    for (double confidence : {0.8, 0.95, 0.99, 0.999}) {
      EXPECT_EQ(WilsonInterval(0, calls, confidence).lower, 0) << calls << " " << confidence;
      EXPECT_EQ(WilsonInterval(calls, calls, confidence).upper, 1) << calls << " " << confidence;
      EXPECT_LT(WilsonInterval(0, calls, confidence).upper, 1) << calls << " " << confidence;
      EXPECT_GT(WilsonInterval(calls, calls, confidence).lower, 0) << calls << " " << confidence;
    }
  }
}

TEST(WilsonIntervalTest, NoCallsKnowsNothing) {
  const ProportionInterval ci = WilsonInterval(0, 0);
  EXPECT_EQ(ci.estimate, 0);
  EXPECT_EQ(ci.lower, 0);
  EXPECT_EQ(ci.upper, 1);
}

TEST(WilsonIntervalTest, StaysAboveZeroWhereTheNormalApproximationGoesNegative) {
  // 1 of 100: 0.01 - 1.96 sqrt(0.0099 / 100) = -0.0095; Wilson gives [0.0017674, 0.0544862].
  const ProportionInterval ci = WilsonInterval(1, 100);
  EXPECT_NEAR(ci.lower, 0.0017674, 1e-7);
  EXPECT_NEAR(ci.upper, 0.0544862, 1e-7);
}

TEST(WilsonIntervalTest, SymmetricAndNarrowerWithMoreCallsWiderWithMoreConfidence) {
  for (std::int64_t blocked : {0, 1, 7, 50, 93, 100}) {
    const ProportionInterval a = WilsonInterval(blocked, 100);
    const ProportionInterval b = WilsonInterval(100 - blocked, 100);
    EXPECT_NEAR(a.lower, 1 - b.upper, 1e-12) << blocked;
    EXPECT_NEAR(a.upper, 1 - b.lower, 1e-12) << blocked;
    EXPECT_LE(a.lower, a.estimate) << blocked;
    EXPECT_GE(a.upper, a.estimate) << blocked;
  }
  const ProportionInterval small = WilsonInterval(10, 1000);
  const ProportionInterval large = WilsonInterval(100, 10000);
  EXPECT_LT(large.upper - large.lower, small.upper - small.lower);
  const ProportionInterval strict = WilsonInterval(10, 1000, 0.99);
  EXPECT_LT(strict.lower, small.lower);
  EXPECT_GT(strict.upper, small.upper);
}

TEST(WilsonIntervalTest, BadCountsThrowWithMessages) {
  EXPECT_THAT(InvalidArgumentMessage([] { WilsonInterval(11, 10); }),
              HasSubstr("got 11 blocked of 10"));
  EXPECT_THAT(InvalidArgumentMessage([] { WilsonInterval(-1, 10); }),
              HasSubstr("got -1 blocked of 10"));
  EXPECT_THAT(InvalidArgumentMessage([] { WilsonInterval(0, -5); }),
              HasSubstr("got 0 blocked of -5"));
  EXPECT_THAT(InvalidArgumentMessage([] { WilsonInterval(1, 10, 1.0); }),
              HasSubstr("confidence must be between 0 and 1"));
}

TEST(CallsForIntervalWidthTest, OnePercentToAQuarterPercent) {
  // The quadratic's root is 6172.81; the normal approximation's z^2 p(1-p) / h^2 is 6085.
  EXPECT_EQ(CallsForIntervalWidth(0.01, 0.0025), 6173);
  EXPECT_EQ(CallsForIntervalWidth(0.01, 0.0025, 0.95), 6173);
  EXPECT_GT(CallsForIntervalWidth(0.01, 0.0025, 0.99), 6173);
  EXPECT_GT(CallsForIntervalWidth(0.01, 0.001), 6173);
}

TEST(CallsForIntervalWidthTest, NothingBlockedByHand) {
  // At p = 0 the half-width is z^2 / (2 (n + z^2)): n >= z^2 / 2h - z^2 = 1916.89.
  EXPECT_EQ(CallsForIntervalWidth(0, 0.001), 1917);
  EXPECT_LE(WilsonInterval(0, 1917).upper / 2, 0.001);
  EXPECT_GT(WilsonInterval(0, 1916).upper / 2, 0.001);
}

TEST(CallsForIntervalWidthTest, RoundTripsWithWilsonInterval) {
  // Asking for exactly the half-width WilsonInterval gives at n calls returns n.
  struct Case {
    std::int64_t blocked, calls;
  };
  for (const Case c : {Case{10, 1000}, Case{50, 100}, Case{3, 400}, Case{1, 5000}}) {
    const ProportionInterval ci = WilsonInterval(c.blocked, c.calls);
    const double half = (ci.upper - ci.lower) / 2 * (1 + 1e-12);
    const double p = static_cast<double>(c.blocked) / static_cast<double>(c.calls);
    EXPECT_EQ(CallsForIntervalWidth(p, half), c.calls) << c.blocked << "/" << c.calls;
  }
}

TEST(CallsForIntervalWidthTest, BadInputsThrowWithMessages) {
  EXPECT_THAT(InvalidArgumentMessage([] { CallsForIntervalWidth(-0.1, 0.01); }),
              HasSubstr("blocking must be a ratio in [0, 1]"));
  EXPECT_THAT(InvalidArgumentMessage([] { CallsForIntervalWidth(0.01, 0); }),
              HasSubstr("half-width must be in (0, 0.5]"));
  EXPECT_THAT(InvalidArgumentMessage([] { CallsForIntervalWidth(0.01, 0.6); }),
              HasSubstr("half-width must be in (0, 0.5]"));
  EXPECT_THAT(InvalidArgumentMessage([] { CallsForIntervalWidth(0.5, 1e-9); }),
              HasSubstr("ask for a wider interval"));
  EXPECT_THAT(InvalidArgumentMessage([] { CallsForIntervalWidth(0.01, 0.01, 0); }),
              HasSubstr("confidence must be between 0 and 1"));
}

}  // namespace
}  // namespace dialsoak::analysis
