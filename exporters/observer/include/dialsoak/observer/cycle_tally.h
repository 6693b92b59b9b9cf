// CycleTally: what a run's cycles add up to, in constant size whatever their number —
// counts by outcome and hang-up method, latency histograms (dial latency by result, hang-up
// latency of confirmed and of failed hang-ups, start lag), the first few distinct failure
// texts with their counts. The summary keeps one for the whole run; the journal one per
// tick (its deltas), which a replay merges back into the same totals.
//
// Memory: each histogram is allocated on its first sample (about 270 KiB, see
// latency_histogram.h), so a tally costs at most 11 of them, never more with more cycles.
//
// Thread safety: none (a plain value). No errors.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialsoak/histogram/latency_histogram.h"
#include "dialsoak/line/line.h"
#include "dialsoak/observer/records.h"

namespace dialsoak {

static_assert(static_cast<int>(HangupMethod::Signal) == kHangupMethodCount - 1,
              "kHangupMethodCount must follow HangupMethod");
static_assert(static_cast<int>(CallResult::Unrecognised) == kCallResultCount - 1,
              "kCallResultCount must follow CallResult");

// One distinct failure: a dial outcome other than CONNECT ("busy", ...), a call dropped
// during the hold ("dropped") or a failed hang-up ("hangup"). Distinct means a different
// (what, detail) pair.
struct FailureDetail {
  std::string what;
  std::string detail;  // the modem's text or the error, truncated to kMaxDetailLength
  std::int64_t count = 0;
  int first_line = 0;
  std::int64_t first_cycle = 0;
};

inline constexpr std::size_t kMaxDetailLength = 160;

// Connected calls by modulation, in a small fixed set (a metric's label values): the
// modulation the modem named (DialOutcome::modulation) lower-cased, "other" for one not in
// the set (V23, K56FLEX, X2, Bell...), "unknown" when it named none.
inline constexpr std::array<std::string_view, 10> kModulationLabels{
    "v21", "v22", "v22bis", "v32", "v32bis", "v34", "v90", "v92", "other", "unknown"};
inline constexpr std::size_t kModulationLabelCount = kModulationLabels.size();
// The index in kModulationLabels of a canonical modulation ("V34" -> v34; "" -> unknown).
std::size_t ModulationIndex(std::string_view modulation);

// At most this many distinct connect rates are told apart; calls at rates beyond them are
// counted together (a constant-size tally, whatever a broken modem reports).
inline constexpr std::size_t kMaxConnectRates = 64;

// Nearest-rank percentile (q in [0, 1]) of counts per value, ascending; nullopt when empty.
std::optional<std::uint32_t> RatePercentile(const std::map<std::uint32_t, std::int64_t>& counts,
                                            double q);

struct CycleTally {
  std::int64_t cycles = 0;
  std::array<std::int64_t, kCallResultCount> outcomes{};  // indexed by CallResult
  std::int64_t hangups = 0;                               // cycles that needed a hang-up
  std::int64_t hangup_failures = 0;
  std::array<std::int64_t, kHangupMethodCount> hangup_methods{};  // indexed by HangupMethod
  std::int64_t dropped_during_hold = 0;
  std::int64_t reopens = 0;
  std::int64_t noisy_dials = 0;
  std::int64_t noise_bytes = 0;
  std::int64_t dropped_at_origin = 0;  // open loop: arrivals never dialed
  // Connected calls by the rate their modem said (bit/s), at most kMaxConnectRates
  // distinct; calls at rates past those in connect_rate_other, calls with no rate said in
  // connect_rate_unknown. And connected calls by modulation (kModulationLabels).
  std::map<std::uint32_t, std::int64_t> connect_rates;
  std::int64_t connect_rate_other = 0;
  std::int64_t connect_rate_unknown = 0;
  std::array<std::int64_t, kModulationLabelCount> modulations{};

  // Dial latency (due -> result) by the dial's result; hang-up latency of confirmed
  // hang-ups of connected calls, of unconfirmed ones, and of hang-ups after a dial that did
  // not connect (a silent modem's: the wait for its NO CARRIER); start lag (due -> the dial
  // began) of every dial.
  std::array<histogram::LatencyHistogram, kCallResultCount> dial;
  histogram::LatencyHistogram hangup_ok;
  histogram::LatencyHistogram hangup_failed;
  histogram::LatencyHistogram hangup_after_failed_dial;
  histogram::LatencyHistogram start_lag;

  // The first max_failures distinct failures in order, counted; the rest counted here.
  std::vector<FailureDetail> failures;
  std::int64_t other_failures = 0;
  std::size_t max_failures = 5;

  // The span of run time the tally has seen (a cycle's due time to its result, a drop's
  // arrival); unset while empty.
  std::optional<Clock::time_point> first_seen;
  std::optional<Clock::time_point> last_seen;

  std::int64_t Count(CallResult r) const { return outcomes[static_cast<std::size_t>(r)]; }
  // Every dial's latency, whatever its result (merged from `dial`).
  histogram::LatencyHistogram AllDials() const;
  bool empty() const { return cycles == 0 && dropped_at_origin == 0; }
};

// Counts one cycle in.
void AddCycle(CycleTally& t, const CycleRecord& c);
// Counts one call dropped at origin.
void AddDropped(CycleTally& t, const DroppedCall& d);
// Adds `from` to `into`: counts and histograms add up; failures are merged by (what,
// detail) in order, those past into.max_failures counted as other; the seen span widens.
void Merge(CycleTally& into, const CycleTally& from);
// Counts one failure (what, detail) seen at line/cycle, n times.
void NoteFailure(CycleTally& t, std::string_view what, std::string_view detail, int line,
                 std::int64_t cycle, std::int64_t n = 1);
// Empty again, keeping max_failures (and the histograms' storage).
void Clear(CycleTally& t);
// The same but for the histograms, which keep what they hold.
void ClearCounts(CycleTally& t);

// At most max_bytes of s, cut at a UTF-8 character boundary.
std::string TruncateUtf8(std::string_view s, std::size_t max_bytes);

}  // namespace dialsoak
