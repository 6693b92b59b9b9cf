// Which faults fire at a dial, and the byte edits of noise and truncate.
#include "fault_plan.h"

#include <iterator>

namespace dialsoak::sim {

std::mt19937_64 FaultRng(std::uint64_t port_seed) {
  constexpr std::uint32_t kFaultStream = 0x6661756c;  // "faul"
  std::seed_seq seq{static_cast<std::uint32_t>(port_seed),
                    static_cast<std::uint32_t>(port_seed >> 32), kFaultStream};
  return std::mt19937_64(seq);
}

bool FaultPick::any() const {
  for (const Fault* f : of_) {
    if (f != nullptr) return true;
  }
  return false;
}

FaultPick DrawFaults(const FaultConfig& config, int port, std::mt19937_64& rng) {
  FaultPick pick;
  for (const Fault& f : config.faults) {
    if (!f.Targets(port)) continue;
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    if (u < f.probability && pick[f.kind] == nullptr) pick.Set(f);
  }
  return pick;
}

std::string MakeNoise(std::size_t n, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::string noise(n, '\0');
  for (char& c : noise) c = static_cast<char>(byte(rng));
  if (n < 2) return noise;
  const std::size_t nul = std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  const std::size_t high =
      (nul + 1 + std::uniform_int_distribution<std::size_t>(0, n - 2)(rng)) % n;
  noise[nul] = '\0';
  noise[high] = static_cast<char>(0x80 | std::uniform_int_distribution<int>(0, 127)(rng));
  return noise;
}

void InsertNoise(std::string& result, std::string_view noise, NoisePlace place,
                 std::mt19937_64& rng) {
  std::size_t at = 0;
  if (place == NoisePlace::kInside && result.size() >= 2) {
    at = std::uniform_int_distribution<std::size_t>(1, result.size() - 1)(rng);
  }
  result.insert(at, noise);
}

void TruncateResult(std::string& result, std::size_t keep, char s3, char s4) {
  auto line_end = [&](char c) { return c == s3 || c == s4; };
  std::size_t lead = 0;
  while (lead < result.size() && line_end(result[lead])) ++lead;
  std::size_t end = result.size();
  while (end > lead && line_end(result[end - 1])) --end;
  result.resize(lead + std::min(keep, end - lead));
}

std::optional<at::ResultCode> CallRestrictions::Check(const Fault& rule,
                                                      const std::string& number,
                                                      TimePoint now) {
  const auto it = numbers_.find(number);
  if (it == numbers_.end()) return std::nullopt;
  const Record& r = it->second;
  if (now >= r.period_end) {  // the period is over: a clean slate
    numbers_.erase(it);
    return std::nullopt;
  }
  if (r.failures >= rule.blacklist_attempts) return at::ResultCode::Blacklisted;
  if (now < r.retry_at) return at::ResultCode::Delayed;
  return std::nullopt;
}

void CallRestrictions::Failed(const Fault& rule, const std::string& number, TimePoint now) {
  if (numbers_.size() >= kSweepAbove) {
    for (auto it = numbers_.begin(); it != numbers_.end();) {
      it = now >= it->second.period_end ? numbers_.erase(it) : std::next(it);
    }
  }
  Record& r = numbers_[number];
  if (r.failures == 0 || now >= r.period_end) {
    r = Record{now + rule.blacklist_period, 0, now};
  }
  ++r.failures;
  r.retry_at = now + rule.blacklist_delay;
}

}  // namespace dialsoak::sim
