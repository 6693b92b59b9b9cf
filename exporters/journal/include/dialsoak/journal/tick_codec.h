// The journal's tick record (format 2): what the cycles of one tick (about a second) added
// up to, so the journal grows with time, not with the cycle rate.
//
//   {"t":"tick","at":ns,"cycles_done":N,"cycles":n,"outcomes":{"connect":n,"busy":n},
//    "hangups":n,"hangup_failures":n,"methods":{"dtr":n},"dropped_hold":n,"reopens":n,
//    "noisy":n,"noise":n,"dropped":n,"first":ns,"last":ns,
//    "failures":[["busy","BUSY",n,line,cycle],...],"other_failures":n,
//    "rates":{"33600":n},"rate_other":n,"rate_unknown":n,"modulations":{"v34":n},
//    "hist":{"dial.connect":"<compact>","hangup_ok":"<compact>","lag":"<compact>",...}}
//
// Counts that are zero are left out. "at" is when the tick was written, "first"/"last" the
// span of run time its cycles covered, all in nanoseconds from the run's start. "hist"
// holds the latency histograms' deltas (EncodeCompact, latency_histogram.h) since the last
// tick that had one: the writer may leave them out of a tick to keep within its byte
// budget, and they then come with a later tick. A failure's detail may be a text id
// (journal_codec.h), which the reader restores before decoding.
//
// Pure functions; thread-compatible. Decoding returns nullopt for an object that is not a
// tick record or has a malformed field; it never throws.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "dialsoak/observer/cycle_tally.h"

namespace dialsoak::journal {

// The tick's counts, and its histograms when with_histograms is set.
nlohmann::ordered_json EncodeTick(const CycleTally& t, Clock::time_point at,
                                  std::int64_t cycles_done, Clock::time_point start,
                                  bool with_histograms);

std::optional<CycleTally> DecodeTick(const nlohmann::json& j, Clock::time_point start);

}  // namespace dialsoak::journal
