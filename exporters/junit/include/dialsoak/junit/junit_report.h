// The end-of-run checks as a JUnit XML file (`dialsoak run --junit FILE`, YAML key
// `junit`), for CI servers: Jenkins (`junit 'dialsoak.xml'`) and GitLab
// (`artifacts: reports: junit: dialsoak.xml`) show each check as a test, failed ones with
// their numbers, and keep the history of each.
//
// Shape:
//   <testsuites name="dialsoak" tests= failures= errors= skipped= time=>
//     <testsuite name="dialsoak" tests= failures= errors= skipped= time= timestamp=
//                hostname=>   (hostname only when given)
//       <properties> run_id, version, backend, lines, cycles, started, elapsed_seconds,
//                    stop_reason, exit_code, exit_meaning </properties>
//       <testcase classname="dialsoak.calls" name="failed calls &lt;= 0.5%" time=elapsed>
//       <testcase classname="dialsoak.thresholds" name="dial_p99&lt;=30s" time="0">
//       <testcase classname="dialsoak.leaks.self" name="handles" time="0">
//
// One suite, not one per group: both tools group tests by the testcase classname (Jenkins
// splits it at the last dot into package and class: package "dialsoak" with classes
// "calls" and "thresholds", package "dialsoak.leaks" with one class per process; GitLab
// shows the classname as the "Suite" column and ignores the testsuite's name), so extra
// suites would add nothing to either view but more totals to keep consistent.
//
// Test cases:
//   - the calls check, "failed calls <= N%" (N = --max-failures): failed calls as for exit
//     code 1 (Summary::FailedCalls: dials that did not CONNECT, calls dropped during the
//     hold, failed hang-ups and open-loop arrivals dropped at origin), as a percent of the
//     calls (dials + dropped at origin). A <failure> when failed > 0 and above N percent;
//     an <error> when the run failed to set up (StopReason::Failed); <skipped> when no call
//     was made.
//   - one per ThresholdCheck, named by its expression: a <failure> when it did not pass
//     (type "threshold_breached", or "no_value" when there was nothing to measure).
//   - one per LeakCheck, classname "dialsoak.leaks.<process>" (dots in the process name
//     become '_' so that Jenkins does not split it), named by the resource: a <failure>
//     of type "leak" for a leak, "exhausted" for a count at its limit, "inconclusive" for
//     a count not returned with too few samples, <skipped> for insufficient_data, passed
//     for ok.
// A failure's message attribute is one line with the numbers (Jenkins shows it as the
// error message); its content repeats them in full (GitLab shows only the content, and
// Jenkins shows it as the stack trace): slope per cycle and per 1000 cycles, interval,
// baseline -> end, the limit and when it is reached, the fd summary and every fd kind that
// grew. Passed and skipped tests carry the same details in <system-out>. Two tests with the
// same classname and name get " (2)", " (3)" appended, since GitLab keeps only the first.
//
// Text from modems and processes is escaped for XML 1.0: markup characters become
// entities, forbidden control characters "\xNN", invalid UTF-8 U+FFFD.
//
// Thread-compatible. RenderJUnit never fails (a null summary is a broken invariant and
// aborts); WriteJUnit returns an io::Error whose message names the file.
#pragma once

#include <span>
#include <string>

#include "dialsoak/io/error.h"
#include "dialsoak/observer/records.h"
#include "dialsoak/report/summary.h"

namespace dialsoak::junit {

struct JUnitInput {
  const report::Summary* summary = nullptr;  // required
  std::span<const LeakCheck> leaks;
  std::span<const ThresholdCheck> thresholds;
  // The calls check: failed calls against --max-failures.
  double max_failures_percent = 0;
  bool allow_restarts = false;  // a watched process's restart passes (--allow-restarts)
  int exit_code = 0;
  // The exit line's text: what decided the code, with the figure, e.g. "8.90 % of calls
  // failed (BUSY 89), over --max-failures 0 %" (bench/cli/exit_reason.h).
  std::string exit_meaning;
  std::string hostname;      // the testsuite's hostname attribute; omitted when empty
};

// The whole document, UTF-8, newline-terminated.
std::string RenderJUnit(const JUnitInput& in);

// RenderJUnit written to path atomically (report/atomic_file.h).
io::Result<void> WriteJUnit(const std::string& path, const JUnitInput& in);

}  // namespace dialsoak::junit
