// Writing a whole file so that readers see either the old file or the complete new one,
// never a torn one, even if the process dies midway: write a temporary file in the same
// directory, fsync it, rename it over the target, then fsync the directory.
//
// Thread-compatible (temporary names carry the pid and a time stamp, and are created with
// O_EXCL). Errors are returned, never thrown: the message names the target path and the
// step that failed ("create temp file", "write", "fsync", "rename"), the code is the
// errno (ENOENT: no such directory, EACCES, ENOSPC, ...). On failure the temporary file
// is removed and the target is untouched.
#pragma once

#include <string>
#include <string_view>

#include "dialsoak/io/error.h"

namespace dialsoak::report {

// New files get mode 0666 less the umask, like any file the program creates.
io::Result<void> WriteFileAtomically(const std::string& path, std::string_view contents);

}  // namespace dialsoak::report
