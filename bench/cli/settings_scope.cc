#include "settings_scope.h"

#include <fmt/format.h>

#include <algorithm>

namespace dialsoak::cli {
namespace {

unsigned BackendBit(const std::string& backend) {
  if (backend == "serial") return kSerial;
  if (backend == "exec") return kExec;
  return kSim;
}

// What to do instead, for the settings users most often carry over from the simulator.
std::string Hint(const Setting& setting, const std::string& backend) {
  if (setting.key == "lines" && backend == "serial") {
    return "; a serial run dials one line per --device (or 'modems' entry)";
  }
  if (setting.key == "device") return "; the sim backend makes its own ptys (drop the device)";
  if (setting.backends == kSim) {
    return fmt::format("; it sets the embedded simulator, which --backend {} does not use", backend);
  }
  return "";
}

}  // namespace

tl::expected<std::vector<std::string>, std::string> CheckScope(
    const RunSettings& s, const std::vector<GivenSetting>& given) {
  const unsigned command = s.command == "capacity" ? kCapacity : kRun;
  const unsigned backend = BackendBit(s.backend);
  // `--backend sim` over a file written for real modems checks the file on the simulator
  // (a documented use): the file's settings for its own backend are then only warned about.
  const bool backend_flag = std::any_of(given.begin(), given.end(), [](const GivenSetting& g) {
    return !g.from_file && g.setting->key == "backend";
  });
  std::vector<std::string> warnings;
  for (const GivenSetting& g : given) {
    const Setting& setting = *g.setting;
    if (!setting.For(command)) {
      // Only a file gets here: the other command's flags are refused when applied.
      warnings.push_back(fmt::format("{}: for {} only; {} leaves it", g.where,
                                     CommandText(setting.commands), CommandText(command)));
      continue;
    }
    if ((setting.backends & backend) == 0 && g.from_file && backend_flag) {
      warnings.push_back(fmt::format("{}: for {} only; --backend {} (given over the file's) "
                                     "leaves it",
                                     g.where, BackendsText(setting.backends), s.backend));
    } else if ((setting.backends & backend) == 0) {
      return tl::unexpected(fmt::format("{}: for {} only, not --backend {}{}", g.where,
                                        BackendsText(setting.backends), s.backend,
                                        Hint(setting, s.backend)));
    }
  }
  if (s.backend == "sim" && static_cast<int>(s.line_overrides.size()) > s.lines) {
    const LineSettings& extra = s.line_overrides[static_cast<std::size_t>(s.lines)];
    if (backend_flag) {
      warnings.push_back(fmt::format(
          "{}:{}: key 'modems[{}]': {} modems entries for {} simulated line(s); the entries "
          "beyond them set nothing",
          s.config_path, extra.source_line, s.lines, s.line_overrides.size(), s.lines));
      return warnings;
    }
    return tl::unexpected(fmt::format(
        "{}:{}: key 'modems[{}]': {} modems entries for {} line(s): on the sim backend entry i "
        "sets line i, so entries beyond the lines would set nothing; give lines: {} (or "
        "--lines {}), or drop the extra entries",
        s.config_path, extra.source_line, s.lines, s.line_overrides.size(), s.lines,
        s.line_overrides.size(), s.line_overrides.size()));
  }
  return warnings;
}

}  // namespace dialsoak::cli
