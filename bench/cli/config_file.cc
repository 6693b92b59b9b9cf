#include "config_file.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

#include "config_values.h"
#include "settings_registry.h"

namespace dialsoak::cli {
namespace {

using config::ClosestMatch;

// The top-level keys that are sections of settings rather than settings.
constexpr std::string_view kSectionKeys[] = {"push", "capacity", "defaults", "modems"};

std::vector<std::string_view> TopKeys() {
  std::vector<std::string_view> keys = KeysOf(Section::Top);
  keys.insert(keys.end(), std::begin(kSectionKeys), std::end(kSectionKeys));
  return keys;
}

// Thrown inside this file only, for the first problem found; LoadConfigFile returns it.
struct Failure {
  std::string message;
};

// Where a value sits: its 1-based line and its key path ("modems[1].hangup").
struct Spot {
  int line;
  std::string path;
};

int LineOf(const YAML::Node& node, int fallback) {
  return node.Mark().line >= 0 ? node.Mark().line + 1 : fallback;
}

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "'" + config::Printable(node.Scalar()) + "'";
    default:
      return "nothing";
  }
}

class Loader {
 public:
  Loader(std::string file, std::vector<GivenSetting>* given)
      : file_(std::move(file)), given_(given) {}

  void ReadTop(const YAML::Node& root, RunSettings& s) const {
    if (!root.IsMap()) {
      Fail(LineOf(root, 1), "",
           "expected a map of settings such as 'lines: 16', got " + Describe(root));
    }
    ForEachKey(root, "", Section::Top, TopKeys(), "at the top level",
               [&](const std::string& key, const YAML::Node& v, const Spot& at) {
                 ReadTopKey(key, v, at, s);
               });
  }

 private:
  // Keys and values from the file are quoted in `path` and `what`: Printable keeps the
  // message on one line whatever bytes they hold.
  [[noreturn]] void Fail(int line, std::string_view path, std::string_view what) const {
    if (path.empty()) throw Failure{fmt::format("{}:{}: {}", file_, line, config::Printable(what))};
    throw Failure{fmt::format("{}:{}: key '{}': {}", file_, line, config::Printable(path),
                              config::Printable(what))};
  }
  [[noreturn]] void Fail(const Spot& at, std::string_view what) const {
    Fail(at.line, at.path, what);
  }

