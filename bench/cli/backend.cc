#include "backend.h"

#include <sys/resource.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "dialsoak/exec/exec_line.h"
#include "dialsoak/serial/serial_line.h"
#include "exit_codes.h"
#include "line_setup.h"

namespace dialsoak::cli {
namespace {

// Each simulated line costs two descriptors (the pty's two sides) in this process; a
// thousand lines pass the usual soft limit of 1024, so take what the hard limit allows.
// A leak injected on purpose (--inject-leak, a bounded run) must not run out either: it
// is there to be measured.
void RaiseDescriptorLimit(const RunSettings& s) {
  const int lines = LinesUsed(s);
  rlim_t want = static_cast<rlim_t>(lines) * 2 + 256;
  if (auto leak = sim::ParseLeakConfig(s.inject_leak); !s.inject_leak.empty() && leak && s.cycles) {
    want += static_cast<rlim_t>(*s.cycles * lines / leak->every);
  }
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  if (lim.rlim_cur >= want) return;
  lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? want : std::min(want, lim.rlim_max);
  if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) spdlog::warn("cannot raise the descriptor limit");
}

tl::expected<std::unique_ptr<sim::ModemBank>, BackendError> StartBank(
    const RunSettings& s, sim::ModemBank::CallObserver calls, const std::filesystem::path& links) {
  sim::BankConfig config;
  config.ports = s.lines;
  config.seed = s.seed;
  config.call.answer_delay = *sim::Distribution::Parse(s.answer_delay);  // validated
  config.call.p_busy = s.sim_busy;
  config.call.p_no_answer = s.sim_no_answer;
  config.call.p_no_dialtone = s.sim_no_dialtone;
  config.call.p_no_carrier = s.sim_no_carrier;
  if (s.ports) config.pools = {sim::PoolConfig{"*", *s.ports, false}};
  if (!s.pools.empty()) {
    config.pools.clear();
    for (const std::string& text : s.pools) config.pools.push_back(*sim::ParsePoolConfig(text));  // validated
  }
  if (!s.inject_leak.empty()) config.leak = *sim::ParseLeakConfig(s.inject_leak);  // validated
  for (const std::string& text : s.sim_faults) config.faults.faults.push_back(*sim::ParseFault(text));
  // Faults can unplug a port (vanish): the lines then dial stable links, as a dialer of a
  // real modem dials its /dev/ttyUSB0 again when it comes back.
  if (config.faults.enabled()) config.link_dir = links;
  if (const double sum = s.sim_busy + s.sim_no_answer + s.sim_no_dialtone + s.sim_no_carrier;
      sum > 1) {
    return tl::unexpected(BackendError{
        kUsage, fmt::format("--sim-busy + --sim-no-answer + --sim-no-dialtone + --sim-no-carrier "
                            "must not exceed 1 (got {:g})",
                            sum)});
  }
  if (auto bad = sim::CheckBankConfig(config)) {
    return tl::unexpected(BackendError{kUsage, "simulator settings: " + *bad});
  }
  auto bank = sim::ModemBank::Start(config, std::move(calls));
  if (!bank) {
    return tl::unexpected(
        BackendError{kSetupFailed, "cannot start the embedded modem bank: " + bank.error().message});
  }
  if (config.leak.enabled()) {
    spdlog::warn("--inject-leak {}: the simulator leaks one {} descriptor in this process on "
                 "every {} dial(s), on purpose",
                 config.leak.ToString(), sim::ToString(config.leak.kind), config.leak.every);
  }
  return std::move(*bank);
}

}  // namespace

engine::LineFactory Backend::LineFactory() const {
  return [this](int i) -> io::Result<std::unique_ptr<Line>> {
    const auto index = static_cast<size_t>(i);
    if (exec) {
      auto line = exec::ExecLine::Open(ToExecConfig(lines[index], devices[index], i));
      if (!line) return io::Fail(line.error());
      return std::unique_ptr<Line>(std::move(*line));
    }
    auto line = serial::SerialLine::Open(ToSerialConfig(lines[index], devices[index]));
    if (!line) return io::Fail(line.error());
    return std::unique_ptr<Line>(std::move(*line));
  };
}

tl::expected<Backend, BackendError> StartBackend(const RunSettings& s,
                                                 sim::ModemBank::CallObserver calls) {
  RaiseDescriptorLimit(s);
  Backend b;
  if (s.backend == "serial") {
    b.devices = s.devices;
  } else if (s.backend == "exec") {
    b.exec = true;
    b.devices = s.devices;
    if (b.devices.empty()) b.devices.assign(static_cast<std::size_t>(ExecLines(s)), "");
  } else {
    if (!s.sim_faults.empty()) {
      char tmpl[] = "/tmp/dialsoak-links.XXXXXX";  // mode 0700: the links are ours alone
      if (::mkdtemp(tmpl) == nullptr) {
        return tl::unexpected(BackendError{kSetupFailed, io::ErrnoError("creating a directory "
                                                                        "for the simulator's links")
                                                              .message});
      }
      b.link_dir = std::make_unique<Backend::TempDir>(tmpl);
    }
    auto bank = StartBank(s, std::move(calls), b.link_dir ? b.link_dir->path : "");
    if (!bank) return tl::unexpected(bank.error());
    b.bank = std::move(*bank);
    b.devices = b.bank->port_paths();
    if (b.link_dir) {
      for (std::size_t i = 0; i < b.devices.size(); ++i) {
        b.devices[i] = (b.link_dir->path / ("modem" + std::to_string(i))).string();
      }
    }
  }
  for (size_t i = 0; i < b.devices.size(); ++i) {
    b.lines.push_back(EffectiveLineSettings(s, static_cast<int>(i), b.devices[i]));
  }
  return b;
}

nlohmann::json SimulatorToJson(const sim::BankStats& st) {
  nlohmann::json faults = nlohmann::json::object();
  for (std::size_t k = 0; k < sim::kFaultKindCount; ++k) {
    const auto kind = static_cast<sim::FaultKind>(k);
    faults[std::string(sim::ToString(kind))] = st.faults[kind];
  }
  return {{"calls", st.calls},           {"connects", st.connects},
          {"busy", st.busy},             {"no_answer", st.no_answer},
          {"no_dialtone", st.no_dialtone}, {"no_carrier", st.no_carrier},
          {"unanswered", st.unanswered},  {"hangups_dtr", st.hangups_dtr},
          {"hangups_ath", st.hangups_ath}, {"hangups_close", st.hangups_close},
          {"hangups_carrier", st.hangups_carrier}, {"hangups_vanish", st.hangups_vanish},
          {"leaked_descriptors", st.leaked_descriptors}, {"blocked", st.blocked},
          {"blacklisted", st.blacklisted}, {"delayed", st.delayed},
          {"faults", faults}};
}

Backend::TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

}  // namespace dialsoak::cli
