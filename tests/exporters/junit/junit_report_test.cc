#include "dialsoak/junit/junit_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "exporters/junit/xml_document.h"
#include "exporters/report/records_builder.h"

namespace dialsoak::junit {
namespace {

using report::fixtures::Connected;
using report::fixtures::Cycle;
using report::fixtures::Info;
using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::Not;

using xml_testing::Xml;

// 100 cycles over 12.5 s: 90 CONNECT, 10 BUSY.
report::Summary SoakRun(int busy = 10) {
  report::RunSummary rs;
  RunInfo info = Info();
  info.started = std::chrono::system_clock::time_point(std::chrono::seconds(1795848312));
  rs.OnRunStart(info);
  for (int i = 0; i < 100; ++i) {
    if (i < busy) {
      rs.OnCycle(Cycle(CallResult::Busy, milliseconds(20), "BUSY"));
    } else {
      rs.OnCycle(Connected(milliseconds(30), milliseconds(2)));
    }
  }
  RunEnd end;
  end.elapsed = std::chrono::milliseconds(12500);
  end.cycles_done = 100;
  rs.OnRunEnd(end);
  return rs.summary();
}

ThresholdCheck Threshold(std::string expression, bool passed, bool has_value = true) {
  ThresholdCheck t;
  t.expression = std::move(expression);
  t.metric = t.expression.substr(0, t.expression.find_first_of("<>"));
  t.has_value = has_value;
  t.observed = 0.412;
  t.passed = passed;
  t.message = has_value ? t.metric + " = 0.412 s, limit <= 30 s: " + (passed ? "ok" : "breached")
                        : t.metric + " has no value (no dial was made), limit <= 30 s: failed";
  return t;
}

LeakCheck Leak(std::string process, std::string resource, std::string verdict) {
  LeakCheck l;
  l.process = std::move(process);
  l.pid = 4242;
  l.resource = std::move(resource);
  l.verdict = std::move(verdict);
  l.confidence = 0.95;
  l.reason = l.verdict == "insufficient_data" ? "only 2 samples after the warm-up" : "flat";
  return l;
}

LeakCheck HandleLeak() {
  LeakCheck l = Leak("self", "handles", "leak");
  l.slope_per_cycle = 0.037;
  l.slope_per_1000_cycles = 37;
  l.lower_per_cycle = 0.035;
  l.upper_per_cycle = 0.039;
  l.baseline = 11;
  l.end = 48;
  l.growth = 37;
  l.limit = 1024;
  l.cycles_to_limit = 26378;
  l.reason = "handles grow 0.037 per cycle";
  l.fd_summary = "37 more descriptors, all anon_inode:[eventfd]";
  l.fd_growth.push_back({"anon_inode:[eventfd]", 0, 37, 37, {"anon_inode:[eventfd]"}});
  return l;
}

struct Fixture {
  report::Summary summary = SoakRun();
  std::vector<ThresholdCheck> thresholds;
  std::vector<LeakCheck> leaks;
  JUnitInput Input(double max_failures = 5) const {
    JUnitInput in;
    in.summary = &summary;
    in.thresholds = thresholds;
    in.leaks = leaks;
    in.max_failures_percent = max_failures;
    in.exit_code = 1;
    in.exit_meaning = "failed calls (or hang-ups) above --max-failures";
    return in;
  }
};

std::string Case(const std::string& classname, int n = 1) {
  return "(//testcase[@classname='" + classname + "'])[" + std::to_string(n) + "]";
}

TEST(JUnitReportTest, CountsMatchTheTestCases) {
  Fixture f;
  f.thresholds = {Threshold("dial_p99<=30s", true), Threshold("dial_p50<=100ms", false),
                  Threshold("hangup_p99<=5s", false, false)};
  f.leaks = {HandleLeak(), Leak("self", "threads", "ok"),
             Leak("self", "resident_memory", "insufficient_data"),
             Leak("modemsim", "handles", "ok")};
  const Xml x(RenderJUnit(f.Input()));
  ASSERT_TRUE(x.ok());
  // 1 calls + 3 thresholds + 4 leak checks; failed: calls (10% > 5%), 2 thresholds, 1 leak.
  for (const char* e : {"/testsuites", "/testsuites/testsuite"}) {
    EXPECT_EQ(x.Str(std::string(e) + "/@tests"), "8") << e;
    EXPECT_EQ(x.Str(std::string(e) + "/@failures"), "4") << e;
    EXPECT_EQ(x.Str(std::string(e) + "/@errors"), "0") << e;
    EXPECT_EQ(x.Str(std::string(e) + "/@skipped"), "1") << e;
    EXPECT_EQ(x.Str(std::string(e) + "/@time"), "12.500") << e;
  }
  EXPECT_EQ(x.Count("/testsuites/testsuite"), 1);
  EXPECT_EQ(x.Count("//testcase"), 8);
  EXPECT_EQ(x.Count("//testcase[failure]"), 4);
  EXPECT_EQ(x.Count("//testcase[skipped]"), 1);
  EXPECT_EQ(x.Count("//testcase[error]"), 0);
  EXPECT_EQ(x.Str("/testsuites/testsuite/@name"), "dialsoak");
  EXPECT_EQ(x.Str("/testsuites/testsuite/@timestamp"), "2026-11-28T06:45:12");
  EXPECT_EQ(x.Count("/testsuites/testsuite/@hostname"), 0) << "omitted when not given";
}

TEST(JUnitReportTest, PropertiesDescribeTheRun) {
  Fixture f;
  JUnitInput in = f.Input();
  in.hostname = "bench-01";
  const Xml x(RenderJUnit(in));
  ASSERT_TRUE(x.ok());
  auto prop = [&](const std::string& name) {
    return x.Str("/testsuites/testsuite/properties/property[@name='" + name + "']/@value");
  };
  EXPECT_EQ(prop("run_id"), "20261128T064512-4f2a");
  EXPECT_EQ(prop("version"), "0.1.0");
  EXPECT_EQ(prop("backend"), "sim");
  EXPECT_EQ(prop("lines"), "4");
  EXPECT_EQ(prop("cycles"), "100");
  EXPECT_EQ(prop("started"), "2026-11-28T06:45:12Z");
  EXPECT_EQ(prop("elapsed_seconds"), "12.500");
  EXPECT_EQ(prop("stop_reason"), "completed");
  EXPECT_EQ(prop("exit_code"), "1");
  EXPECT_EQ(prop("exit_meaning"), "failed calls (or hang-ups) above --max-failures");
  EXPECT_EQ(x.Str("/testsuites/testsuite/@hostname"), "bench-01");
  EXPECT_EQ(x.Str("name(/testsuites/testsuite/*[1])"), "properties") << "properties come first";
}

TEST(JUnitReportTest, CallsCheckFailsAboveMaxFailuresWithTheNumbers) {
  Fixture f;
  const Xml x(RenderJUnit(f.Input(5)));
  ASSERT_TRUE(x.ok());
  const std::string c = Case("dialsoak.calls");
  EXPECT_EQ(x.Str(c + "/@name"), "failed calls <= 5%");
  EXPECT_EQ(x.Str(c + "/@time"), "12.500");
  EXPECT_EQ(x.Str(c + "/failure/@type"), "calls_failed");
  EXPECT_EQ(x.Str(c + "/failure/@message"), "10 of 100 calls failed (10%), limit 5%");
  const std::string body = x.Str(c + "/failure");
  EXPECT_THAT(body, HasSubstr("connect 90 busy 10"));
  EXPECT_THAT(body, HasSubstr("failure: busy x10 \"BUSY\""));
  EXPECT_THAT(body, HasSubstr("exit code 1: failed calls"));
  EXPECT_EQ(x.Count(c + "/system-out"), 0) << "the details are in the failure";
}

TEST(JUnitReportTest, CallsCheckPassesAtOrBelowTheLimit) {
  Fixture f;
  for (double limit : {10.0, 50.0}) {
    const Xml x(RenderJUnit(f.Input(limit)));
    ASSERT_TRUE(x.ok());
    const std::string c = Case("dialsoak.calls");
    EXPECT_EQ(x.Count(c + "/failure"), 0) << limit;
    EXPECT_THAT(x.Str(c + "/system-out"), HasSubstr("10 of 100 calls failed")) << limit;
  }
  EXPECT_EQ(Xml(RenderJUnit(f.Input(0.5))).Str(Case("dialsoak.calls") + "/@name"),
            "failed calls <= 0.5%");
  Fixture clean;
  clean.summary = SoakRun(0);
  const Xml x(RenderJUnit(clean.Input(0)));
  EXPECT_EQ(x.Count("//failure"), 0) << "no failed call passes even --max-failures 0";
  EXPECT_EQ(x.Str("/testsuites/@failures"), "0");
}

TEST(JUnitReportTest, CallsCheckIsSkippedWithoutCallsAndAnErrorWhenSetupFailed) {
  report::RunSummary rs;
  rs.OnRunStart(Info());
  Fixture f;
  f.summary = rs.summary();
  Xml x(RenderJUnit(f.Input()));
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x.Str(Case("dialsoak.calls") + "/skipped/@message"), "no calls were made");
  EXPECT_EQ(x.Str(Case("dialsoak.calls") + "/skipped"), "no calls were made");
  EXPECT_EQ(x.Str("/testsuites/testsuite/@skipped"), "1");

