// The settings of dialsoak-ras (the Windows RAS soak): the RAS entries, the cycles and
// their timing, the processes to watch, /metrics. Read from a YAML file (--config) and
// then from the command line, which wins. Pure code (no Windows headers), thread-compatible.
// Errors: LoadRasSoakFile returns a message naming the file and the key; nothing throws.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <tl/expected.hpp>
#include <vector>

#include "dialsoak/engine/engine_config.h"
#include "dialsoak/ras/ras_config.h"

namespace dialsoak::windows {

struct RasSoakSettings {
  ras::RasLineConfig ras;            // entry, phonebook, credentials
  std::vector<std::string> entries;  // more entries: one line each (the first is ras.entry)
  std::string number;                // empty: each entry's own phone number
  std::int64_t cycles = 100;         // per line
  std::optional<std::chrono::nanoseconds> duration;
  std::chrono::nanoseconds hold{0}, think{0};
  std::chrono::nanoseconds dial_timeout = std::chrono::seconds(90);
  std::chrono::nanoseconds hangup_timeout = std::chrono::seconds(10);
  std::chrono::nanoseconds sample_interval = std::chrono::seconds(1);
  std::vector<int> watch_pids;
  std::vector<std::string> watch_names;
  std::string listen;  // empty: no /metrics
  double max_failures_percent = 0;
};

// Keys: entry (one) or entries (a list), phonebook, number, user, password, domain,
// cycles, duration, hold, think, dial_timeout, hangup_timeout, sample_interval,
// watch_pids, watch_names, listen, max_failures. Unknown keys are errors.
tl::expected<RasSoakSettings, std::string> LoadRasSoakFile(const std::string& path,
                                                           RasSoakSettings base);

// The engine's configuration: one line per entry, each dialing number.
engine::EngineConfig EngineConfigOf(const RasSoakSettings& s);

// The entries dialed, in line order.
std::vector<std::string> EntriesOf(const RasSoakSettings& s);

}  // namespace dialsoak::windows
