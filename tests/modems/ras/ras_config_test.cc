#include "dialsoak/ras/ras_config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace dialsoak::ras {
namespace {

void SetEnv(const char* name, const char* value) {
#ifdef _WIN32
  _putenv_s(name, value ? value : "");
#else
  if (value) {
    ::setenv(name, value, 1);
  } else {
    ::unsetenv(name);
  }
#endif
}

class RasConfigTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* n : {"DIALSOAK_RAS_USER", "DIALSOAK_RAS_PASSWORD", "DIALSOAK_RAS_DOMAIN"}) {
      SetEnv(n, nullptr);
    }
  }
};

TEST_F(RasConfigTest, EmptyCredentialsComeFromTheEnvironment) {
  SetEnv("DIALSOAK_RAS_USER", "alice");
  SetEnv("DIALSOAK_RAS_PASSWORD", "s3cret");
  SetEnv("DIALSOAK_RAS_DOMAIN", "ISP");
  RasLineConfig c = WithEnvironmentCredentials(RasLineConfig{"ISP", {}, {}, {}, {}});
  EXPECT_EQ(c.user, "alice");
  EXPECT_EQ(c.password, "s3cret");
  EXPECT_EQ(c.domain, "ISP");
}

TEST_F(RasConfigTest, TheConfigurationWinsOverTheEnvironment) {
  SetEnv("DIALSOAK_RAS_USER", "alice");
  SetEnv("DIALSOAK_RAS_PASSWORD", "from-env");
  RasLineConfig in;
  in.entry = "ISP";
  in.user = "bob";
  in.password = "from-config";
  RasLineConfig c = WithEnvironmentCredentials(in);
  EXPECT_EQ(c.user, "bob");
  EXPECT_EQ(c.password, "from-config");
  EXPECT_EQ(c.domain, "");
}

TEST_F(RasConfigTest, ChecksNameTheFieldNeverTheSecret) {
  RasLineConfig c;
  EXPECT_NE(CheckRasConfig(c, "").find("no phonebook entry"), std::string::npos);
  c.entry = "ISP";
  EXPECT_EQ(CheckRasConfig(c, "5551234"), "");
  c.password = std::string(257, 'p');
  const std::string e = CheckRasConfig(c, "");
  EXPECT_NE(e.find("password is longer than the 256"), std::string::npos) << e;
  EXPECT_EQ(e.find("ppp"), std::string::npos) << e;
  c.password.clear();
  EXPECT_NE(CheckRasConfig(c, std::string(129, '5')).find("phone number"), std::string::npos);
  c.domain = std::string(16, 'd');
  EXPECT_NE(CheckRasConfig(c, "").find("domain"), std::string::npos);
}

}  // namespace
}  // namespace dialsoak::ras
