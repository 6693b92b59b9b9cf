// The .hgrm percentile spectrum of percentile_spectrum.h, parsed back as a plotter reads it.
#include "dialsoak/histogram/percentile_spectrum.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace dialsoak::histogram {
namespace {

using ::testing::ElementsAre;

constexpr const char* kHeader = "       Value     Percentile TotalCount 1/(1-Percentile)";

struct Row {
  double value = 0;
  double percentile = 0;
  std::int64_t total = 0;
  std::optional<double> inverse;  // 1/(1-Percentile); none on the 100% row
};

struct Hgrm {
  std::vector<Row> rows;
  double mean = 0;
  double stddev = 0;
  double max = 0;
  std::int64_t total = 0;
  int buckets = 0;
  int sub_buckets = 0;
};

// Reads the text as HdrHistogram's plotters do, but strictly: any line out of the layout
// fails the test.
Hgrm Parse(const std::string& text) {
  static const std::regex kRow(
      R"( *([0-9]+\.[0-9]{3}) ([01]\.[0-9]{12}) +([0-9]+)(?: +([0-9]+\.[0-9]{2}))?)");
  static const std::regex kMean(R"(#\[Mean    = +([0-9.]+), StdDeviation   = +([0-9.]+)\])");
  static const std::regex kMax(R"(#\[Max     = +([0-9.]+), Total count    = +([0-9]+)\])");
  static const std::regex kBuckets(R"(#\[Buckets = +([0-9]+), SubBuckets     = +([0-9]+)\])");
  Hgrm h;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, kHeader);
  std::getline(in, line);
  EXPECT_EQ(line, "");
  std::smatch m;
  int footer = 0;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, kRow)) {
      EXPECT_EQ(footer, 0) << "a row after the footer: " << line;
      Row r{std::stod(m[1]), std::stod(m[2]), std::stoll(m[3]), std::nullopt};
      if (m[4].matched) r.inverse = std::stod(m[4]);
      h.rows.push_back(r);
    } else if (std::regex_match(line, m, kMean)) {
      h.mean = std::stod(m[1]);
      h.stddev = std::stod(m[2]);
      ++footer;
    } else if (std::regex_match(line, m, kMax)) {
      h.max = std::stod(m[1]);
      h.total = std::stoll(m[2]);
      ++footer;
    } else if (std::regex_match(line, m, kBuckets)) {
      h.buckets = std::stoi(m[1]);
      h.sub_buckets = std::stoi(m[2]);
      ++footer;
    } else {
      ADD_FAILURE() << "line out of the .hgrm layout: '" << line << "'";
    }
  }
  EXPECT_EQ(footer, 3);
  return h;
}

LatencyHistogram Lognormal(std::size_t n, double median_ns, double sigma, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> d(std::log(median_ns), sigma);
  LatencyHistogram h;
  for (std::size_t i = 0; i < n; ++i) h.Record(std::llround(d(rng)));
  return h;
}

