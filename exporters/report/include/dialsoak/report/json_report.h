// The end-of-run summary as a JSON document (`dialsoak run --report FILE`), with the full
// configuration and the tool's version, so that two runs can be compared with jq or a
// script. The shape (report_format 1):
//
//   { "report_format": 1, "tool": "dialsoak", "version": "0.1.0", "run_id": "...",
//     "backend": "sim", "lines": 4, "cycles_per_line": 250 | null,
//     "duration_seconds": 3600.0 | null, "started": "2026-11-28T06:45:12.123Z",
//     "ended": true, "stop": { "reason": "completed", "message": "" },
//     "elapsed_seconds": 12.3, "cycles": 1000, "cycles_per_second": 81.3,
//     "outcomes": { "connect": 990, "busy": 10, ... every ToString(CallResult) },
//     "hangups": { "attempted": 990, "failed": 0, "methods": { "none": 0, "dtr": 990, ... } },
//     "latency_seconds": { "dial": { "count": 1000, "min": ..., "p50": ..., "p90": ...,
//                                    "p99": ..., "p99_9": ..., "max": ..., "mean": ... },
//                          "hangup": { ... } },          // no samples: count 0, others null
//     "processes": { "self": { "pid": 4242, "alive_at_end": true, "vanished": false,
//                              "samples": 13, "failed_samples": 0, "last_error": "",
//                              "baseline_sampled": true, "end_sampled": true,
//                              "handles": { "baseline": 11, "end": 11, "min": 11, "max": 12 },
//                              "threads": { ... }, "resident_bytes": { ... } } },
//     "failures": [ { "what": "busy", "detail": "BUSY", "count": 10,
//                     "first_line": 2, "first_cycle": 17 } ],
//     "other_failures": 0, "exit_code": 1, "config": { ...as given... } }
//
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

inline constexpr int kReportFormat = 1;

nlohmann::json SummaryToJson(const Summary& s, const nlohmann::json& config, int exit_code);

// Writes the document (indented, newline-terminated) to path atomically: see atomic_file.h.
io::Result<void> WriteJsonReport(const std::string& path, const nlohmann::json& report);

}  // namespace dialsoak::report
