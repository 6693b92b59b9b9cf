// The run directory: where a run's journal (journal.jsonl), its report (report.json) and
// its charts go, so that `dialsoak report DIR` finds everything in one place.
// Created at start-up from the main thread; never reused: a directory that already holds
// a journal is refused, so no run overwrites another's data.
#pragma once

#include <string>

#include "dialsoak/io/error.h"

namespace dialsoak::cli {

inline constexpr const char* kDefaultRunsDir = "dialsoak-runs";
inline constexpr const char* kJournalName = "journal.jsonl";
inline constexpr const char* kReportName = "report.json";

struct RunDir {
  std::string path;
  std::string journal() const { return File(kJournalName); }
  std::string report() const { return File(kReportName); }
  std::string File(const char* name) const;  // path/name
};

// `out` as given (created, with its parents, if missing), or, when empty, <runs>/<run_id>
// where <runs> is $DIALSOAK_RUNS_DIR, else dialsoak-runs in the current directory. Directories are created mode 0750 (parents 0755). Errors
// name the directory: it cannot be created, is not a directory, or holds a journal already.
io::Result<RunDir> MakeRunDir(const std::string& out, const std::string& run_id);

}  // namespace dialsoak::cli
