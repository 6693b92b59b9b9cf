// `dialsoak report DIR`: the reports of a run rebuilt from its journal alone (DIR's
// journal.jsonl, see exporters/journal): the summary, the leak verdict with its charts,
// the thresholds and the JSON report (DIR/report.json), and JUnit when the run asked for
// it (or --junit). Works as well on the journal of a run that was killed (kill -9, a
// crash, a power cut): the report then covers every cycle recorded and says the run did
// not finish; a torn last line is ignored and counted. Returns the exit code the run's
// verdicts make (exit_codes.h), kUsage for a missing or foreign journal.
#pragma once

#include <string>

namespace dialsoak::cli {

struct ReportOptions {
  std::string dir;     // the run directory (or its journal file)
  std::string junit;   // --junit FILE; empty: DIR/junit.xml if the run had --junit
  std::string charts;  // --charts; empty: as the run had it
};

int RebuildReport(const ReportOptions& options);

}  // namespace dialsoak::cli
