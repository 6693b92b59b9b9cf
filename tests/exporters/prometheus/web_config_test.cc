// --web-config: the web configuration file (exporter-toolkit's format) as WebConfig reads
// it, passwords checked against real bcrypt hashes by the system's crypt, and /metrics
// with basic auth refusing a request without credentials (401, counted). TLS, certificates
// and a real Prometheus: tests/e2e/dialsoak_endpoint_tls_test.sh.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "dialsoak/prometheus/metrics_endpoint.h"
#include "dialsoak/prometheus/web_config.h"
#include "scrape.h"

namespace dialsoak::prometheus_export {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// bcrypt (cost 4) of "s3cret", made by libxcrypt through Python's crypt module.
constexpr char kHash[] = "$2b$04$K6U7GdsGa1Sqn8aoGVzEse60PD0JLohfrZ8CL6n3qcvi43j.ST5BO";

class WebConfigTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    std::ofstream(path_) << text;
    return path_.string();
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::filesystem::path path_ = std::filesystem::temp_directory_path() /
                                ("web_config_test_" + std::to_string(::getpid()) + ".yml");
};

TEST_F(WebConfigTest, BasicAuthUsersCheckedByCrypt) {
  auto c = WebConfig::Load(Write(std::string("basic_auth_users:\n  alice: ") + kHash + "\n"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->basic_auth());
  EXPECT_FALSE(c->tls());
  EXPECT_TRUE(c->CheckPassword("alice", "s3cret"));
  EXPECT_FALSE(c->CheckPassword("alice", "s3cret "));
  EXPECT_FALSE(c->CheckPassword("alice", ""));
  EXPECT_FALSE(c->CheckPassword("bob", "s3cret"));   // an unknown user, the right password
  EXPECT_FALSE(c->CheckPassword("alic", "s3cret"));
}

TEST_F(WebConfigTest, EmptyFileIsPlainHttpWithoutAuth) {
  auto c = WebConfig::Load(Write("# nothing\n"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->basic_auth());
  EXPECT_FALSE(c->tls());
}

TEST_F(WebConfigTest, ErrorsNameFileLineAndKey) {
  const std::string p = path_.string();
  auto unknown = WebConfig::Load(Write(std::string("basic_auth_users:\n  alice: ") + kHash +
                                       "\nbasic_auth_user: {}\n"));
  ASSERT_FALSE(unknown);
  EXPECT_THAT(unknown.error().message, HasSubstr(p + ":3: basic_auth_user: unknown key"));

  auto unsupported = WebConfig::Load(Write("http_server_config:\n  http2: false\n"));
  ASSERT_FALSE(unsupported);
  EXPECT_THAT(unsupported.error().message,
              HasSubstr(p + ":1: http_server_config: not supported by dialsoak"));

  auto half = WebConfig::Load(Write("tls_server_config:\n  cert_file: /etc/hostname\n"));
  ASSERT_FALSE(half);
  EXPECT_THAT(half.error().message, HasSubstr("tls_server_config: needs both cert_file and key_file"));

  auto missing = WebConfig::Load(Write("tls_server_config:\n  cert_file: /no/such.crt\n  key_file: x\n"));
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message,
              HasSubstr(p + ":2: tls_server_config.cert_file: cannot read /no/such.crt"));

  auto version = WebConfig::Load(Write("tls_server_config:\n  min_version: TLS14\n"));
  ASSERT_FALSE(version);
  EXPECT_THAT(version.error().message, HasSubstr(":2: tls_server_config.min_version: 'TLS14'"));

  auto syntax = WebConfig::Load(Write("basic_auth_users: [\n"));
  ASSERT_FALSE(syntax);
  EXPECT_THAT(syntax.error().message, HasSubstr(p + ":"));

  auto nofile = WebConfig::Load(p + ".absent");
  ASSERT_FALSE(nofile);
  EXPECT_THAT(nofile.error().message, HasSubstr("No such file"));
}

TEST_F(WebConfigTest, APasswordInPlaceOfAHashIsRefusedWithoutRepeatingIt) {
  auto c = WebConfig::Load(Write("basic_auth_users:\n  alice: hunter2-plain\n"));
  ASSERT_FALSE(c);
  EXPECT_THAT(c.error().message, HasSubstr(":2: basic_auth_users.alice: not a bcrypt hash"));
  EXPECT_THAT(c.error().message, Not(HasSubstr("hunter2")));
}

TEST_F(WebConfigTest, EndpointRefusesARequestWithoutCredentialsAndCountsIt) {
  auto c = WebConfig::Load(Write(std::string("basic_auth_users:\n  alice: ") + kHash + "\n"));
  ASSERT_TRUE(c) << c.error().message;
  auto registry = std::make_shared<prometheus::Registry>();
  auto endpoint = MetricsEndpoint::Start("127.0.0.1:0", registry, &*c);
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  EXPECT_EQ((*endpoint)->url().rfind("http://", 0), 0u);  // no TLS asked for
  const std::string first = Scrape((*endpoint)->port());
  EXPECT_THAT(first, HasSubstr("HTTP/1.1 401 Unauthorized"));
  EXPECT_THAT(first, HasSubstr("WWW-Authenticate: Basic realm=\"dialsoak\""));
  EXPECT_THAT(first, Not(HasSubstr("dialsoak_endpoint_refused_total")));
  // The counter, through the registry (a scrape would need the password).
  double auth = -1, tls = -1;
  for (const auto& family : registry->Collect()) {
    if (family.name != "dialsoak_endpoint_refused_total") continue;
    for (const auto& m : family.metric) {
      (m.label.at(0).value == "auth" ? auth : tls) = m.counter.value;
    }
  }
  EXPECT_EQ(auth, 1);
  EXPECT_EQ(tls, 0);
}

}  // namespace
}  // namespace dialsoak::prometheus_export
