// Fuzz target: the YAML config loader of `dialsoak run` and `dialsoak capacity`
// (bench/cli/config_file.h: LoadConfigText, the part of LoadConfigFile after the read,
// then ValidateSettings on what loaded, as both commands). Input: the file's text.
// Checks, beyond not crashing or throwing:
//   - a load error is one line that names the file and a line number within the text
//     ("fuzz.yaml:7: ..."), as config_file.h promises;
//   - a load that succeeds sets config_path, and validation either passes or fails with a
//     message (never an empty one).
// ValidateSettings stats the serial devices the text names; it opens nothing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config_file.h"
#include "fuzz/fuzz_check.h"

namespace {

constexpr std::string_view kName = "fuzz.yaml";

void CheckLoadError(const std::string& message, const std::string& text) {
  FUZZ_CHECK(message.find('\n') == std::string::npos && message.find('\r') == std::string::npos,
             "a load error of more than one line: " + message);
  const std::string prefix = std::string(kName) + ":";
  FUZZ_CHECK(message.starts_with(prefix), "a load error that does not name the file: " + message);
  std::size_t i = prefix.size();
  long line = 0;
  while (i < message.size() && message[i] >= '0' && message[i] <= '9' && line < 1'000'000'000) {
    line = line * 10 + (message[i++] - '0');
  }
  FUZZ_CHECK(i > prefix.size() && i < message.size() && message[i] == ':',
             "a load error without a line number: " + message);
  long lines = 1;
  for (char c : text) lines += c == '\n' || c == '\r' ? 1 : 0;
  FUZZ_CHECK(line >= 1 && line <= lines, "a load error names line " + std::to_string(line) +
                                             " of " + std::to_string(lines) + ": " + message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const char* command : {"run", "capacity"}) {
    dialsoak::cli::RunSettings settings;
    settings.command = command;
    const auto loaded = dialsoak::cli::LoadConfigText(text, std::string(kName), settings);
    if (!loaded) {
      CheckLoadError(loaded.error().message, text);
      return 0;
    }
    FUZZ_CHECK(settings.config_path == kName, "config_path not set");
    const auto valid = dialsoak::cli::ValidateSettings(settings);
    FUZZ_CHECK(valid || !valid.error().message.empty(), "a validation error without a message");
  }
  return 0;
}