  // Calls f(key, value, spot) for each key of map, in order; unknown and repeated keys fail.
  template <typename F>
  void ForEachKey(const YAML::Node& map, std::string_view prefix, Section section,
                  const std::vector<std::string_view>& allowed, std::string_view where,
                  F f) const {
    std::map<std::string, int> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const int line = LineOf(it->first, LineOf(map, 1));
      if (!it->first.IsScalar()) {
        Fail(line, prefix, "a key must be a plain name, got " + Describe(it->first));
      }
      const std::string key = it->first.Scalar();
      Spot at{line, prefix.empty() ? key : fmt::format("{}.{}", prefix, key)};
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        Fail(at, UnknownKey(key, section, allowed, where));
      }
      if (auto [first, inserted] = seen.emplace(key, line); !inserted) {
        Fail(at, fmt::format("appears twice (first on line {}); keep one", first->second));
      }
      f(key, it->second, at);
    }
  }

  static std::string UnknownKey(const std::string& key, Section section,
                                const std::vector<std::string_view>& allowed,
                                std::string_view where) {
    const bool top = section == Section::Top;
    const std::vector<std::string_view> entry_keys = KeysOf(Section::Entry);
    const bool line_key = std::find(entry_keys.begin(), entry_keys.end(), key) != entry_keys.end();
    std::string out = "unknown key";
    // An exact line setting is a misplaced key, not a typo of a top-level one.
    if (top && (key == "device" || key == "devices")) {
      out +=
          " here (a serial device is one line: list it as a 'modems' entry, "
          "'- device: /dev/ttyS0')";
    } else if (top && line_key) {
      out += fmt::format(
          " here ('{}' is a line setting: put it under 'defaults:' for every "
          "line, or in a 'modems' entry)",
          key);
    } else if (key == "device" && section == Section::Line) {
      out += " (a device is one line: give it its own 'modems' entry, '- device: /dev/ttyS0')";
    } else if (auto close = ClosestMatch(key, allowed)) {
      out += fmt::format(" (did you mean '{}'?)", *close);
    } else if (top && ClosestMatch(key, entry_keys)) {
      out += fmt::format(
          " (did you mean the line setting '{}'? Line settings go under "
          "'defaults:' or in a 'modems' entry)",
          *ClosestMatch(key, entry_keys));
    }
    return fmt::format("{}; allowed {}: {}", out, where, fmt::join(allowed, ", "));
  }

  // --- values -----------------------------------------------------------------------------

  std::string Text(const YAML::Node& v, const Spot& at, std::string_view expected) const {
    if (!v.IsScalar()) Fail(at, fmt::format("expected {}, got {}", expected, Describe(v)));
    return v.Scalar();
  }

  void Check(const Spot& at, const SetResult& set) const {
    if (!set) Fail(at, set.error());
  }

  // A list, or a single scalar taken as a list of one; f(element, spot) reads each element.
  template <typename F>
  void ForEachElement(const YAML::Node& v, const Spot& at, std::string_view expected, F f) const {
    if (v.IsScalar()) return f(v, at);
    if (!v.IsSequence()) Fail(at, fmt::format("expected {}, got {}", expected, Describe(v)));
    for (std::size_t i = 0; i < v.size(); ++i) {
      f(v[i], Spot{LineOf(v[i], at.line), fmt::format("{}[{}]", at.path, i)});
    }
  }

  // One setting's value, read as its rule says (settings_registry.h).
  void ReadSetting(const Setting& setting, const YAML::Node& v, const Spot& at,
                   Target target) const {
    const ValueRule& rule = setting.rule;
    switch (rule.shape) {
      case Shape::Scalar:
      case Shape::Switch:
        Check(at, rule.set(Text(v, at, rule.expected), target));
        break;
      case Shape::List:
        rule.clear(target);
        ForEachElement(v, at, fmt::format("{} or a list of them", rule.expected),
                       [&](const YAML::Node& e, const Spot& e_at) {
                         Check(e_at, rule.set(Text(e, e_at, rule.expected), target));
                       });
        break;
      case Shape::Pairs:
        if (!v.IsMap()) Fail(at, fmt::format("expected a map of {}, got {}", rule.expected, Describe(v)));
        rule.clear(target);
        for (auto it = v.begin(); it != v.end(); ++it) {
          const std::string name = Text(it->first, at, "a name");
          const Spot e_at{LineOf(it->first, at.line),
                          fmt::format("{}.{}", at.path, config::Printable(name))};
          Check(e_at, rule.set(fmt::format("{}={}", name, Text(it->second, e_at, "a value")),
                               target));
        }
        break;
      case Shape::Command:
        if (v.IsSequence()) {
          std::vector<std::string> words;
          ForEachElement(v, at, "a list of words", [&](const YAML::Node& e, const Spot& e_at) {
            words.push_back(Text(e, e_at, "a word of the command"));
          });
          Check(at, rule.set_words(words, target));
        } else {
          Check(at, rule.set(Text(v, at, rule.expected), target));
        }
        break;
    }
    if (given_) given_->push_back({&setting, fmt::format("{}:{}: key '{}'", file_, at.line, at.path), true});
  }

  // --- sections ---------------------------------------------------------------------------

  void ReadTopKey(const std::string& key, const YAML::Node& v, const Spot& at,
                  RunSettings& s) const {
    if (const Setting* setting = FindKey(Section::Top, key)) {
      return ReadSetting(*setting, v, at, Target{s, s.line_defaults});
    }
    if (key == "push" || key == "capacity") {
      const Section section = key == "push" ? Section::Push : Section::Capacity;
      if (!v.IsMap()) {
        Fail(at, key == "push" ? "expected a map such as '{url: http://127.0.0.1:9091}', got " +
                                     Describe(v)
                               : "expected a map of sweep settings such as '{loads: [10, 15, "
                                 "20]}', got " + Describe(v));
      }
      ForEachKey(v, at.path, section, KeysOf(section), fmt::format("in {}", key),
                 [&](const std::string& k, const YAML::Node& sv, const Spot& s_at) {
                   ReadSetting(*FindKey(section, k), sv, s_at, Target{s, s.line_defaults});
                 });
    } else if (key == "defaults") {
      s.line_defaults.source_line = at.line;
      if (v.IsNull()) return;
      if (!v.IsMap()) {
        Fail(at, "expected a map of line settings such as 'hangup: dtr', got " + Describe(v));
      }
      ForEachKey(v, at.path, Section::Line, KeysOf(Section::Line), "in defaults",
                 [&](const std::string& k, const YAML::Node& lv, const Spot& l_at) {
                   ReadSetting(*FindKey(Section::Line, k), lv, l_at, Target{s, s.line_defaults});
                 });
    } else if (key == "modems") {
      ReadModems(v, at, s);
    }
  }

  void ReadModems(const YAML::Node& v, const Spot& at, RunSettings& s) const {
    s.line_overrides.clear();
    if (v.IsNull()) return;
    if (!v.IsSequence()) {
      Fail(at, "expected a list of lines such as '- device: /dev/ttyS0', got " + Describe(v));
    }
    const Setting& device = *FindKey(Section::Entry, "device");
    std::vector<std::string> devices;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const YAML::Node entry = v[i];
      Spot e_at{LineOf(entry, at.line), fmt::format("{}[{}]", at.path, i)};
      LineSettings line;
      line.source_line = e_at.line;
      if (entry.IsScalar()) {  // shorthand: "- /dev/ttyS0"
        ReadSetting(device, entry, e_at, Target{s, line});
      } else if (entry.IsMap()) {
        ForEachKey(entry, e_at.path, Section::Entry, KeysOf(Section::Entry),
                   "in a modems entry",
                   [&](const std::string& k, const YAML::Node& lv, const Spot& l_at) {
                     ReadSetting(*FindKey(Section::Entry, k), lv, l_at, Target{s, line});
                   });
      } else {
        Fail(e_at, "expected a map of line settings such as '{device: /dev/ttyS0}', got " +
                       Describe(entry));
      }
      if (!line.device.empty()) devices.push_back(line.device);
      s.line_overrides.push_back(std::move(line));
    }
    if (!devices.empty()) s.devices = std::move(devices);
  }

  std::string file_;
  std::vector<GivenSetting>* given_;
};

