#include "dialsoak/report/comparison.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace dialsoak::report {
namespace {

using nlohmann::json;

ComparisonRow Row(std::string label, std::string metric, std::string unit, Change change, double base,
                  double next) {
  ComparisonRow r;
  r.group = "latency";
  r.label = std::move(label);
  r.metric = std::move(metric);
  r.unit = std::move(unit);
  r.change = change;
  r.base = base;
  r.next = next;
  r.diff = next - base;
  if (change != Change::NotCompared) {
    r.lower = *r.diff - std::abs(*r.diff) / 2 - 1e-6;
    r.upper = *r.diff + std::abs(*r.diff) / 2 + 1e-6;
  }
  return r;
}

// Rows in the order least worrying first, so that a table in the record's order would get
// every position wrong.
Comparison Sample() {
  Comparison c;
  c.kind = "run";
  c.base_path = "/runs/monday";
  c.next_path = "/runs/tuesday";
  c.base_id = "20261207T010000-aaaa";
  c.next_id = "20261208T010000-bbbb";
  c.confidence = 0.99;
  c.rows = {Row("hang-up p99", "hangup_p99", "s", Change::NotCompared, 0.002, 0.0021),
            Row("dial p50", "dial_p50", "s", Change::NoChange, 0.050, 0.0501),
            Row("cycles per second", "cycles_per_second", "cycles/s", Change::Better, 20, 22),
            Row("BUSY share", "busy_share", "share", Change::Worse, 0.01, 0.03),
            Row("dial p99", "dial_p99", "s", Change::Worse, 0.100, 0.120)};
  c.rows[0].note = "too few samples beyond p99";
  c.simultaneous = 4;
  c.gates = {{"dial_p99>10%", true, "dial p99 +20.000 ms: beyond +10 %"}, {"leak", false, "no leak verdict in NEW"}};
  return c;
}

std::size_t At(const std::string& text, const std::string& what) {
  const std::size_t at = text.find(what);
  EXPECT_NE(at, std::string::npos) << what << " not in\n" << text;
  return at;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The cells of a Markdown table row: the pipes not escaped with a backslash split it.
std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size()) {
      cell += line.substr(i, 2);
      ++i;
    } else if (line[i] == '|') {
      cells.push_back(cell);
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  cells.push_back(cell);
  return cells;
}

// ---- the table ----

TEST(RenderComparisonTest, ListsWorseRowsFirstThenBetterNoChangeAndNotCompared) {
  const Comparison c = Sample();
  const std::string t = RenderComparison(c);
  // Worse in the record's order, then the others by kind.
  const std::size_t busy = At(t, "BUSY share"), p99 = At(t, "dial p99"), cps = At(t, "cycles per second"),
                    p50 = At(t, "dial p50"), hangup = At(t, "hang-up p99");
  EXPECT_LT(busy, p99);
  EXPECT_LT(p99, cps);
  EXPECT_LT(cps, p50);
  EXPECT_LT(p50, hangup);
  EXPECT_NE(t.find("WORSE"), std::string::npos);
}

TEST(RenderComparisonTest, NamesBothRunsTheGatesAndEachRowsLevel) {
  const Comparison c = Sample();
  const std::string t = RenderComparison(c);
  EXPECT_LT(At(t, c.base_id), At(t, c.next_id));
  At(t, c.base_path);
  At(t, c.next_path);
  At(t, "FAIL  dial_p99>10%");
  At(t, "pass  leak");
  At(t, c.rows[0].note);
  // Bonferroni: each row at 1 - (1 - confidence) / simultaneous.
  At(t, fmt::format("over {} compared row(s)", c.simultaneous));
  At(t, fmt::format("each at {:.4g} %", 100 * (1 - (1 - c.confidence) / c.simultaneous)));
}

TEST(RenderComparisonTest, ShowsControlCharactersEscaped) {
  Comparison c = Sample();
  c.warnings = {"settings differ: answer_delay\x1b[2J"};
  c.new_failures = {"busy 3x: BUSY\r\n"};
  const std::string t = RenderComparison(c);
  EXPECT_EQ(t.find('\x1b'), std::string::npos);
  EXPECT_EQ(t.find('\r'), std::string::npos);
  At(t, "answer_delay\\x1b[2J");
}

// ---- Markdown ----

TEST(RenderComparisonMarkdownTest, IsAPipeTableWithAHeaderAndARowPerMeasureWorseFirst) {
  Comparison c = Sample();
  c.rows[1].label = "dial p50 | connected";  // a pipe in a cell
  c.rows[0].note = "line one\nline two";     // a newline in a cell
  const std::vector<std::string> lines = Lines(RenderComparisonMarkdown(c));
  std::size_t header = 0;
  while (header < lines.size() && lines[header].rfind("| measure", 0) != 0) ++header;
  ASSERT_LT(header + 1 + c.rows.size(), lines.size());
  const std::size_t columns = Cells(lines[header]).size();
  EXPECT_GT(columns, 3u);
  // The delimiter row: one cell a column, each hyphens with an optional colon either end.
  const auto delimiter = Cells(lines[header + 1]);
  ASSERT_EQ(delimiter.size(), columns) << lines[header + 1];
  for (std::size_t i = 1; i + 1 < delimiter.size(); ++i) {
    const std::string& d = delimiter[i];
    ASSERT_FALSE(d.empty());
    const std::size_t from = d.front() == ':' ? 1 : 0, to = d.back() == ':' ? d.size() - 1 : d.size();
    ASSERT_LT(from, to) << d;
    EXPECT_EQ(d.substr(from, to - from).find_first_not_of('-'), std::string::npos) << d;
  }
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    const std::string& line = lines[header + 2 + i];
    EXPECT_EQ(line.front(), '|') << line;
    EXPECT_EQ(line.back(), '|') << line;
    EXPECT_EQ(Cells(line).size(), columns) << line;
  }
  // The row after the table is not one of it.
  EXPECT_NE(lines[header + 2 + c.rows.size()].rfind("|", 0), 0u);
  // Worse first: the two worse rows, in bold.
  EXPECT_NE(lines[header + 2].find("BUSY share"), std::string::npos) << lines[header + 2];
  EXPECT_NE(lines[header + 2].find("**WORSE**"), std::string::npos) << lines[header + 2];
  EXPECT_NE(lines[header + 3].find("dial p99"), std::string::npos) << lines[header + 3];
  EXPECT_NE(lines[header + 6].find("hang-up p99"), std::string::npos) << lines[header + 6];
}