  RunEnd end;
  end.reason = StopReason::Failed;
  end.message = "open /dev/ttyS0: No such file or directory";
  rs.OnRunEnd(end);
  f.summary = rs.summary();
  x = Xml(RenderJUnit(f.Input()));
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x.Str(Case("dialsoak.calls") + "/error/@type"), "setup_failed");
  EXPECT_EQ(x.Str(Case("dialsoak.calls") + "/error/@message"),
            "open /dev/ttyS0: No such file or directory");
  EXPECT_EQ(x.Str("/testsuites/testsuite/@errors"), "1");
  EXPECT_EQ(x.Str("/testsuites/testsuite/@skipped"), "0");
}

// The bug: an open-loop run that dropped most arrivals at origin (every line busy) passed
// the calls check. A call dropped at origin is a call that did not connect.
TEST(JUnitReportTest, CallsDroppedAtOriginAreFailedCalls) {
  Fixture f;
  f.summary = SoakRun(0);  // 100 cycles, all connected
  f.summary.dropped_at_origin = 300;
  const Xml x(RenderJUnit(f.Input(5)));
  ASSERT_TRUE(x.ok());
  const std::string c = Case("dialsoak.calls");
  EXPECT_EQ(x.Str(c + "/failure/@type"), "calls_failed");
  EXPECT_EQ(x.Str(c + "/failure/@message"), "300 of 400 calls failed (75%), limit 5%");
  EXPECT_THAT(x.Str(c + "/failure"), HasSubstr("dropped at origin: 300"));
  Fixture only_dropped;
  only_dropped.summary = report::Summary{};
  only_dropped.summary.dropped_at_origin = 2;
  const Xml y(RenderJUnit(only_dropped.Input(0)));
  EXPECT_EQ(y.Str(Case("dialsoak.calls") + "/failure/@message"),
            "2 of 2 calls failed (100%), limit 0%")
      << "not skipped: calls were offered, none dialed";
}