// yaml-cpp's messages about a tab used as indentation do not say "tab"; this does.
std::string TabHint(const std::string& text, int line) {
  std::istringstream lines(text);
  std::string current;
  for (int i = 0; i <= line && std::getline(lines, current); ++i) {
    if (i == line && current.find('\t') != std::string::npos) {
      return fmt::format(" (YAML indents with spaces; line {} holds a tab)", line + 1);
    }
  }
  return "";
}

// yaml-cpp 0.7 (Debian 12) never ends on some malformed input, e.g. a ',' where a node
// belongs (",-"; yaml-cpp issue #1040): LoadAll gets empty documents that all start at the
// same token, until memory runs out. Found by tests/fuzz/config_fuzz.cc. This walks the
// documents' events first and throws a syntax error where the parser stops moving on.
void CheckParserProgress(const std::string& text) {
  struct DocumentStart final : YAML::EventHandler {
    void OnDocumentStart(const YAML::Mark& mark) override { at = mark; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
    YAML::Mark at;
  } start;
  std::istringstream in(text);
  YAML::Parser parser(in);
  std::optional<int> previous;
  while (parser.HandleNextDocument(start)) {
    if (previous == start.at.pos) {
      const auto pos = static_cast<std::size_t>(start.at.pos);
      throw YAML::ParserException(
          start.at, pos < text.size() ? fmt::format("unexpected '{}'", text[pos]) : "no progress");
    }
    previous = start.at.pos;
  }
}

tl::expected<std::string, ConfigError> ReadFile(const std::string& path) {
  auto fail = [&](std::string_view what) {
    return tl::unexpected(ConfigError{fmt::format("{}: {}", path, what)});
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return fail("config file not found (check the --config path)");
    return fail(fmt::format("cannot read the config file: {}", std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode)) return fail("is a directory; --config expects a YAML file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(fmt::format("cannot open the config file: {}", std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail(fmt::format("cannot read the config file: {}", std::strerror(errno)));
  return text.str();
}

}  // namespace

tl::expected<void, ConfigError> LoadConfigFile(const std::string& path, RunSettings& settings,
                                               std::vector<GivenSetting>* given) {
  auto text = ReadFile(path);
  if (!text) return tl::unexpected(text.error());
  return LoadConfigText(*text, path, settings, given);
}

tl::expected<void, ConfigError> LoadConfigText(const std::string& text, const std::string& path,
                                               RunSettings& settings,
                                               std::vector<GivenSetting>* given) {
  settings.config_path = path;
  try {
    CheckParserProgress(text);
    const std::vector<YAML::Node> documents = YAML::LoadAll(text);
    if (documents.empty()) return {};  // empty, or only comments: nothing to change
    if (documents.size() > 1) {
      return tl::unexpected(ConfigError{
          fmt::format("{}:{}: a second YAML document ('---'); put every setting in one document",
                      path, LineOf(documents[1], 1))});
    }
    if (documents[0].IsNull()) return {};
    Loader(path, given).ReadTop(documents[0], settings);
  } catch (const Failure& f) {
    return tl::unexpected(ConfigError{f.message});
  } catch (const YAML::ParserException& e) {
    return tl::unexpected(ConfigError{fmt::format("{}:{}: YAML syntax error at column {}: {}{}",
                                                  path, e.mark.line + 1, e.mark.column + 1,
                                                  config::Printable(e.msg),  // may quote a byte
                                                  TabHint(text, e.mark.line))});
  } catch (const YAML::Exception& e) {
    return tl::unexpected(
        ConfigError{fmt::format("{}:{}: cannot read the YAML: {}", path, e.mark.line + 1,
                                config::Printable(e.msg))});
  }
  return {};
}

}  // namespace dialsoak::cli
