#include "run_dir.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

namespace dialsoak::cli {

std::string RunDir::File(const char* name) const {
  return (std::filesystem::path(path) / name).string();
}

io::Result<RunDir> MakeRunDir(const std::string& out, const std::string& run_id) {
  const char* runs = std::getenv("DIALSOAK_RUNS_DIR");
  const std::filesystem::path parent = runs && *runs ? runs : kDefaultRunsDir;
  const std::filesystem::path dir = out.empty() ? parent / run_id : std::filesystem::path(out);
  std::error_code ec;
  if (dir.has_parent_path()) {
    std::filesystem::create_directories(dir.parent_path(), ec);
    if (ec) {
      return io::Fail(io::ErrnoError(
          fmt::format("creating the run directory's parent {}", dir.parent_path().string()),
          ec.value()));
    }
  }
  if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST) {
    return io::Fail(io::ErrnoError(fmt::format("creating the run directory {}", dir.string())));
  }
  if (!std::filesystem::is_directory(dir, ec)) {
    return io::Fail(io::Error{ENOTDIR, fmt::format("run directory {}: not a directory", dir.string())});
  }
  RunDir r{dir.string()};
  if (std::filesystem::exists(std::filesystem::symlink_status(r.journal(), ec))) {
    return io::Fail(io::Error{EEXIST, fmt::format("run directory {} already holds a run ({}); "
                                                  "give another --out",
                                                  r.path, kJournalName)});
  }
  return r;
}

}  // namespace dialsoak::cli
