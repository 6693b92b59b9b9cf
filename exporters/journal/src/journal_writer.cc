#include "dialsoak/journal/journal_writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "dialsoak/journal/journal_codec.h"
#include "dialsoak/journal/tick_codec.h"

namespace dialsoak::journal {
namespace {

using namespace std::chrono_literals;

constexpr auto kSyncInterval = 1s;

// One line; text that is not UTF-8 (a modem's noise) is replaced, not refused.
std::string Line(const nlohmann::ordered_json& record) {
  return record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// Writes all of data; false with errno set on failure.
bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

io::Result<std::unique_ptr<JournalWriter>> JournalWriter::Open(const std::string& path,
                                                               const std::string& version,
                                                               const std::string& command,
                                                               const nlohmann::json& config,
                                                               JournalOptions options) {
  io::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640));
  if (!fd) return io::Fail(io::ErrnoError(fmt::format("creating the journal {}", path)));
  std::unique_ptr<JournalWriter> w(new JournalWriter(path, std::move(fd), options));
  w->tick_.max_failures = kTickFailures;
  w->Add(nlohmann::ordered_json{{"t", "header"},
                                {"format", kFormat},
                                {"tool", "dialsoak"},
                                {"version", version},
                                {"command", command},
                                {"journal", options.cycles ? "cycles" : "ticks"},
                                {"config", config}});
  w->Flush(/*sync=*/true);
  if (w->failed_) return io::Fail(io::Error{ENOSPC, w->error_});
  return w;
}

JournalWriter::~JournalWriter() { Close(); }

void JournalWriter::Add(const nlohmann::ordered_json& record) {
  if (failed_ || !fd_) return;
  const std::string line = Line(record);
  buffer_ += line;
  bytes_ += static_cast<std::int64_t>(line.size());
  ++records_;
}

// A per-cycle record, while they are within their limit.
void JournalWriter::AddCycleDetail(const nlohmann::ordered_json& record) {
  if (cycles_capped_) return;
  const std::int64_t before = bytes_;
  Add(record);
  cycle_bytes_ += bytes_ - before;
  if (cycle_bytes_ < options_.cycles_limit_bytes) return;
  cycles_capped_ = true;
  spdlog::warn(
      "journal {}: the per-cycle records reached their limit of {} bytes and stop "
      "here; the tick records go on, so the report still counts every cycle",
      path_, options_.cycles_limit_bytes);
}

void JournalWriter::Fail(std::string_view step, int err) {
  failed_ = true;
  error_ = fmt::format("{} the journal {}: {}", step, path_, std::strerror(err));
  buffer_.clear();
  buffer_.shrink_to_fit();
  spdlog::error(
      "{}: the run goes on and its summary keeps what is in memory, but from now on "
      "a crash would lose it",
      error_);
}

void JournalWriter::Flush(bool sync) {
  if (failed_ || !fd_) return;
  if (!buffer_.empty()) {
    if (!WriteAll(fd_.get(), buffer_)) return Fail("writing", errno);
    buffer_.clear();
  }
  const auto now = Clock::now();
  if (sync || !last_sync_ || now - *last_sync_ >= kSyncInterval) {
    if (::fsync(fd_.get()) != 0) return Fail("syncing", errno);
    last_sync_ = now;
  }
}

void JournalWriter::OnRunStart(const RunInfo& info) {
  start_ = info.start;
  Add(Encode(info));
}

void JournalWriter::OnCycle(const CycleRecord& c) {
  AddCycle(tick_, c);
  if (!options_.cycles || cycles_capped_) return;
  nlohmann::ordered_json line = Encode(c, start_);
  InternField(line, "detail");
  InternField(line, "hangup_detail");
  InternField(line, "drop_detail");
  AddCycleDetail(line);
}

void JournalWriter::OnCycles(const CycleTally& t) { Merge(tick_, t); }

// The text's id, defined by a "text" record before its first use; the text itself once
// kMaxTexts are defined (line noise: each one its own).
std::optional<std::int64_t> JournalWriter::Intern(const std::string& text) {
  auto known = texts_.find(text);
  if (known == texts_.end()) {
    if (texts_.size() >= kMaxTexts) return std::nullopt;
    known = texts_.emplace(text, static_cast<std::int64_t>(texts_.size()) + 1).first;
    Add(nlohmann::ordered_json{{"t", "text"}, {"id", known->second}, {"text", text}});
    --records_;  // a text is no record of the run
  }
  return known->second;
}

void JournalWriter::InternField(nlohmann::ordered_json& line, const char* field) {
  auto it = line.find(field);
  if (it == line.end() || !it->is_string()) return;
  const std::string text = it->get<std::string>();
  if (text.empty()) return;
  if (const auto id = Intern(text)) *it = *id;
}

void JournalWriter::OnDropped(const DroppedCall& d) {
  AddDropped(tick_, d);
  if (options_.cycles) AddCycleDetail(Encode(d, start_));
}

// A token bucket per process: the burst covers a short run's every sample.
bool JournalWriter::ProbeAllowed(const ProbeSample& s) {
  auto [it, added] = probe_budgets_.try_emplace(s.process);
  ProbeBudget& b = it->second;
  if (added) b.at = s.at;
  const double refill = std::chrono::duration<double>(s.at - b.at).count() * kProbesPerSecond;
  if (refill > 0) {
    b.tokens = std::min(kProbeBurst, b.tokens + refill);
    b.change_tokens = std::min(kProbeBurst, b.change_tokens + refill);
    b.at = s.at;
  }
  bool changed = added || s.pid != b.pid || s.alive != b.alive;
  b.pid = s.pid;
  b.alive = s.alive;
  if (changed && !added) {
    changed = b.change_tokens >= 1;
    if (changed) b.change_tokens -= 1;
  }
  if (changed || s.kind == SampleKind::Baseline || s.kind == SampleKind::End) {
    if (changed && b.held) Add(Encode(*b.held, start_));  // the state before the change
    b.held.reset();
    return true;
  }
  if (b.tokens < 1) {
    b.held = s;
    return false;
  }
  b.tokens -= 1;
  b.held.reset();
  return true;
}

void JournalWriter::OnProbe(const ProbeSample& s) {
  if (ProbeAllowed(s)) Add(Encode(s, start_));
}

void JournalWriter::OnFdTable(const FdTable& t) { Add(Encode(t)); }

// The tick's counts; its histograms too when the journal is within their budget (or at the
// end), else they stay for a later tick.
void JournalWriter::WriteTick(Clock::time_point now, bool final) {
  last_tick_ = now;
  const bool any_histogram =
      !tick_.start_lag.empty() || !tick_.hangup_ok.empty() || !tick_.hangup_failed.empty() ||
      !tick_.hangup_after_failed_dial.empty();
  if (tick_.empty() && !any_histogram) return;
  nlohmann::ordered_json with = EncodeTick(tick_, now, cycles_done_, start_, true);
  if (auto f = with.find("failures"); f != with.end()) {
    for (auto& entry : *f) {
      if (const auto id = Intern(entry[1].get<std::string>())) entry[1] = *id;
    }
  }
  const auto hist = with.find("hist");
  const auto histogram_bytes =
      hist == with.end() ? std::int64_t{0} : static_cast<std::int64_t>(hist->dump().size());
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const auto budget =
      kHistogramBurstBytes +
      static_cast<std::int64_t>(seconds * static_cast<double>(kHistogramBytesPerSecond));
  if (final || histogram_bytes_ + histogram_bytes <= budget) {
    histogram_bytes_ += histogram_bytes;
    Add(with);
    Clear(tick_);
    return;
  }
  with.erase("hist");  // the counts are written; the histograms wait
  Add(with);
  ClearCounts(tick_);
}

void JournalWriter::OnLeakEstimate(const LeakEstimate& e) {
  if (!e.suspected || !suspected_.insert({e.process, e.resource}).second) return;
  Add(Encode(e));
}

void JournalWriter::OnTick(Clock::time_point now, std::int64_t cycles_done) {
  latest_ = now;
  cycles_done_ = cycles_done;
  if (!last_tick_) last_tick_ = start_;
  if (now - *last_tick_ >= kTickRecordInterval) WriteTick(now, /*final=*/false);
  Flush(/*sync=*/false);
}

void JournalWriter::OnRunEnd(const RunEnd& end) {
  cycles_done_ = end.cycles_done;
  WriteTick(std::max(latest_, tick_.last_seen.value_or(start_)), /*final=*/true);
  Add(Encode(end));
  Flush(/*sync=*/true);
}

void JournalWriter::Append(const nlohmann::json& record) {
  nlohmann::ordered_json line{{"t", record.value("t", "")}};  // the type first, as the others
  for (const auto& [key, value] : record.items()) {
    if (key != "t") line[key] = value;
  }
  Add(line);
  Flush(/*sync=*/false);
}

void JournalWriter::Close() {
  if (!fd_) return;
  WriteTick(std::max(latest_, tick_.last_seen.value_or(start_)), /*final=*/true);  // if pending
  Flush(/*sync=*/true);
  fd_.reset();
}

}  // namespace dialsoak::journal
