// PtyPair: a pty master the test holds and the slave path a Line opens, both closed by
// the fixture (RAII). Optionally in packet mode with EXTPROC on the slave, as the
// simulator sets it up, so that a B0 "DTR drop" on the slave is seen at the master.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "dialsoak/io/unique_fd.h"

namespace dialsoak::testutil {

class PtyPair {
 public:
  explicit PtyPair(bool packet_mode) {
    master_.reset(::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
    if (!master_ || ::grantpt(master_.get()) != 0 || ::unlockpt(master_.get()) != 0) {
      throw std::runtime_error("posix_openpt failed");
    }
    slave_path_ = ::ptsname(master_.get());
    io::UniqueFd slave(::open(slave_path_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
    termios t{};
    ::tcgetattr(slave.get(), &t);
    ::cfmakeraw(&t);
    if (packet_mode) t.c_lflag |= EXTPROC;
    ::tcsetattr(slave.get(), TCSANOW, &t);
    if (packet_mode) {
      int one = 1;
      ::ioctl(master_.get(), TIOCPKT, &one);
    }
    packet_mode_ = packet_mode;
  }

  int master() const { return master_.get(); }
  const std::string& slave_path() const { return slave_path_; }
  bool packet_mode() const { return packet_mode_; }
  void CloseMaster() { master_.reset(); }

 private:
  io::UniqueFd master_;
  std::string slave_path_;
  bool packet_mode_ = false;
};

}  // namespace dialsoak::testutil
