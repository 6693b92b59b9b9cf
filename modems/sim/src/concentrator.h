// Concentrator: the far end's pools of answering ports. A dialled number reaches the pool
// with that number (or the first "*" pool); a call seizes one of the pool's C ports for
// as long as it lasts and is BUSY when all C are in use (C = 0: unlimited).
// Not thread-safe: the bank's thread owns it. Pools come validated from the bank.
#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "dialsoak/sim/bank.h"

namespace dialsoak::sim {

class Concentrator {
 public:
  static constexpr int kUnlimitedSlot = -1;

  explicit Concentrator(const std::vector<PoolConfig>& pools);

  // The pool a number reaches: its own number first, then the first "*" pool.
  std::optional<int> Match(std::string_view number) const;

  // Seizes a free port of the pool and returns its slot (0..C-1, or kUnlimitedSlot in an
  // unlimited pool); nullopt when all C are in use. Among free slots, the first for which
  // prefer() is true is taken, else the lowest.
  std::optional<int> Acquire(int pool, const std::function<bool(int slot)>& prefer = {});
  void Release(int pool, int slot);

  int in_use(int pool) const { return pools_[static_cast<std::size_t>(pool)].in_use; }
  int pool_count() const { return static_cast<int>(pools_.size()); }

 private:
  struct Pool {
    std::string number;
    int capacity = 0;
    int in_use = 0;
    std::vector<bool> busy;  // per slot; empty when unlimited
  };
  std::vector<Pool> pools_;
};

}  // namespace dialsoak::sim
