// The flags of the exec backend (an external dialer as a line): its commands, how
// "connected" is decided, and what its exit codes mean. They land on the defaults of every
// line (RunSettings::line_defaults); a config file's `modems` entries can differ per line.
#include "exec_settings.h"
#include "run_options.h"

namespace dialsoak::cli {
namespace {

using Ok = tl::expected<void, std::string>;

}  // namespace

void RunOptions::AddExecFlags(CLI::App& app) {
  const struct {
    const char* flag;
    std::string& value;
    std::optional<CommandSetting> LineSettings::*field;
    const char* help;
  } commands[] = {
      {"--dial-cmd", dial_cmd_, &LineSettings::dial_cmd,
       "Exec backend: the command that dials, e.g. 'pon provider', 'nmcli connection up "
       "dialup', 'chat -f dial.chat' (words split as a shell would, but no shell runs; "
       "{number}, {line}, {device} are filled in)"},
      {"--hangup-cmd", hangup_cmd_, &LineSettings::hangup_cmd,
       "Exec backend: the command that hangs up, e.g. 'poff provider' (default: stop the dial "
       "command if it still runs, and drop DTR on its --device)"},
      {"--check-cmd", check_cmd_, &LineSettings::check_cmd,
       "Exec backend: connected once this exits 0 (polled every 100 ms), e.g. 'test -e "
       "/sys/class/net/ppp0'; hung up once it fails again"},
  };
  for (const auto& c : commands) {
    Add(app, c.flag, c.value, c.help, [&value = c.value, field = c.field](RunSettings& s) -> Ok {
          (s.line_defaults.*field) = CommandSetting{value, {}};
          return {};
        })
        ->type_name("CMD");
  }
  Add(app, "--connect-regex", connect_regex_,
      "Exec backend: connected when a line of the dial command's output matches (it then "
      "holds the call until it ends or is stopped), e.g. 'local +IP address'",
      [this](RunSettings& s) -> Ok {
        s.line_defaults.connect_regex = connect_regex_;
        return {};
      })
      ->type_name("REGEX");
  Add(app, "--exit-result", exit_results_,
      "Exec backend: what an exit code of the dial command means, CODE=RESULT, e.g. 3=timeout "
      "4=busy for chat with ABORT BUSY first (repeatable; 0 is connect unless mapped; others: "
      "error)",
      [this](RunSettings& s) -> Ok {
        s.line_defaults.exit_results.emplace();
        for (const std::string& text : exit_results_) {
          auto parsed = config::ParseExitResult(text);
          if (!parsed) return tl::unexpected("--exit-result: " + parsed.error());
          (*s.line_defaults.exit_results)[parsed->first] = parsed->second;
        }
        return {};
      })
      ->type_name("CODE=RESULT");
  CLI::Option* shell = app.add_flag(
      "--shell", shell_, "Exec backend: run the commands with /bin/sh -c (off: no shell runs)");
  given_.push_back({shell, [this](RunSettings& s) -> Ok {
                      s.line_defaults.shell = shell_;
                      return {};
                    }});
}

}  // namespace dialsoak::cli
