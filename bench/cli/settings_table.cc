// Every setting of `dialsoak run` and `dialsoak capacity`, declared once (see
// settings_registry.h for what each field means and what is made from them).
#include <limits>

#include "setting_rules.h"
#include "settings_registry.h"

namespace dialsoak::cli {
namespace {

using namespace rules;
using config::kMaxLines;

std::vector<Setting> MakeTable() {
  constexpr unsigned kSimOnly = kSim;
  constexpr unsigned kModem = kSim | kSerial;  // lines that speak AT commands
  return {
      // --- the run ---------------------------------------------------------------------
      {.flag = "--config", .type = "FILE",
       .help = "YAML file with run and per-line settings (flags override it)",
       .json = "config_file",
       .rule = Text(&RunSettings::config_path, "a YAML file")},
      {.flag = "--scenario", .type = "NAME",
       .help = "A ready-made run under the other flags: q197517 (KB Q197517: one line, 1000 "
               "cycles, one eventfd leaked per dial; the verdict must name it)",
       .json = "scenario", .commands = kRun, .rule = ScenarioRule()},
      {.flag = "--backend", .key = "backend", .type = "NAME", .fallback = "sim",
       .help = "sim (the embedded modem bank), serial (real modems) or exec (an external "
               "dialer's commands)",
       .json = "backend", .rule = Choice(&RunSettings::backend, "backend", config::kBackends)},
      {.flag = "--lines", .key = "lines", .type = "N", .fallback = "4",
       .help = "Lines dialing at once on the sim backend, or on the exec backend without "
               "--device (there 1 by default); a serial run dials one line per device",
       .capacity_help = "Dialing lines on the sim backend (default: the far end's ports + 50%, "
                        "at least 8 more, so that calls are not dropped at origin)",
       .json = "lines", .backends = kSim | kExec, .rule = LinesRule()},
      {.flag = "--cycles", .key = "cycles", .type = "N", .fallback = "250",
       .help = "Dial/hang-up cycles per line, or 'unlimited' (unlimited when --duration is "
               "given); with --duration too, whichever is reached first ends the run; not with "
               "--rate or --stage",
       .json = "cycles", .commands = kRun, .rule = CyclesRule()},
      {.flag = "--duration", .key = "duration", .type = "DURATION",
       .help = "Run this long (30s, 15m, 8h), however many cycles that takes; with --cycles "
               "too, whichever is reached first ends the run",
       .json = "duration_seconds", .commands = kRun,
       .rule = Duration(&RunSettings::duration, false)},
      {.flag = "--hold", .key = "hold", .type = "DURATION", .fallback = "0",
       .help = "Time connected before hanging up",
       .json = "hold_seconds", .commands = kRun, .rule = Duration(&RunSettings::hold, false)},
      {.flag = "--think", .key = "think", .type = "DURATION", .fallback = "0",
       .help = "Time between a hang-up and the next dial",
       .json = "think_seconds", .commands = kRun, .rule = Duration(&RunSettings::think, false)},
      {.flag = "--number", .key = "number", .type = "NUMBER", .fallback = "5551234",
       .help = "Number to dial (in a config file, quote it so that YAML keeps leading zeros)",
       .json = "number",
       .rule = Text(&RunSettings::number, "a number to dial such as \"5551234\"",
                    config::CheckDialNumber, false)},
      {.flag = "--device", .type = "PATH",
       .help = "Serial backend: a modem's tty (repeatable; one line each); exec backend: the "
               "tty the commands' stdin and stdout are on, as pppd runs a connect script (in a "
               "config file: a 'modems' entry's device)",
       .json = "devices", .backends = kSerial | kExec,
       .rule = Texts(&RunSettings::devices, "a device path such as /dev/ttyS0", NonEmpty)},
      {.flag = "--seed", .key = "seed", .type = "N", .fallback = "1",
       .help = "Seed of the random draws (the simulator's, the open loop's arrivals and holds): "
               "the same seed gives the same run",
       .json = "seed", .rule = SeedRule()},
      {.flag = "--sample-interval", .key = "sample_interval", .type = "DURATION",
       .fallback = "1s", .help = "Probe sampling period",
       .json = "sample_interval_seconds",
       .rule = Duration(&RunSettings::sample_interval, true)},
      {.flag = "--watch-pid", .key = "watch_pid", .type = "PID",
       .help = "Also sample this process's handles, threads and memory (repeatable)",
       .json = "watch_pids", .commands = kRun, .rule = WatchPidRule()},
      {.flag = "--watch-name", .key = "watch_name", .type = "NAME",
       .help = "Also sample the process of this name: its /proc/PID/comm (at most 15 bytes) or "
               "the base name of its argv[0]; a name several processes have is refused. A "
               "restart (a new pid) starts a new life with its own baseline and fails the run "
               "(exit 9) unless --allow-restarts; a name never seen fails it too (repeatable)",
       .json = "watch_names", .commands = kRun,
       .rule = Texts(&RunSettings::watch_names, "a process name", NonEmpty)},
      {.flag = "--max-failures", .key = "max_failures", .type = "PERCENT", .fallback = "0",
       .help = "Percent of failed calls tolerated before exit code 1: any outcome but "
               "CONNECT, a call dropped during its hold, a failed hang-up, or in open loop a call "
               "dropped at origin, of all calls (dials and calls dropped at origin)",
       .json = "max_failures_percent", .commands = kRun,
       .rule = Percent(&RunSettings::max_failures_percent)},
      {.flag = "--note", .key = "note", .type = "TEXT",
       .help = "A line of your own about the run, e.g. 'bank1, firmware 2.3': shown in the "
               "summary, kept in the report and the journal (dialsoak compare names it when "
               "two runs' notes differ)",
       .json = "note", .rule = Text(&RunSettings::note, "a line of text")},
      {.flag = "--quiet,-q", .key = "quiet",
       .help = "No live status line",
       .capacity_help = "No plan line and no progress line per step",
       .rule = Switch(&RunSettings::quiet)},

      // --- the simulated far end (sim backend) ---------------------------------------
      {.flag = "--answer-delay", .key = "answer_delay", .type = "DISTRIBUTION",
       .fallback = "fixed:0",
       .help = "Sim backend: answer delay, fixed:D, uniform:MIN,MAX, exp:MEAN, "
               "lognormal:MEDIAN,SIGMA",
       .json = "answer_delay", .backends = kSimOnly,
       .rule = Text(&RunSettings::answer_delay, "a distribution such as exp:500ms",
                    config::CheckAnswerDelay, false)},
      {.flag = "--inject-leak", .key = "inject_leak", .type = "EVERY[:KIND]",
       .help = "Sim backend: leak one descriptor of KIND (eventfd (default), pipe (one end), "
               "socket (AF_UNIX datagram), file (/dev/null)) in this process on every EVERY-th "
               "dial, counted across lines, as RasDial leaked a token handle per call (KB "
               "Q197517); the report's simulator.leaked_descriptors counts them. With real lines "
               "run modemsim --inject-leak and watch it with --watch-name modemsim",
       .json = "inject_leak", .commands = kRun, .backends = kSimOnly,
       .rule = NullableText(&RunSettings::inject_leak, "EVERY[:KIND] such as 1:eventfd",
                            config::CheckInjectLeak, false)},
      {.flag = "--sim-busy", .key = "sim_busy", .type = "P", .fallback = "0",
       .help = "Sim backend: probability of BUSY per call",
       .json = "sim_failures.busy", .backends = kSimOnly,
       .rule = Number(&RunSettings::sim_busy, 0, 1)},
      {.flag = "--sim-no-answer", .key = "sim_no_answer", .type = "P", .fallback = "0",
       .help = "Sim backend: probability of NO ANSWER per call",
       .json = "sim_failures.no_answer", .backends = kSimOnly,
       .rule = Number(&RunSettings::sim_no_answer, 0, 1)},
      {.flag = "--sim-no-dialtone", .key = "sim_no_dialtone", .type = "P", .fallback = "0",
       .help = "Sim backend: probability of NO DIALTONE per call",
       .json = "sim_failures.no_dialtone", .backends = kSimOnly,
       .rule = Number(&RunSettings::sim_no_dialtone, 0, 1)},
      {.flag = "--sim-no-carrier", .key = "sim_no_carrier", .type = "P", .fallback = "0",
       .help = "Sim backend: probability of NO CARRIER per call",
       .json = "sim_failures.no_carrier", .backends = kSimOnly,
       .rule = Number(&RunSettings::sim_no_carrier, 0, 1)},
      // --ports and --pool are checked in config_validate.cc: sim only in a run, and
      // `dialsoak capacity` on real lines needs --ports (Erlang B's C).
      {.flag = "--ports", .key = "ports", .type = "C", .fallback = "unlimited",
       .help = "Sim backend: the far end has C answering ports (a concentrator); a call while "
               "all C are in use gets BUSY at once, and a port is freed at hang-up (not with "
               "--pool)",
       .capacity_help = "The far end's answering ports C: on the sim backend the simulated "
                        "concentrator (default 24); on real lines the ports of the "
                        "concentrator dialed, for Erlang B (required)",
       .json = "ports", .rule = Whole(&RunSettings::ports, 1, kMaxLines)},
      {.flag = "--pool", .key = "pools", .type = "NUMBER:C",
       .help = "Sim backend: an answering pool NUMBER:C, calls to NUMBER ('*' = any) reach its "
               "C ports (repeatable: split banks; a number no pool matches gets NO ANSWER)",
       .json = "pools",
       .rule = Texts(&RunSettings::pools, "a pool such as '5551234:40'", config::CheckPool)},
      {.flag = "--sim-fault", .key = "sim_faults", .type = "FAULT",
       .help = "Sim backend: a fault the simulator injects, KIND[:P][@PORT,...][/KNOB=V...]: "
               "noise, truncate, silent, dribble, carrier_loss, vanish, ring_flood, reset, "
               "blacklist (repeatable)",
       .json = "sim_faults", .commands = kRun,
       .rule = Texts(&RunSettings::sim_faults, "a fault such as 'noise:0.1'", FaultProblem)},

      // --- open loop -------------------------------------------------------------------
      {.flag = "--rate", .key = "rate", .type = "R",
       .help = "Open loop: calls arrive at R calls/s across the lines, whatever they are doing "
               "(stops with --duration, or at Ctrl-C); --think does not apply, and --cycles is "
               "refused (a usage error)",
       .json = "open_loop.rate", .commands = kRun,
       .rule = Number(&RunSettings::rate, 1e-9, 1e6)},
      {.flag = "--stage", .key = "stages", .type = "DURATION:RATE",
       .help = "Open loop: DURATION:RATE, the rate reached at the end of the stage, ramping "
               "from the previous one (the first from 0), e.g. --stage 5m:10 --stage 1h:10 "
               "--stage 5m:0 (repeatable)",
       .json = "open_loop.stages", .commands = kRun,
       .rule = Texts(&RunSettings::stages, "a stage such as '5m:10'", StageProblem)},
      {.flag = "--arrivals", .key = "arrivals", .type = "NAME", .fallback = "poisson",
       .help = "Open loop: poisson or uniform arrivals",
       .capacity_help = "poisson (default: Erlang B's assumption) or uniform arrivals",
       .json = "open_loop.arrivals capacity.arrivals",
       .rule = Choice(&RunSettings::arrivals, "arrivals", config::kArrivals)},
      {.flag = "--hold-dist", .key = "hold_dist", .type = "DISTRIBUTION",
       .fallback = "fixed --hold",
       .help = "Open loop: each call's hold time, fixed:D, uniform:MIN,MAX, exp:MEAN, "
               "lognormal:MEDIAN,SIGMA",
       .capacity_help = "Each call's hold time, fixed:D, uniform:MIN,MAX, exp:MEAN, "
                        "lognormal:MEDIAN,SIGMA (sim default exp:20ms; required on real lines)",
       .json = "open_loop.hold_dist capacity.hold_dist",
       .rule = NullableText(&RunSettings::hold_dist, "a distribution such as exp:90s",
                            config::CheckAnswerDelay, false)},

      // --- the run directory and the reports -----------------------------------------
      {.flag = "--out", .key = "out", .type = "DIR", .fallback = "dialsoak-runs/<run id>",
       .help = "Run directory for the journal (every record as it happens, fsynced every "
               "second), the report and the charts; `dialsoak report DIR` rebuilds a run's "
               "reports from it; a directory that holds a run already is refused; "
               "$DIALSOAK_RUNS_DIR replaces dialsoak-runs",
       .json = "out",
       .rule = Text(&RunSettings::out_dir, "a directory such as runs/bank1")},
      {.flag = "--journal", .key = "journal", .type = "WHAT", .fallback = "ticks",
       .help = "What the journal keeps: ticks (the cycles counted once a second, with their "
               "latency histograms; at most about 50 MB an hour at any cycle rate) or cycles "
               "(also one record per cycle, up to --journal-cycles-limit)",
       .json = "journal",
       .rule = Choice(&RunSettings::journal, "journal", config::kJournalModes)},
      {.flag = "--journal-cycles-limit", .key = "journal_cycles_limit_mib", .type = "MIB",
       .fallback = "1024",
       .help = "With --journal cycles: stop the per-cycle records at this many MiB; the tick "
               "records go on",
       .json = "journal_cycles_limit_mib",
       .rule = Whole(&RunSettings::journal_cycles_limit_mib, 1, std::int64_t{1} << 30)},
      {.flag = "--report", .key = "report", .type = "FILE",
       .help = "Also write the summary as JSON to this file (the run directory has it as "
               "report.json)",
       .capacity_help = "Also write the sweep's report as JSON to this file (the chart goes "
                        "next to it; the run directory has it as report.json)",
       .json = "report",
       .rule = Text(&RunSettings::report_path, "a file name such as run.json")},
      {.flag = "--charts", .key = "charts", .type = "FORMAT", .fallback = "svg",
       .help = "Charts of each process's handles against cycles next to the report: svg, png "
               "or none (needs gnuplot)",
       .capacity_help = "The blocking of each step over Erlang B's curve, next to the report: "
                        "svg (default), png or none (needs gnuplot)",
       .json = "charts",
       .rule = Choice(&RunSettings::charts, "charts", config::kChartFormats)},
      {.flag = "--threshold", .key = "thresholds", .type = "EXPR",
       .help = "A pass/fail check on the run's results, e.g. 'success_ratio>=0.99', "
               "'dial_p99<=30s', 'leak_per_1000<1' (repeatable; exit code 6 when one is "
               "breached)",
       .json = "thresholds", .commands = kRun,
       .rule = Texts(&RunSettings::thresholds, "a threshold such as 'dial_p99<=30s'",
                     config::CheckThreshold)},
      {.flag = "--junit", .key = "junit", .type = "FILE",
       .help = "Write the checks (calls, thresholds, leaks) as JUnit XML",
       .json = "junit", .commands = kRun,
       .rule = Text(&RunSettings::junit_path, "a file name such as soak.xml")},

      // --- the leak verdict --------------------------------------------------------------
      {.flag = "--settle", .key = "settle", .type = "DURATION", .fallback = "1s",
       .help = "Wait after the last hang-up before the end sample the leak check compares "
               "with the baseline (a signal cuts it short)",
       .json = "leak.settle_seconds", .commands = kRun,
       .rule = Duration(&RunSettings::settle, false)},
      {.flag = "--leak-window", .key = "leak_window", .type = "DURATION", .fallback = "5m",
       .help = "Span of the live leak estimate (dialsoak_leak_*)",
       .json = "leak.window_seconds", .commands = kRun,
       .rule = Duration(&RunSettings::leak_window, true)},
      {.flag = "--leak-confidence", .key = "leak_confidence", .type = "LEVEL",
       .fallback = "0.99", .help = "Confidence level of the leak slope's interval, 0.5 to 0.9999",
       .json = "leak.confidence", .commands = kRun,
       .rule = Number(&RunSettings::leak_confidence, 0.5, 0.9999)},
      {.flag = "--allow-leaks", .key = "allow_leaks",
       .help = "Report a leak but do not fail the run with exit code 5",
       .json = "leak.allow_leaks", .commands = kRun, .rule = Switch(&RunSettings::allow_leaks)},
      {.flag = "--allow-restarts", .key = "allow_restarts",
       .help = "Report a watched process that restarted (a new pid) but do not fail the run "
               "with exit code 9",
       .json = "leak.allow_restarts", .commands = kRun,
       .rule = Switch(&RunSettings::allow_restarts)},

      // --- Prometheus --------------------------------------------------------------------
      {.flag = "--listen", .key = "listen", .type = "ADDR:PORT",
       .help = "Serve live metrics for Prometheus on http://ADDR:PORT/metrics; without a value "
               "127.0.0.1:9779; PORT alone binds 127.0.0.1; port 0 picks a free one; the URL is "
               "printed on stderr",
       .json = "listen", .implicit = "127.0.0.1:9779",
       .rule = Text(&RunSettings::listen, "an address such as 127.0.0.1:9779")},
      {.flag = "--web-config", .key = "web_config", .type = "FILE",
       .help = "Serve /metrics over https and/or with basic auth, as the web configuration "
               "FILE of Prometheus' exporters says (tls_server_config: cert_file, key_file, "
               "client_ca_file, client_auth_type, min_version; basic_auth_users: user: bcrypt "
               "hash); needs --listen",
       .json = "web_config",
       .rule = Text(&RunSettings::web_config, "a web configuration file such as /etc/dialsoak/web.yml")},
      {.flag = "--linger", .key = "linger", .type = "DURATION", .fallback = "0",
       .help = "Keep /metrics up this long after the run ends, so that the last scrape sees "
               "the final values (a signal ends it)",
       .json = "linger_seconds", .rule = Duration(&RunSettings::linger, false)},
      {.flag = "--per-line-metrics", .key = "per_line_metrics",
       .help = "Also export dialsoak_line_dial_attempts_total{line,result} (8 series per line)",
       .json = "per_line_metrics", .rule = Switch(&RunSettings::per_line_metrics)},
      {.flag = "--push", .key = "url", .section = Section::Push, .type = "URL",
       .help = "Push the metrics to this Prometheus Pushgateway (http://HOST:PORT or "
               "https://HOST:PORT) every --push-interval and once at the end; a gateway that "
               "is down is only a warning; no user or password in the URL (see --push-auth-file)",
       .json = "push.url",
       .rule = Text(&RunSettings::push_url, "a Pushgateway URL such as http://127.0.0.1:9091")},
      {.flag = "--push-ca-file", .key = "ca_file", .section = Section::Push, .type = "FILE",
       .fallback = "the system's CA certificates",
       .help = "Check a https gateway's certificate against the CA certificates (PEM) in FILE",
       .json = "push.ca_file",
       .rule = Text(&RunSettings::push_ca_file, "a PEM file such as /etc/dialsoak/push-ca.pem")},
      {.flag = "--push-auth-file", .key = "auth_file", .section = Section::Push, .type = "FILE",
       .fallback = "$DIALSOAK_PUSH_USER and $DIALSOAK_PUSH_PASSWORD, if set",
       .help = "Push with HTTP basic auth, the user and password read from FILE: one line "
               "user:password (chmod 600 it); never give a password on the command line",
       .json = "push.auth_file",
       .rule = Text(&RunSettings::push_auth_file, "a file such as /etc/dialsoak/push-auth")},
      {.flag = "--push-job", .key = "job", .section = Section::Push, .type = "NAME",
       .fallback = "dialsoak", .help = "The job the pushes are grouped under",
       .json = "push.job", .rule = Text(&RunSettings::push_job, "a job name such as dialsoak")},
      {.flag = "--push-interval", .key = "interval", .section = Section::Push,
       .type = "DURATION", .fallback = "15s", .help = "Time between pushes",
       .json = "push.interval_seconds", .rule = Duration(&RunSettings::push_interval, true)},

      {.flag = "--push-label", .key = "labels", .section = Section::Push, .type = "NAME=VALUE",
       .fallback = "instance=<host name>",
       .help = "A grouping label of the pushes (repeatable)",
       .json = "push.labels", .rule = PushLabelsRule()},
      // --- dialsoak capacity ------------------------------------------------------------
      {.flag = "--load", .key = "loads", .section = Section::Capacity, .type = "LIST",
       .fallback = "Erlang B's loads for 0.1% to 20% blocking at the far end's ports",
       .help = "Offered loads in Erlangs, ascending: 10,15,20 or FROM:TO:STEP (5:30:5); "
               "repeatable",
       .json = "capacity.loads", .commands = kCapacity, .rule = LoadsRule()},
      {.flag = "--precision", .key = "precision", .section = Section::Capacity, .type = "SHARE",
       .fallback = "0.25",
       .help = "Half-width of each step's blocking interval, as a share of the blocking "
               "expected there (0.25: 1% +- 0.25 point), never finer than a quarter point; "
               "blocked calls come in bursts, so this takes 3 to 6 times the calls independent "
               "ones would (0.5: a quarter of the calls)",
       .json = "capacity.precision", .commands = kCapacity,
       .rule = Number(&CapacitySettings::precision, 0.01, 1)},
      {.flag = "--step-calls", .key = "step_calls", .section = Section::Capacity, .type = "N",
       .help = "Instead of --precision: calls per step",
       .json = "capacity.step_calls", .commands = kCapacity,
       .rule = Whole(&CapacitySettings::step_calls, 1, 1'000'000'000)},
      {.flag = "--step-duration", .key = "step_duration", .section = Section::Capacity,
       .type = "DURATION",
       .help = "Instead of --precision: each step measures this long (after its warm-up)",
       .json = "capacity.step_duration_seconds", .commands = kCapacity,
       .rule = Duration(&CapacitySettings::step_duration, true)},
      {.flag = "--max-step", .key = "max_step", .section = Section::Capacity,
       .type = "DURATION", .fallback = "10m",
       .help = "Longest measurement of a step (the plan line says when one was cut)",
       .json = "capacity.max_step_seconds", .commands = kCapacity,
       .rule = Duration(&CapacitySettings::max_step, true)},
      {.flag = "--warmup", .key = "warmup", .section = Section::Capacity, .type = "DURATION",
       .fallback = "5 mean hold times, at least 100ms",
       .help = "Time each step runs before it is measured",
       .json = "capacity.warmup_seconds", .commands = kCapacity,
       .rule = Duration(&CapacitySettings::warmup, false)},
      {.flag = "--confidence", .key = "confidence", .section = Section::Capacity,
       .type = "LEVEL", .fallback = "0.95",
       .help = "Confidence level of the blocking intervals, 0.5 to 0.9999",
       .json = "capacity.confidence", .commands = kCapacity,
       .rule = Number(&CapacitySettings::confidence, 0.5, 0.9999)},
      {.flag = "--target-blocking", .key = "target_blocking", .section = Section::Capacity,
       .type = "RATIO", .fallback = "1%",
       .help = "The grade of service the answers are for: 1% or 0.01",
       .json = "capacity.target_blocking", .commands = kCapacity,
       .rule = TargetBlockingRule()},
      {.flag = "--p99-limit", .key = "p99_limit", .section = Section::Capacity,
       .type = "DURATION",
       .help = "Answer the highest call setup rate whose setup p99 stayed within this (e.g. "
               "30s)",
       .json = "capacity.p99_limit_seconds", .commands = kCapacity,
       .rule = Duration(&CapacitySettings::p99_limit, true)},
      {.flag = "--plan-load", .key = "plan_load", .section = Section::Capacity, .type = "E",
       .fallback = "the highest load measured",
       .help = "Answer how many ports this load (Erlangs) needs at the target",
       .json = "capacity.plan_load", .commands = kCapacity,
       .rule = Number(&CapacitySettings::plan_load, 0, 1e5)},
      {.flag = "--expect-erlang-b", .key = "expect_erlang_b", .section = Section::Capacity,
       .help = "Exit 6 when more steps' intervals miss Erlang B for the far end's ports than "
               "chance explains (in fewer than 1 sweep in 100); use a high --confidence (0.999) "
               "for a strict check",
       .json = "capacity.expect_erlang_b", .commands = kCapacity,
       .rule = Switch(&CapacitySettings::expect_erlang_b)},

      // --- each line (`defaults:` and `modems:` entries) --------------------------------
      {.key = "device", .section = Section::Entry, .type = "PATH",
       .help = "Serial backend: this entry's tty (each entry with a device is one line); exec "
               "backend: the tty of its commands. An entry may be just the path: "
               "'- /dev/ttyS1'",
       .json = "device", .backends = kSerial | kExec,
       .rule = NullableText(&LineSettings::device, "a device path such as /dev/ttyS0")},
      {.key = "init", .section = Section::Line, .type = "AT...", .fallback = "ATZ",
       .help = "Init strings sent before each dial, each a whole AT command: a list or a single "
               "string, e.g. [ATZ, \"ATE0 V1 Q0 &C1 &D2\"]",
       .json = "init", .backends = kModem,
       .rule = Texts(&LineSettings::init, "an init string such as ATZ",
                     config::CheckInitString)},
      {.key = "number", .section = Section::Line, .type = "NUMBER",
       .help = "This line's number to dial (quote it)",
       .json = "number",
       .rule = Text(&LineSettings::number, "a number to dial such as \"5551234\"",
                    config::CheckDialNumber, false)},
      {.key = "hangup", .section = Section::Line, .type = "HOW", .fallback = "auto",
       .help = "How to hang up: auto (DTR, then +++ and ATH if the call stays up), dtr or escape",
       .json = "hangup", .backends = kModem,
       .rule = Choice(&LineSettings::hangup, "hangup", config::kHangups)},
      {.key = "dial_mode", .section = Section::Line, .type = "MODE", .fallback = "tone",
       .help = "tone (ATDT) or pulse (ATDP)",
       .json = "dial_mode", .backends = kModem,
       .rule = Choice(&LineSettings::dial_mode, "dial_mode", config::kDialModes)},
      {.flag = "--dial-timeout", .key = "dial_timeout", .section = Section::Line,
       .type = "DURATION", .fallback = "60s", .help = "Deadline of one dial",
       .json = "dial_timeout_seconds",
       .rule = Duration(&LineSettings::dial_timeout, true)},
      {.key = "hangup_timeout", .section = Section::Line, .type = "DURATION", .fallback = "10s",
       .help = "Deadline of one hang-up",
       .json = "hangup_timeout_seconds",
       .rule = Duration(&LineSettings::hangup_timeout, true)},
      {.key = "command_timeout", .section = Section::Line, .type = "DURATION",
       .fallback = "5s", .help = "Deadline of each init command's OK",
       .json = "command_timeout_seconds", .backends = kModem,
       .rule = Duration(&LineSettings::command_timeout, true)},
      {.key = "guard_time", .section = Section::Line, .type = "DURATION", .fallback = "1s",
       .help = "The modem's S12 guard time: the silence kept before and after +++",
       .json = "guard_time_seconds", .backends = kModem,
       .rule = Duration(&LineSettings::guard_time, false)},
      {.key = "speed", .section = Section::Line, .type = "BPS", .fallback = "115200",
       .help = "The tty's speed: 300 1200 2400 4800 9600 19200 38400 57600 115200 230400 "
               "460800 921600",
       .json = "speed", .rule = SpeedRule()},
      {.key = "framing", .section = Section::Line, .type = "FRAMING", .fallback = "8N1",
       .help = "Data bits 5-8, parity N/E/O, stop bits 1-2",
       .json = "framing",
       .rule = Text(&LineSettings::framing, "a framing such as 8N1", config::CheckFraming,
                    false)},
      {.key = "rtscts", .section = Section::Line, .fallback = "false",
       .help = "Hardware (RTS/CTS) flow control",
       .json = "rtscts", .rule = Switch(&LineSettings::rtscts)},
      {.flag = "--dial-cmd", .key = "dial_cmd", .section = Section::Line, .type = "CMD",
       .help = "Exec backend: the command that dials, e.g. 'pon provider', 'nmcli connection "
               "up dialup', 'chat -f dial.chat' (words split as a shell would, but no shell "
               "runs; {number}, {line}, {device} are filled in; in a config file also a list "
               "of its words)",
       .json = "dial_cmd", .backends = kExec, .rule = CommandRule(&LineSettings::dial_cmd)},
      {.flag = "--hangup-cmd", .key = "hangup_cmd", .section = Section::Line, .type = "CMD",
       .fallback = "stop the dial command if it still runs, and drop DTR on its --device",
       .help = "Exec backend: the command that hangs up, e.g. 'poff provider'",
       .json = "hangup_cmd", .backends = kExec, .rule = CommandRule(&LineSettings::hangup_cmd)},
      {.flag = "--check-cmd", .key = "check_cmd", .section = Section::Line, .type = "CMD",
       .help = "Exec backend: connected once this exits 0 (polled every 100 ms), e.g. 'test -e "
               "/sys/class/net/ppp0'; hung up once it fails again",
       .json = "check_cmd", .backends = kExec, .rule = CommandRule(&LineSettings::check_cmd)},
      {.flag = "--connect-regex", .key = "connect_regex", .section = Section::Line,
       .type = "REGEX",
       .help = "Exec backend: connected when a line of the dial command's output matches (it "
               "then holds the call until it ends or is stopped), e.g. 'local +IP address'",
       .json = "connect_regex", .backends = kExec,
       .rule = Text(&LineSettings::connect_regex, "a regex such as 'local +IP address'")},
      {.flag = "--exit-result", .key = "exit_results", .section = Section::Line,
       .type = "CODE=RESULT",
       .help = "Exec backend: what an exit code of the dial command means, e.g. 3=timeout "
               "4=busy for chat with ABORT BUSY first (repeatable; 0 is connect unless mapped; "
               "others: error)",
       .json = "exit_results", .backends = kExec, .rule = ExitResultsRule()},
      {.flag = "--shell", .key = "shell", .section = Section::Line, .fallback = "false",
       .help = "Exec backend: run the commands with /bin/sh -c, each {placeholder} value "
               "quoted for sh (off: no shell runs)",
       .json = "shell", .backends = kExec, .rule = Switch(&LineSettings::shell)},
  };
}

}  // namespace

std::span<const Setting> AllSettings() {
  static const std::vector<Setting> table = MakeTable();
  return table;
}

}  // namespace dialsoak::cli
