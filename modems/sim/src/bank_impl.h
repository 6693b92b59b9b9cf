// BankImpl: the ModemBank behind bank.h. One thread runs an epoll loop (edge-triggered,
// see bank_io.cc) over every port's pty master or device and a heap of timers, the calls
// between ports (bank_calls.cc), the faults (bank_faults.cc) and the devices' modem-control
// lines (bank_device.cc). Everything below the public
// methods runs on that thread.
#pragma once

#include <time.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <queue>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "concentrator.h"
#include "dialsoak/io/unique_fd.h"
#include "dialsoak/sim/bank.h"
#include "fault_state.h"
#include "leak.h"
#include "modem.h"
#include "port_io.h"

namespace dialsoak::sim {

inline constexpr TimePoint kNever = TimePoint::max();

// The call a dialing port has placed.
struct Call {
  enum class Phase { Idle, Waiting, Ringing, Connected };
  Phase phase = Phase::Idle;
  std::string number;
  int pool = -1;
  int slot = Concentrator::kUnlimitedSlot;
  bool seized = false;     // holds a port of `pool`
  bool had_port = false;   // seized one at the dial (still true once released)
  int answer_port = -1;    // the answering pty rung or joined; -1: the bank answers itself
  at::ResultCode outcome = at::ResultCode::Connect;  // Waiting: the result when it fires
  TimePoint dialed{}, result_at{}, connected{}, give_up{}, next_ring{};
  std::string result;      // the result text the dialer got
};

// kLineTimer: a device port's poll of its modem-control lines, or its reopening.
enum TimerKind : int { kModemTimer = 0, kCallTimer = 1, kFaultTimer = 2, kLineTimer = 3 };
inline constexpr std::size_t kTimerKinds = 4;

struct Port {
  Port(int i, PortIo p, ModemIdentity identity, std::uint64_t seed)
      : index(i), io(std::move(p)), modem(std::move(identity)), rng(seed), faults(seed) {}

  int index;
  PortIo io;
  Modem modem;
  ModemOutput out;
  std::mt19937_64 rng;
  bool answering = false;
  int pool = -1;           // answering port: its pool
  bool attached = false;   // a program holds the slave (seen since the last hang-up)
  bool hup_pending = false;
  bool throttled = false;  // reading paused until the output it feeds drains
  bool want_out = false;   // EPOLLOUT registered
  std::string outq;        // bytes the master could not take yet
  std::array<TimePoint, kTimerKinds> timer_at{kNever, kNever, kNever, kNever};
  int device = -1;         // a device port: its index in BankConfig::devices
  bool peer_dtr = false;   // device port with lines: the dialer's DTR when last polled
  int peer = -1;           // answering port: the dialing port whose call it carries
  Call call;               // dialing port
  PortFaults faults;       // dialing port
};

class BankImpl final : public ModemBank {
 public:
  BankImpl(BankConfig config, CallObserver observer);
  ~BankImpl() override;
  BankImpl(const BankImpl&) = delete;
  BankImpl& operator=(const BankImpl&) = delete;

  io::Result<void> Open();  // ports, links, epoll, thread

  const std::vector<std::string>& port_paths() const override { return port_paths_; }
  const std::vector<std::string>& answer_paths() const override { return answer_paths_; }
  const std::vector<DeviceInfo>& devices() const override { return devices_; }
  BankStats stats() const override;

 private:
  struct Timer {
    TimePoint at;
    int port;
    int kind;
    bool operator>(const Timer& o) const { return at > o.at; }
  };
  struct Counters {
    std::atomic<std::uint64_t> calls{0}, connects{0}, busy{0}, no_answer{0}, no_dialtone{0},
        no_carrier{0}, hangups_dtr{0}, hangups_ath{0}, hangups_close{0}, hangups_remote{0},
        leaked_descriptors{0}, blocked{0}, unanswered{0}, hangups_carrier{0}, hangups_vanish{0},
        blacklisted{0}, delayed{0};
    std::array<std::atomic<std::uint64_t>, kFaultKindCount> faults{};
  };

  // bank.cc: set-up
  io::Result<void> CreatePorts();
  io::Result<void> CreateLinks();
  void RemoveLinks();
  // A dialing port's link, pointed at a new pty (Relink) or removed while it is gone.
  io::Result<void> Relink(int port, const std::string& target);
  void Unlink(int port);
  io::Result<void> Watch(const Port& p);  // adds its descriptor to the epoll set

