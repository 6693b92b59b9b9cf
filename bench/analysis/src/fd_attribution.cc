#include "dialsoak/analysis/fd_attribution.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace dialsoak::analysis {
namespace {

// "<type>:[<digits>]", as the kernel names sockets, pipes and namespaces.
bool IsTypedInode(std::string_view target, std::string_view* type) {
  const auto colon = target.find(":[");
  if (colon == 0 || colon == std::string_view::npos || !target.ends_with(']')) return false;
  const std::string_view digits = target.substr(colon + 2, target.size() - colon - 3);
  if (digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  *type = target.substr(0, colon);
  return true;
}

}  // namespace

std::string FdKind(std::string_view target) {
  if (target.starts_with("anon_inode:")) return std::string(target);
  if (target.starts_with("/dev/pts/") && target.size() > 9 &&
      std::all_of(target.begin() + 9, target.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return "/dev/pts/*";
  }
  std::string_view type;
  if (IsTypedInode(target, &type)) return std::string(type);
  return std::string(target);
}

std::vector<FdKindChange> CompareFdSnapshots(const FdSnapshot& baseline, const FdSnapshot& end,
                                             std::size_t max_examples) {
  std::map<std::string, FdKindChange> kinds;
  std::map<std::string_view, std::int64_t> at_baseline;  // target -> count, for examples
  for (const std::string& t : baseline) {
    ++kinds[FdKind(t)].baseline;
    ++at_baseline[t];
  }
  for (const std::string& t : end) {
    FdKindChange& k = kinds[FdKind(t)];
    ++k.end;
    auto it = at_baseline.find(t);
    if (it != at_baseline.end() && it->second > 0) {
      --it->second;  // this one was there before
    } else if (k.examples.size() < max_examples) {
      k.examples.push_back(t);
    }
  }
  std::vector<FdKindChange> out;
  out.reserve(kinds.size());
  for (auto& [kind, change] : kinds) {
    change.kind = kind;
    change.growth = change.end - change.baseline;
    out.push_back(std::move(change));
  }
  std::stable_sort(out.begin(), out.end(), [](const FdKindChange& a, const FdKindChange& b) {
    return a.growth > b.growth;  // map order keeps ties by kind name
  });
  return out;
}

std::string DescribeFdGrowth(const std::vector<FdKindChange>& changes) {
  std::int64_t total = 0;
  std::vector<const FdKindChange*> grown;
  for (const FdKindChange& c : changes) {
    if (c.growth > 0) {
      total += c.growth;
      grown.push_back(&c);
    }
  }
  if (grown.empty()) return "no kind of descriptor grew";
  const char* noun = total == 1 ? "descriptor" : "descriptors";
  if (grown.size() == 1) {
    return fmt::format("{} more {}, {} {}", total, noun, total == 1 ? "a" : "all",
                       grown.front()->kind);
  }
  std::string text = fmt::format("{} more {}:", total, noun);
  for (std::size_t i = 0; i < grown.size(); ++i) {
    text += fmt::format("{} {} {}", i == 0 ? "" : ",", grown[i]->growth, grown[i]->kind);
  }
  return text;
}

}  // namespace dialsoak::analysis
