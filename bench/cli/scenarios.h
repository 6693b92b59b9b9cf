// Ready-made runs for `dialsoak run --scenario NAME`: settings applied first, under the
// config file and the other flags, so that any of them can still be changed.
#pragma once

#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "run_settings.h"

namespace dialsoak::cli {

// The names --scenario accepts.
std::vector<std::string> ScenarioNames();

// Sets the scenario's settings; an unknown name is an error listing the known ones.
tl::expected<void, std::string> ApplyScenario(const std::string& name, RunSettings& s);

}  // namespace dialsoak::cli