TEST(JUnitReportTest, OneTestPerThresholdNamedByItsExpression) {
  Fixture f;
  f.thresholds = {Threshold("dial_p99<=30s", true), Threshold("success_ratio>=0.99", false),
                  Threshold("hangup_p99<=5s", false, false)};
  const Xml x(RenderJUnit(f.Input(100)));
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x.Count("//testcase[@classname='dialsoak.thresholds']"), 3);
  const std::string ok = Case("dialsoak.thresholds", 1);
  EXPECT_EQ(x.Str(ok + "/@name"), "dial_p99<=30s");
  EXPECT_EQ(x.Count(ok + "/failure"), 0);
  EXPECT_THAT(x.Str(ok + "/system-out"), HasSubstr("dial_p99 = 0.412 s, limit <= 30 s: ok"));
  const std::string bad = Case("dialsoak.thresholds", 2);
  EXPECT_EQ(x.Str(bad + "/@name"), "success_ratio>=0.99");
  EXPECT_EQ(x.Str(bad + "/failure/@type"), "threshold_breached");
  EXPECT_EQ(x.Str(bad + "/failure/@message"), f.thresholds[1].message);
  const std::string none = Case("dialsoak.thresholds", 3);
  EXPECT_EQ(x.Str(none + "/failure/@type"), "no_value");
  EXPECT_THAT(x.Str(none + "/failure/@message"), HasSubstr("no dial was made"));
}

