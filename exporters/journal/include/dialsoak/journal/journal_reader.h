// Reading a journal back (journal_codec.h): the header, then every record handed to the
// observers in the order it was written, as the engine handed them during the run, so the
// same sinks (the summary, the leak watch) rebuild the same results from the journal
// alone: format 2's tick records as OnCycles, format 1's cycle records one by one. A run
// that was killed has no end record: Replay says so and hands none.
//
// Damage is counted, never fatal: the last line without its newline (a write cut short by
// a kill or a full disk) is torn and ignored; a line in the middle that is not a record
// (not JSON, an unknown type, a missing field) is skipped and counted, with the first one's
// line number. Records before the start record are ignored likewise.
//
// Thread-compatible; reads the file once, line by line (memory does not grow with it).
// Errors: a file that cannot be opened or read, whose first line is not a dialsoak journal
// header, or whose format this reader does not know (newer than kFormat), is an io::Error
// naming the file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dialsoak/io/error.h"
#include "dialsoak/observer/run_observer.h"

namespace dialsoak::journal {

struct JournalHeader {
  int format = 0;
  std::string version;  // of the dialsoak that wrote it
  std::string command;  // "run"
  nlohmann::json config;
};

struct ReplayStats {
  std::int64_t lines = 0;        // lines read, the header included
  std::int64_t records = 0;      // handed to the observers (the texts they use not counted)
  std::int64_t detail_records = 0;  // format 2's opt-in per-cycle records, read past
  std::int64_t torn_lines = 0;   // 0 or 1: the last line, cut short
  std::int64_t bad_lines = 0;    // skipped in the middle
  std::int64_t first_bad_line = 0;  // 1-based, when bad_lines > 0
  bool started = false;          // a start record was found
  std::optional<RunEnd> end;     // the end record, if the run wrote one
  nlohmann::json simulator;      // the simulator's counts, if written
};

io::Result<JournalHeader> ReadJournalHeader(const std::string& path);

// Hands every record to every observer, in order, from the calling thread: OnRunStart,
// OnCycle, OnDropped, OnProbe, OnFdTable, OnLeakEstimate (the first suspicions) and, if
// the journal has one, OnRunEnd.
io::Result<ReplayStats> Replay(const std::string& path, const std::vector<RunObserver*>& observers);

}  // namespace dialsoak::journal
