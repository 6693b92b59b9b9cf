#include "run_options.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "config_file.h"
#include "settings_scope.h"

namespace dialsoak::cli {

RunOptions::RunOptions(CLI::App& app, Command command)
    : command_(command), command_bit_(command == Command::Run ? kRun : kCapacity) {
  for (const Setting& setting : AllSettings()) {
    if (setting.flag.empty()) continue;
    Flag& f = flags_.emplace_back();
    f.setting = &setting;
    const std::string name(setting.flag);
    const std::string help = setting.HelpFor(command_bit_);
    switch (setting.rule.shape) {
      case Shape::Switch:
        f.option = app.add_flag(name, f.on, help);
        break;
      case Shape::List:
      case Shape::Pairs:
        f.option = app.add_option(name, f.values, help);
        break;
      case Shape::Scalar:
      case Shape::Command:
        f.option = app.add_option(name, f.value, help);
        break;
    }
    if (setting.flag == "--config") {  // the check before the type name, which it extends
      f.option->check(CLI::ExistingFile);
      config_ = &f;
    }
    if (!setting.type.empty()) f.option->type_name(std::string(setting.type));
    if (!setting.implicit.empty()) {
      f.option->expected(0, 1)->default_str(std::string(setting.implicit));
    }
    // The other command's flags are known (so that a use of one gets a clear message
    // rather than CLI11's "arguments were not expected"), but not listed.
    if (!setting.For(command_bit_)) f.option->group("");
    if (setting.flag == "--scenario") scenario_ = &f;
  }
}

tl::expected<void, std::string> RunOptions::Apply(const Flag& f, RunSettings& s) const {
  const Setting& setting = *f.setting;
  if (!setting.For(command_bit_)) {
    return tl::unexpected(fmt::format("{}: for {} only, not {} (see {} --help)", setting.Name(),
                                      CommandText(setting.commands), CommandText(command_bit_),
                                      CommandText(command_bit_)));
  }
  Target target{s, s.line_defaults};
  auto fail = [&](const SetResult& r) -> tl::expected<void, std::string> {
    if (r) return {};
    // As ValidateSettings names a value: "--hold (config key 'hold'): ...".
    return tl::unexpected(fmt::format("{}: {}", setting.BothNames(), r.error()));
  };
  switch (setting.rule.shape) {
    case Shape::Switch:
      return fail(setting.rule.set(f.on ? "true" : "false", target));
    case Shape::List:
    case Shape::Pairs:
      setting.rule.clear(target);
      for (const std::string& v : f.values) {
        if (auto ok = fail(setting.rule.set(v, target)); !ok) return ok;
      }
      return {};
    case Shape::Scalar:
    case Shape::Command:
      return fail(setting.rule.set(f.value, target));
  }
  return {};
}

tl::expected<RunSettings, std::string> RunOptions::Resolve() const {
  RunSettings s;
  s.command = command_ == Command::Run ? "run" : "capacity";
  std::vector<GivenSetting> given;
  // A scenario sets defaults only: the file and the other flags override it.
  if (scenario_ && scenario_->option->count() > 0) {
    if (auto applied = Apply(*scenario_, s); !applied) return tl::unexpected(applied.error());
  }
  if (config_ && config_->option->count() > 0) {
    if (auto loaded = LoadConfigFile(config_->value, s, &given); !loaded) {
      return tl::unexpected(loaded.error().message);
    }
  }
  for (const Flag& f : flags_) {
    if (f.option->count() == 0 || &f == scenario_ || &f == config_) continue;
    if (auto applied = Apply(f, s); !applied) return tl::unexpected(applied.error());
    given.push_back({f.setting, f.setting->Name(), false});
  }
  ResolveRunLength(s);
  if (auto valid = ValidateSettings(s); !valid) return tl::unexpected(valid.error().message);
  auto scope = CheckScope(s, given);
  if (!scope) return tl::unexpected(scope.error());
  for (const std::string& warning : *scope) spdlog::warn("{}", warning);
  return s;
}

}  // namespace dialsoak::cli
