#include "push_flags.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dialsoak::gbench {
namespace {

using namespace std::chrono_literals;

TEST(ParsePushUrlTest, SplitsHostWithSchemeFromPort) {
  auto e = ParsePushUrl("http://127.0.0.1:9091");
  ASSERT_TRUE(e) << e.error();
  EXPECT_EQ(e->host, "http://127.0.0.1");
  EXPECT_EQ(e->port, "9091");
}

TEST(ParsePushUrlTest, DefaultsToThePushgatewayPortAndTakesATrailingSlash) {
  auto e = ParsePushUrl("http://gateway.example/");
  ASSERT_TRUE(e) << e.error();
  EXPECT_EQ(e->host, "http://gateway.example");
  EXPECT_EQ(e->port, "9091");
}

TEST(ParsePushUrlTest, TakesHttpsAnUppercaseSchemeAndIpv6) {
  auto https = ParsePushUrl("HTTPS://pg-1.lan:443");
  ASSERT_TRUE(https) << https.error();
  EXPECT_EQ(https->host, "https://pg-1.lan");
  EXPECT_EQ(https->port, "443");
  auto v6 = ParsePushUrl("http://[::1]:19091");
  ASSERT_TRUE(v6) << v6.error();
  EXPECT_EQ(v6->host, "http://[::1]");
  EXPECT_EQ(v6->port, "19091");
}

TEST(ParsePushUrlTest, RejectsWhatGatewayCannotTakeWithAMessageNamingIt) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"127.0.0.1:9091", "expected http://HOST:PORT"},
      {"ftp://h:21", "scheme 'ftp'"},
      {"http://", "names no host"},
      {"http://:9091", "names no host"},
      {"http://h:0", "port '0'"},
      {"http://h:65536", "port '65536'"},
      {"http://h:91x", "port '91x'"},
      {"http://h:", "port ''"},
      {"http://h/metrics", "path, query or fragment ('/metrics')"},
      {"http://h:9091?x=1", "path, query or fragment ('?x=1')"},
      {"http://user:pw@h:9091", "user name or password in the push URL is refused"},
      {"https://user:pw@h:9091/path", "--prometheus-push-auth-file"},
      {"http://[::1:9091", "does not close it"},
      {"http://[zz]:9091", "not an IPv6 address"},
      {"http://a b:9091", "host 'a b'"},
      {"http://[::1]x", "expected ':PORT'"},
  };
  for (const auto& [url, why] : bad) {
    auto e = ParsePushUrl(url);
    ASSERT_FALSE(e) << url;
    EXPECT_NE(e.error().find(why), std::string::npos) << url << ": " << e.error();
    if (url.find('@') != std::string::npos) {
      EXPECT_EQ(e.error().find("pw"), std::string::npos) << "the password repeated: " << e.error();
    }
  }
}

TEST(IsValidJobNameTest, AllowsOnlyUrlSafeNames) {
  EXPECT_TRUE(IsValidJobName("dialsoak_bench"));
  EXPECT_TRUE(IsValidJobName("bank-1.lab:a"));
  EXPECT_FALSE(IsValidJobName(""));
  EXPECT_FALSE(IsValidJobName("a/b"));
  EXPECT_FALSE(IsValidJobName("a b"));
  EXPECT_FALSE(IsValidJobName("a%20"));
}

// argv as main gets it: strings kept alive, pointers ending in nullptr.
struct Argv {
  explicit Argv(std::vector<std::string> a) : args(std::move(a)) {
    for (auto& s : args) ptrs.push_back(s.data());
    ptrs.push_back(nullptr);
    argc = static_cast<int>(args.size());
  }
  std::vector<std::string> Rest() const {
    std::vector<std::string> out;
    for (int i = 0; i < argc; ++i) out.emplace_back(ptrs[static_cast<std::size_t>(i)]);
    return out;
  }
  std::vector<std::string> args;
  std::vector<char*> ptrs;
  int argc;
};

