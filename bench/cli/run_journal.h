// A run's journal in its run directory (run_dir.h, exporters/journal), as far as it could
// be made: a directory or a journal that cannot be created is said loudly at start-up and
// the run goes on without one (its measurements still reach the summary); the exit code
// then says so (kJournalFailed). Used from the main thread before and after the run.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "dialsoak/journal/journal_writer.h"
#include "run_dir.h"
#include "run_settings.h"

namespace dialsoak::cli {

struct RunJournal {
  std::optional<RunDir> dir;
  std::unique_ptr<journal::JournalWriter> writer;  // null when it could not be opened
  std::string error;                               // why not
  std::string command;                             // run | capacity: what wrote it
  // The directory holds another run's journal: nothing may be written there, and the run
  // should not start (a usage error; it would otherwise lose nothing but its journal).
  bool refused = false;

  bool failed() const { return !error.empty() || (writer && writer->failed()); }
  // Appends the simulator's counts (a record "t":"simulator"), when there are some, and
  // closes the file.
  void Close(const std::optional<nlohmann::json>& simulator = std::nullopt);
  // The JSON report into the run directory, and to --report when given; a file that
  // cannot be written is an error on stderr.
  void WriteReports(const RunSettings& s, const nlohmann::json& json) const;
  // One line for the summary: where the journal is and how many records it holds, or
  // what went wrong with it.
  std::string Note() const;
  // Where the report (and the charts next to it) go: --report, else the run directory's.
  std::string ReportPath(const RunSettings& s) const;
};

// Makes the run directory and opens its journal, with the settings as its header; says
// where on stderr ("dialsoak: run directory DIR").
RunJournal OpenRunJournal(const RunSettings& s, const std::string& run_id, const std::string& command,
                          const nlohmann::json& config);

}  // namespace dialsoak::cli
