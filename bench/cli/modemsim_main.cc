// modemsim: an emulated modem bank on pseudo-terminals and on real serial ports (a
// null-modem cable to the dialer), for any external dialer (chat, pppd, wvdial, mgetty on
// the answering side, or dialsoak itself).
// Prints "modemN PATH" per dialing pty, "deviceK PATH" per --device, "answerN PATH
// NUMBER" per answering pty, then "ready"; logs each finished call to stderr; runs until
// SIGINT, SIGTERM or SIGHUP.
// Exit codes: 0 stopped by a signal; 1 the ptys or links could not be made, or a device
// not opened; 2 bad flags.
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/fmt/fmt.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "dialsoak/sim/bank.h"

namespace {

using dialsoak::sim::BankConfig;

constexpr int kExitOk = 0;
constexpr int kExitSetup = 1;
constexpr int kExitUsage = 2;

struct Flags {
  int ports = 1;
  std::string link_dir;
  std::string answer_delay = "fixed:0";
  std::string connect = "33600/ARQ/V34/LAPM/V42BIS";
  double busy = 0, no_answer = 0, no_dialtone = 0, no_carrier = 0;
  std::uint64_t seed = 1;
  std::vector<std::string> pools;
  std::string ring_interval = "6s";
  std::string inject_leak;
  std::vector<std::string> faults;
  std::vector<std::string> devices;
  int device_speed = 115200;
  std::string device_framing = "8N1";
  bool device_rtscts = false;
  std::string log_level = "info";
};

constexpr const char* kFooter = R"(
Each dialing port is a pty: open its path like a serial port and talk Hayes AT to it
(ATZ, ATDT5551234, +++ / ATH, ...). Hang up with ATH, by dropping DTR (set the tty's
speed to B0 until NO CARRIER arrives) or by closing the tty.

Distributions (--answer-delay): fixed:D, uniform:MIN,MAX, exp:MEAN, lognormal:MEDIAN,SIGMA,
with durations such as 250ms, 2s, 1.5m. The delay runs from ATD to the result.

Pools (--pool NUMBER:C[:pty], repeatable, in order): calls to NUMBER ("*" = any number)
reach C ports (0 = unlimited); a call while all C are busy gets BUSY; a number no pool
matches gets NO ANSWER. With ":pty" the C answering ports are ptys too, printed as
"answerN PATH NUMBER" (and linked as answerN): a program that holds one open (mgetty)
gets RING every --ring-interval and answers with ATA; a port nobody holds is answered
by modemsim itself, which then echoes data back.

Leak injection (--inject-leak EVERY[:KIND]): modemsim's own process leaks one descriptor
of KIND (eventfd, the default; pipe; socket; file, /dev/null) on every EVERY-th dial,
counted across the ports when ATD arrives, as RasDial leaked a handle per call (KB
Q197517). The descriptors stay open until modemsim exits; watch them with
`dialsoak run --watch-name modemsim`.

Faults (--fault KIND[:PROBABILITY][@PORT,...][/KNOB=VALUE...], repeatable): drawn at each
dial (ATD) on the dialing ports listed (default all) with the probability (default 1),
from the seed. Kinds and their knobs (defaults):
  noise         random bytes (a NUL and a byte >= 0x80 among them) before the result or
                inside it: bytes=8, at=before|inside
  truncate      the result stops after keep=4 bytes of its text ("CONN"), no line end
  silent        no result at all and no call; the next command is answered
  dribble       the result one byte every gap=50ms
  carrier_loss  NO CARRIER after=1s (a distribution) into the connected call
  vanish        after=0 (a distribution) from the dial, the pty closes (the dialer gets
                EOF/EIO/POLLHUP) and its link goes (ENOENT) for down=2s, then a new pty,
                a power-up modem, is linked at the same path; needs --link-dir: open
                DIR/modemN, not the /dev/pts name
  ring_flood    count=10 RINGs interval=20ms apart, before the result
  reset         the modem reboots: no result, every byte ignored for time=2s, then the
                power-up profile (echo on)
  blacklist     TBR21 call-attempt restrictions (a rule: probability 1): after a failed
                call to a number, DELAYED for delay=5s; after attempts=3 failed calls
                within period=60s, BLACKLISTED until the period ends; CONNECT clears it
E.g. --fault noise:0.1 --fault vanish:0.01@0/down=5s --fault carrier_loss:0.2/after=uniform:1s,3s.
Each injected fault is logged with its call (faults=...) and counted at exit.

Devices (--device PATH, repeatable): a dialing modem on a tty modemsim opens itself, e.g.
a serial port joined by a null-modem cable to the machine that dials (which opens its own
port, /dev/ttyS0, and talks Hayes AT), or the pty end of a socat cable. Raw, CLOCAL,
exclusive, at --device-speed and --device-framing. Where the port has modem-control lines
(TIOCMGET works), the dialer's DTR arrives as DSR or DCD and its drop hangs up (&D2); RTS
is up while modemsim runs, DTR (the dialer's DCD) while a call is up (&C1; &C0: always).
Without them (a pty), hang up with +++ and ATH; a device that goes away (EOF/EIO) ends
the call, and modemsim reopens it every 500 ms. With --device, --ports defaults to 0.
Device ports are numbered after the ptys (calls log as deviceK, @PORT counts them too).

Output: "modemN PATH" per dialing pty, "deviceK PATH" per device, "answerN PATH NUMBER"
per answering pty, then "ready". Each finished call is logged to stderr at info.
Exit codes: 0 stopped by SIGINT/SIGTERM/SIGHUP; 1 ptys or links could not be made, or a
device could not be opened (missing, permission denied, in use, not a tty); 2 bad flags
or configuration.)";

void AddFlags(CLI::App& app, Flags& f) {
  app.add_option("--ports", f.ports, "Dialing modems (ptys) to create")
      ->check(CLI::Range(0, 4096))
      ->capture_default_str();
  app.add_option("--link-dir", f.link_dir,
                 "Make symlinks DIR/modem0.. and DIR/answer0.. to the ports (removed at exit)");
  app.add_option("--answer-delay", f.answer_delay, "Delay from ATD to the result (see below)")
      ->capture_default_str();
  app.add_option("--connect", f.connect, "Text after CONNECT")->capture_default_str();
  const auto probability = CLI::Range(0.0, 1.0);
  app.add_option("--busy", f.busy, "Probability of BUSY")->check(probability);
  app.add_option("--no-answer", f.no_answer, "Probability of NO ANSWER")->check(probability);
  app.add_option("--no-dialtone", f.no_dialtone, "Probability of NO DIALTONE")->check(probability);
  app.add_option("--no-carrier", f.no_carrier, "Probability of NO CARRIER")->check(probability);
  app.add_option("--seed", f.seed, "Seed of the random draws (port i uses seed + i)")
      ->capture_default_str();
  app.add_option("--pool", f.pools,
                 "NUMBER:C[:pty] answering pool (repeatable; default one pool '*' unlimited)")
      ->allow_extra_args(false);
  app.add_option("--ring-interval", f.ring_interval, "Time between RINGs on an answering pty")
      ->capture_default_str();
  app.add_option("--inject-leak", f.inject_leak,
                 "Leak one descriptor of KIND (eventfd, pipe, socket, file) on every EVERY-th "
                 "dial (see below)")
      ->type_name("EVERY[:KIND]");
  app.add_option("--fault", f.faults,
                 "Inject a fault: noise, truncate, silent, dribble, carrier_loss, vanish, "
                 "ring_flood, reset or blacklist, per dial with a probability, on some ports "
                 "(repeatable; "
                 "see below)")
      ->type_name("KIND[:P][@PORT,...][/KNOB=V...]")
      ->allow_extra_args(false);
  app.add_option("--device", f.devices,
                 "A dialing modem on this tty device (a serial port with a null-modem cable "
                 "to the dialer, or any tty path; repeatable; see below)")
      ->type_name("PATH")
      ->allow_extra_args(false);
  app.add_option("--device-speed", f.device_speed, "Line speed of the --device ports, bit/s")
      ->capture_default_str();
  app.add_option("--device-framing", f.device_framing,
                 "Data bits, parity, stop bits of the --device ports (8N1, 7E1, 8O2)")
      ->capture_default_str();
  app.add_flag("--device-rtscts", f.device_rtscts,
               "Hardware flow control (RTS/CTS) on the --device ports");
  app.add_option("--log-level", f.log_level, "Log level on stderr")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  app.footer(kFooter);
}

// The flag behind a field that CheckBankConfig names at the start of its message.
const char* FlagOf(const std::string& problem) {
  static constexpr std::pair<std::string_view, const char*> kFields[] = {
      {"ports", "--ports, --pool"}, {"call.connect_text", "--connect"},
      {"call.p_", "--busy, --no-answer, --no-dialtone, --no-carrier"},
      {"pools", "--pool"}, {"ring_interval", "--ring-interval"}, {"leak.", "--inject-leak"},
      {"faults", "--fault"}, {"devices", "--device, --device-speed"}};
  for (const auto& [field, flag] : kFields) {
    if (problem.starts_with(field)) return flag;
  }
  return "configuration";
}

// Builds the bank's config from the flags; on a bad value prints which flag and what is
// allowed, and returns false.
bool ToConfig(const Flags& f, BankConfig& c) {
  auto bad = [](const char* flag, const std::string& why) {
    std::fprintf(stderr, "modemsim: %s: %s\n", flag, why.c_str());
    return false;
  };
  c.ports = f.ports;
  c.link_dir = f.link_dir;
  c.seed = f.seed;
  auto delay = dialsoak::sim::Distribution::Parse(f.answer_delay);
  if (!delay) return bad("--answer-delay", delay.error());
  c.call.answer_delay = *delay;
  c.call.connect_text = f.connect;
  c.call.p_busy = f.busy;
  c.call.p_no_answer = f.no_answer;
  c.call.p_no_dialtone = f.no_dialtone;
  c.call.p_no_carrier = f.no_carrier;
  if (f.busy + f.no_answer + f.no_dialtone + f.no_carrier > 1 + 1e-9) {
    return bad("--busy, --no-answer, --no-dialtone, --no-carrier", "their sum must not exceed 1");
  }
  if (!f.pools.empty()) {
    c.pools.clear();
    for (const std::string& text : f.pools) {
      auto pool = dialsoak::sim::ParsePoolConfig(text);
      if (!pool) return bad("--pool", pool.error());
      c.pools.push_back(*pool);
    }
  }
  auto ring = dialsoak::sim::ParseDuration(f.ring_interval);
  if (!ring || ring->count() <= 0) {
    return bad("--ring-interval", ring ? "must be positive, e.g. 6s" : ring.error());
  }
  c.ring_interval = *ring;
  if (!f.inject_leak.empty()) {
    auto leak = dialsoak::sim::ParseLeakConfig(f.inject_leak);
    if (!leak) return bad("--inject-leak", leak.error());
    c.leak = *leak;
  }
  auto framing = dialsoak::serial::ParseFraming(f.device_framing);
  if (!framing) return bad("--device-framing", framing.error());
  framing->speed = f.device_speed;
  framing->rtscts = f.device_rtscts;
  for (const std::string& path : f.devices) {
    dialsoak::sim::DeviceConfig device;
    device.path = path;
    device.tty = *framing;
    c.devices.push_back(std::move(device));
  }
  for (const std::string& text : f.faults) {
    auto fault = dialsoak::sim::ParseFault(text);
    if (!fault) return bad("--fault", fault.error());
    c.faults.faults.push_back(std::move(*fault));
  }
  if (auto problem = dialsoak::sim::CheckBankConfig(c)) return bad(FlagOf(*problem), *problem);
  return true;
}

// "modemN" for a pty port, "deviceK" for a device (numbered after the ptys).
std::string PortName(int port, int ptys) {
  return port < ptys ? fmt::format("modem{}", port) : fmt::format("device{}", port - ptys);
}

void LogCall(const dialsoak::sim::CallRecord& r, int ptys) {
  using Seconds = std::chrono::duration<double>;
  std::string faults;
  for (auto kind : r.faults) {
    faults += (faults.empty() ? " faults=" : ",") + std::string(ToString(kind));
  }
  spdlog::info("call {} number={} result=\"{}\" setup={:.3f}s held={:.3f}s hangup={}{}",
               PortName(r.port, ptys), r.number, r.result, Seconds(r.setup).count(),
               Seconds(r.held).count(), r.hangup_cause.empty() ? "-" : r.hangup_cause, faults);
}

// Once per device: what its modem-control lines will and will not show.
void LogDevices(const dialsoak::sim::ModemBank& bank) {
  const auto& devices = bank.devices();
  for (std::size_t k = 0; k < devices.size(); ++k) {
    const auto& d = devices[k];
    if (d.modem_lines) {
      spdlog::info("device{} {}: modem-control lines: the dialer's DTR watched as DSR/DCD "
                   "(a drop hangs up), RTS up, DTR up while a call is up (&C1)",
                   k, d.path);
    } else {
      spdlog::warn("device{} {} has no modem-control lines ({}): a DTR drop is not seen "
                   "and no DCD is given; hang up with +++ and ATH, or the device going away",
                   k, d.path, d.no_lines);
    }
  }
}

void PrintPorts(const dialsoak::sim::ModemBank& bank, const BankConfig& config) {
  const auto& ports = bank.port_paths();
  for (std::size_t i = 0; i < ports.size(); ++i) std::cout << "modem" << i << ' ' << ports[i] << '\n';
  const auto& devices = bank.devices();
  for (std::size_t k = 0; k < devices.size(); ++k) {
    std::cout << "device" << k << ' ' << devices[k].path << '\n';
  }
  std::size_t answer = 0;
  for (const auto& pool : config.pools) {
    if (!pool.answer_ptys) continue;
    for (int slot = 0; slot < pool.capacity; ++slot, ++answer) {
      std::cout << "answer" << answer << ' ' << bank.answer_paths()[answer] << ' '
                << pool.number << '\n';
    }
  }
  std::cout << "ready" << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"modemsim: emulated Hayes modems and a modem bank (concentrator) on ptys"};
  Flags flags;
  AddFlags(app, flags);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, or the error
    return code == 0 ? kExitOk : kExitUsage;
  }
  // Devices instead of ptys unless both are asked for.
  if (!flags.devices.empty() && app.count("--ports") == 0) flags.ports = 0;
  BankConfig config;
  if (!ToConfig(flags, config)) return kExitUsage;

  auto logger = spdlog::stderr_logger_mt("modemsim");
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(flags.log_level));

  // The signals are taken by sigwait below; the bank's thread inherits the mask.
  sigset_t stop;
  sigemptyset(&stop);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop, s);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  const int ptys = config.ports;
  auto bank = dialsoak::sim::ModemBank::Start(
      config, [ptys](const dialsoak::sim::CallRecord& r) { LogCall(r, ptys); });
  if (!bank) {
    spdlog::error("cannot create the modem bank: {}", bank.error().message);
    return kExitSetup;
  }
  spdlog::info("{} dialing pty(s), {} device(s), {} answering pty(s); answer delay {}, seed {}",
               (*bank)->port_paths().size(), (*bank)->devices().size(),
               (*bank)->answer_paths().size(), config.call.answer_delay.ToString(), config.seed);
  LogDevices(**bank);
  if (config.leak.enabled()) {
    spdlog::warn("leak injection on: one {} descriptor leaked on every {} dial(s)",
                 dialsoak::sim::ToString(config.leak.kind), config.leak.every);
  }
  if (config.faults.enabled()) {
    spdlog::warn("fault injection on: {}", config.faults.ToString());
  }
  PrintPorts(**bank, config);

  int signal = 0;
  sigwait(&stop, &signal);
  spdlog::info("stopping on signal {}", signal);
  const auto s = (*bank)->stats();
  bank->reset();
  spdlog::info("calls {}, connects {}, busy {}, no answer {}, no dialtone {}, no carrier {}",
               s.calls, s.connects, s.busy, s.no_answer, s.no_dialtone, s.no_carrier);
  if (s.blacklisted + s.delayed > 0) {
    spdlog::info("dials refused by the blacklist: blacklisted {}, delayed {}", s.blacklisted,
                 s.delayed);
  }
  if (config.leak.enabled()) spdlog::info("leaked descriptors {}", s.leaked_descriptors);
  if (config.faults.enabled()) {
    std::string counts;
    for (auto kind : dialsoak::sim::kFaultKinds) {
      counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", ToString(kind), s.faults[kind]);
    }
    spdlog::info(
        "faults injected: {}; dials unanswered {}, hang-ups by carrier loss {}, by vanish {}",
        counts, s.unanswered, s.hangups_carrier, s.hangups_vanish);
  }
  return kExitOk;
}
