// The end-of-run summary as a JSON document (`dialsoak run --report FILE`), with the full
// configuration and the tool's version, so that two runs can be compared with jq or a
// script. The shape (report_format 2; 1 had one "dial" over every dial):
//
//   { "report_format": 2, "tool": "dialsoak", "version": "0.1.0", "run_id": "...",
//     "backend": "sim", "lines": 4, "cycles_per_line": 250 | null,
//     "duration_seconds": 3600.0 | null, "started": "2026-11-28T06:45:12.123Z",
//     "ended": true, "stop": { "reason": "completed", "message": "" },
//     "elapsed_seconds": 12.3, "cycles": 1000, "cycles_per_second": 81.3,
//     "outcomes": { "connect": 990, "busy": 10, ... every ToString(CallResult) },
//     "hangups": { "attempted": 990, "failed": 0, "methods": { "none": 0, "dtr": 990, ... } },
//     "dropped_at_origin": 0,   // open loop: calls never dialled, every line busy (not cycles)
//     "dropped_during_hold": 0, // connected calls that ended by themselves (NO CARRIER)
//     "reopens": 0,             // dials for which a lost device was opened again
//     "line_noise": { "dials": 0, "bytes": 0 },  // dials that heard bytes that were no response
//     "connect_rate": {         // connected calls by the rate (bit/s) their modem said
//        "rates": [ { "rate": 33600, "calls": 900, "share": 0.9 }, ... ],  // highest first
//        "other": 0,             // at rates past the kMaxConnectRates told apart
//        "unknown": 0,           // CONNECT without a rate
//        "median": 33600 | null, "p10": 2400 | null, "min": 2400 | null,  // nearest rank
//        "modulations": { "v21": 0, ..., "v34": 900, "other": 0, "unknown": 100 } },
//     "latency_seconds": {        // from histograms: percentiles within 0.1 %
//        "dial": { "count": 1000, "min": ..., "p50": ..., "p90": ..., "p99": ...,
//                  "p99_9": ..., "p99_99": ..., "max": ..., "mean": ... },  // CONNECTed
//        "dial_all": { ... },                   // every dial, whatever its result
//        "dial_by_result": { "busy": { ... } }, // each result that had dials
//        "hangup": { ... },          // confirmed hang-ups; no samples: count 0, others null
//        "hangup_failed": { ... }, "hangup_after_failed_dial": { ... }, "hangup_all": { ... },
//        "start_lag": { ... },       // due -> the dial began
//        "precision": "..." },
//     "processes": { "self": { "pid": 4242, "alive_at_end": true, "vanished": false,
//                              "samples": 13, "failed_samples": 0, "last_error": "",
//                              "baseline_sampled": true, "end_sampled": true,
//                              "handles": { "baseline": 11, "end": 11, "min": 11, "max": 12 },
//                              "threads": { ... }, "resident_bytes": { ... } } },
//     "failures": [ { "what": "busy", "detail": "BUSY", "count": 10,
//                     "first_line": 2, "first_cycle": 17 } ],
//     "other_failures": 0,
//     "leaks": [ { "process": "self", "pid": 4242, "resource": "handles", "verdict": "leak",
//                  "slope_per_cycle": 1.0, "slope_per_1000_cycles": 1000.0,
//                  "lower_per_cycle": 1.0, "upper_per_cycle": 1.0, "confidence": 0.95,
//                  "intercept": 11.0, "threshold_per_cycle": 0, "baseline": 11, "end": 1011,
//                  "growth": 1000, "warmup_cycles": 100, "points": 1801,
//                  "first_suspected_cycle": 210 | null,
//                  "projection": { "limit": 1024, "cycles_to_limit": 13, ... } | null,
//                  "reason": "...", "fd_growth": { "summary": "1000 more descriptors, all
//                  anon_inode:[eventfd]", "kinds": [ { "kind": "anon_inode:[eventfd]",
//                  "baseline": 0, "end": 1000, "growth": 1000, "examples": [...] } ] },
//                  "chart": "run.self.handles.svg" | null } ],   // one per process and resource
//     "thresholds": [ { "expression": "dial_p99<=30s", "metric": "dial_p99",
//                       "observed": 0.41 | null, "passed": true, "message": "..." } ],
//     "exit_code": 5, "config": { ...as given... } }
//
// Unbounded interval ends and other non-finite numbers are null.
// Latencies are in seconds (doubles, nanosecond resolution). Invalid UTF-8 in modem text
// is replaced (U+FFFD) when written, never an exception.
//
// Thread-compatible. SummaryToJson never throws (except std::bad_alloc); WriteJsonReport
// returns an io::Error whose message names the file.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "dialsoak/io/error.h"
#include "dialsoak/report/summary.h"

namespace dialsoak::report {

inline constexpr int kReportFormat = 2;

nlohmann::json SummaryToJson(const Summary& s, const nlohmann::json& config, int exit_code);

// Writes the document (indented, newline-terminated) to path atomically: see atomic_file.h.
io::Result<void> WriteJsonReport(const std::string& path, const nlohmann::json& report);

}  // namespace dialsoak::report