TEST(JUnitReportTest, LeakChecksFailSkipOrPassPerProcessAndResource) {
  Fixture f;
  f.leaks = {HandleLeak(), Leak("self", "resident_memory", "insufficient_data"),
             Leak("modemsim", "handles", "ok"), Leak("python3.11", "threads", "ok")};
  const Xml x(RenderJUnit(f.Input(100)));
  ASSERT_TRUE(x.ok());
  const std::string leak = Case("dialsoak.leaks.self", 1);
  EXPECT_EQ(x.Str(leak + "/@name"), "handles");
  EXPECT_EQ(x.Str(leak + "/failure/@type"), "leak");
  const std::string message = x.Str(leak + "/failure/@message");
  EXPECT_THAT(message, HasSubstr("handles leak in self: 37 per 1000 cycles"));
  EXPECT_THAT(message, HasSubstr("95% interval 35 .. 39 per 1000"));
  EXPECT_THAT(message, HasSubstr("11 -> 48"));
  EXPECT_THAT(message, HasSubstr("37 more descriptors, all anon_inode:[eventfd]"));
  const std::string body = x.Str(leak + "/failure");
  EXPECT_THAT(body, HasSubstr("slope: 0.037 per cycle, 37 per 1000 cycles"));
  EXPECT_THAT(body, HasSubstr("baseline -> end: 11 -> 48 (growth 37)"));
  EXPECT_THAT(body, HasSubstr("limit: 1024; reached in 26378 more cycles"));
  EXPECT_THAT(body, HasSubstr("anon_inode:[eventfd]: 0 -> 37 (+37), e.g. anon_inode:[eventfd]"));

  const std::string unsure = Case("dialsoak.leaks.self", 2);
  EXPECT_EQ(x.Str(unsure + "/@name"), "resident_memory");
  EXPECT_EQ(x.Str(unsure + "/skipped/@message"), "only 2 samples after the warm-up");
  EXPECT_THAT(x.Str(unsure + "/system-out"), HasSubstr("only 2 samples after the warm-up"));
  EXPECT_EQ(x.Count(unsure + "/failure"), 0);
  EXPECT_THAT(x.Str(unsure + "/system-out"), Not(HasSubstr("slope:"))) << "no fit to show";

  const std::string ok = Case("dialsoak.leaks.modemsim");
  EXPECT_EQ(x.Str(ok + "/@name"), "handles");
  EXPECT_EQ(x.Count(ok + "/failure|" + ok + "/skipped"), 0);
  EXPECT_THAT(x.Str(ok + "/system-out"), HasSubstr("verdict: ok"));
  EXPECT_EQ(x.Count(Case("dialsoak.leaks.python3_11")), 1) << "no dot to split the class at";
  EXPECT_EQ(x.Str("/testsuites/@failures"), "1");
  EXPECT_EQ(x.Str("/testsuites/@skipped"), "1");
}

TEST(JUnitReportTest, MemoryLeakShowsItsSlopeInBytes) {
  Fixture f;
  LeakCheck memory = Leak("self", "resident_memory", "leak");
  memory.slope_per_cycle = 2048;
  memory.slope_per_1000_cycles = 2048000;
  const std::vector<LeakCheck> leaks = {memory};
  f.leaks = leaks;
  const Xml x(RenderJUnit(f.Input(100)));
  ASSERT_TRUE(x.ok());
  EXPECT_THAT(x.Str(Case("dialsoak.leaks.self") + "/failure"),
              HasSubstr("slope: 2048 bytes per cycle, 2048000 bytes per 1000 cycles"));
}

TEST(JUnitReportTest, DuplicateNamesGetANumberSoGitLabKeepsBoth) {
  Fixture f;
  f.thresholds = {Threshold("cycles>=1", true), Threshold("cycles>=1", true)};
  const Xml x(RenderJUnit(f.Input()));
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x.Str(Case("dialsoak.thresholds", 1) + "/@name"), "cycles>=1");
  EXPECT_EQ(x.Str(Case("dialsoak.thresholds", 2) + "/@name"), "cycles>=1 (2)");
}

