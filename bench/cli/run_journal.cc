#include "run_journal.h"

#include <cerrno>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "dialsoak/report/json_report.h"

namespace dialsoak::cli {

RunJournal OpenRunJournal(const RunSettings& s, const std::string& run_id, const std::string& command,
                          const nlohmann::json& config) {
  RunJournal j;
  j.command = command;
  auto dir = MakeRunDir(s.out_dir, run_id);
  if (!dir && dir.error().code == EEXIST) {
    j.error = dir.error().message;
    j.refused = true;
    return j;
  }
  if (!dir) {
    j.error = dir.error().message;
  } else {
    j.dir = *dir;
    journal::JournalOptions options;
    options.cycles = s.journal == "cycles";
    options.cycles_limit_bytes = s.journal_cycles_limit_mib << 20;
    auto writer =
        journal::JournalWriter::Open(dir->journal(), DIALSOAK_VERSION, command, config, options);
    if (writer) {
      j.writer = std::move(*writer);
      fmt::print(stderr, "dialsoak: run directory {}\n", dir->path);
    } else {
      j.error = writer.error().message;
    }
  }
  if (!j.error.empty()) {
    spdlog::error("{}: the run goes on without a journal; its summary keeps what is in memory, "
                  "but a crash would lose it (exit code 7 at the end)",
                  j.error);
  }
  return j;
}

void RunJournal::Close(const std::optional<nlohmann::json>& simulator) {
  if (!writer) return;
  if (simulator) {
    nlohmann::json record = *simulator;
    record["t"] = "simulator";
    writer->Append(record);
  }
  writer->Close();
}

void RunJournal::WriteReports(const RunSettings& s, const nlohmann::json& json) const {
  if (dir) {
    auto written = report::WriteJsonReport(dir->report(), json);
    if (!written) spdlog::error("report in the run directory: {}", written.error().message);
  }
  if (!s.report_path.empty()) {
    auto written = report::WriteJsonReport(s.report_path, json);
    if (!written) spdlog::error("--report: {}", written.error().message);
  }
}

std::string RunJournal::Note() const {
  if (writer && writer->failed()) return "journal FAILED: " + writer->error();
  if (!error.empty()) return "journal FAILED: " + error;
  const std::string rebuild =
      command == "run" ? fmt::format("`dialsoak report {}` rebuilds the report from it", dir->path)
                       : "the sweep's report is report.json beside it";
  std::string note = fmt::format("run directory: {} (journal {} records, {:.1f} MB; {})", dir->path,
                                 writer->records(), static_cast<double>(writer->bytes()) / 1e6,
                                 rebuild);
  if (writer->cycles_capped()) {
    note += "; the per-cycle records stopped at --journal-cycles-limit, the counts go on";
  }
  return note;
}

std::string RunJournal::ReportPath(const RunSettings& s) const {
  if (!s.report_path.empty()) return s.report_path;
  return dir ? dir->report() : "";
}

}  // namespace dialsoak::cli