  // bank_io.cc: the loop, pty I/O, timers
  void Run();
  void HandleEvent(Port& p, std::uint32_t events);
  void ReadPort(Port& p);
  void ReadAfterHangup(Port& p);
  void Consume(Port& p, const PtyPort::Packet& packet, TimePoint now);
  void PortClosed(Port& p, TimePoint now);
  void Pump(Port& p, TimePoint now);
  void Send(Port& p, std::string_view bytes);
  void WriteOut(Port& p, std::string_view bytes);  // Send, without the dribble queue
  void Flush(Port& p);
  void WantOut(Port& p, bool on);
  bool Congested(const Port& p) const;
  Port* Peer(const Port& p);
  // The other end of p's call: its answering pty, or the dialing port; -1 if none.
  static int PeerIndex(const Port& p) { return p.answering ? p.peer : p.call.answer_port; }
  void Schedule(Port& p, int kind, TimePoint at);
  void Cancel(Port& p, int kind) { p.timer_at[static_cast<std::size_t>(kind)] = kNever; }
  // The time until the next live timer, in out; false when there is none (wait forever).
  bool NextTimeout(TimePoint now, timespec& out);
  void RunTimers(TimePoint now);

  // bank_calls.cc: calls between ports
  void OnModemEvent(Port& p, const ModemEvent& e, TimePoint now);
  void RouteData(Port& p, std::string_view data, TimePoint now);
  void PlaceCall(Port& p, std::string number, TimePoint now);
  void InjectLeak(std::uint64_t dial);  // dial: the bank's count of dials, from 1
  void Await(Port& p, at::ResultCode outcome, std::chrono::nanoseconds delay, TimePoint now);
  void StartRinging(Port& p, Port& answer, TimePoint now);
  void OnCallTimer(Port& p, TimePoint now);
  void Finish(Port& p, at::ResultCode code, TimePoint now);
  void ConnectCall(Port& p, TimePoint now);
  void AnswerCall(Port& answer, TimePoint now);
  void EndCall(Port& p, HangupCause cause, TimePoint now);
  void LeaveAnswerPort(Call& c, bool connected, TimePoint now);
  void RemoteEnd(Port& p, TimePoint now);
  void Release(Port& p);
  void Record(Port& p, std::string_view cause, TimePoint now);
  bool ProgramAttached(Port& answer);

  // bank_faults.cc: fault injection (see fault.h)
  bool DrawDialFaults(Port& p, TimePoint now);  // true: the dial was swallowed
  void SwallowDial(Port& p, FaultKind kind, TimePoint now);
  std::chrono::nanoseconds StartRingFlood(Port& p, TimePoint now);  // how long it holds the result
  void ArmResult(Port& p, std::size_t from);
  void ArmCarrierLoss(Port& p, TimePoint now);
  // Bytes for the DTE, through the faults armed on the dial's result.
  void Deliver(Port& p, std::string_view bytes, TimePoint now);
  void Count(FaultKind kind);
  void Injected(Port& p, FaultKind kind);  // counted, and listed in the call's record
  void ScheduleFaults(Port& p);
  void OnFaultTimer(Port& p, TimePoint now);
  void DribbleByte(Port& p, TimePoint now);
  void FloodRing(Port& p, TimePoint at);
  void LoseCarrier(Port& p, TimePoint now);
  void FaultEnd(Port& p, std::string_view cause, TimePoint now);
  void Vanish(Port& p, TimePoint now);
  void Replug(Port& p, TimePoint now);
  void EndReset(Port& p);

  // bank_device.cc: dialing ports on tty devices (see dialsoak/sim/device.h)
  io::Result<void> AddDevice(int device);
  void StartDevice(Port& p, TimePoint now);
  void OnLineTimer(Port& p, TimePoint now);
  void SyncDtr(Port& p);
  void DeviceGone(Port& p, TimePoint now);
  void ReopenDevice(Port& p, TimePoint now);

  BankConfig config_;
  CallObserver observer_;
  Concentrator concentrator_;
  std::vector<Port> ports_;  // dialing ports first (ptys, then devices), then answering ptys
  std::vector<std::vector<int>> pool_ports_;  // pool -> slot -> answering port index
  std::vector<std::string> port_paths_, answer_paths_;
  std::vector<DeviceInfo> devices_;
  std::vector<std::filesystem::path> links_;
  std::vector<std::string> link_targets_;     // what each link points to now
  io::UniqueFd epoll_, wake_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::vector<char> buf_;
  Counters counters_;
  Leaker leaker_;  // destroyed after thread_ has been joined (declared before it)
  std::thread thread_;
};

}  // namespace dialsoak::sim
