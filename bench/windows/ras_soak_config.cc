#include "ras_soak_config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "dialsoak/sim/distribution.h"

namespace dialsoak::windows {
namespace {

using Error = tl::unexpected<std::string>;

tl::expected<std::chrono::nanoseconds, std::string> Duration(const YAML::Node& v,
                                                             const std::string& key) {
  auto d = sim::ParseDuration(v.as<std::string>());
  if (!d) return Error(key + ": " + d.error());
  return *d;
}

}  // namespace

tl::expected<RasSoakSettings, std::string> LoadRasSoakFile(const std::string& path,
                                                           RasSoakSettings s) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return Error(fmt::format("{}: {}", path, e.what()));
  }
  if (!root.IsMap()) return Error(path + ": expected a mapping of settings");
  try {
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      auto duration = [&](std::chrono::nanoseconds& out) -> tl::expected<void, std::string> {
        auto d = Duration(v, key);
        if (!d) return Error(d.error());
        out = *d;
        return {};
      };
      tl::expected<void, std::string> ok;
      if (key == "entry") {
        s.ras.entry = v.as<std::string>();
      } else if (key == "entries") {
        s.entries = v.as<std::vector<std::string>>();
        if (!s.entries.empty()) s.ras.entry = s.entries.front();
      } else if (key == "phonebook") {
        s.ras.phonebook = v.as<std::string>();
      } else if (key == "number") {
        s.number = v.as<std::string>();
      } else if (key == "user") {
        s.ras.user = v.as<std::string>();
      } else if (key == "password") {
        s.ras.password = v.as<std::string>();
      } else if (key == "domain") {
        s.ras.domain = v.as<std::string>();
      } else if (key == "cycles") {
        s.cycles = v.as<std::int64_t>();
      } else if (key == "duration") {
        std::chrono::nanoseconds d{};
        ok = duration(d);
        s.duration = d;
      } else if (key == "hold") {
        ok = duration(s.hold);
      } else if (key == "think") {
        ok = duration(s.think);
      } else if (key == "dial_timeout") {
        ok = duration(s.dial_timeout);
      } else if (key == "hangup_timeout") {
        ok = duration(s.hangup_timeout);
      } else if (key == "sample_interval") {
        ok = duration(s.sample_interval);
      } else if (key == "watch_pids") {
        s.watch_pids = v.as<std::vector<int>>();
      } else if (key == "watch_names") {
        s.watch_names = v.as<std::vector<std::string>>();
      } else if (key == "listen") {
        s.listen = v.as<std::string>();
      } else if (key == "max_failures") {
        s.max_failures_percent = v.as<double>();
      } else {
        return Error(fmt::format("{}: unknown key '{}'", path, key));
      }
      if (!ok) return Error(fmt::format("{}: {}", path, ok.error()));
    }
  } catch (const YAML::Exception& e) {
    return Error(fmt::format("{}: {}", path, e.what()));  // a value of the wrong type
  }
  return s;
}

std::vector<std::string> EntriesOf(const RasSoakSettings& s) {
  if (!s.entries.empty()) return s.entries;
  return {s.ras.entry};
}

engine::EngineConfig EngineConfigOf(const RasSoakSettings& s) {
  engine::EngineConfig c;
  c.lines = static_cast<int>(EntriesOf(s).size());
  engine::LinePlan plan;
  plan.number = s.number;
  plan.dial_timeout = s.dial_timeout;
  plan.hangup_timeout = s.hangup_timeout;
  c.plans = {plan};
  c.cycles = s.cycles;
  c.duration = s.duration;
  c.hold = s.hold;
  c.think = s.think;
  c.sample_interval = s.sample_interval;
  c.per_cycle_probes = c.lines == 1;  // KB Q197517's own check: before and after each cycle
  return c;
}

}  // namespace dialsoak::windows