TEST(JUnitReportTest, NastyTextIsEscapedAndParsesBack) {
  const std::string markup = "a\"b'c<d>e&f&amp;]]>";
  Fixture f;
  ThresholdCheck t = Threshold("dial_p99<=30s", false);
  t.expression = markup;
  t.message = "line one\nline\ttwo\rthree";
  f.thresholds = {t};
  LeakCheck l = Leak("proc<&>\"'", "handles", "insufficient_data");
  l.reason = std::string("ctl \x01 esc \x1b nul ") + '\0' + " end";
  LeakCheck bad_utf8 = Leak("self", "threads", "insufficient_data");
  bad_utf8.reason =
      "bad \xff\xfe | trunc \xc3 | surrogate \xed\xa0\x80 | overlong \xc0\xaf |"
      " nonchar \xef\xbf\xbf | ok \xc3\xa9\xe2\x82\xac\xf0\x9f\x93\x9e";
  f.leaks = {l, bad_utf8};
  report::RunSummary rs;
  rs.OnRunStart(Info());
  rs.OnCycle(Cycle(CallResult::Error, milliseconds(5), "ERROR \x01<&>\xff"));
  f.summary = rs.summary();
  JUnitInput in = f.Input();
  in.hostname = "h&<>";

  const std::string text = RenderJUnit(in);
  for (char ch : text) {
    const auto u = static_cast<unsigned char>(ch);
    ASSERT_TRUE(u >= 0x20 || ch == '\n' || ch == '\t') << "raw control byte " << int{u};
  }
  const Xml x(text);
  ASSERT_TRUE(x.ok()) << text;
  const std::string th = Case("dialsoak.thresholds");
  EXPECT_EQ(x.Str(th + "/@name"), markup);
  EXPECT_EQ(x.Str(th + "/failure/@message"), "line one\nline\ttwo\rthree")
      << "tab, newline and CR survive attribute normalization";
  EXPECT_THAT(x.Str(th + "/failure"), HasSubstr("line one\nline\ttwo\rthree"));
  const std::string leak = "(//testcase[starts-with(@classname, 'dialsoak.leaks.proc')])[1]";
  EXPECT_EQ(x.Str(leak + "/@classname"), "dialsoak.leaks.proc<&>\"'");
  EXPECT_EQ(x.Str(leak + "/skipped/@message"), "ctl \\x01 esc \\x1b nul \\x00 end");
  EXPECT_EQ(x.Str(Case("dialsoak.leaks.self") + "/skipped/@message"),
            "bad \xEF\xBF\xBD\xEF\xBF\xBD | trunc \xEF\xBF\xBD | surrogate "
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD | overlong \xEF\xBF\xBD\xEF\xBF\xBD |"
            " nonchar \xEF\xBF\xBD | ok \xc3\xa9\xe2\x82\xac\xf0\x9f\x93\x9e");
  EXPECT_THAT(x.Str(Case("dialsoak.calls") + "/failure"),
              HasSubstr("\"ERROR \\x01<&>\xEF\xBF\xBD\""));
  EXPECT_EQ(x.Str("/testsuites/testsuite/@hostname"), "h&<>");
}

TEST(JUnitReportTest, WrittenFileIsTheRenderedDocumentAndXmllintAcceptsIt) {
  Fixture f;
  f.leaks = {HandleLeak()};
  const std::string dir = ::testing::TempDir() + "junit_test_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/dialsoak.xml";
  ASSERT_TRUE(WriteJUnit(path, f.Input()).has_value());
  std::ifstream file(path, std::ios::binary);
  std::stringstream read;
  read << file.rdbuf();
  EXPECT_EQ(read.str(), RenderJUnit(f.Input()));
  if (std::system("command -v xmllint >/dev/null 2>&1") == 0) {
    EXPECT_EQ(std::system(("xmllint --noout '" + path + "'").c_str()), 0);
  }
  std::filesystem::remove_all(dir);

  auto missing = WriteJUnit(dir + "/no/such/dir/dialsoak.xml", f.Input());
  ASSERT_FALSE(missing.has_value());
  EXPECT_THAT(missing.error().message, HasSubstr(dir + "/no/such/dir/dialsoak.xml"));
}

// A restarted watched process is a failed case of its own unless restarts are allowed; a
// process never seen is a failed check, not a skipped one.
TEST(JUnitReportTest, RestartsFailUnlessAllowedAndNotSeenFails) {
  Fixture f;
  ProcessRestart r;
  r.process = "pppd";
  r.old_pid = 100;
  r.new_pid = 200;
  r.incarnation = 1;
  r.last_seen_cycles = 400;
  r.seen_again_cycles = 410;
  f.summary.restarts = {r};
  f.summary.restart_count = 1;
  LeakCheck second = Leak("pppd", "handles", "ok");
  second.pid = 200;
  second.incarnation = 1;
  LeakCheck missing = Leak("leaker.py", "handles", "not_seen");
  missing.reason = "no process named leaker.py was seen in 40 samples";
  f.leaks = {Leak("pppd", "handles", "ok"), second, missing};
  const Xml failing(RenderJUnit(f.Input()));
  ASSERT_TRUE(failing.ok());
  const std::string restarts = "//testcase[@classname='dialsoak.leaks.pppd'][@name='restarts']";
  EXPECT_EQ(failing.Str(restarts + "/failure/@type"), "restarted");
  EXPECT_THAT(failing.Str(restarts + "/failure"), HasSubstr("pid 100 -> 200"));
  EXPECT_EQ(failing.Str("//testcase[@name='handles (pid 200, after restart 1)']/@classname"),
            "dialsoak.leaks.pppd");
  EXPECT_EQ(failing.Str(Case("dialsoak.leaks.leaker_py") + "/failure/@type"), "not_seen");
  JUnitInput allowed = f.Input();
  allowed.allow_restarts = true;
  const Xml passing(RenderJUnit(allowed));
  EXPECT_EQ(passing.Str(restarts + "/failure/@type"), "");
  EXPECT_EQ(passing.Str(restarts + "/@name"), "restarts");
}

}  // namespace
}  // namespace dialsoak::junit
