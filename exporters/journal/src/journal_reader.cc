#include "dialsoak/journal/journal_reader.h"

#include <fmt/format.h>

#include <cerrno>
#include <fstream>
#include <unordered_map>

#include "dialsoak/journal/journal_codec.h"
#include "dialsoak/journal/tick_codec.h"

namespace dialsoak::journal {
namespace {

using nlohmann::json;

// Replayed runs start at an arbitrary point of the monotonic clock; only offsets matter.
const Clock::time_point kReplayStart = Clock::time_point(std::chrono::hours(1));

std::optional<json> Parse(const std::string& line) {
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

io::Result<JournalHeader> HeaderOf(const std::string& path, const std::string& first) {
  auto bad = [&](std::string_view why) {
    return io::Fail(io::Error{EINVAL, fmt::format("{}: not a dialsoak journal ({})", path, why)});
  };
  const auto j = Parse(first);
  if (!j || TypeOf(*j) != "header") return bad("its first line is not a journal header");
  JournalHeader h;
  try {
    if (j->value("tool", "") != "dialsoak") return bad("another tool wrote it");
    h.format = j->value("format", 0);
    h.version = j->value("version", "");
    h.command = j->value("command", "");
    h.config = j->value("config", json::object());
  } catch (const json::exception& e) {
    return bad(e.what());
  }
  if (h.format < kOldestFormat || h.format > kFormat) {
    return io::Fail(io::Error{
        EINVAL,
        fmt::format("{}: journal format {} (written by dialsoak {}); this dialsoak reads "
                    "formats {} to {}: rebuild the report with the dialsoak that wrote it",
                    path, h.format, h.version.empty() ? "?" : h.version, kOldestFormat, kFormat)});
  }
  return h;
}

io::Result<std::ifstream> OpenJournal(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io::Fail(io::ErrnoError(fmt::format("opening the journal {}", path)));
  return in;
}

using Texts = std::unordered_map<std::int64_t, std::string>;

// A cycle's interned fields back to their texts; false for an id never defined.
bool Restore(json& j, const Texts& texts) {
  for (const char* field : {"detail", "hangup_detail", "drop_detail"}) {
    auto it = j.find(field);
    if (it == j.end() || !it->is_number_integer()) continue;
    auto text = texts.find(it->get<std::int64_t>());
    if (text == texts.end()) return false;
    *it = text->second;
  }
  return true;
}

// A tick's failure details that are text ids back to their texts; false for an unknown id.
bool RestoreFailures(json& j, const Texts& texts) {
  auto f = j.find("failures");
  if (f == j.end() || !f->is_array()) return true;
  for (json& entry : *f) {
    if (!entry.is_array() || entry.size() < 2 || !entry[1].is_number_integer()) continue;
    auto text = texts.find(entry[1].get<std::int64_t>());
    if (text == texts.end()) return false;
    entry[1] = text->second;
  }
  return true;
}

// One record to the observers; false when the line is no record this reader knows.
// Format 2 counts its cycles in tick records; its per-cycle records (the opt-in detail)
// are read past, not counted twice.
bool Dispatch(json& j, const std::vector<RunObserver*>& observers, Texts& texts, ReplayStats& stats,
              int format) {
  const std::string type = TypeOf(j);
  if (type == "text") {
    std::int64_t id = 0;
    std::string text;
    try {
      id = j.at("id").get<std::int64_t>();
      text = j.at("text").get<std::string>();
    } catch (const json::exception&) {
      return false;
    }
    texts[id] = std::move(text);
    return true;
  }
  if (type == "start") {
    auto info = DecodeStart(j, kReplayStart);
    if (!info) return false;
    stats.started = true;
    for (RunObserver* o : observers) o->OnRunStart(*info);
    return true;
  }
  if (!stats.started) return type == "header";  // nothing counts before the start
  if (type == "tick") {
    if (!RestoreFailures(j, texts)) return false;
    auto t = DecodeTick(j, kReplayStart);
    if (!t) return false;
    for (RunObserver* o : observers) o->OnCycles(*t);
  } else if (format >= 2 && (type == "cycle" || type == "drop")) {
    ++stats.detail_records;
  } else if (type == "cycle") {
    if (!Restore(j, texts)) return false;
    auto c = DecodeCycle(j, kReplayStart);
    if (!c) return false;
    for (RunObserver* o : observers) o->OnCycle(*c);
  } else if (type == "drop") {
    auto d = DecodeDrop(j, kReplayStart);
    if (!d) return false;
    for (RunObserver* o : observers) o->OnDropped(*d);
  } else if (type == "probe") {
    auto s = DecodeProbe(j, kReplayStart);
    if (!s) return false;
    for (RunObserver* o : observers) o->OnProbe(*s);
  } else if (type == "fds") {
    auto t = DecodeFds(j);
    if (!t) return false;
    for (RunObserver* o : observers) o->OnFdTable(*t);
  } else if (type == "suspect") {
    auto e = DecodeSuspect(j);
    if (!e) return false;
    for (RunObserver* o : observers) o->OnLeakEstimate(*e);
  } else if (type == "end") {
    auto e = DecodeEnd(j);
    if (!e) return false;
    stats.end = *e;
    for (RunObserver* o : observers) o->OnRunEnd(*e);
  } else if (type == "simulator") {
    stats.simulator = j;
    stats.simulator.erase("t");
  } else {
    return false;
  }
  return true;
}

}  // namespace

io::Result<JournalHeader> ReadJournalHeader(const std::string& path) {
  auto in = OpenJournal(path);
  if (!in) return io::Fail(in.error());
  std::string first;
  if (!std::getline(*in, first)) {
    return io::Fail(io::Error{EINVAL, fmt::format("{}: not a dialsoak journal (empty)", path)});
  }
  return HeaderOf(path, first);
}

io::Result<ReplayStats> Replay(const std::string& path,
                               const std::vector<RunObserver*>& observers) {
  auto header = ReadJournalHeader(path);
  if (!header) return io::Fail(header.error());
  auto in = OpenJournal(path);
  if (!in) return io::Fail(in.error());
  ReplayStats stats;
  Texts texts;
  std::string line;
  while (std::getline(*in, line)) {
    ++stats.lines;
    if (stats.lines == 1) continue;    // the header, read above
    const bool complete = !in->eof();  // getline stopped at a newline
    auto j = Parse(line);
    if (j && Dispatch(*j, observers, texts, stats, header->format)) {
      if (TypeOf(*j) != "text") ++stats.records;
      continue;
    }
    if (!complete) {
      ++stats.torn_lines;
    } else if (!line.empty()) {
      if (stats.bad_lines++ == 0) stats.first_bad_line = stats.lines;
    }
  }
  if (in->bad()) return io::Fail(io::ErrnoError(fmt::format("reading the journal {}", path)));
  return stats;
}

}  // namespace dialsoak::journal