TEST(TakePushFlagsTest, TakesBothFormsOutAndKeepsTheRestInOrder) {
  Argv a({"bench", "--benchmark_filter=BM_At", "--prometheus-push", "http://127.0.0.1:9",
          "--benchmark_min_time=0.01", "--prometheus-push-job=nightly",
          "--prometheus-push-timeout", "0.5"});
  auto o = TakePushFlags(a.argc, a.ptrs.data());
  ASSERT_TRUE(o) << o.error();
  ASSERT_TRUE(*o);
  EXPECT_EQ((*o)->url, "http://127.0.0.1:9");
  EXPECT_EQ((*o)->endpoint.host, "http://127.0.0.1");
  EXPECT_EQ((*o)->endpoint.port, "9");
  EXPECT_EQ((*o)->job, "nightly");
  EXPECT_EQ((*o)->timeout, 500ms);
  EXPECT_EQ(a.Rest(), (std::vector<std::string>{"bench", "--benchmark_filter=BM_At",
                                                "--benchmark_min_time=0.01"}));
  EXPECT_EQ(a.ptrs[static_cast<std::size_t>(a.argc)], nullptr);
}

TEST(TakePushFlagsTest, DefaultsJobAndTimeout) {
  Argv a({"bench", "--prometheus-push=http://h"});
  auto o = TakePushFlags(a.argc, a.ptrs.data());
  ASSERT_TRUE(o && *o);
  EXPECT_EQ((*o)->job, "dialsoak_bench");
  EXPECT_EQ((*o)->timeout, 10s);
  EXPECT_EQ(a.argc, 1);
}

TEST(TakePushFlagsTest, NoPushFlagLeavesArgvAlone) {
  Argv a({"bench", "--benchmark_filter=x", "--prometheus-pushy"});
  auto o = TakePushFlags(a.argc, a.ptrs.data());
  ASSERT_TRUE(o) << o.error();
  EXPECT_FALSE(*o);
  EXPECT_EQ(a.Rest(), (std::vector<std::string>{"bench", "--benchmark_filter=x",
                                                "--prometheus-pushy"}));
}

TEST(TakePushFlagsTest, TakesTheCaAndAuthFiles) {
  Argv a({"bench", "--prometheus-push", "https://gw:9091", "--prometheus-push-ca-file",
          "/etc/ca.pem", "--prometheus-push-auth-file=/etc/push-auth"});
  auto o = TakePushFlags(a.argc, a.ptrs.data());
  ASSERT_TRUE(o) << o.error();
  ASSERT_TRUE(*o);
  EXPECT_EQ((*o)->ca_file, "/etc/ca.pem");
  EXPECT_EQ((*o)->auth_file, "/etc/push-auth");
  EXPECT_EQ(a.argc, 1);
}

TEST(TakePushFlagsTest, ErrorsNameTheFlag) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"b", "--prometheus-push"}, "--prometheus-push needs a value"},
      {{"b", "--prometheus-push-job", "j"}, "--prometheus-push-job needs --prometheus-push"},
      {{"b", "--prometheus-push-timeout=1"}, "--prometheus-push-timeout needs"},
      {{"b", "--prometheus-push=http://h", "--prometheus-push=http://i"}, "given twice"},
      {{"b", "--prometheus-push=h:1"}, "--prometheus-push: 'h:1' is not a Pushgateway URL"},
      {{"b", "--prometheus-push=http://h", "--prometheus-push-job=a/b"}, "'a/b' is not a job"},
      {{"b", "--prometheus-push=http://h", "--prometheus-push-timeout=0"}, "'0' is not"},
      {{"b", "--prometheus-push=http://h", "--prometheus-push-timeout=5s"}, "'5s' is not"},
      {{"b", "--prometheus-push=http://h", "--prometheus-push-timeout=nan"}, "'nan' is not"},
      {{"b", "--prometheus-push-auth-file=f"}, "--prometheus-push-auth-file needs --prometheus-push"},
      {{"b", "--prometheus-push-ca-file=f"}, "--prometheus-push-ca-file needs --prometheus-push"},
      {{"b", "--prometheus-push=http://h", "--prometheus-push-ca-file=f"}, "is not https://"},
      {{"b", "--prometheus-push=https://h", "--prometheus-push-auth-file="}, "needs a file name"},
  };
  for (const auto& [args, why] : bad) {
    Argv a(args);
    auto o = TakePushFlags(a.argc, a.ptrs.data());
    ASSERT_FALSE(o) << args.back();
    EXPECT_NE(o.error().find(why), std::string::npos) << args.back() << ": " << o.error();
  }
}

}  // namespace
}  // namespace dialsoak::gbench
