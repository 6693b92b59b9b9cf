// JournalWriter: the observer that writes every record of a run to its journal file as it
// happens (JSON lines, journal_codec.h), so that a run killed at 3 a.m. still has its
// data: `dialsoak report DIR` rebuilds the reports from the journal alone.
//
// Durability: records are appended to a buffer and written out at every collector tick
// (about every 100 ms) and at the run's end; the file is fsynced at most a second after
// a write, and at the end. A kill -9 loses what was not yet written (at most a tick's
// records); a power cut what was not yet fsynced (about a second's). A torn last line is
// possible and the reader ignores it.
//
// Errors: Open fails (an io::Error naming the file) when the file cannot be created; it is
// created new (O_EXCL), never over an existing one, never through a symlink (O_NOFOLLOW),
// mode 0640. A failed write or fsync later (a full disk, an I/O error) is logged once,
// loudly, with the path and the reason; the writer then stops writing (what it has not
// written is dropped, so memory stays bounded), failed() turns true and error() says why.
// The run goes on: the summary keeps what is in memory.
//
// Thread safety: a RunObserver, fed by the engine's collector thread; Append and Close
// from the same thread (or once the engine is done).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "dialsoak/io/error.h"
#include "dialsoak/io/unique_fd.h"
#include "dialsoak/observer/run_observer.h"

namespace dialsoak::journal {

class JournalWriter final : public RunObserver {
 public:
  // Creates `path` and writes the header line: format, tool, version, command and the
  // run's whole configuration. Fsyncs it.
  static io::Result<std::unique_ptr<JournalWriter>> Open(const std::string& path,
                                                         const std::string& version,
                                                         const std::string& command,
                                                         const nlohmann::json& config);
  ~JournalWriter() override;

  void OnRunStart(const RunInfo& info) override;
  void OnCycle(const CycleRecord& c) override;
  void OnDropped(const DroppedCall& d) override;
  void OnProbe(const ProbeSample& s) override;
  void OnFdTable(const FdTable& t) override;
  // Only each process and resource's first suspicion is kept (the reports need no more).
  void OnLeakEstimate(const LeakEstimate& e) override;
  void OnTick(Clock::time_point now, std::int64_t cycles_done) override;
  void OnRunEnd(const RunEnd& end) override;

  // A record of the program's own, e.g. {"t":"simulator",...}; written at once.
  void Append(const nlohmann::json& record);
  // Writes out and fsyncs what is buffered, and closes the file. Idempotent.
  void Close();

  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }
  std::int64_t records() const { return records_; }

 private:
  JournalWriter(std::string path, io::UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  void Add(const nlohmann::ordered_json& record);
  void Intern(nlohmann::ordered_json& line, const char* field);
  void Flush(bool sync);
  void Fail(std::string_view step, int err);

  std::string path_;
  io::UniqueFd fd_;
  std::string buffer_;
  Clock::time_point start_{};
  std::optional<Clock::time_point> last_sync_;
  std::set<std::pair<std::string, std::string>> suspected_;
  std::map<std::string, std::int64_t> texts_;  // interned texts -> id
  std::int64_t records_ = 0;
  bool failed_ = false;
  std::string error_;
};

}  // namespace dialsoak::journal
