#include "soak_engine.h"

#include "dialsoak/sim/distribution.h"

namespace dialsoak::cli {
namespace {

template <typename E>
class Adapter final : public SoakEngine {
 public:
  template <typename... Args>
  explicit Adapter(Args&&... args) : engine_(std::forward<Args>(args)...) {}
  void AddObserver(RunObserver& observer) override { engine_.AddObserver(observer); }
  void AddProbe(std::unique_ptr<probes::ProcessProbe> probe) override {
    engine_.AddProbe(std::move(probe));
  }
  RunEnd Run(RunInfo info) override { return engine_.Run(std::move(info)); }
  void RequestStop(int signal) override { engine_.RequestStop(signal); }
  E& engine() { return engine_; }

 private:
  E engine_;
};

}  // namespace

bool IsOpenLoop(const RunSettings& s) { return s.rate.has_value() || !s.stages.empty(); }

engine::ArrivalSchedule ArrivalScheduleOf(const RunSettings& s) {
  const engine::Arrivals kind = *engine::ParseArrivals(s.arrivals);  // validated
  // The schedule's own seed stream, apart from the simulator's and the hold draws'.
  const std::uint64_t seed = s.seed * 0x9e3779b97f4a7c15ULL + 1;
  if (s.rate) return engine::ArrivalSchedule::Constant(*s.rate, s.duration, kind, seed);
  std::vector<engine::Stage> stages;
  for (const std::string& text : s.stages) stages.push_back(*engine::ParseStage(text));
  return engine::ArrivalSchedule(stages, kind, seed);
}

engine::OpenLoopConfig OpenLoopConfigOf(const RunSettings& s, std::vector<engine::LinePlan> plans) {
  engine::OpenLoopConfig c;
  c.lines = static_cast<int>(plans.size());
  c.plans = std::move(plans);
  c.seed = s.seed + 2;
  c.sample_interval = s.sample_interval;
  c.settle = s.settle;
  const sim::Distribution hold = s.hold_dist.empty()
                                     ? sim::Distribution::Fixed(s.hold)
                                     : *sim::Distribution::Parse(s.hold_dist);  // validated
  c.hold = [hold](std::mt19937_64& rng) { return hold.Draw(rng); };
  c.mean_hold = hold.Mean();
  return c;
}

std::unique_ptr<SoakEngine> MakeClosedLoop(engine::EngineConfig config, engine::LineFactory lines,
                                           engine::EngineClock& clock) {
  const bool per_cycle = config.per_cycle_probes;
  auto a = std::make_unique<Adapter<engine::Engine>>(std::move(config), std::move(lines), clock);
  if (per_cycle) a->engine().SetPerCycleProbe([] { return probes::MakeSelfProbe(); });
  return a;
}

std::unique_ptr<SoakEngine> MakeOpenLoop(engine::OpenLoopConfig config,
                                         engine::ArrivalSchedule schedule,
                                         engine::LineFactory lines, engine::EngineClock& clock) {
  return std::make_unique<Adapter<engine::OpenLoopEngine>>(std::move(config), std::move(schedule),
                                                           std::move(lines), clock);
}

}  // namespace dialsoak::cli
