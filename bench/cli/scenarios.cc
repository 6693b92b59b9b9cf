#include "scenarios.h"

namespace dialsoak::cli {

std::vector<std::string> ScenarioNames() { return {"q197517"}; }

tl::expected<void, std::string> ApplyScenario(const std::string& name, RunSettings& s) {
  if (name == "q197517") {
    // Microsoft KB Q197517: RasDial opened a handle to the process token on every call and
    // never closed it. Here: one line dialled and hung up over and over, the embedded
    // simulator leaking one eventfd (a kernel object handle, as the token was) in this
    // process on every dial. The leak verdict must catch it and name the kind.
    s.scenario = name;
    s.backend = "sim";
    s.lines = 1;
    s.cycles = 1000;  // a default, not a given --cycles: a --duration alone runs that long
    s.inject_leak = "1:eventfd";
    return {};
  }
  std::string known;
  for (const std::string& n : ScenarioNames()) known += (known.empty() ? "" : ", ") + n;
  return tl::unexpected("--scenario: unknown scenario '" + name + "' (known: " + known + ")");
}

}  // namespace dialsoak::cli
