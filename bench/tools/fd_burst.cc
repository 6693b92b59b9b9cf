// fdburst: a process whose descriptor count goes up and down without leaking, the
// counterpart of a leak for bench/leak_detector.sh. Until SIGINT, SIGTERM or SIGHUP it
// opens a burst of descriptors (eventfds, pipes, AF_UNIX socket pairs; a random number,
// 1 to --burst) every --every and closes each burst --hold after opening it. Once, at
// the start or --pool-delay after it, it opens a pool of --pool descriptors that it keeps
// until it exits, as a thread pool warming up does: a step, not a slope.
// Prints "ready <pid>" on stdout when started (the pool opened, unless delayed); on a
// signal closes everything and prints "fdburst: stopped by SIGTERM: <n> bursts, ..." on
// stderr.
// Exit codes: 0 stopped by a signal; 1 a descriptor could not be opened; 2 bad flags.
#include <fcntl.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <tl/expected.hpp>

#include "dialsoak/sim/distribution.h"

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::nanoseconds;

constexpr int kExitOk = 0;
constexpr int kExitOs = 1;
constexpr int kExitUsage = 2;

struct Flags {
  int burst = 40;
  std::string every = "50ms";
  std::string hold = "20ms";
  int pool = 16;
  std::string pool_delay = "0";
  std::uint64_t seed = 1;
};

struct Settings {
  int burst = 0;
  nanoseconds every{0};
  nanoseconds hold{0};
  int pool = 0;
  nanoseconds pool_delay{0};
  std::uint64_t seed = 0;
};

// One open descriptor, closed when this goes away.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  int fd_;
};

using Fds = std::vector<Fd>;

std::string OsError(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Opens one eventfd, pipe or socket pair (chosen by `kind`, 0 to 2) into `out`, at most
// `room` descriptors: a pair needs 2, so with room 1 it is an eventfd.
tl::expected<void, std::string> OpenOne(int kind, int room, Fds& out) {
  int pair[2];
  if (kind == 1 && room >= 2) {
    if (::pipe2(pair, O_CLOEXEC) != 0) return tl::unexpected(OsError("pipe2"));
  } else if (kind == 2 && room >= 2) {
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
      return tl::unexpected(OsError("socketpair(AF_UNIX)"));
    }
  } else {
    const int fd = ::eventfd(0, EFD_CLOEXEC);
    if (fd < 0) return tl::unexpected(OsError("eventfd"));
    out.emplace_back(fd);
    return {};
  }
  out.emplace_back(pair[0]);
  out.emplace_back(pair[1]);
  return {};
}

// Opens exactly `count` descriptors of mixed kinds.
tl::expected<Fds, std::string> OpenMix(int count, std::mt19937_64& rng) {
  Fds out;
  out.reserve(static_cast<std::size_t>(count));
  std::uniform_int_distribution<int> kind(0, 2);
  while (static_cast<int>(out.size()) < count) {
    auto opened = OpenOne(kind(rng), count - static_cast<int>(out.size()), out);
    if (!opened) return tl::unexpected(opened.error());
  }
  return out;
}

// Parses a flag's duration; `positive` rejects 0.
bool ToDuration(const char* flag, const std::string& text, bool positive, nanoseconds& out) {
  auto d = dialsoak::sim::ParseDuration(text);
  if (!d || (positive && d->count() <= 0)) {
    std::fprintf(stderr, "fdburst: %s: %s\n", flag,
                 d ? "must be positive, e.g. 50ms" : d.error().c_str());
    return false;
  }
  out = *d;
  return true;
}

bool ToSettings(const Flags& f, Settings& s) {
  s.burst = f.burst;
  s.pool = f.pool;
  s.seed = f.seed;
  return ToDuration("--every", f.every, true, s.every) &&
         ToDuration("--hold", f.hold, false, s.hold) &&
         ToDuration("--pool-delay", f.pool_delay, false, s.pool_delay);
}

void AddFlags(CLI::App& app, Flags& f) {
  app.add_option("--burst", f.burst, "Most descriptors opened in one burst (each burst: 1 to N)")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  app.add_option("--every", f.every, "Time between the starts of two bursts (e.g. 50ms)")
      ->capture_default_str();
  app.add_option("--hold", f.hold, "How long a burst stays open before it is closed")
      ->capture_default_str();
  app.add_option("--pool", f.pool, "Descriptors opened once and kept (a pool warming up)")
      ->check(CLI::Range(0, 10000))
      ->capture_default_str();
  app.add_option("--pool-delay", f.pool_delay,
                 "Open the pool this long after \"ready\" (0: before \"ready\")")
      ->capture_default_str();
  app.add_option("--seed", f.seed, "Seed of the burst sizes and kinds")->capture_default_str();
  app.footer(
      "Durations: 250us, 50ms, 2s, 1m. Output: \"ready <pid>\" on stdout once started.\n"
      "Exit codes: 0 stopped by SIGINT/SIGTERM/SIGHUP (everything closed); 1 a descriptor\n"
      "could not be opened (e.g. EMFILE); 2 bad flags.");
}

