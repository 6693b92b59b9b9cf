// ModemBank set-up and tear-down: config checks, ptys, links, the epoll set and the thread.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "bank_impl.h"

namespace dialsoak::sim {
namespace {

// What a modem says about itself. ATI answers the speed it connects at: the leading digits
// of CONNECT's text.
ModemIdentity Identity(const CallModel& call) {
  ModemIdentity identity;
  const std::string& text = call.connect_text;
  const auto digits = std::min(text.find_first_not_of("0123456789"), text.size());
  if (digits > 0) identity.speed = text.substr(0, digits);
  return identity;
}

// Each port holds one descriptor here and its user one more (when in this process), plus
// slack for everything else: raise the soft limit towards the hard one if that is short.
void RaiseFdLimit(int ports) {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return;
  const rlim_t want = static_cast<rlim_t>(ports) * 2 + 256;
  if (r.rlim_cur >= want) return;
  r.rlim_cur = std::min(want, r.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &r);
}

// Makes link -> target, replacing a stale symlink (never a file) left by an earlier run.
// Makes `link` point at `target`. A path already there is never followed nor replaced,
// unless it is our own link (pointing at `ours`, the target we gave it before): another
// program's file or link stays as it was, and the bank does not start.
io::Result<void> MakeLink(const std::filesystem::path& link, const std::string& target,
                          const std::string& ours = {}) {
  std::error_code ec;
  auto status = std::filesystem::symlink_status(link, ec);
  if (!ec && std::filesystem::exists(status)) {
    const bool own = !ours.empty() && std::filesystem::is_symlink(status) &&
                     std::filesystem::read_symlink(link, ec) == ours && !ec;
    if (!own) {
      return io::Fail(io::Error{EEXIST, "link " + link.string() +
                                            ": exists and was not made by this modemsim (left as "
                                            "it is: remove it, or give another link directory)"});
    }
    std::filesystem::remove(link, ec);
  }
  // create_symlink fails if the path appeared meanwhile: nothing is followed or replaced.
  std::filesystem::create_symlink(target, link, ec);
  if (ec) return io::Fail(io::ErrnoError("symlink " + link.string(), ec.value()));
  return {};
}

// The link directory: made 0700 if missing; if there, a real directory (not a symlink to
// one) that no other user may write into (where a link could be swapped under a dialer).
io::Result<void> PrepareLinkDir(const std::filesystem::path& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) return io::Fail(io::ErrnoError("link directory " + dir.string()));
    std::error_code ec;
    if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path(), ec);
    if (ec) return io::Fail(io::ErrnoError("create directory " + dir.parent_path().string(), ec.value()));
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return io::Fail(io::ErrnoError("create directory " + dir.string()));
    }
    if (::lstat(dir.c_str(), &st) != 0) return io::Fail(io::ErrnoError("link directory " + dir.string()));
  }
  if (S_ISLNK(st.st_mode)) {
    return io::Fail(io::Error{ELOOP, "link directory " + dir.string() +
                                         " is a symlink: give the directory itself"});
  }
  if (!S_ISDIR(st.st_mode)) {
    return io::Fail(io::Error{ENOTDIR, "link directory " + dir.string() + " is not a directory"});
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 || st.st_uid != ::geteuid()) {
    return io::Fail(io::Error{EPERM, "link directory " + dir.string() +
                                         " is not this user's alone (another user could swap "
                                         "its links): use a directory only you can write to"});
  }
  return {};
}

}  // namespace

io::Result<std::unique_ptr<ModemBank>> ModemBank::Start(BankConfig config,
                                                       CallObserver observer) {
  if (auto problem = CheckBankConfig(config)) throw std::invalid_argument(*problem);
  auto bank = std::make_unique<BankImpl>(std::move(config), std::move(observer));
  if (auto opened = bank->Open(); !opened) return io::Fail(opened.error());
  return std::unique_ptr<ModemBank>(std::move(bank));
}

BankImpl::BankImpl(BankConfig config, CallObserver observer)
    : config_(std::move(config)),
      observer_(std::move(observer)),
      concentrator_(config_.pools),
      leaker_(config_.leak.kind) {}

BankImpl::~BankImpl() {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    (void)!::write(wake_.get(), &one, sizeof one);
    thread_.join();
  }
  RemoveLinks();
}

io::Result<void> BankImpl::Open() {
  int answer_ports = 0;
  for (const PoolConfig& p : config_.pools) answer_ports += p.answer_ptys ? p.capacity : 0;
  RaiseFdLimit(config_.ports + static_cast<int>(config_.devices.size()) + answer_ports);

  epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_) return io::Fail(io::ErrnoError("epoll_create1"));
  wake_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake_) return io::Fail(io::ErrnoError("eventfd"));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u32 = std::numeric_limits<std::uint32_t>::max();
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &ev) != 0) {
    return io::Fail(io::ErrnoError("epoll_ctl eventfd"));
  }
  if (auto made = CreatePorts(); !made) return made;
  if (auto linked = CreateLinks(); !linked) return linked;
  buf_.resize(4096 + 1);
  thread_ = std::thread([this] { Run(); });
  return {};
}

