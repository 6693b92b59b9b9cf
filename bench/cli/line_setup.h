// From RunSettings to lines: the effective settings of each line (the config file's
// defaults, then its own `modems` entry), the serial driver's configuration and the
// engine's plan for that line. Pure functions over validated settings.
#pragma once

#include <string>

#include "dialsoak/engine/engine_config.h"
#include "dialsoak/exec/exec_line.h"
#include "dialsoak/serial/serial_line.h"
#include "run_settings.h"

namespace dialsoak::cli {

// Line `index`'s settings: line_defaults overlaid with its entry of line_overrides (on
// the serial backend the entry naming `device`, on the sim backend entry `index`).
LineSettings EffectiveLineSettings(const RunSettings& settings, int index,
                                   const std::string& device);

serial::SerialLineConfig ToSerialConfig(const LineSettings& line, const std::string& device);
// Line `index` of the exec backend; device is its tty, or empty.
exec::ExecLineConfig ToExecConfig(const LineSettings& line, const std::string& device, int index);
engine::LinePlan ToPlan(const LineSettings& line, const std::string& default_number);

}  // namespace dialsoak::cli
