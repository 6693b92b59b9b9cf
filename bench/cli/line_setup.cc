#include "line_setup.h"

#include "exec_settings.h"

namespace dialsoak::cli {
namespace {

template <typename T>
void Overlay(std::optional<T>& base, const std::optional<T>& top) {
  if (top) base = top;
}

}  // namespace

LineSettings EffectiveLineSettings(const RunSettings& settings, int index,
                                   const std::string& device) {
  LineSettings line = settings.line_defaults;
  const LineSettings* own = nullptr;
  if (settings.backend == "serial" || (settings.backend == "exec" && !settings.devices.empty())) {
    for (const LineSettings& o : settings.line_overrides) {
      if (o.device == device) own = &o;
    }
  } else if (index < static_cast<int>(settings.line_overrides.size())) {
    own = &settings.line_overrides[static_cast<size_t>(index)];
  }
  line.device = device;
  if (!own) return line;
  Overlay(line.number, own->number);
  Overlay(line.init, own->init);
  Overlay(line.hangup, own->hangup);
  Overlay(line.dial_mode, own->dial_mode);
  Overlay(line.dial_timeout, own->dial_timeout);
  Overlay(line.hangup_timeout, own->hangup_timeout);
  Overlay(line.command_timeout, own->command_timeout);
  Overlay(line.guard_time, own->guard_time);
  Overlay(line.speed, own->speed);
  Overlay(line.framing, own->framing);
  Overlay(line.rtscts, own->rtscts);
  Overlay(line.dial_cmd, own->dial_cmd);
  Overlay(line.hangup_cmd, own->hangup_cmd);
  Overlay(line.check_cmd, own->check_cmd);
  Overlay(line.connect_regex, own->connect_regex);
  Overlay(line.exit_results, own->exit_results);
  Overlay(line.shell, own->shell);
  line.source_line = own->source_line;
  return line;
}

serial::SerialLineConfig ToSerialConfig(const LineSettings& line, const std::string& device) {
  serial::SerialLineConfig c;
  c.device = device;
  if (line.speed) c.tty.speed = *line.speed;
  if (line.framing) {
    if (auto framed = serial::ParseFraming(*line.framing, c.tty)) c.tty = *framed;
  }
  if (line.rtscts) c.tty.rtscts = *line.rtscts;
  if (line.init) c.init = *line.init;
  if (line.hangup == "dtr") c.hangup = serial::HangupPolicy::Dtr;
  if (line.hangup == "escape") c.hangup = serial::HangupPolicy::Escape;
  if (line.dial_mode == "pulse") c.dial_mode = at::DialMode::Pulse;
  if (line.command_timeout) c.command_timeout = *line.command_timeout;
  if (line.guard_time) c.guard_time = *line.guard_time;
  return c;
}

exec::ExecLineConfig ToExecConfig(const LineSettings& line, const std::string& device, int index) {
  exec::ExecLineConfig c;
  const bool shell = line.shell.value_or(false);
  auto command = [shell](const std::optional<CommandSetting>& setting) {
    return setting ? config::ToCommand(*setting, shell).value_or(exec::Command{}) : exec::Command{};
  };
  c.dial = command(line.dial_cmd);  // validated: never empty here
  if (line.hangup_cmd) c.hangup = command(line.hangup_cmd);
  if (line.check_cmd) {
    c.check = command(line.check_cmd);
    c.connected_when = exec::ConnectedWhen::Check;
  }
  if (line.connect_regex) {
    c.connect_regex = *line.connect_regex;
    c.connected_when = exec::ConnectedWhen::Output;
  }
  if (line.exit_results) {
    for (const auto& [code, name] : *line.exit_results) {
      if (auto r = exec::ParseCallResult(name)) c.exit_results[code] = *r;
    }
  }
  c.tty = device;
  c.tty_options = ToSerialConfig(line, device).tty;
  c.line_index = index;
  return c;
}

engine::LinePlan ToPlan(const LineSettings& line, const std::string& default_number) {
  engine::LinePlan plan;
  plan.number = line.number.value_or(default_number);
  if (line.dial_timeout) plan.dial_timeout = *line.dial_timeout;
  if (line.hangup_timeout) plan.hangup_timeout = *line.hangup_timeout;
  return plan;
}

}  // namespace dialsoak::cli
