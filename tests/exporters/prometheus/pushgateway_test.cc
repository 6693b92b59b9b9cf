// Pushes to a Pushgateway: the grouping URL, and one PUT against a tiny HTTP peer on
// loopback (the real prometheus-pushgateway is in tests/e2e/dialsoak_push_test.sh).
#include "dialsoak/prometheus/pushgateway.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <prometheus/counter.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <thread>

#include "dialsoak/io/unique_fd.h"

namespace dialsoak::prometheus_export {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

std::string UrlOf(PushTarget t) {
  auto url = PushgatewayUrl(t);
  return url ? *url : "error: " + url.error().message;
}

TEST(PushgatewayUrlTest, JobAndLabelsBecomePathSegments) {
  EXPECT_EQ(UrlOf({"http://127.0.0.1:9091", "dialsoak", {{"instance", "bank1"}}}),
            "http://127.0.0.1:9091/metrics/job/dialsoak/instance/bank1");
  EXPECT_EQ(UrlOf({"http://127.0.0.1:9091/", "dialsoak", {}}),
            "http://127.0.0.1:9091/metrics/job/dialsoak");
  // A path prefix (a gateway behind a reverse proxy) is kept.
  EXPECT_EQ(UrlOf({"https://gw.example/push/", "j", {}}), "https://gw.example/push/metrics/job/j");
}

TEST(PushgatewayUrlTest, ValuesThatAreNotUrlSafeAreBase64UrlEncoded) {
  EXPECT_EQ(UrlOf({"http://h:1", "j", {{"bank", "a/b"}}}),
            "http://h:1/metrics/job/j/bank@base64/YS9i");
  EXPECT_EQ(UrlOf({"http://h:1", "j", {{"bank", ""}}}), "http://h:1/metrics/job/j/bank@base64/=");
  EXPECT_EQ(UrlOf({"http://h:1", "j", {{"bank", ".."}}}),
            "http://h:1/metrics/job/j/bank@base64/Li4=");
  EXPECT_EQ(UrlOf({"http://h:1", "soak run", {}}), "http://h:1/metrics/job@base64/c29hayBydW4=");
  // Unicode, and every byte count modulo 3.
  EXPECT_EQ(UrlOf({"http://h:1", "j", {{"site", "Zürich"}}}),
            "http://h:1/metrics/job/j/site@base64/WsO8cmljaA==");
  EXPECT_EQ(UrlOf({"http://h:1", "j", {{"x", "a b?"}}}),
            "http://h:1/metrics/job/j/x@base64/YSBiPw==");
}

TEST(PushgatewayUrlTest, BadTargetsSayWhatIsWrong) {
  EXPECT_THAT(UrlOf({"ftp://h:1", "j", {}}), HasSubstr("expected http://HOST:PORT"));
  EXPECT_THAT(UrlOf({"127.0.0.1:9091", "j", {}}), HasSubstr("expected http://HOST:PORT"));
  EXPECT_THAT(UrlOf({"http://h:1?x=1", "j", {}}), HasSubstr("expected http://HOST:PORT"));
  EXPECT_THAT(UrlOf({"http://h:1", "", {}}), HasSubstr("job: must not be empty"));
  EXPECT_THAT(UrlOf({"http://h:1", "j", {{"1x", "v"}}}), HasSubstr("'1x': not a label name"));
  EXPECT_THAT(UrlOf({"http://h:1", "j", {{"__name", "v"}}}), HasSubstr("not a label name"));
  EXPECT_THAT(UrlOf({"http://h:1", "j", {{"job", "v"}}}), HasSubstr("set by the push job"));
  EXPECT_THAT(UrlOf({"http://h:1", "j", {{"a", "1"}, {"a", "2"}}}), HasSubstr("'a': given twice"));
}

TEST(PushgatewayUrlTest, CredentialsInTheUrlAreRefusedWithoutRepeatingThem) {
  EXPECT_TRUE(UrlHasUserInfo("https://u:secret@h:1"));
  EXPECT_TRUE(UrlHasUserInfo("http://u@h:1/p"));
  EXPECT_FALSE(UrlHasUserInfo("http://h:1/a@b"));  // an @ in the path is not a user
  EXPECT_FALSE(UrlHasUserInfo("h:1"));
  const std::string message = UrlOf({"https://u:secret@h:1/p", "j", {}});
  EXPECT_THAT(message, HasSubstr("'https://***@h:1/p': a user name or password in the URL"));
  EXPECT_THAT(message, ::testing::Not(HasSubstr("secret")));
}

// A file of the test's own, with `content` and `mode`; removed at the end.
class TempFile {
 public:
  TempFile(const std::string& content, mode_t mode) {
    path_ = (std::filesystem::temp_directory_path() /
             ("pushgateway_test." + std::to_string(::getpid()) + "." + std::to_string(++count_)))
                .string();
    std::ofstream(path_) << content;
    ::chmod(path_.c_str(), mode);
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  static inline int count_ = 0;
  std::string path_;
};

// Sets or unsets an environment variable for the test's scope.
class EnvVar {
 public:
  EnvVar(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~EnvVar() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(LoadPushCredentialsTest, AFileHoldsOneLineUserColonPassword) {
  EnvVar user(kPushUserEnv, "env-user"), password(kPushPasswordEnv, "env-pw");  // the file wins
  TempFile file("pusher:pa:ss word\n", 0600);
  auto c = LoadPushCredentials(file.path());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->user, "pusher");
  EXPECT_EQ(c->password, "pa:ss word");  // split at the first ':'
  EXPECT_EQ(c->source, "the file " + file.path());
  EXPECT_EQ(c->warning, "");
  TempFile crlf("u:p\r\n", 0400);
  auto c2 = LoadPushCredentials(crlf.path());
  ASSERT_TRUE(c2) << c2.error().message;
  EXPECT_EQ(c2->password, "p");
}

TEST(LoadPushCredentialsTest, AFileOthersCanReadIsAWarning) {
  TempFile group("u:p", 0640), all("u:p", 0644), other("u:p", 0604);
  EXPECT_THAT(LoadPushCredentials(group.path())->warning,
              HasSubstr("is open to its group (mode 0640) and holds a password: chmod 600"));
  EXPECT_THAT(LoadPushCredentials(all.path())->warning, HasSubstr("group and others (mode 0644)"));
  EXPECT_THAT(LoadPushCredentials(other.path())->warning, HasSubstr("open to others (mode 0604)"));
}

TEST(LoadPushCredentialsTest, ABadFileSaysWhyWithoutQuotingIt) {
  const struct {
    std::string content;
    std::string want;
  } cases[] = {{"nocolon-secret\n", "no ':' in its line"},
               {"u:secret\nmore\n", "more than one line"},
               {":secret\n", "the user name before ':' is empty"},
               {"u:\n", "the password after ':' is empty"}};
  for (const auto& c : cases) {
    TempFile file(c.content, 0600);
    auto loaded = LoadPushCredentials(file.path());
    ASSERT_FALSE(loaded) << c.content;
    EXPECT_THAT(loaded.error().message, HasSubstr(c.want));
    EXPECT_THAT(loaded.error().message, HasSubstr(file.path()));
    EXPECT_THAT(loaded.error().message, ::testing::Not(HasSubstr("secret")));
  }
  auto missing = LoadPushCredentials("/nonexistent/push-auth");
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message,
              HasSubstr("push auth file /nonexistent/push-auth: cannot be read: No such file"));
}

TEST(LoadPushCredentialsTest, WithoutAFileTheEnvironmentBothOrNeither) {
  {
    EnvVar user(kPushUserEnv, nullptr), password(kPushPasswordEnv, nullptr);
    auto none = LoadPushCredentials("");
    ASSERT_TRUE(none);
    EXPECT_EQ(none->user, "");
  }
  {
    EnvVar user(kPushUserEnv, "u"), password(kPushPasswordEnv, "secret");
    auto both = LoadPushCredentials("");
    ASSERT_TRUE(both) << both.error().message;
    EXPECT_EQ(both->user, "u");
    EXPECT_EQ(both->password, "secret");
    EXPECT_THAT(both->source, HasSubstr("the environment"));
  }
  {
    EnvVar user(kPushUserEnv, "u"), password(kPushPasswordEnv, nullptr);
    auto half = LoadPushCredentials("");
    ASSERT_FALSE(half);
    EXPECT_THAT(half.error().message,
                HasSubstr("DIALSOAK_PUSH_USER is set but DIALSOAK_PUSH_PASSWORD is not"));
  }
  {
    EnvVar user(kPushUserEnv, nullptr), password(kPushPasswordEnv, "secret");
    auto half = LoadPushCredentials("");
    ASSERT_FALSE(half);
    EXPECT_THAT(half.error().message,
                HasSubstr("DIALSOAK_PUSH_PASSWORD is set but DIALSOAK_PUSH_USER is not"));
    EXPECT_THAT(half.error().message, ::testing::Not(HasSubstr("secret")));
  }
}

TEST(CheckCaFileTest, ACaFileMustHoldAPemCertificate) {
  TempFile pem("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", 0644);
  EXPECT_TRUE(CheckCaFile(pem.path()));
  TempFile junk("not a certificate\n", 0644);
  auto bad = CheckCaFile(junk.path());
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("holds no PEM certificate"));
  auto missing = CheckCaFile("/nonexistent/ca.pem");
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("push CA file /nonexistent/ca.pem: cannot be read"));
}

