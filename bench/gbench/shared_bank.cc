#include "shared_bank.h"

#include <utility>

namespace dialsoak::gbench {

SharedBank::SharedBank(int ports) : ports_(ports) {}
SharedBank::~SharedBank() = default;

sim::ModemBank* SharedBank::Get() {
  std::call_once(once_, [this] {
    sim::BankConfig config;
    config.ports = ports_;
    auto bank = sim::ModemBank::Start(std::move(config));
    if (bank) {
      bank_ = std::move(*bank);
    } else {
      error_ = "cannot start the simulated modem bank: " + bank.error().message;
    }
  });
  return bank_.get();
}

}  // namespace dialsoak::gbench
