// RunSettings as JSON, for the report's "config" section, so two runs can be compared.
#pragma once

#include <nlohmann/json.hpp>

#include "run_settings.h"

namespace dialsoak::cli {

nlohmann::json SettingsToJson(const RunSettings& settings);

}  // namespace dialsoak::cli
