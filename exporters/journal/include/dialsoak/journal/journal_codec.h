// The journal's line format: one JSON object per line, "t" naming the record.
// Times are nanoseconds from the run's start (RunInfo::start, the monotonic origin of the
// schedule), so a journal means the same on any machine:
//
//   {"t":"header","format":2,"tool":"dialsoak","version":"0.1.0","command":"run",
//    "journal":"ticks"|"cycles","config":{...}}
//   {"t":"start","run_id":"...","version":"...","backend":"sim","lines":4,
//    "cycles_per_line":250|null,"duration":ns|null,"started_unix_ns":...}
//   {"t":"tick",...} once a second: the cycles' counts and histograms (tick_codec.h)
//   {"t":"cycle","at":ns,"line":0,"cycle":12,"result":"connect","dial":ns,"lag":ns,
//    "held":ns,"detail":"CONNECT 33600","hung_up":true,"hangup_ok":true,"hangup":ns,
//    "method":"dtr","hangup_detail":"NO CARRIER","dropped":false,"drop_detail":"",
//    "reopened":false,"noise":0,"rate":33600,"modulation":"V34","error_control":"LAPM",
//    "compression":"V42BIS"}   (the last four only when the modem said them)
//   {"t":"drop","at":ns,"arrival":7}
//   (cycle and drop records: format 1, or format 2 with --journal cycles, as detail)
//   {"t":"probe","at":ns,"process":"self","pid":42,"kind":"periodic","cycles":100,
//    "alive":true,"handles":23,"threads":11,"rss":12582912,"error":""}
//   {"t":"fds","process":"self","pid":42,"kind":"baseline","targets":[...],"error":"",
//    "nofile":1024|null,"threads_limit":63448|null}
//   {"t":"suspect","process":"self","resource":"handles","per_cycle":1.0,"cycles":210}
//   {"t":"end","reason":"completed","elapsed":ns,"cycles":1000,"dropped":0,"message":"",
//    "signal":0}   (interrupted: the stop signal's number, 2 SIGINT, 15 SIGTERM)
//   {"t":"simulator", ...the simulator's counts...}
//   {"t":"text","id":1,"text":"CONNECT 33600/ARQ"}
//
// A modem says the same few things again and again: the writer gives each text it sees
// (up to kMaxTexts of them) an id in a "text" record the first time, and a cycle's
// "detail" and "hangup_detail" are then that id, a number, instead of the string (a
// cycle line is about half as long). Texts past kMaxTexts (line noise) stay strings.
//
// Keys are written in the order above (the type first). Text from modems is kept as JSON strings: invalid UTF-8 is replaced (U+FFFD), never
// dropped. Pure functions; thread-compatible. Decoding returns nullopt for an object that
// is not the record asked for (a wrong type or a missing field), never throws.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "dialsoak/observer/records.h"

namespace dialsoak::journal {

// Format 2 (this writer's): cycles counted in tick records (tick_codec.h), per-cycle records
// opt-in. Format 1 (dialsoak 0.1 before it): one cycle record per cycle, still read.
inline constexpr int kFormat = 2;
inline constexpr int kOldestFormat = 1;
inline constexpr std::size_t kMaxTexts = 1000;

nlohmann::ordered_json Encode(const RunInfo& info);
nlohmann::ordered_json Encode(const CycleRecord& c, Clock::time_point start);
nlohmann::ordered_json Encode(const DroppedCall& d, Clock::time_point start);
nlohmann::ordered_json Encode(const ProbeSample& s, Clock::time_point start);
nlohmann::ordered_json Encode(const FdTable& t);
nlohmann::ordered_json Encode(const LeakEstimate& e);
nlohmann::ordered_json Encode(const RunEnd& e);

// start: the time the decoded run starts at (any origin: the offsets are relative).
std::optional<RunInfo> DecodeStart(const nlohmann::json& j, Clock::time_point start);
std::optional<CycleRecord> DecodeCycle(const nlohmann::json& j, Clock::time_point start);
std::optional<DroppedCall> DecodeDrop(const nlohmann::json& j, Clock::time_point start);
std::optional<ProbeSample> DecodeProbe(const nlohmann::json& j, Clock::time_point start);
std::optional<FdTable> DecodeFds(const nlohmann::json& j);
std::optional<LeakEstimate> DecodeSuspect(const nlohmann::json& j);
std::optional<RunEnd> DecodeEnd(const nlohmann::json& j);

// The record's type ("cycle", ...), or "" when there is none.
std::string TypeOf(const nlohmann::json& j);

}  // namespace dialsoak::journal
