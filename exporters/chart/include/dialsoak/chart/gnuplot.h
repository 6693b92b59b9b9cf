// Running gnuplot as a child process: the script goes in on its standard input, the
// chart comes out on a descriptor the caller owns, and a deadline bounds the whole run so
// that a hung gnuplot never hangs a soak (it is killed with SIGKILL and reaped).
//
// Thread-safe: no shared state; each call starts its own gnuplot (found on PATH with
// posix_spawnp, no shell) and closes every descriptor it opened. Blocks the calling
// thread until gnuplot exits or the deadline passes. Errors are returned, never thrown
// (except std::bad_alloc): ENOENT "gnuplot not found: install gnuplot-nox"; ETIMEDOUT
// when the deadline passed; code 0 with gnuplot's standard error (trimmed) when it
// exited non-zero or was killed by a signal.
#pragma once

#include <chrono>
#include <string_view>

#include "dialsoak/io/error.h"

namespace dialsoak::chart {

// How long a chart may take before gnuplot is killed; a few thousand points take ~0.1 s.
inline constexpr std::chrono::milliseconds kGnuplotDeadline{30'000};

// Runs `gnuplot --default-settings` (no ~/.gnuplot, no gnuplotrc) with `script` on its
// standard input and `output_fd` as its standard output, so a script that sets a terminal
// but no `set output` writes the chart there. Success means gnuplot exited with status 0.
io::Result<void> RunGnuplot(std::string_view script, int output_fd,
                            std::chrono::milliseconds deadline = kGnuplotDeadline);

}  // namespace dialsoak::chart
