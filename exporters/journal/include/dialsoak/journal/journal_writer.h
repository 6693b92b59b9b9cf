// JournalWriter: the observer that writes a run to its journal file as it happens (JSON
// lines, journal_codec.h and tick_codec.h), so that a run killed at 3 a.m. still has its
// data: `dialsoak report DIR` rebuilds the reports from the journal alone.
//
// Size: the journal grows with time, not with the cycle rate (at most about 50 MB an hour
// at any rate). The cycles are counted into one tick record a second (counts by outcome
// and hang-up method, the first few distinct failure texts, the latency histograms'
// deltas); the histograms go in when the journal is within its budget for them
// (kHistogramBytesPerSecond, after a first kHistogramBurstBytes) and otherwise wait for a
// later tick, so a wide latency spread cannot blow it. Probe samples are written as they
// come up to a burst of kProbeBurst a process (a short one-line run's sample around every cycle, the KB check, fits whole), then kProbesPerSecond (the baseline and end
// samples always, and the samples on either side of a process's change of pid or of being
// found). Per-cycle records are opt-in (JournalOptions::cycles), and stop at
// cycles_limit_bytes, said once on the log and in cycles_capped().
//
// Durability: records are appended to a buffer and written out at every collector tick
// (about every 100 ms) and at the run's end; the file is fsynced at most a second after
// a write, and at the end. A kill -9 loses what was not yet written: the current second's
// counts, and histograms waiting for the budget; a power cut what was not yet fsynced
// (about a second's). A torn last line is possible and the reader ignores it.
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
#include "dialsoak/observer/cycle_tally.h"
#include "dialsoak/observer/run_observer.h"

namespace dialsoak::journal {

inline constexpr auto kTickRecordInterval = std::chrono::seconds(1);
inline constexpr std::int64_t kHistogramBytesPerSecond = 6 * 1024;
inline constexpr std::int64_t kHistogramBurstBytes = 256 * 1024;
inline constexpr double kProbesPerSecond = 10;
inline constexpr double kProbeBurst = 3000;
inline constexpr std::size_t kTickFailures = 10;  // distinct failure texts a tick lists

struct JournalOptions {
  bool cycles = false;  // also one record per cycle (and per call dropped at origin)
  std::int64_t cycles_limit_bytes = std::int64_t{1} << 30;
};

class JournalWriter final : public RunObserver {
 public:
  // Creates `path` and writes the header line: format, tool, version, command, the
  // journal's mode ("ticks" or "cycles") and the run's whole configuration. Fsyncs it.
  static io::Result<std::unique_ptr<JournalWriter>> Open(const std::string& path,
                                                         const std::string& version,
                                                         const std::string& command,
                                                         const nlohmann::json& config,
                                                         JournalOptions options = {});
  ~JournalWriter() override;

  void OnRunStart(const RunInfo& info) override;
  void OnCycle(const CycleRecord& c) override;
  void OnCycles(const CycleTally& t) override;
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
  std::int64_t bytes() const { return bytes_; }
  // Per-cycle records reached JournalOptions::cycles_limit_bytes and stopped.
  bool cycles_capped() const { return cycles_capped_; }

 private:
  JournalWriter(std::string path, io::UniqueFd fd, JournalOptions options)
      : path_(std::move(path)), fd_(std::move(fd)), options_(options) {}
  void Add(const nlohmann::ordered_json& record);
  void AddCycleDetail(const nlohmann::ordered_json& record);
  std::optional<std::int64_t> Intern(const std::string& text);
  void InternField(nlohmann::ordered_json& line, const char* field);
  void WriteTick(Clock::time_point now, bool final);
  bool ProbeAllowed(const ProbeSample& s);
  void Flush(bool sync);
  void Fail(std::string_view step, int err);

  std::string path_;
  io::UniqueFd fd_;
  std::string buffer_;
  Clock::time_point start_{};
  std::optional<Clock::time_point> last_sync_;
  std::set<std::pair<std::string, std::string>> suspected_;
  std::map<std::string, std::int64_t> texts_;  // interned texts -> id
  JournalOptions options_;
  CycleTally tick_;  // since the last tick record (histograms: since the last that had them)
  std::optional<Clock::time_point> last_tick_;
  Clock::time_point latest_{};  // the latest tick's time
  std::int64_t cycles_done_ = 0;
  std::int64_t histogram_bytes_ = 0;
  std::int64_t cycle_bytes_ = 0;
  bool cycles_capped_ = false;
  struct ProbeBudget {
    double tokens = kProbeBurst;
    Clock::time_point at{};
    // The latest sample not written, and the state (pid, found) of the latest one seen:
    // a change of state is always written, with the sample before it, so that a rebuilt
    // report sees a restart (a new pid) or a vanishing exactly where it happened.
    std::optional<ProbeSample> held;
    int pid = 0;
    bool alive = false;
    // Changes have a budget of their own (a process started anew for every call changes
    // pid with every cycle): kProbeBurst, then kProbesPerSecond.
    double change_tokens = kProbeBurst;
  };
  std::map<std::string, ProbeBudget> probe_budgets_;  // per process
  std::int64_t records_ = 0;
  std::int64_t bytes_ = 0;
  bool failed_ = false;
  std::string error_;
};

}  // namespace dialsoak::journal
