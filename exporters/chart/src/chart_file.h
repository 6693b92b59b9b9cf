// Writing a chart file (private to dialsoak_chart): the file-writing contract every chart's
// Write...Chart shares. gnuplot draws into a temporary file in the target's directory that
// is renamed over the target once gnuplot succeeded; on any failure the temporary file is
// removed and the target is untouched. Each error message names the chart's path.
#pragma once

#include <string>
#include <string_view>

#include "dialsoak/io/error.h"

namespace dialsoak::chart::detail {

// Runs `script` through RunGnuplot (with its deadline) with the temporary file as its
// standard output, then puts the file in place. The script sets a terminal but no output.
io::Result<void> DrawChartFile(const std::string& path, std::string_view script);

}  // namespace dialsoak::chart::detail
