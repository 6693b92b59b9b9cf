// WriteFileAtomically on Windows: a fresh temporary file next to the target
// (CREATE_NEW), written, flushed to disk (FlushFileBuffers), then moved over the target
// with MoveFileExW(MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH), which returns only
// once the move is on disk. See atomic_file.h for the contract; codes are errno values.
#include <fmt/format.h>
#include <windows.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <utility>

#include "dialsoak/report/atomic_file.h"

namespace dialsoak::report {
namespace {

constexpr int kCreateAttempts = 16;

int ToErrno(DWORD err) {
  switch (err) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
      return ENOENT;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
      return EACCES;
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS:
      return EEXIST;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
      return ENOSPC;
    default:
      return EIO;
  }
}

io::Error StepError(const std::string& path, std::string_view step, DWORD err) {
  return io::Error{ToErrno(err), fmt::format("writing {} ({}): Windows error {}", path, step, err)};
}

std::wstring Widen(const std::string& s) {
  if (s.empty()) return {};
  const int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring w(static_cast<std::size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), w.data(), n);
  return w;
}

class File {
 public:
  explicit File(HANDLE h) : h_(h) {}
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File() { Close(); }
  HANDLE get() const { return h_; }
  bool Close() {
    if (h_ == INVALID_HANDLE_VALUE) return true;
    const bool ok = CloseHandle(std::exchange(h_, INVALID_HANDLE_VALUE)) != 0;
    return ok;
  }

 private:
  HANDLE h_;
};

io::Result<void> WriteTemp(const std::wstring& temp, std::string_view contents,
                           const std::string& path, bool& clash) {
  clash = false;
  File file(CreateFileW(temp.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW, FILE_ATTRIBUTE_NORMAL,
                        nullptr));
  if (file.get() == INVALID_HANDLE_VALUE) {
    const DWORD err = GetLastError();
    clash = err == ERROR_FILE_EXISTS;
    return io::Fail(StepError(path, "create temp file", err));
  }
  while (!contents.empty()) {
    const DWORD chunk = static_cast<DWORD>(std::min<std::size_t>(contents.size(), 1 << 20));
    DWORD written = 0;
    if (!WriteFile(file.get(), contents.data(), chunk, &written, nullptr)) {
      return io::Fail(StepError(path, "write", GetLastError()));
    }
    contents.remove_prefix(written);
  }
  if (!FlushFileBuffers(file.get())) return io::Fail(StepError(path, "fsync", GetLastError()));
  if (!file.Close()) return io::Fail(StepError(path, "close", GetLastError()));
  return {};
}

}  // namespace

io::Result<void> WriteFileAtomically(const std::string& path, std::string_view contents) {
  if (path.empty()) return io::Fail(io::Error{ENOENT, "writing a file: the path is empty"});
  const std::wstring target = Widen(path);
  for (int attempt = 0;; ++attempt) {
    auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    const std::wstring temp =
        Widen(fmt::format("{}.tmp.{}.{:x}", path, GetCurrentProcessId(), stamp + attempt));
    bool clash = false;
    auto written = WriteTemp(temp, contents, path, clash);
    if (!written && clash && attempt + 1 < kCreateAttempts) continue;
    if (written && !MoveFileExW(temp.c_str(), target.c_str(),
                                MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
      written = io::Fail(StepError(path, "rename", GetLastError()));
    }
    if (!written) {
      if (!clash) DeleteFileW(temp.c_str());
      return written;
    }
    return {};
  }
}

}  // namespace dialsoak::report