TEST(RenderComparisonMarkdownTest, HeadingSaysWhetherAGateFailed) {
  Comparison c = Sample();
  EXPECT_NE(RenderComparisonMarkdown(c).find("REGRESSION"), std::string::npos);
  for (GateResult& g : c.gates) g.failed = false;
  const std::string md = RenderComparisonMarkdown(c);
  EXPECT_EQ(md.find("REGRESSION"), std::string::npos);
  EXPECT_NE(md.find("no regression"), std::string::npos);
}

// ---- JSON ----

TEST(ComparisonToJsonTest, ParsesBackWithEveryRowGateAndTheExitCode) {
  const Comparison c = Sample();
  const json j = json::parse(ComparisonToJson(c, 10).dump());
  EXPECT_EQ(j.at("exit_code"), 10);
  EXPECT_EQ(j.at("kind"), "comparison");
  EXPECT_EQ(j.at("compared"), c.kind);
  EXPECT_EQ(j.at("base").at("run_id"), c.base_id);
  EXPECT_EQ(j.at("new").at("path"), c.next_path);
  EXPECT_EQ(j.at("confidence"), c.confidence);
  EXPECT_EQ(j.at("simultaneous"), c.simultaneous);
  EXPECT_EQ(j.at("regression"), c.regression());
  const json& rows = j.at("rows");
  ASSERT_TRUE(rows.is_array());
  ASSERT_EQ(rows.size(), c.rows.size());
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    const ComparisonRow& r = c.rows[i];
    EXPECT_EQ(rows[i].at("metric"), r.metric);
    EXPECT_EQ(rows[i].at("change"), std::string(ToString(r.change)));
    EXPECT_DOUBLE_EQ(rows[i].at("diff").get<double>(), *r.diff);
    EXPECT_DOUBLE_EQ(rows[i].at("relative").get<double>(), *r.diff / *r.base);
    EXPECT_EQ(rows[i].at("lower").is_null(), !r.lower.has_value());
    EXPECT_EQ(rows[i].at("higher_is_worse"), r.higher_is_worse);
  }
  const json& gates = j.at("gates");
  ASSERT_EQ(gates.size(), c.gates.size());
  for (std::size_t i = 0; i < c.gates.size(); ++i) {
    EXPECT_EQ(gates[i].at("gate"), c.gates[i].expression);
    EXPECT_EQ(gates[i].at("failed"), c.gates[i].failed);
    EXPECT_EQ(gates[i].at("message"), c.gates[i].message);
  }
}

