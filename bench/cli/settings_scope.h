// Settings given where they do not apply. Each setting of the registry names the commands
// and backends that take it; one given elsewhere would be dropped without a word while the
// summary reads as if it took effect. So:
//   - a setting for other backends than the run's (--answer-delay with --backend serial,
//     a modems entry's device on the sim backend, --lines on the serial backend) is refused,
//     but only warned about when it comes from the file and --backend overrides the
//     file's backend: `--config bank.yaml --backend sim --cycles 1` checks a file written
//     for real modems on the simulator (a documented use);
//   - a config file key of the other command (a `capacity:` section read by dialsoak run,
//     `cycles:` read by dialsoak capacity) is a warning: one file may serve both commands;
//   - on the sim backend, `modems:` entries beyond the lines dialed are refused (entry i
//     sets line i; the extra ones would set nothing), or warned about as above.
// Flags of the other command are refused where they are parsed (run_options.cc).
// Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "run_settings.h"
#include "settings_registry.h"

namespace dialsoak::cli {

// The warnings to log, or the first setting refused (the message names it and where it
// was given, and says what to do).
tl::expected<std::vector<std::string>, std::string> CheckScope(
    const RunSettings& s, const std::vector<GivenSetting>& given);

}  // namespace dialsoak::cli