// A loopback listener on a free port; Serve answers one request with `status`.
class HttpPeer {
 public:
  HttpPeer() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    ::bind(fd_.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    ::listen(fd_.get(), 4);
    ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Reads one request (headers and a Content-Length body), answers, returns the request;
  // "" when none came within `wait_ms`.
  std::string Serve(const std::string& status, const std::string& answer = "", int wait_ms = 5000) {
    timeval wait{wait_ms / 1000, wait_ms % 1000 * 1000};
    ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);  // bounds accept
    io::UniqueFd c(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!c) return "";
    timeval tv{5, 0};
    ::setsockopt(c.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string request;
    char buf[4096];
    for (ssize_t n; (n = ::read(c.get(), buf, sizeof buf)) > 0;) {
      request.append(buf, static_cast<size_t>(n));
      const auto end = request.find("\r\n\r\n");
      const auto cl = request.find("Content-Length: ");
      if (end != std::string::npos && cl != std::string::npos &&
          request.size() >= end + 4 + std::stoul(request.substr(cl + 16))) {
        break;
      }
    }
    const std::string reply = "HTTP/1.1 " + status +
                              "\r\nContent-Length: " + std::to_string(answer.size()) +
                              "\r\nConnection: close\r\n\r\n" + answer;
    (void)::write(c.get(), reply.data(), reply.size());
    return request;
  }

 private:
  io::UniqueFd fd_;
  int port_ = 0;
};

TEST(PushOnceTest, PutsTheExpositionToTheGroupingUrl) {
  HttpPeer peer;
  auto registry = std::make_shared<prometheus::Registry>();
  prometheus::BuildCounter()
      .Name("dialsoak_cycles_total")
      .Help("c")
      .Register(*registry)
      .Add({})
      .Increment(7);
  auto served = std::async(std::launch::async, [&] { return peer.Serve("200 OK"); });
  auto pushed = PushOnce(peer.base() + "/metrics/job/j", Exposition(*registry), 5s);
  const std::string request = served.get();
  EXPECT_TRUE(pushed) << pushed.error().message;
  EXPECT_THAT(request, HasSubstr("PUT /metrics/job/j HTTP/1.1\r\n"));
  EXPECT_THAT(request, HasSubstr("Content-Type: text/plain; version=0.0.4"));
  EXPECT_THAT(request, HasSubstr("\r\n\r\n# HELP dialsoak_cycles_total c\n"));
  EXPECT_THAT(request, HasSubstr("\ndialsoak_cycles_total 7\n"));
}

TEST(PushOnceTest, AGatewayThatRefusesSaysItsStatusAndAnswer) {
  HttpPeer peer;
  auto served = std::async(std::launch::async, [&] {
    return peer.Serve("400 Bad Request", "pushed metrics are invalid or inconsistent\n");
  });
  auto pushed = PushOnce(peer.base() + "/metrics/job/j", "x 1\n", 5s);
  served.get();
  ASSERT_FALSE(pushed);
  EXPECT_THAT(pushed.error().message,
              HasSubstr("answered HTTP 400: pushed metrics are invalid or inconsistent"));
}

TEST(PushOnceTest, AGatewayThatNeverAnswersTimesOut) {
  HttpPeer peer;  // listens, never accepts: the connection completes, no answer comes
  const auto start = std::chrono::steady_clock::now();
  auto pushed = PushOnce(peer.base() + "/metrics/job/j", "x 1\n", 300ms);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(pushed);
  EXPECT_THAT(pushed.error().message, HasSubstr("imed out"));
  EXPECT_LT(took, 5s);  // bounded by the deadline, not curl's default of minutes
}

TEST(PushOnceTest, NothingListeningIsAConnectError) {
  int port = 0;
  {
    HttpPeer closed;  // a port that was free a moment ago and is closed again
    port = std::stoi(closed.base().substr(closed.base().rfind(':') + 1));
  }
  auto pushed =
      PushOnce("http://127.0.0.1:" + std::to_string(port) + "/metrics/job/j", "x 1\n", 2s);
  ASSERT_FALSE(pushed);
  EXPECT_THAT(pushed.error().message, HasSubstr("connect"));
}

TEST(MetricsPusherTest, PushesPeriodicallyAndOnceAtTheEnd) {
  HttpPeer peer;
  auto registry = std::make_shared<prometheus::Registry>();
  auto& counter = prometheus::BuildCounter().Name("n_total").Help("n").Register(*registry).Add({});
  MetricsPusher::Options options;
  options.interval = 50ms;
  auto pusher = MetricsPusher::Start({peer.base(), "j", {}}, registry, options);
  ASSERT_TRUE(pusher) << pusher.error().message;
  const std::string periodic = peer.Serve("200 OK");  // the first periodic push
  EXPECT_THAT(periodic, HasSubstr("\nn_total 0\n"));
  counter.Increment(3);
  // Finish stops the periodic pushes, then pushes the final value. Every request is
  // served until Finish is done (a periodic push may still come first).
  auto finished = std::async(std::launch::async, [&] { return (*pusher)->Finish(); });
  std::string last;
  while (finished.wait_for(0s) != std::future_status::ready) {
    if (std::string r = peer.Serve("200 OK", "", 100); !r.empty()) last = r;
  }
  EXPECT_TRUE(finished.get());
  EXPECT_THAT(last, HasSubstr("\nn_total 3\n"));
  EXPECT_GE((*pusher)->pushes_ok(), 2);
  EXPECT_EQ((*pusher)->pushes_failed(), 0);
}

TEST(MetricsPusherTest, TheFinalPushIsRetriedAndFailureIsNotFatal) {
  HttpPeer peer;
  auto registry = std::make_shared<prometheus::Registry>();
  MetricsPusher::Options options;
  options.interval = 1h;  // no periodic push in this test
  options.retry_wait = 10ms;
  options.final_attempts = 3;
  auto pusher = MetricsPusher::Start({peer.base(), "j", {}}, registry, options);
  ASSERT_TRUE(pusher) << pusher.error().message;
  auto finished = std::async(std::launch::async, [&] { return (*pusher)->Finish(); });
  peer.Serve("503 Service Unavailable");
  peer.Serve("503 Service Unavailable");
  peer.Serve("200 OK");  // the third attempt gets through
  EXPECT_TRUE(finished.get());
  EXPECT_EQ((*pusher)->pushes_failed(), 2);
  EXPECT_EQ((*pusher)->pushes_ok(), 1);
}

// Basic auth goes in the Authorization header (never in the URL); a 401 says the
// credentials were refused, and the error does not hold the password.
TEST(PushOnceTest, BasicAuthIsSentAndARefusalSaysSo) {
  HttpPeer peer;
  auto served = std::async(std::launch::async, [&] {
    return peer.Serve("401 Unauthorized", "Unauthorized\n");
  });
  auto pushed = PushOnce(peer.base() + "/metrics/job/j", "x 1\n", 5s, {"", "pusher", "s3cret"});
  const std::string request = served.get();
  // base64("pusher:s3cret")
  EXPECT_THAT(request, HasSubstr("Authorization: Basic cHVzaGVyOnMzY3JldA=="));
  ASSERT_FALSE(pushed);
  EXPECT_THAT(pushed.error().message,
              HasSubstr("answered HTTP 401: Unauthorized (the user or password was refused)"));
  EXPECT_THAT(pushed.error().message, ::testing::Not(HasSubstr("s3cret")));
}

TEST(MetricsPusherTest, ABadTargetIsRefusedAtStart) {
  auto registry = std::make_shared<prometheus::Registry>();
  auto pusher = MetricsPusher::Start({"localhost:9091", "j", {}}, registry, {});
  ASSERT_FALSE(pusher);
  EXPECT_THAT(pusher.error().message, HasSubstr("expected http://HOST:PORT"));
}

}  // namespace
}  // namespace dialsoak::prometheus_export
