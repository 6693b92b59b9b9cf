#include "dialsoak/serial/tty.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/pty_pair.h"

namespace dialsoak::serial {
namespace {

using ::testing::HasSubstr;

TEST(TtyTest, MissingDeviceIsNamedInTheError) {
  auto fd = OpenTty("/dev/ttyDialsoakMissing0", TtyOptions{});
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().code, ENOENT);
  EXPECT_THAT(fd.error().message, HasSubstr("/dev/ttyDialsoakMissing0"));
  EXPECT_THAT(fd.error().message, HasSubstr("no such device"));
}

TEST(TtyTest, PermissionDeniedSaysWhatToDo) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to an unprivileged user";
  testutil::PtyPair pty(false);
  ASSERT_EQ(::chmod(pty.slave_path().c_str(), 0600), 0);
  // The child drops to nobody, tries the root-owned tty and reports what it got.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    std::string msg = "setuid failed";
    if (::setgid(65534) == 0 && ::setuid(65534) == 0) {
      auto fd = OpenTty(pty.slave_path(), TtyOptions{});
      msg = fd ? "opened" : std::to_string(fd.error().code) + " " + fd.error().message;
    }
    (void)!::write(fds[1], msg.data(), msg.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string got;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_THAT(got, ::testing::StartsWith(std::to_string(EACCES) + " "));
  EXPECT_THAT(got, HasSubstr(pty.slave_path()));
  EXPECT_THAT(got, HasSubstr("dialout"));
}

TEST(TtyTest, RegularFileIsNotATty) {
  char path[] = "/tmp/dialsoak-tty-test-XXXXXX";
  int raw = ::mkstemp(path);
  ASSERT_GE(raw, 0);
  ::close(raw);
  auto fd = OpenTty(path, TtyOptions{});
  ::unlink(path);
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().code, ENOTTY);
  EXPECT_THAT(fd.error().message, HasSubstr("not a tty"));
}

TEST(TtyTest, SecondOpenerIsRefusedWhileTheFirstHoldsTheModem) {
  testutil::PtyPair pty(false);
  auto first = OpenTty(pty.slave_path(), TtyOptions{});
  ASSERT_TRUE(first) << first.error().message;
  auto second = OpenTty(pty.slave_path(), TtyOptions{});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, EBUSY);
  EXPECT_THAT(second.error().message, HasSubstr(pty.slave_path()));
  EXPECT_THAT(second.error().message, HasSubstr("in use"));
}

TEST(TtyTest, ReleasedModemCanBeOpenedAgain) {
  testutil::PtyPair pty(false);
  {
    auto first = OpenTty(pty.slave_path(), TtyOptions{});
    ASSERT_TRUE(first);
    ReleaseTty(first->get());
  }
  auto again = OpenTty(pty.slave_path(), TtyOptions{});
  EXPECT_TRUE(again) << again.error().message;
}

TEST(TtyTest, AppliesFramingToTermios) {
  TtyOptions o = *ParseFraming("7E2");
  o.rtscts = true;
  termios t{};
  t.c_lflag = ECHO | ICANON | EXTPROC;
  ASSERT_TRUE(ApplyOptions(t, o));
  EXPECT_EQ(t.c_cflag & CSIZE, static_cast<tcflag_t>(CS7));
  EXPECT_TRUE(t.c_cflag & PARENB);
  EXPECT_FALSE(t.c_cflag & PARODD);
  EXPECT_TRUE(t.c_cflag & CSTOPB);
  EXPECT_TRUE(t.c_cflag & CRTSCTS);
  EXPECT_TRUE(t.c_cflag & HUPCL);
  EXPECT_FALSE(t.c_lflag & (ECHO | ICANON));
  EXPECT_TRUE(t.c_lflag & EXTPROC) << "the simulator's EXTPROC must survive";
  o.parity = Parity::Odd;
  ASSERT_TRUE(ApplyOptions(t, o));
  EXPECT_TRUE(t.c_cflag & PARODD);
}

TEST(TtyTest, AppliesSpeedAndFlowControlToTheDevice) {
  // A pty keeps speed and CRTSCTS but is always 8N1, so framing is checked above.
  testutil::PtyPair pty(false);
  TtyOptions o;
  o.speed = 9600;
  o.rtscts = true;
  auto fd = OpenTty(pty.slave_path(), o);
  ASSERT_TRUE(fd) << fd.error().message;
  termios t{};
  ASSERT_EQ(::tcgetattr(fd->get(), &t), 0);
  EXPECT_EQ(::cfgetospeed(&t), B9600);
  EXPECT_TRUE(t.c_cflag & CRTSCTS);
  EXPECT_FALSE(t.c_lflag & ICANON);
  EXPECT_FALSE(t.c_lflag & ECHO);
}

TEST(TtyTest, UnsupportedSpeedIsRefused) {
  testutil::PtyPair pty(false);
  TtyOptions o;
  o.speed = 12345;
  auto fd = OpenTty(pty.slave_path(), o);
  ASSERT_FALSE(fd);
  EXPECT_THAT(fd.error().message, HasSubstr("unsupported speed 12345"));
}

TEST(TtyTest, ParseFramingRejectsNonsense) {
  EXPECT_FALSE(ParseFraming("9N1"));
  EXPECT_FALSE(ParseFraming("8X1"));
  EXPECT_FALSE(ParseFraming("8N3"));
  EXPECT_FALSE(ParseFraming("8N"));
  EXPECT_THAT(ParseFraming("8Q1").error(), HasSubstr("8N1"));
  auto ok = ParseFraming("8o1");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->parity, Parity::Odd);
}

TEST(TtyTest, StaleInputIsFlushedOnOpen) {
  testutil::PtyPair pty(false);
  {
    // An earlier session's leftovers: written by the "modem" while nobody listened.
    io::UniqueFd holder(::open(pty.slave_path().c_str(), O_RDWR | O_NOCTTY));
    ASSERT_EQ(::write(pty.master(), "RING\r\n", 6), 6);
    usleep(10000);
  }
  auto fd = OpenTty(pty.slave_path(), TtyOptions{});
  ASSERT_TRUE(fd);
  char buf[16];
  EXPECT_EQ(::read(fd->get(), buf, sizeof buf), -1);
  EXPECT_EQ(errno, EAGAIN);
}

TEST(TtyTest, CanDropDtrOnlyWhereTheModemCanSeeIt) {
  testutil::PtyPair plain(false);
  testutil::PtyPair packet(true);
  auto a = OpenTty(plain.slave_path(), TtyOptions{});
  auto b = OpenTty(packet.slave_path(), TtyOptions{});
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(CanDropDtr(a->get()));
  EXPECT_TRUE(CanDropDtr(b->get()));
}

}  // namespace
}  // namespace dialsoak::serial
