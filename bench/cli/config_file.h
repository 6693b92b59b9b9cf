// The YAML --config file of `dialsoak run`, and the checks of the settings once the flags
// have been applied on top of it (flags override the file).
// Thread-compatible: no shared state; LoadConfigFile reads one file, ValidateSettings
// stats the serial devices.
// Errors are returned, never thrown. A ConfigError's message is one line ready to print:
// it names the file, the line (1-based) and the key, says what is wrong and what is
// allowed, e.g.
//   run.yaml:7: key 'hold': bad duration 'xyz': expected a non-negative number with a unit ...
//   run.yaml:3: key 'hodl': unknown key (did you mean 'hold'?); allowed here: backend, ...
// Nested keys are written as paths: 'defaults.hangup', 'modems[1].device', 'init[0]'
// (list indexes count from 0).
//
// Schema (every key is optional; only the keys present change the settings):
//
//   backend: sim              # sim | serial
//   lines: 16                 # sim backend: lines dialing at once, 1..4096
//   cycles: 1000              # per line, >= 1, or 'unlimited' (then duration stops the run)
//   duration: 8h              # stop after this long (the first of cycles/duration wins)
//   hold: 2s                  # time connected before hanging up
//   think: 500ms              # time between hang-up and the next dial
//   number: "5551234"         # number to dial (quote it, so YAML keeps leading zeros)
//   seed: 7                   # seed of the simulator's random draws, >= 0
//   sample_interval: 1s       # probe sampling period, > 0
//   answer_delay: exp:500ms   # sim backend: fixed:D, uniform:MIN,MAX, exp:MEAN,
//                             #   lognormal:MEDIAN,SIGMA
//   inject_leak: 1:eventfd    # sim backend: leak one descriptor on every EVERY-th dial,
//                             #   EVERY[:KIND], KIND eventfd (default) | pipe | socket | file
//   watch_pid: [1234]         # processes to probe: a list or a single integer
//   watch_name: [pppd]        # processes to probe by name: a list or a single string
//   report: run.json          # JSON report file
//   quiet: true               # true | false (also yes/no, on/off)
//   max_failures: 0.5         # percent of failed calls tolerated before exit code 1, 0..100
//   listen: 127.0.0.1:9779    # serve /metrics: PORT, ADDR:PORT or [V6ADDR]:PORT
//   linger: 30s               # keep /metrics up this long after the run
//   per_line_metrics: false   # also dialsoak_line_dial_attempts_total{line,result}
//   allow_leaks: false        # report a leak without failing the run (exit code 5)
//   allow_restarts: false     # report a watched process's restart without failing (exit code 9)
//   settle: 1s                # wait after the last hang-up before the end sample
//   leak_window: 5m           # > 0: span of the live leak estimate
//   leak_confidence: 0.99     # 0.5..0.9999: level of the leak slope's interval
//   charts: svg               # svg | png | none: charts next to the report
//   thresholds:               # checks at the end, exit code 6 when one is breached
//     - success_ratio>=0.99   #   (a list or a single string)
//     - dial_p99<=30s
//   junit: soak.xml           # JUnit XML of the checks
//   rate: 2.5                 # open loop: calls arriving per second (not with stages)
//   stages: [5m:10, 1h:10, 5m:0]  # open loop: DURATION:RATE ramps (not with rate/duration)
//   arrivals: poisson         # poisson | uniform
//   hold_dist: exp:90s        # open loop: hold time distribution (default: fixed hold)
//   push:                     # push the metrics to a Pushgateway
//     url: http://127.0.0.1:9091
//     job: dialsoak           # default dialsoak
//     interval: 15s           # > 0, default 15s
//     labels: {instance: bank1, site: lab}   # grouping labels (default instance=<host>)
//   defaults:                 # line settings for every line
//     init: [ATZ, "ATE0 V1 Q0 &C1 &D2"]   # a list or a single string, each sent as AT...
//     hangup: auto            # auto | dtr | escape
//     dial_mode: tone         # tone | pulse
//     dial_timeout: 60s       # > 0
//     hangup_timeout: 10s     # > 0
//     command_timeout: 5s     # > 0, per init command
//     guard_time: 1s          # S12 guard time around +++
//     speed: 115200           # 300 1200 2400 4800 9600 19200 38400 57600 115200 230400
//                             #   460800 921600
//     framing: 8N1            # data bits 5-8, parity N/E/O, stop bits 1-2
//     rtscts: false           # hardware flow control
//   modems:                   # per line, in order; each entry takes the keys of defaults plus:
//     - device: /dev/ttyS0    # serial backend: the tty; each entry with a device is one line
//       number: "5551234"     # this line's number
//       hangup: escape
//     - /dev/ttyS1            # shorthand for '- device: /dev/ttyS1'
//
// Durations: 250ms, 2s, 1.5s, 5m, 8h, 500us (a bare number is seconds), at most 1e6 s.
// How the result maps onto RunSettings:
//   - the top-level keys set the RunSettings field of the same meaning (watch_pid sets
//     watch_pids, watch_name watch_names, report report_path, max_failures
//     max_failures_percent, push.url/job/interval/labels push_url/push_job/push_interval/
//     push_labels; cycles: unlimited clears cycles);
//   - `defaults` sets the fields of line_defaults it names (source_line = its line);
//   - `modems` replaces line_overrides, one LineSettings per entry with source_line = the
//     entry's line, and, when any entry names a device, replaces devices with the entries'
//     devices in order. A --device flag replaces devices again (flags override the file);
//     on the serial backend an entry applies to the line whose device it names, on the sim
//     backend entry i applies to line i;
//   - config_path is set to `path`; it is the file named in later messages about the
//     entries (see ValidateSettings).
#pragma once

#include <string>
#include <tl/expected.hpp>

#include "run_settings.h"

namespace dialsoak::cli {

struct ConfigError {
  std::string message;  // "run.yaml:7: key 'hold': bad duration 'xyz': expected ..."
};

// Reads the YAML file at `path` into settings. On error settings may be partly changed;
// the caller exits with the usage exit code. A missing or unreadable file, a YAML syntax
// error, an unknown key (with the closest allowed key when it looks like a typo), a value
// of the wrong type and a bad value are each an error naming file, line and key.
tl::expected<void, ConfigError> LoadConfigFile(const std::string& path, RunSettings& settings);

// The same for YAML text already read (LoadConfigFile reads the file, then calls this);
// `path` is not opened, only named in messages and set as config_path. Fuzzed by
// tests/fuzz/config_fuzz.cc.
tl::expected<void, ConfigError> LoadConfigText(const std::string& text, const std::string& path,
                                               RunSettings& settings);

// Checks settings after the flags were applied: backend sim|serial; lines 1..4096;
// cycles >= 1 when set; durations >= 0 (timeouts and sample_interval > 0); the numbers
// are dialable; answer_delay parses (sim::Distribution); inject_leak, when set, parses
// (sim::ParseLeakConfig) and the backend is sim; for every line's settings:
// hangup auto|dtr|escape, dial_mode tone|pulse, framing parses (serial::ParseFraming),
// speed is a supported termios rate, init strings are non-empty and free of control
// characters. Serial backend: at least one device, none listed twice, each existing and a
// character device (or a symlink to one); a message about a device that came from a
// `modems` entry names config_path and the entry's line, else it names --device.
tl::expected<void, ConfigError> ValidateSettings(const RunSettings& settings);

}  // namespace dialsoak::cli
