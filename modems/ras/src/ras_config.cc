#include "dialsoak/ras/ras_config.h"

#include <fmt/format.h>

#include <cstdlib>

namespace dialsoak::ras {
namespace {

// RAS_MaxEntryName, RAS_MaxPhoneNumber, UNLEN, PWLEN, DNLEN of ras.h and lmcons.h.
constexpr std::size_t kMaxEntry = 256, kMaxNumber = 128, kMaxUser = 256, kMaxPassword = 256,
                      kMaxDomain = 15;

void FromEnv(std::string& field, const char* name) {
  if (!field.empty()) return;
  if (const char* v = std::getenv(name)) field = v;
}

}  // namespace

RasLineConfig WithEnvironmentCredentials(RasLineConfig config) {
  FromEnv(config.user, "DIALSOAK_RAS_USER");
  FromEnv(config.password, "DIALSOAK_RAS_PASSWORD");
  FromEnv(config.domain, "DIALSOAK_RAS_DOMAIN");
  return config;
}

std::string CheckRasConfig(const RasLineConfig& config, std::string_view number) {
  if (config.entry.empty()) return "ras: no phonebook entry to dial (entry)";
  auto too_long = [](std::string_view what, std::size_t size, std::size_t max) {
    return size > max
               ? fmt::format("ras: the {} is longer than the {} characters RAS allows", what, max)
               : std::string();
  };
  for (const std::string& e : {too_long("entry name", config.entry.size(), kMaxEntry),
                               too_long("phone number", number.size(), kMaxNumber),
                               too_long("user name", config.user.size(), kMaxUser),
                               too_long("password", config.password.size(), kMaxPassword),
                               too_long("domain", config.domain.size(), kMaxDomain)}) {
    if (!e.empty()) return e;
  }
  return {};
}

}  // namespace dialsoak::ras
