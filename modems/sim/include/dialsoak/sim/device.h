// A modem of the bank on an existing tty device that the bank opens itself: a real serial
// port joined by a null-modem cable to the machine that dials (/dev/ttyS1), or any tty
// path (the slave of a pty made by socat). The device is opened raw at its speed and
// framing, with CLOCAL (open does not wait for carrier), exclusively (TIOCEXCL + flock).
//
// Modem-control lines, where the device has them (TIOCMGET works): the dialer's DTR
// arrives as our DSR and/or DCD (a full null-modem cable wires DTR to DSR+DCD; either one
// up counts as DTR up), and its fall hangs a call up as the modem's &D setting says; our
// RTS is up while the device is open, our DTR (the dialer's DCD and DSR) is up while a
// call is up with &C1 (the default) and always with &C0. Where TIOCMGET fails (a pty
// slave: ENOTTY), the modem runs without them: it hangs up by ATH (after +++) and when the
// device goes away (EIO/POLLHUP), and the bank then reopens the path every 500 ms.
//
// Thread safety: ModemLines is used from the bank's thread only.
// Errors: ModemLines returns io::Error values carrying the errno.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "dialsoak/io/error.h"
#include "dialsoak/serial/tty.h"

namespace dialsoak::sim {

// The modem-control lines of one open device, TIOCM_* bits (TIOCM_DSR, TIOCM_CAR, ...).
// The default works on the descriptor with ioctls; tests give one of their own.
class ModemLines {
 public:
  virtual ~ModemLines() = default;
  virtual io::Result<int> Get() = 0;                  // TIOCMGET: every line's level
  virtual io::Result<void> Set(int bits, bool up) = 0;  // TIOCMBIS / TIOCMBIC
};

// The ioctls on fd (not owned).
std::unique_ptr<ModemLines> TtyModemLines(int fd);

struct DeviceConfig {
  std::string path;              // "/dev/ttyS1"; a symlink is followed
  serial::TtyOptions tty;        // default 115200 8N1, no hardware flow control
  // Makes the lines of the opened descriptor; empty: TtyModemLines.
  std::function<std::unique_ptr<ModemLines>(int fd)> lines;
};

// What the bank found on a device at start.
struct DeviceInfo {
  std::string path;
  bool modem_lines = false;  // TIOCMGET works: DSR/DCD watched, DTR/RTS driven
  std::string no_lines;      // otherwise why: "TIOCMGET /dev/pts/3: Inappropriate ioctl..."
};

}  // namespace dialsoak::sim
