#include "settings_json.h"

#include <string_view>

#include "settings_registry.h"

namespace dialsoak::cli {
namespace {

// A section of the report's config that only a run of that kind has: the Pushgateway's
// settings with --push, the open loop's with --rate or --stage, the sweep's in a sweep.
bool SectionShown(std::string_view path, const RunSettings& s) {
  if (path.starts_with("push.")) return !s.push_url.empty();
  if (path.starts_with("open_loop.")) return s.rate.has_value() || !s.stages.empty();
  if (path.starts_with("capacity.")) return s.command == "capacity";
  return true;
}

// Sets j at a dotted path ("leak.settle_seconds").
void Put(nlohmann::json& j, std::string_view path, const nlohmann::json& value) {
  nlohmann::json* at = &j;
  for (auto dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.')) {
    at = &(*at)[std::string(path.substr(0, dot))];
    path.remove_prefix(dot + 1);
  }
  (*at)[std::string(path)] = value;
}

// Calls f(path) for each of a setting's JSON paths (one, or two separated by a space).
template <typename F>
void ForEachPath(std::string_view paths, F f) {
  while (!paths.empty()) {
    const auto space = paths.find(' ');
    f(paths.substr(0, space));
    if (space == std::string_view::npos) break;
    paths.remove_prefix(space + 1);
  }
}

bool IsLineSetting(const Setting& setting) {
  return setting.section == Section::Line || setting.section == Section::Entry;
}

// A line's settings: those set, by their JSON names.
nlohmann::json LineToJson(const RunSettings& s, const LineSettings& line) {
  nlohmann::json j = nlohmann::json::object();
  for (const Setting& setting : AllSettings()) {
    if (!IsLineSetting(setting) || setting.json.empty()) continue;
    nlohmann::json value = setting.rule.echo(s, line);
    if (value.is_null()) continue;
    j[std::string(setting.json)] = std::move(value);
  }
  return j;
}

}  // namespace

nlohmann::json SettingsToJson(const RunSettings& s) {
  nlohmann::json j;
  j["command"] = s.command;
  for (const Setting& setting : AllSettings()) {
    if (IsLineSetting(setting) || setting.json.empty()) continue;
    const nlohmann::json value = setting.rule.echo(s, s.line_defaults);
    ForEachPath(setting.json, [&](std::string_view path) {
      if (SectionShown(path, s)) Put(j, path, value);
    });
  }
  j["line_defaults"] = LineToJson(s, s.line_defaults);
  j["modems"] = nlohmann::json::array();
  for (const LineSettings& l : s.line_overrides) j["modems"].push_back(LineToJson(s, l));
  return j;
}

}  // namespace dialsoak::cli
