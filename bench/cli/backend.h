// What `dialsoak run` and `dialsoak capacity` dial: the embedded modem bank (sim backend)
// or the configured serial devices, or external dialers' commands (exec), each line's merged
// settings, and the factory that opens a line through the serial or the exec driver. Also the process's descriptor limit, raised to
// what the lines need. Called once at start-up, from the main thread.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "dialsoak/engine/engine.h"
#include "dialsoak/sim/bank.h"
#include "run_settings.h"

namespace dialsoak::cli {

struct Backend {
  // A directory of our own, removed with the Backend (after the bank, declared after it).
  struct TempDir {
    explicit TempDir(std::filesystem::path p) : path(std::move(p)) {}
    ~TempDir();
    std::filesystem::path path;
  };
  std::unique_ptr<TempDir> link_dir;     // sim backend with faults: the ports' links
  std::unique_ptr<sim::ModemBank> bank;  // sim backend only
  std::vector<std::string> devices;      // one per line: the bank's ports or --device
                                         // (exec: the tty, or empty for none)
  bool exec = false;                     // exec backend: lines are external dialers
  std::vector<LineSettings> lines;       // each line's settings, merged once

  // Opens line i (devices[i], with lines[i]) through its driver; the Backend must
  // outlive the factory.
  engine::LineFactory LineFactory() const;
};

struct BackendError {
  int exit_code;  // kUsage for a bad simulator setting, kSetupFailed when it cannot start
  std::string message;
};

// Validated settings in; the bank started (sim, with `calls` told of each finished call,
// on the bank's thread) and the lines' settings merged.
tl::expected<Backend, BackendError> StartBackend(const RunSettings& s,
                                                 sim::ModemBank::CallObserver calls = {});

// What the simulator itself counted, so a report shows both ends of every call.
nlohmann::json SimulatorToJson(const sim::BankStats& stats);

}  // namespace dialsoak::cli
