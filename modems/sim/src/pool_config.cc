// The bank's configuration: --pool's text form and the checks Start makes.
#include <termios.h>

#include <charconv>
#include <cmath>
#include <string>

#include "dialsoak/sim/bank.h"

namespace dialsoak::sim {
namespace {

constexpr int kMaxPorts = 4096;  // the kernel's default pty limit (kernel.pty.max)
constexpr std::size_t kMaxConnectText = 64;

// What a modem keeps of a dialled number (modem.h): digits, * # and A-D.
bool IsDialNumber(std::string_view n) {
  if (n.empty() || n.size() > 64) return false;
  for (char c : n) {
    if (!((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D'))) {
      return false;
    }
  }
  return true;
}

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

}  // namespace

tl::expected<PoolConfig, std::string> ParsePoolConfig(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return tl::unexpected("bad pool " + Quoted(text) + ": " + std::string(why) +
                          "; expected NUMBER:C or NUMBER:C:pty (NUMBER '*' = any number, or "
                          "digits * # A-D; C = ports, 0 = unlimited, at least 1 with pty)");
  };
  PoolConfig pool;
  auto first = text.find(':');
  if (first == std::string_view::npos) return bad("no capacity");
  pool.number = std::string(text.substr(0, first));
  std::string_view rest = text.substr(first + 1);
  auto second = rest.find(':');
  std::string_view cap = rest.substr(0, second);
  if (second != std::string_view::npos) {
    if (rest.substr(second + 1) != "pty") return bad("the third part may only be 'pty'");
    pool.answer_ptys = true;
  }
  if (!IsDialNumber(pool.number)) return bad("bad number " + Quoted(pool.number));
  const char* end = cap.data() + cap.size();
  auto [ptr, ec] = std::from_chars(cap.data(), end, pool.capacity);
  if (cap.empty() || ec != std::errc() || ptr != end || pool.capacity < 0 ||
      pool.capacity > kMaxPorts) {
    return bad("bad capacity " + Quoted(cap) + " (0.." + std::to_string(kMaxPorts) + ")");
  }
  if (pool.answer_ptys && pool.capacity == 0) return bad("a pty pool needs a capacity");
  return pool;
}

std::optional<std::string> CheckBankConfig(const BankConfig& config) {
  const int ports_max = kMaxPorts;
  if (config.ports < 0 || config.ports > ports_max) {
    return "ports: must be within 0.." + std::to_string(ports_max) + " (got " +
           std::to_string(config.ports) + ")";
  }
  const CallModel& m = config.call;
  const std::pair<const char*, double> probabilities[] = {
      {"call.p_busy", m.p_busy},
      {"call.p_no_answer", m.p_no_answer},
      {"call.p_no_dialtone", m.p_no_dialtone},
      {"call.p_no_carrier", m.p_no_carrier}};
  double sum = 0;
  for (const auto& [name, p] : probabilities) {
    if (!std::isfinite(p) || p < 0 || p > 1) {
      return std::string(name) + ": must be a probability within 0..1 (got " +
             std::to_string(p) + ")";
    }
    sum += p;
  }
  if (sum > 1 + 1e-9) {
    return "call: p_busy + p_no_answer + p_no_dialtone + p_no_carrier must not exceed 1 (got " +
           std::to_string(sum) + ")";
  }
  if (m.connect_text.size() > kMaxConnectText) {
    return "call.connect_text: at most " + std::to_string(kMaxConnectText) + " characters";
  }
  for (char c : m.connect_text) {
    if (c < 0x20 || c > 0x7e) return "call.connect_text: printable ASCII only";
  }
  int answer_ports = 0;
  for (const PoolConfig& p : config.pools) {
    if (p.number != "*" && !IsDialNumber(p.number)) {
      return "pools: bad number " + Quoted(p.number) + " (digits * # A-D, or '*' for any)";
    }
    if (p.capacity < 0 || p.capacity > ports_max) {
      return "pools: capacity of " + Quoted(p.number) + " must be within 0.." +
             std::to_string(ports_max);
    }
    if (p.answer_ptys && p.capacity == 0) {
      return "pools: pool " + Quoted(p.number) + " has answering ptys, so needs a capacity >= 1";
    }
    if (p.answer_ptys) answer_ports += p.capacity;
  }
  const int devices = static_cast<int>(config.devices.size());
  if (config.ports + devices + answer_ports > ports_max) {
    return "ports: dialing ports, devices and answering ptys must not exceed " +
           std::to_string(ports_max);
  }
  for (std::size_t i = 0; i < config.devices.size(); ++i) {
    const DeviceConfig& d = config.devices[i];
    const std::string name = "devices[" + std::to_string(i) + "]";
    if (d.path.empty()) return name + ": path is empty (a tty device such as /dev/ttyS1)";
    termios t{};
    if (!serial::ApplyOptions(t, d.tty)) {
      return name + " (" + d.path + "): unsupported speed " + std::to_string(d.tty.speed) +
             " (300, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, "
             "921600)";
    }
  }
  if (config.ring_interval <= std::chrono::nanoseconds::zero()) {
    return "ring_interval: must be positive";
  }
  if (config.leak.every < 0) {
    return "leak.every: must be >= 1, or 0 for no leak (got " +
           std::to_string(config.leak.every) + ")";
  }
  if (auto problem = CheckFaultConfig(config.faults, config.ports + devices,
                                      !config.link_dir.empty())) {
    return problem;
  }
  // The bank cannot unplug a device it opened: vanish is for its own ptys.
  for (std::size_t i = 0; i < config.faults.faults.size() && devices > 0; ++i) {
    const Fault& f = config.faults.faults[i];
    for (int d = config.ports; d < config.ports + devices && f.kind == FaultKind::kVanish; ++d) {
      if (!f.Targets(d)) continue;
      return "faults[" + std::to_string(i) + "] (vanish): port " + std::to_string(d) +
             " is a device (" + config.devices[static_cast<std::size_t>(d - config.ports)].path +
             "), which cannot vanish: list the pty ports with @PORT (0.." +
             std::to_string(config.ports - 1) + ")";
    }
  }
  return std::nullopt;
}

}  // namespace dialsoak::sim
