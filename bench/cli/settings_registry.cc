#include "settings_registry.h"

#include <fmt/format.h>

#include <vector>

namespace dialsoak::cli {
namespace {

std::string_view FirstFlagName(std::string_view flag) { return flag.substr(0, flag.find(',')); }

std::string_view SectionPrefix(Section section) {
  switch (section) {
    case Section::Top:
      return "";
    case Section::Line:
      return "defaults.";
    case Section::Entry:
      return "modems[].";
    case Section::Push:
      return "push.";
    case Section::Capacity:
      return "capacity.";
  }
  return "";
}

// Markdown table cells: a '|' would end the cell.
std::string Cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\";
    out += c;
  }
  return out;
}

}  // namespace

std::string Setting::Name() const {
  if (!flag.empty()) return std::string(FirstFlagName(flag));
  return fmt::format("config key '{}'", KeyPath());
}

std::string Setting::BothNames() const {
  if (flag.empty()) return Name();
  if (key.empty()) return std::string(FirstFlagName(flag));
  return fmt::format("{} (config key '{}')", FirstFlagName(flag), KeyPath());
}

std::string Setting::KeyPath() const {
  return fmt::format("{}{}", SectionPrefix(section), key);
}

std::string Setting::HelpFor(unsigned command) const {
  if (command == kCapacity && !capacity_help.empty()) return std::string(capacity_help);
  if (fallback.empty()) return std::string(help);
  return fmt::format("{} (default {})", help, fallback);
}

const Setting* FindKey(Section section, std::string_view key) {
  for (const Setting& s : AllSettings()) {
    if (s.key != key) continue;
    if (s.section == section) return &s;
    // A `modems:` entry takes the line settings and its own.
    if (section == Section::Entry && s.section == Section::Line) return &s;
  }
  return nullptr;
}

const Setting* FindKeyPath(std::string_view path) {
  for (const Setting& s : AllSettings()) {
    if (!s.key.empty() && s.KeyPath() == path) return &s;
  }
  return nullptr;
}

const Setting* FindFlag(std::string_view flag) {
  for (const Setting& s : AllSettings()) {
    if (!s.flag.empty() && FirstFlagName(s.flag) == flag) return &s;
  }
  return nullptr;
}

std::vector<std::string_view> KeysOf(Section section) {
  std::vector<std::string_view> keys;
  for (const Setting& s : AllSettings()) {
    if (s.key.empty()) continue;
    if (s.section == section || (section == Section::Entry && s.section == Section::Line)) {
      keys.push_back(s.key);
    }
  }
  return keys;
}

std::string BackendsText(unsigned backends) {
  std::vector<std::string_view> names;
  if (backends & kSim) names.push_back("sim");
  if (backends & kSerial) names.push_back("serial");
  if (backends & kExec) names.push_back("exec");
  if (names.size() == 1) return fmt::format("the {} backend", names[0]);
  if (names.size() == 2) return fmt::format("the {} and {} backends", names[0], names[1]);
  return "every backend";
}

std::string CommandText(unsigned commands) {
  if (commands == kRun) return "dialsoak run";
  if (commands == kCapacity) return "dialsoak capacity";
  return "dialsoak run and dialsoak capacity";
}

std::string SettingsReferenceMarkdown() {
  const struct {
    Section section;
    std::string_view title;
    std::string_view intro;
  } sections[] = {
      {Section::Top, "Run settings",
       "Flags of `dialsoak run` and `dialsoak capacity`, and the top-level keys of the config "
       "file."},
      {Section::Push, "Pushgateway (`push:`)", "The keys under `push:` in the config file."},
      {Section::Capacity, "Capacity sweep (`capacity:`)",
       "The keys under `capacity:`, read by `dialsoak capacity`."},
      {Section::Line, "Line settings (`defaults:` and `modems:` entries)",
       "Under `defaults:` for every line, or in a `modems:` entry for one line; a flag sets "
       "the defaults."},
      {Section::Entry, "A `modems:` entry's own", "Only in a `modems:` entry."},
  };
  std::string out;
  for (const auto& sec : sections) {
    out += fmt::format("### {}\n\n{}\n\n", sec.title, sec.intro);
    out += "| flag | config key | value | default | commands | backends | what it does |\n";
    out += "| --- | --- | --- | --- | --- | --- | --- |\n";
    for (const Setting& s : AllSettings()) {
      if (s.section != sec.section) continue;
      const std::string commands = s.commands == kBothCommands ? "run, capacity"
                                   : s.commands == kRun        ? "run"
                                                               : "capacity";
      const std::string backends =
          s.backends == kAnyBackend ? "all" : Cell(BackendsText(s.backends).substr(4));
      std::string help(s.help);
      if (!s.capacity_help.empty()) help += fmt::format(". In `dialsoak capacity`: {}", s.capacity_help);
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n",
                         s.flag.empty() ? "" : fmt::format("`{}`", Cell(s.flag)),
                         s.key.empty() ? "" : fmt::format("`{}`", s.KeyPath()),
                         s.type.empty() ? "on/off" : Cell(s.type), Cell(s.fallback), commands,
                         backends, Cell(help));
    }
    out += "\n";
  }
  return out;
}

}  // namespace dialsoak::cli
