#include "dialsoak/serial/tty.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace dialsoak::serial {
namespace {

speed_t SpeedConstant(int bps) {
  switch (bps) {
    case 300: return B300;
    case 1200: return B1200;
    case 2400: return B2400;
    case 4800: return B4800;
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 460800: return B460800;
    case 921600: return B921600;
    default: return B0;
  }
}

// Adds advice to the bare errno text, so the message says what to do.
io::Error OpenError(const std::string& path, int code) {
  io::Error e = io::ErrnoError("open " + path, code);
  switch (code) {
    case ENOENT: e.message += " (no such device: check the path, or that the modem is plugged in)"; break;
    case EACCES: e.message += " (permission denied: add the user to the dialout group)"; break;
    case EBUSY: e.message += " (in use by another program: a modem serves one dialer at a time)"; break;
    case EIO: e.message += " (I/O error: the device is gone or its other side is closed)"; break;
    default: break;
  }
  return e;
}

io::Result<void> Configure(int fd, const std::string& path, const TtyOptions& o) {
  termios t{};
  if (::tcgetattr(fd, &t) != 0) return io::Fail(io::ErrnoError("tcgetattr " + path));
  if (!ApplyOptions(t, o)) {
    return io::Fail(io::Error{EINVAL, path + ": unsupported speed " + std::to_string(o.speed)});
  }
  if (::tcsetattr(fd, TCSANOW, &t) != 0) return io::Fail(io::ErrnoError("tcsetattr " + path));
  return {};
}

}  // namespace

bool ApplyOptions(termios& t, const TtyOptions& o) {
  speed_t speed = SpeedConstant(o.speed);
  if (speed == B0) return false;
  // cfmakeraw leaves EXTPROC alone: a simulator's request to see termios changes survives.
  ::cfmakeraw(&t);
  t.c_cflag |= CREAD | CLOCAL | HUPCL;  // HUPCL: closing the port drops DTR, hanging up
  t.c_cflag &= ~(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
  switch (o.data_bits) {
    case 5: t.c_cflag |= CS5; break;
    case 6: t.c_cflag |= CS6; break;
    case 7: t.c_cflag |= CS7; break;
    default: t.c_cflag |= CS8; break;
  }
  if (o.parity != Parity::None) t.c_cflag |= PARENB;
  if (o.parity == Parity::Odd) t.c_cflag |= PARODD;
  if (o.stop_bits == 2) t.c_cflag |= CSTOPB;
  if (o.rtscts) t.c_cflag |= CRTSCTS;
  t.c_cc[VMIN] = 1;  // with VMIN 0 a read with no data returns 0, not EAGAIN
  t.c_cc[VTIME] = 0;
  ::cfsetospeed(&t, speed);
  ::cfsetispeed(&t, speed);
  return true;
}

tl::expected<TtyOptions, std::string> ParseFraming(std::string_view text, TtyOptions base) {
  auto bad = [&] {
    return tl::unexpected<std::string>("bad framing '" + std::string(text) +
                                       "': expected DATA PARITY STOP such as 8N1, 7E1, 8O2");
  };
  if (text.size() != 3) return bad();
  if (text[0] < '5' || text[0] > '8') return bad();
  base.data_bits = text[0] - '0';
  switch (text[1]) {
    case 'N': case 'n': base.parity = Parity::None; break;
    case 'E': case 'e': base.parity = Parity::Even; break;
    case 'O': case 'o': base.parity = Parity::Odd; break;
    default: return bad();
  }
  if (text[2] != '1' && text[2] != '2') return bad();
  base.stop_bits = text[2] - '0';
  return base;
}

io::Result<io::UniqueFd> OpenTty(const std::string& path, const TtyOptions& options) {
  io::UniqueFd fd(::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) return io::Fail(OpenError(path, errno));
  if (!::isatty(fd.get())) {
    return io::Fail(io::Error{ENOTTY, "open " + path + ": not a tty (expected a serial port or a pty)"});
  }
  // Root ignores TIOCEXCL, so an advisory lock keeps two dialsoak runs apart as well.
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    return io::Fail(OpenError(path, errno == EWOULDBLOCK ? EBUSY : errno));
  }
  if (::ioctl(fd.get(), TIOCEXCL) != 0) return io::Fail(OpenError(path, errno));
  if (auto ok = Configure(fd.get(), path, options); !ok) {
    ReleaseTty(fd.get());
    return io::Fail(ok.error());
  }
  ::tcflush(fd.get(), TCIOFLUSH);  // bytes left from an earlier session are not ours
  return fd;
}

void ReleaseTty(int fd) {
  ::ioctl(fd, TIOCNXCL);
  ::flock(fd, LOCK_UN);
}

bool CanDropDtr(int fd) {
  int bits = 0;
  if (::ioctl(fd, TIOCMGET, &bits) == 0) return true;
  termios t{};
  return ::tcgetattr(fd, &t) == 0 && (t.c_lflag & EXTPROC) != 0;
}

io::Result<void> SetDtr(int fd, bool up, const TtyOptions& options, std::string_view device) {
  termios t{};
  if (::tcgetattr(fd, &t) != 0) return io::Fail(io::ErrnoError("tcgetattr " + std::string(device)));
  speed_t speed = up ? SpeedConstant(options.speed) : B0;
  ::cfsetospeed(&t, speed);
  ::cfsetispeed(&t, speed);
  if (::tcsetattr(fd, TCSANOW, &t) != 0) {
    return io::Fail(io::ErrnoError("tcsetattr " + std::string(device)));
  }
  // Real ports also get the explicit modem-control call; ptys have none (ENOTTY).
  int dtr = TIOCM_DTR;
  ::ioctl(fd, up ? TIOCMBIS : TIOCMBIC, &dtr);
  return {};
}

}  // namespace dialsoak::serial