TEST(PercentileSpectrumTest, ParsesBackMonotoneToOneHundredPercent) {
  const LatencyHistogram h = Lognormal(100'000, 30e6, 0.8, 1);  // dials around 30 ms
  const std::string text = PercentileSpectrum(h);
  const Hgrm hgrm = Parse(text);
  ASSERT_GE(hgrm.rows.size(), 20u);
  for (std::size_t i = 1; i < hgrm.rows.size(); ++i) {
    EXPECT_GE(hgrm.rows[i].value, hgrm.rows[i - 1].value) << i;
    EXPECT_GT(hgrm.rows[i].percentile, hgrm.rows[i - 1].percentile) << i;
    EXPECT_GE(hgrm.rows[i].total, hgrm.rows[i - 1].total) << i;
  }
  const Row& first = hgrm.rows.front();
  EXPECT_EQ(first.percentile, 0.0);
  EXPECT_NEAR(first.value, static_cast<double>(h.min()) / 1e6, 0.0005);
  const Row& last = hgrm.rows.back();
  EXPECT_EQ(last.percentile, 1.0);
  EXPECT_EQ(last.total, h.count());
  EXPECT_FALSE(last.inverse.has_value());
  EXPECT_NEAR(last.value, static_cast<double>(h.max()) / 1e6, 0.0005);
  for (std::size_t i = 0; i + 1 < hgrm.rows.size(); ++i) {
    ASSERT_TRUE(hgrm.rows[i].inverse.has_value()) << i;
    EXPECT_NEAR(*hgrm.rows[i].inverse, 1 / (1 - hgrm.rows[i].percentile), 0.006);
  }
  EXPECT_EQ(hgrm.total, h.count());
  EXPECT_NEAR(hgrm.max, static_cast<double>(h.max()) / 1e6, 0.0005);
  EXPECT_NEAR(hgrm.mean, h.mean() / 1e6, 0.0005);
  EXPECT_GT(hgrm.stddev, 0);
  EXPECT_EQ(hgrm.buckets, 32);
  EXPECT_EQ(hgrm.sub_buckets, 2048);
}

// HdrHistogram's levels with 5 ticks a half distance: 10% steps to 50%, 5% to 75%, 2.5%
// to 87.5%, ...; with 1,000 distinct values every level up to 99.9% gets a row of its own.
TEST(PercentileSpectrumTest, LevelsHalveTheDistanceToOneHundredPercent) {
  LatencyHistogram h;
  for (std::int64_t v = 1; v <= 1000; ++v) h.Record(v * 1000);  // 1..1000 us
  const auto rows = PercentileRows(h);
  std::vector<double> levels;
  for (std::size_t i = 0; i < 16 && i < rows.size(); ++i) levels.push_back(rows[i].percentile);
  EXPECT_THAT(levels,
              ElementsAre(0, 10, 20, 30, 40, 50, 55, 60, 65, 70, 75, 77.5, 80, 82.5, 85, 87.5));
  // Each row's value is Percentile at its level: the sample at rank ceil(level * n)
  // (within 0.05%), the row's total.
  for (const auto& row : rows) {
    EXPECT_EQ(row.value_ns, h.Percentile(row.percentile)) << row.percentile;
    const auto rank =
        std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(row.percentile * 10 - 1e-9)));
    EXPECT_EQ(row.total_count, rank) << row.percentile;
    EXPECT_NEAR(static_cast<double>(row.value_ns), static_cast<double>(rank * 1000),
                static_cast<double>(rank * 1000) / 2048 + 1)
        << row.percentile;
  }
  EXPECT_EQ(rows.back().value_ns, 1'000'000);
  EXPECT_EQ(rows.back().percentile, 100);
  // The row before 100% is the last value's: the first level past 99.9%.
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(rows[rows.size() - 2].total_count, 1000);
  EXPECT_GT(rows[rows.size() - 2].percentile, 99.9);
}

TEST(PercentileSpectrumTest, OneValueGivesItsRowAndTheHundredPercentRow) {
  LatencyHistogram h;
  h.Record(2'500'000, 7);  // 2.5 ms
  EXPECT_EQ(PercentileSpectrum(h),
            std::string(kHeader) +
                "\n\n"
                "       2.500 0.000000000000          7           1.00\n"
                "       2.500 1.000000000000          7\n"
                "#[Mean    =        2.500, StdDeviation   =        0.000]\n"
                "#[Max     =        2.500, Total count    =            7]\n"
                "#[Buckets =           32, SubBuckets     =         2048]\n");
}

TEST(PercentileSpectrumTest, EmptyHasHeaderAndZeroFooterOnly) {
  EXPECT_EQ(PercentileSpectrum(LatencyHistogram{}),
            std::string(kHeader) +
                "\n\n"
                "#[Mean    =        0.000, StdDeviation   =        0.000]\n"
                "#[Max     =        0.000, Total count    =            0]\n"
                "#[Buckets =           32, SubBuckets     =         2048]\n");
  EXPECT_TRUE(PercentileRows(LatencyHistogram{}).empty());
}

TEST(PercentileSpectrumTest, UnitAndTicksAreTakenAsGivenOrDefaulted) {
  LatencyHistogram h;
  h.Record(1'500);
  h.Record(2'000);
  EXPECT_THAT(PercentileSpectrum(h, 1e3), ::testing::HasSubstr("       1.500 0.000000000000"));
  EXPECT_EQ(PercentileSpectrum(h, 0), PercentileSpectrum(h, 1e6));
  EXPECT_EQ(PercentileSpectrum(h, std::nan("")), PercentileSpectrum(h, 1e6));
  EXPECT_EQ(PercentileRows(h, 0).size(), PercentileRows(h, 1).size());
  EXPECT_EQ(PercentileRows(h, 1'000'000).size(), PercentileRows(h, 100).size());
  const Hgrm fine = Parse(PercentileSpectrum(Lognormal(10'000, 1e6, 1, 2), 1e6, 20));
  const Hgrm coarse = Parse(PercentileSpectrum(Lognormal(10'000, 1e6, 1, 2), 1e6, 2));
  EXPECT_GT(fine.rows.size(), 3 * coarse.rows.size());
}

TEST(PercentileSpectrumTest, HugeCountsEndWithoutEndlessLevels) {
  LatencyHistogram h;
  h.Record(1'000, std::int64_t{1} << 60);
  h.Record(2'000'000, 1);
  const auto rows = PercentileRows(h);
  ASSERT_FALSE(rows.empty());
  EXPECT_LT(rows.size(), 2000u);
  EXPECT_EQ(rows.back().percentile, 100);
  EXPECT_EQ(rows.back().value_ns, 2'000'000);
}

}  // namespace
}  // namespace dialsoak::histogram
