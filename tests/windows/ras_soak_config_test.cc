// dialsoak-ras's YAML settings: docs/windows.md's example keys, durations, unknown keys and
// values of the wrong type named with the file.
#include "ras_soak_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace dialsoak::windows {
namespace {

using namespace std::chrono_literals;

class RasSoakConfigTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    path_ = std::filesystem::temp_directory_path() /
            ("dialsoak-ras-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".yaml");
    std::ofstream(path_) << text;
    return path_.string();
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  std::filesystem::path path_;
};

TEST_F(RasSoakConfigTest, ReadsTheReadmeExample) {
  auto s = LoadRasSoakFile(Write(R"(entry: MyISP
phonebook: C:\Users\soak\soak.pbk
number: "5551234"
user: soak
cycles: 1000
hold: 5s
think: 2s
dial_timeout: 90s
hangup_timeout: 10s
watch_pids: [4242]
listen: 127.0.0.1:9779
max_failures: 1
)"),
                           RasSoakSettings{});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->ras.entry, "MyISP");
  EXPECT_EQ(s->ras.phonebook, "C:\\Users\\soak\\soak.pbk");
  EXPECT_EQ(s->number, "5551234");
  EXPECT_EQ(s->ras.user, "soak");
  EXPECT_EQ(s->cycles, 1000);
  EXPECT_EQ(s->hold, 5s);
  EXPECT_EQ(s->think, 2s);
  EXPECT_EQ(s->dial_timeout, 90s);
  EXPECT_EQ(s->hangup_timeout, 10s);
  EXPECT_EQ(s->watch_pids, std::vector<int>{4242});
  EXPECT_EQ(s->listen, "127.0.0.1:9779");
  EXPECT_EQ(s->max_failures_percent, 1);

  engine::EngineConfig c = EngineConfigOf(*s);
  EXPECT_EQ(c.lines, 1);
  EXPECT_TRUE(c.per_cycle_probes);
  ASSERT_EQ(c.plans.size(), 1u);
  EXPECT_EQ(c.plans[0].number, "5551234");
  EXPECT_EQ(c.plans[0].dial_timeout, 90s);
}

TEST_F(RasSoakConfigTest, EntriesMakeOneLineEach) {
  auto s = LoadRasSoakFile(Write("entries: [A, B, C]\n"), RasSoakSettings{});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(EntriesOf(*s), (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(EngineConfigOf(*s).lines, 3);
  EXPECT_FALSE(EngineConfigOf(*s).per_cycle_probes);
}

TEST_F(RasSoakConfigTest, ErrorsNameTheFileAndTheKey) {
  const std::string path = Write("entry: A\nhold: forever\n");
  auto s = LoadRasSoakFile(path, RasSoakSettings{});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find(path), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("hold"), std::string::npos) << s.error();

  auto unknown = LoadRasSoakFile(Write("entry: A\npasswd: x\n"), RasSoakSettings{});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().find("unknown key 'passwd'"), std::string::npos);

  auto wrong_type = LoadRasSoakFile(Write("cycles: many\n"), RasSoakSettings{});
  EXPECT_FALSE(wrong_type);
}

}  // namespace
}  // namespace dialsoak::windows
