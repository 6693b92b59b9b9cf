#include "concentrator.h"

#include <cstdio>
#include <cstdlib>

namespace dialsoak::sim {
namespace {

// A broken invariant of the bank's bookkeeping: stop rather than hand out a port twice.
void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "dialsoak::sim::Concentrator: invariant broken: %s\n", what);
  std::abort();
}

}  // namespace

Concentrator::Concentrator(const std::vector<PoolConfig>& pools) {
  for (const PoolConfig& p : pools) {
    Pool pool;
    pool.number = p.number;
    pool.capacity = p.capacity;
    pool.busy.assign(static_cast<std::size_t>(p.capacity), false);
    pools_.push_back(std::move(pool));
  }
}

std::optional<int> Concentrator::Match(std::string_view number) const {
  for (std::size_t i = 0; i < pools_.size(); ++i) {
    if (pools_[i].number == number) return static_cast<int>(i);
  }
  for (std::size_t i = 0; i < pools_.size(); ++i) {
    if (pools_[i].number == "*") return static_cast<int>(i);
  }
  return std::nullopt;
}

std::optional<int> Concentrator::Acquire(int pool, const std::function<bool(int)>& prefer) {
  Pool& p = pools_[static_cast<std::size_t>(pool)];
  if (p.capacity == 0) {
    ++p.in_use;
    return kUnlimitedSlot;
  }
  if (p.in_use >= p.capacity) return std::nullopt;
  int chosen = -1;
  for (int slot = 0; slot < p.capacity; ++slot) {
    if (p.busy[static_cast<std::size_t>(slot)]) continue;
    if (chosen < 0) chosen = slot;
    if (!prefer || prefer(slot)) {
      chosen = slot;
      break;
    }
  }
  Check(chosen >= 0, "in_use < capacity, yet no free slot");
  p.busy[static_cast<std::size_t>(chosen)] = true;
  ++p.in_use;
  return chosen;
}

void Concentrator::Release(int pool, int slot) {
  Pool& p = pools_[static_cast<std::size_t>(pool)];
  if (slot != kUnlimitedSlot) {
    Check(p.busy[static_cast<std::size_t>(slot)], "release of a free slot");
    p.busy[static_cast<std::size_t>(slot)] = false;
  }
  Check(p.in_use > 0, "release with nothing in use");
  --p.in_use;
}

}  // namespace dialsoak::sim
