#include "dialsoak/journal/journal_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "dialsoak/journal/journal_codec.h"

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
                                                               const nlohmann::json& config) {
  io::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640));
  if (!fd) return io::Fail(io::ErrnoError(fmt::format("creating the journal {}", path)));
  std::unique_ptr<JournalWriter> w(new JournalWriter(path, std::move(fd)));
  w->Add(nlohmann::ordered_json{{"t", "header"},
                        {"format", kFormat},
                        {"tool", "dialsoak"},
                        {"version", version},
                        {"command", command},
                        {"config", config}});
  w->Flush(/*sync=*/true);
  if (w->failed_) return io::Fail(io::Error{ENOSPC, w->error_});
  return w;
}

JournalWriter::~JournalWriter() { Close(); }

void JournalWriter::Add(const nlohmann::ordered_json& record) {
  if (failed_ || !fd_) return;
  buffer_ += Line(record);
  ++records_;
}

void JournalWriter::Fail(std::string_view step, int err) {
  failed_ = true;
  error_ = fmt::format("{} the journal {}: {}", step, path_, std::strerror(err));
  buffer_.clear();
  buffer_.shrink_to_fit();
  spdlog::error("{}: the run goes on and its summary keeps what is in memory, but from now on "
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
  nlohmann::ordered_json line = Encode(c, start_);
  Intern(line, "detail");
  Intern(line, "hangup_detail");
  Intern(line, "drop_detail");
  Add(line);
}

// The field's text as the id of a "text" record, written before the first line using it.
void JournalWriter::Intern(nlohmann::ordered_json& line, const char* field) {
  auto it = line.find(field);
  if (it == line.end() || !it->is_string()) return;
  const std::string text = it->get<std::string>();
  if (text.empty()) return;
  auto known = texts_.find(text);
  if (known == texts_.end()) {
    if (texts_.size() >= kMaxTexts) return;  // noise: each one its own, kept as a string
    known = texts_.emplace(text, static_cast<std::int64_t>(texts_.size()) + 1).first;
    Add(nlohmann::ordered_json{{"t", "text"}, {"id", known->second}, {"text", text}});
    --records_;  // a text is no record of the run
  }
  *it = known->second;
}
void JournalWriter::OnDropped(const DroppedCall& d) { Add(Encode(d, start_)); }
void JournalWriter::OnProbe(const ProbeSample& s) { Add(Encode(s, start_)); }
void JournalWriter::OnFdTable(const FdTable& t) { Add(Encode(t)); }

void JournalWriter::OnLeakEstimate(const LeakEstimate& e) {
  if (!e.suspected || !suspected_.insert({e.process, e.resource}).second) return;
  Add(Encode(e));
}

void JournalWriter::OnTick(Clock::time_point /*now*/, std::int64_t /*cycles_done*/) {
  Flush(/*sync=*/false);
}

void JournalWriter::OnRunEnd(const RunEnd& end) {
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
  Flush(/*sync=*/true);
  fd_.reset();
}

}  // namespace dialsoak::journal