io::Result<void> BankImpl::CreatePorts() {
  auto add = [&](bool answering) -> io::Result<void> {
    auto pty = PtyPort::Open();
    if (!pty) return io::Fail(pty.error());
    const int index = static_cast<int>(ports_.size());
    ModemIdentity identity = Identity(config_.call);
    identity.can_dial = !answering;
    ports_.emplace_back(index, PortIo(std::move(*pty)), std::move(identity),
                        config_.seed + static_cast<std::uint64_t>(index));
    Port& p = ports_.back();
    p.answering = answering;
    (answering ? answer_paths_ : port_paths_).push_back(p.io.path());
    return Watch(p);
  };
  int total = config_.ports + static_cast<int>(config_.devices.size());
  for (const PoolConfig& pool : config_.pools) total += pool.answer_ptys ? pool.capacity : 0;
  ports_.reserve(static_cast<std::size_t>(total));  // ports never move once made
  for (int i = 0; i < config_.ports; ++i) {
    if (auto r = add(false); !r) return r;
  }
  for (std::size_t d = 0; d < config_.devices.size(); ++d) {
    if (auto r = AddDevice(static_cast<int>(d)); !r) return r;
  }
  pool_ports_.resize(config_.pools.size());
  for (std::size_t pool = 0; pool < config_.pools.size(); ++pool) {
    if (!config_.pools[pool].answer_ptys) continue;
    for (int slot = 0; slot < config_.pools[pool].capacity; ++slot) {
      if (auto r = add(true); !r) return r;
      ports_.back().pool = static_cast<int>(pool);
      pool_ports_[pool].push_back(ports_.back().index);
    }
  }
  return {};
}

// A dialing modem on a device: opened now (the error names it and says why not), its lines
// read once so that a dialer whose DTR is already down is not taken for a drop.
io::Result<void> BankImpl::AddDevice(int device) {
  const DeviceConfig& d = config_.devices[static_cast<std::size_t>(device)];
  auto opened = DevicePort::Open(d);
  if (!opened) return io::Fail(opened.error());
  devices_.push_back(DeviceInfo{d.path, opened->has_lines(), opened->no_lines()});
  const int index = static_cast<int>(ports_.size());
  ports_.emplace_back(index, PortIo(std::move(*opened)), Identity(config_.call),
                      config_.seed + static_cast<std::uint64_t>(index));
  Port& p = ports_.back();
  p.device = device;
  if (auto watched = Watch(p); !watched) return watched;
  StartDevice(p, Clock::now());
  return {};
}

io::Result<void> BankImpl::Watch(const Port& p) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLET;
  ev.data.u32 = static_cast<std::uint32_t>(p.index);
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, p.io.fd(), &ev) != 0) {
    return io::Fail(io::ErrnoError("epoll_ctl " + p.io.path()));
  }
  return {};
}

io::Result<void> BankImpl::CreateLinks() {
  if (config_.link_dir.empty()) return {};
  if (auto dir = PrepareLinkDir(config_.link_dir); !dir) return dir;
  auto link = [&](const std::string& name, const std::string& target) -> io::Result<void> {
    auto path = config_.link_dir / name;
    if (auto made = MakeLink(path, target); !made) return made;
    links_.push_back(path);
    link_targets_.push_back(target);
    return {};
  };
  for (std::size_t i = 0; i < port_paths_.size(); ++i) {
    if (auto r = link("modem" + std::to_string(i), port_paths_[i]); !r) return r;
  }
  for (std::size_t i = 0; i < answer_paths_.size(); ++i) {
    if (auto r = link("answer" + std::to_string(i), answer_paths_[i]); !r) return r;
  }
  return {};
}

// Removes our links, unless another run has replaced one since.
void BankImpl::RemoveLinks() {
  for (std::size_t i = 0; i < links_.size(); ++i) {
    std::error_code ec;
    if (std::filesystem::read_symlink(links_[i], ec) == link_targets_[i] && !ec) {
      std::filesystem::remove(links_[i], ec);
    }
  }
  links_.clear();
  link_targets_.clear();
}

// Dialing port i has link i (they come first).
io::Result<void> BankImpl::Relink(int port, const std::string& target) {
  const auto i = static_cast<std::size_t>(port);
  if (i >= links_.size()) return {};
  if (auto made = MakeLink(links_[i], target, link_targets_[i]); !made) return made;
  link_targets_[i] = target;
  return {};
}

void BankImpl::Unlink(int port) {
  const auto i = static_cast<std::size_t>(port);
  if (i >= links_.size()) return;
  std::error_code ec;
  if (std::filesystem::read_symlink(links_[i], ec) == link_targets_[i] && !ec) {
    std::filesystem::remove(links_[i], ec);
  }
  link_targets_[i].clear();  // a link of ours no longer
}

BankStats BankImpl::stats() const {
  const Counters& c = counters_;
  auto get = [](const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  BankStats s;
  s.calls = get(c.calls);
  s.connects = get(c.connects);
  s.busy = get(c.busy);
  s.no_answer = get(c.no_answer);
  s.no_dialtone = get(c.no_dialtone);
  s.no_carrier = get(c.no_carrier);
  s.hangups_dtr = get(c.hangups_dtr);
  s.hangups_ath = get(c.hangups_ath);
  s.hangups_close = get(c.hangups_close);
  s.hangups_remote = get(c.hangups_remote);
  s.leaked_descriptors = get(c.leaked_descriptors);
  s.blocked = get(c.blocked);
  s.unanswered = get(c.unanswered);
  s.hangups_carrier = get(c.hangups_carrier);
  s.hangups_vanish = get(c.hangups_vanish);
  s.blacklisted = get(c.blacklisted);
  s.delayed = get(c.delayed);
  for (FaultKind k : kFaultKinds) s.faults[k] = get(c.faults[static_cast<std::size_t>(k)]);
  return s;
}

}  // namespace dialsoak::sim
