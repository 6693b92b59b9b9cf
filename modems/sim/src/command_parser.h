// Splits the body of one V.250 command line (what follows "AT", without S3) into commands:
// basic ones ("E0", "&D2", "\N3", "S7=60", "S0?", "I3"), a dial ("DT5551234;", which takes
// the rest of the line) and extended ones ("+FCLASS=0", "+FAA=1;+FCR=1").
// Pure functions; thread-safe. A malformed command is returned as Kind::Invalid, and
// parsing stops there (the modem answers ERROR).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dialsoak::sim {

struct Command {
  enum class Kind {
    Nop,       // a stray ';'
    Basic,     // name "E", "&D", "\N"...; value (0 if absent)
    SetReg,    // Sn=v: reg, value
    ReadReg,   // Sn?
    SelectReg, // Sn
    Dial,      // D: text holds the dial string (modifiers included, spaces dropped)
    ExtSet,    // +NAME=args: text holds args
    ExtRead,   // +NAME?
    ExtTest,   // +NAME=?
    ExtExec,   // +NAME
    Invalid,
  };
  Kind kind = Kind::Invalid;
  std::string name;   // upper case: "E", "&D", "\N", "+FCLASS"; empty for S and D
  int reg = 0;
  long value = 0;
  bool has_value = false;
  std::string text;
};

// Largest number accepted in a parameter; more digits make the command Invalid.
inline constexpr long kMaxParameter = 99999;

// Parses a whole body. Letters outside quoted strings are folded to upper case and
// spaces dropped, as V.250 asks.
std::vector<Command> ParseCommandLine(std::string_view body);

}  // namespace dialsoak::sim