TEST(ComparisonToJsonTest, WritesMissingAndNonFiniteValuesAsNull) {
  Comparison c = Sample();
  c.rows[0].base.reset();
  c.rows[0].diff = std::numeric_limits<double>::quiet_NaN();
  c.rows[1].next = std::numeric_limits<double>::infinity();
  const std::string text = ComparisonToJson(c, 0).dump();
  const json j = json::parse(text);  // NaN would not parse
  EXPECT_TRUE(j["rows"][0]["base"].is_null());
  EXPECT_TRUE(j["rows"][0]["diff"].is_null());
  EXPECT_TRUE(j["rows"][0]["relative"].is_null());
  EXPECT_TRUE(j["rows"][1]["new"].is_null());
}

TEST(ComparisonToJsonTest, GivesLeakVerdictsOnlyToRowsThatHaveThem) {
  Comparison c = Sample();
  c.rows[2].base_verdict = "ok";
  c.rows[2].next_verdict = "leak";
  const json j = ComparisonToJson(c, 10);
  EXPECT_EQ(j["rows"][2]["base_verdict"], "ok");
  EXPECT_EQ(j["rows"][2]["new_verdict"], "leak");
  EXPECT_FALSE(j["rows"][1].contains("new_verdict"));
}

// ---- values ----

TEST(FormatValueTest, WritesEachUnitForPeople) {
  ComparisonRow s;
  s.unit = "s";
  EXPECT_EQ(FormatValue(s, 0.0213), "21.300 ms");
  EXPECT_EQ(FormatValue(s, 0.0213, true), "+21.300 ms");
  EXPECT_EQ(FormatValue(s, -0.0213, true), "-21.300 ms");
  EXPECT_EQ(FormatValue(s, 0.0005), "500.0 us");
  EXPECT_EQ(FormatValue(s, 2.5), "2.500 s");
  ComparisonRow share;
  share.unit = "share";
  EXPECT_EQ(FormatValue(share, 0.011), "1.10 %");
  EXPECT_EQ(FormatValue(share, 0.0025, true), "+0.25 pp");  // a share's difference: points
  ComparisonRow rate;
  rate.unit = "calls/s";
  EXPECT_EQ(FormatValue(rate, 391), "391");
  EXPECT_EQ(FormatValue(rate, 0.25, true), "+0.25");
  ComparisonRow bytes;
  bytes.unit = "B per 1000 cycles";
  EXPECT_EQ(FormatValue(bytes, 2048), "2.0 KiB");
  EXPECT_EQ(FormatValue(bytes, 3 * 1024 * 1024, true), "+3.00 MiB");
}

TEST(ComparisonRowTest, RelativeIsTheDifferenceOverBaseAndUnsetWithoutOne) {
  ComparisonRow r;
  r.base = -4;
  r.diff = 1;
  ASSERT_TRUE(r.relative());
  EXPECT_DOUBLE_EQ(*r.relative(), 0.25);  // over |BASE|: a rise stays positive
  r.base = 0;
  EXPECT_FALSE(r.relative());
  r.base.reset();
  EXPECT_FALSE(r.relative());
}

}  // namespace
}  // namespace dialsoak::report
