// `dialsoak compare --junit FILE`: the comparison's gates as JUnit XML, one test case per
// gate (classname "dialsoak.compare", named by the gate's expression), a <failure> of type
// "regression" for a gate that failed, with its message (the rows beyond the limit, their
// differences and intervals). The properties name both runs, the confidence and the exit
// code; <system-out> of the suite holds the whole comparison as a table.
//
// Thread-compatible. Escaping as junit_report.h. WriteComparisonJUnit returns an io::Error
// whose message names the file.
#pragma once

#include <string>

#include "dialsoak/io/error.h"
#include "dialsoak/report/comparison.h"

namespace dialsoak::junit {

std::string RenderComparisonJUnit(const report::Comparison& c, int exit_code);

io::Result<void> WriteComparisonJUnit(const std::string& path, const report::Comparison& c,
                                      int exit_code);

}  // namespace dialsoak::junit
