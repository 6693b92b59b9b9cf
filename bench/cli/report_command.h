// `dialsoak report DIR`: the reports of a run rebuilt from its journal alone (DIR's
// journal.jsonl, see exporters/journal): the summary, the leak verdict with its charts,
// the thresholds and the JSON report (DIR/report.json), and JUnit when the run asked for
// it (or --junit). Works as well on the journal of a run that was killed (kill -9, a
// crash, a power cut): the report then covers every cycle recorded and says the run did
// not finish; a torn last line is ignored and counted. Returns the exit code the run's
// verdicts make (exit_codes.h), kUsage for a missing or foreign journal.
#pragma once

#include <string>
#include <vector>

#include "dialsoak/io/error.h"
#include "dialsoak/journal/journal_reader.h"
#include "dialsoak/observer/cycle_tally.h"
#include "dialsoak/report/summary.h"
#include "run_dir.h"
#include "run_settings.h"

namespace dialsoak::cli {

struct ReportOptions {
  std::string dir;     // the run directory (or its journal file)
  std::string junit;   // --junit FILE; empty: DIR/junit.xml if the run had --junit
  std::string charts;  // --charts; empty: as the run had it
};

int RebuildReport(const ReportOptions& options);

// A run as its journal has it: the summary with the leak verdicts the run's settings ask
// for, and everything the replay counted. A run without an end record ends "unfinished"
// at its last record.
struct ReplayedRun {
  RunDir dir;
  journal::JournalHeader header;
  journal::ReplayStats stats;
  RunSettings settings;
  report::Summary summary;
  CycleTally tally;
};

// The run directory `path` names (the directory, or a file in it).
RunDir RunDirOf(const std::string& path);

// Replays DIR's journal into the summary and the leak watch, and into `also` (which see
// every record, and the made-up end of an unfinished run). Errors: no journal, not a
// journal, a journal of another command than `run`; each names the path.
io::Result<ReplayedRun> ReplayRunJournal(const std::string& path, const ReportOptions& options,
                                         const std::vector<RunObserver*>& also = {});

}  // namespace dialsoak::cli
