#include "dialsoak/junit/comparison_junit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "exporters/junit/xml_document.h"

namespace dialsoak::junit {
namespace {

using xml_testing::Xml;

// Gates whose expressions and messages hold every character XML escapes.
report::Comparison Compared() {
  report::Comparison c;
  c.kind = "run";
  c.base_path = "/runs/a&b";
  c.next_path = "/runs/\"new\"";
  c.base_id = "base-1";
  c.next_id = "new-2";
  c.confidence = 0.99;
  report::ComparisonRow r;
  r.group = "latency";
  r.metric = "dial_p99";
  r.label = "dial p99 <connected>";
  r.unit = "s";
  r.base = 0.1;
  r.next = 0.12;
  r.diff = 0.02;
  r.lower = 0.015;
  r.upper = 0.025;
  r.change = report::Change::Worse;
  c.rows = {r};
  c.gates = {{"dial_p99>10%", true, "dial p99 <connected> +20.000 ms & more: beyond +10 %"},
             {"connect_share<-0.5pp", false, "connect_share: within -0.5 pp (or not told from noise)"},
             {"leak", false, "no leak verdict in NEW"},
             {"hangup_p99>5ms", true, "it's \"worse\"\ttoo"}};
  return c;
}

std::string Case(const std::string& name) { return "//testcase[@name='" + name + "']"; }

TEST(ComparisonJUnitTest, HasOneTestCasePerGateAndAFailureForEachThatFailed) {
  const report::Comparison c = Compared();
  const Xml x(RenderComparisonJUnit(c, 10));
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x.Count("//testcase"), static_cast<int>(c.gates.size()));
  int failed = 0;
  for (const report::GateResult& g : c.gates) {
    ASSERT_EQ(x.Count(Case(g.expression)), 1) << g.expression;  // the name unescaped back
    EXPECT_EQ(x.Count(Case(g.expression) + "/failure"), g.failed ? 1 : 0) << g.expression;
    EXPECT_EQ(x.Str(Case(g.expression) + "/@classname"), "dialsoak.compare");
    if (g.failed) {
      ++failed;
      EXPECT_EQ(x.Str(Case(g.expression) + "/failure/@type"), "regression");
      EXPECT_EQ(x.Str(Case(g.expression) + "/failure/@message"), g.message);
      EXPECT_EQ(x.Str(Case(g.expression) + "/failure"), g.message);
    } else {
      EXPECT_EQ(x.Str(Case(g.expression) + "/system-out"), g.message);
    }
  }
  EXPECT_EQ(x.Str("/testsuites/@tests"), std::to_string(c.gates.size()));
  EXPECT_EQ(x.Str("/testsuites/@failures"), std::to_string(failed));
  EXPECT_EQ(x.Str("/testsuites/testsuite/@failures"), std::to_string(failed));
  EXPECT_EQ(x.Count("//failure"), failed);
}

TEST(ComparisonJUnitTest, PropertiesNameBothRunsAndTheExitCode) {
  const report::Comparison c = Compared();
  const Xml x(RenderComparisonJUnit(c, 10));
  ASSERT_TRUE(x.ok());
  const auto property = [&](const std::string& name) {
    return x.Str("//properties/property[@name='" + name + "']/@value");
  };
  EXPECT_EQ(property("base"), c.base_path);
  EXPECT_EQ(property("new"), c.next_path);
  EXPECT_EQ(property("base_run_id"), c.base_id);
  EXPECT_EQ(property("new_run_id"), c.next_id);
  EXPECT_EQ(property("exit_code"), "10");
  // The whole table rides along, its labels unescaped back.
  EXPECT_NE(x.Str("/testsuites/testsuite/system-out").find(c.rows[0].label), std::string::npos);
}

TEST(ComparisonJUnitTest, EscapesEveryXmlSpecialCharacter) {
  const report::Comparison c = Compared();
  const std::string text = RenderComparisonJUnit(c, 10);
  EXPECT_EQ(text.find("<connected>"), std::string::npos);
  EXPECT_EQ(text.find("a&b"), std::string::npos);
  EXPECT_EQ(text.find("name=\"connect_share<"), std::string::npos);
  EXPECT_TRUE(Xml(text).ok());
}

TEST(ComparisonJUnitTest, NoGatesIsAnEmptySuiteStillWellFormed) {
  report::Comparison c = Compared();
  c.gates.clear();
  const Xml x(RenderComparisonJUnit(c, 0));
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x.Count("//testcase"), 0);
  EXPECT_EQ(x.Str("/testsuites/@tests"), "0");
  EXPECT_EQ(x.Str("/testsuites/@failures"), "0");
}

TEST(ComparisonJUnitTest, WritesTheFileAndNamesItWhenItCannot) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("dialsoak-compare-junit-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "compare.xml").string();
  const report::Comparison c = Compared();
  ASSERT_TRUE(WriteComparisonJUnit(path, c, 10));
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), RenderComparisonJUnit(c, 10));
  const std::string bad = (dir / "no-such-dir" / "compare.xml").string();
  const auto w = WriteComparisonJUnit(bad, c, 10);
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().message.find("no-such-dir"), std::string::npos) << w.error().message;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dialsoak::junit
