// RasLineConfig: which phonebook entry a RAS line dials, and with which credentials.
// The credentials come from the configuration or, where it leaves them empty, from the
// environment (DIALSOAK_RAS_USER, DIALSOAK_RAS_PASSWORD, DIALSOAK_RAS_DOMAIN), so that a
// password need not be on a command line. The password is never logged, never in an
// outcome's detail, never in a report; the user name is said where it helps (which
// credentials a line dials with, which were refused). With user and password both empty
// (after the environment), a RasLine dials with the entry's saved credentials. Pure code
// (no Windows headers); thread-compatible.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace dialsoak::ras {

struct RasLineConfig {
  std::string entry;      // phonebook entry name (required)
  std::string phonebook;  // path of a .pbk file; empty: the system's default phonebook
  std::string user;       // this and password empty: the entry's saved credentials
  std::string password;
  std::string domain;
  // How often the hang-up asks RasGetConnectStatus whether the connection is gone.
  std::chrono::nanoseconds hangup_poll = std::chrono::milliseconds(5);
};

// config with its empty credentials taken from the environment variables above.
RasLineConfig WithEnvironmentCredentials(RasLineConfig config);

// An error for a configuration RasDial would refuse (no entry, a field longer than RAS
// allows: entry 256, phone number 128, user 256, password 256, domain 15 characters),
// naming the field but never a credential's value; empty when it is fine.
std::string CheckRasConfig(const RasLineConfig& config, std::string_view number);

}  // namespace dialsoak::ras
