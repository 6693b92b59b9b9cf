// What leaked: the fd table of a process at the baseline and at the end of a run, compared
// by kind, so a verdict can say "37 descriptors leaked, all anon_inode:[eventfd]".
//
// A snapshot is the list of readlink targets of /proc/<pid>/fd/* ("socket:[12345]",
// "pipe:[678]", "anon_inode:[eventfd]", "/dev/pts/3", "/tmp/x.log"). FdKind groups them:
// sockets, pipes and other "<type>:[<inode>]" targets by type ("socket", "pipe", "net");
// anonymous inodes by their whole target ("anon_inode:[eventfd]", "anon_inode:inotify");
// pty slaves as "/dev/pts/*"; anything else (files, devices, "/memfd:x (deleted)") is its
// own kind, the path.
//
// Thread safety: pure functions, and a snapshot that reads /proc only. Errors: the
// snapshot returns an error naming the directory when /proc/<pid>/fd cannot be listed
// (a gone process, another user's process) or a link cannot be read for another reason
// than the descriptor having been closed meanwhile (such a descriptor is skipped).
// Platform code (the snapshot) lives in src/fd_snapshot_linux.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dialsoak/io/error.h"

namespace dialsoak::analysis {

using FdSnapshot = std::vector<std::string>;  // readlink targets, in no particular order

// The kind of one target: see above.
std::string FdKind(std::string_view target);

struct FdKindChange {
  std::string kind;
  std::int64_t baseline = 0;  // descriptors of this kind at the baseline
  std::int64_t end = 0;       // and at the end
  std::int64_t growth = 0;    // end - baseline
  // Up to max_examples targets present at the end and not at the baseline (counting
  // duplicates), in the end snapshot's order: "socket:[4711]", "/tmp/x.log".
  std::vector<std::string> examples;
};

// Every kind present in either snapshot, largest growth first (ties by kind name), so the
// kinds that grew come first and those that shrank last.
std::vector<FdKindChange> CompareFdSnapshots(const FdSnapshot& baseline, const FdSnapshot& end,
                                             std::size_t max_examples = 3);

// One line for a person, from CompareFdSnapshots' result: "3 more descriptors:
// 2 anon_inode:[eventfd], 1 pipe", "37 more descriptors, all anon_inode:[eventfd]", or
// "no kind of descriptor grew".
std::string DescribeFdGrowth(const std::vector<FdKindChange>& changes);

// The fd table of process pid: the readlink target of every entry of /proc/<pid>/fd.
io::Result<FdSnapshot> SnapshotFds(int pid);
// This process's fd table, without the descriptor used to list it.
io::Result<FdSnapshot> SnapshotSelfFds();

}  // namespace dialsoak::analysis