// The bursts' timeline. Returns the signal that ended it, or an error.
class Bursts {
 public:
  Bursts(const Settings& s, const sigset_t& stop) : s_(s), stop_(stop), rng_(s.seed) {}

  tl::expected<int, std::string> Run() {
    const Clock::time_point start = Clock::now();
    std::optional<Clock::time_point> pool_at;
    if (s_.pool > 0) pool_at = start + s_.pool_delay;
    if (pool_at && s_.pool_delay.count() == 0 && !OpenPool(pool_at)) return tl::unexpected(error_);
    std::cout << "ready " << ::getpid() << std::endl;
    Clock::time_point next_burst = start;
    std::uniform_int_distribution<int> size(1, s_.burst);
    for (;;) {
      Clock::time_point now = Clock::now();
      if (pool_at && now >= *pool_at && !OpenPool(pool_at)) return tl::unexpected(error_);
      while (!held_.empty() && held_.front().first <= now) held_.pop_front();
      if (now >= next_burst) {
        auto fds = OpenMix(size(rng_), rng_);
        if (!fds) {
          return tl::unexpected("burst " + std::to_string(bursts_ + 1) + ": " + fds.error());
        }
        held_.emplace_back(now + s_.hold, std::move(*fds));
        ++bursts_;
        next_burst += s_.every;
        if (next_burst <= now) next_burst = now + s_.every;  // fell behind: no catching up
        NoteOpen();
      }
      Clock::time_point wake = next_burst;
      if (!held_.empty()) wake = std::min(wake, held_.front().first);
      if (pool_at) wake = std::min(wake, *pool_at);
      if (const int sig = Wait(wake - Clock::now()); sig > 0) return sig;
    }
  }

  // Closes the pool and every burst still held.
  void CloseAll() {
    held_.clear();
    pool_.clear();
  }

  long bursts() const { return bursts_; }
  std::size_t most_open() const { return most_open_; }

 private:
  bool OpenPool(std::optional<Clock::time_point>& pool_at) {
    auto fds = OpenMix(s_.pool, rng_);
    if (!fds) {
      error_ = "pool: " + fds.error();
      return false;
    }
    pool_ = std::move(*fds);
    pool_at.reset();
    NoteOpen();
    return true;
  }

  void NoteOpen() {
    std::size_t open = pool_.size();
    for (const auto& [until, fds] : held_) open += fds.size();
    most_open_ = std::max(most_open_, open);
  }

  // Waits up to `d` for a stop signal: returns it, or 0 when the time is up.
  int Wait(nanoseconds d) const {
    d = std::max(d, nanoseconds(0));
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(d);
    timespec ts{static_cast<time_t>(secs.count()), static_cast<long>((d - secs).count())};
    const int sig = ::sigtimedwait(&stop_, nullptr, &ts);
    return sig > 0 ? sig : 0;  // EAGAIN: time is up; EINTR: look again
  }

  Settings s_;
  sigset_t stop_;
  std::mt19937_64 rng_;
  Fds pool_;
  std::deque<std::pair<Clock::time_point, Fds>> held_;  // in order of closing
  long bursts_ = 0;
  std::size_t most_open_ = 0;
  std::string error_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fdburst: opens and closes descriptors in bursts, without leaking, until a signal"};
  Flags flags;
  AddFlags(app, flags);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, or the error
    return code == 0 ? kExitOk : kExitUsage;
  }
  Settings settings;
  if (!ToSettings(flags, settings)) return kExitUsage;

  sigset_t stop;
  sigemptyset(&stop);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop, s);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  Bursts bursts(settings, stop);
  auto ended = bursts.Run();
  bursts.CloseAll();
  if (!ended) {
    std::fprintf(stderr, "fdburst: %s\n", ended.error().c_str());
    return kExitOs;
  }
  std::fprintf(stderr,
               "fdburst: stopped by SIG%s: %ld bursts, at most %zu of its descriptors open at "
               "once\n",
               sigabbrev_np(*ended), bursts.bursts(), bursts.most_open());
  return kExitOk;
}
