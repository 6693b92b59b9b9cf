// BM_AtParse: bytes/s of at::ResponseReader on what a modem sends during calls (command
// echo, information text, RINGs, CONNECT with its suffixes, BUSY, NO CARRIER, OK), fed in
// chunks of range(0) bytes as reads from a tty deliver them. BM_AtFrame: the LineFramer
// alone on the same bytes.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <vector>

#include "dialsoak/at/framer.h"
#include "dialsoak/at/response.h"
#include "suites.h"

namespace dialsoak::gbench {
namespace {

struct Exchange {
  std::string command;  // sent (its echo is skipped); empty when awaiting without one
  std::string reply;    // the modem's bytes, up to and including the final result
};

// A session of several calls on one line, ATE1 (echo on), ATV1 (verbose) and extended
// result codes, as a dialer sees it.
std::vector<Exchange> ModemTranscript() {
  const std::vector<Exchange> setup = {
      {"ATZ\r", "ATZ\r\r\nOK\r\n"},
      {"ATE1 V1 Q0 X4 &C1 &D2\r", "ATE1 V1 Q0 X4 &C1 &D2\r\r\nOK\r\n"},
      {"ATI3\r", "ATI3\r\r\nU.S. Robotics 56K FAX EXT V4.11.2\r\n\r\nOK\r\n"},
      {"ATS7=60 S0=0\r", "ATS7=60 S0=0\r\r\nOK\r\n"},
  };
  const std::vector<Exchange> calls = {
      {"ATDT5551234\r", "ATDT5551234\r\r\nCONNECT 33600/ARQ/V34/LAPM/V42BIS\r\n"},
      {"", "\r\nNO CARRIER\r\n"},  // DTR drop
      {"ATDT5551234\r", "ATDT5551234\r\r\nBUSY\r\n"},
      {"ATDT5551234\r", "ATDT5551234\r\r\nRING\r\n\r\nRING\r\n\r\nNO ANSWER\r\n"},
      {"ATDT5551234\r", "ATDT5551234\r\r\nCONNECT 28800/REL-LAPM V.42 BIS\r\n"},
      {"", "\r\nNO CARRIER\r\n"},
      {"ATDP5551234\r", "ATDP5551234\r\r\nCONNECT 53333/ARQ/V90/LAPM/V42BIS\r\n"},
      {"ATH0\r", "ATH0\r\r\nOK\r\n"},
      {"ATDT5551234\r", "ATDT5551234\r\r\nNO DIALTONE\r\n"},
  };
  std::vector<Exchange> all = setup;
  for (int i = 0; i < 4; ++i) all.insert(all.end(), calls.begin(), calls.end());
  return all;
}

std::size_t TotalBytes(const std::vector<Exchange>& transcript) {
  std::size_t n = 0;
  for (const auto& e : transcript) n += e.reply.size();
  return n;
}

// Feeds one reply in chunks; true when it ended in a final result with every byte used.
bool ReadReply(const Exchange& e, std::size_t chunk, at::ResponseReader& reader) {
  std::string_view rest = e.reply;
  while (!rest.empty()) {
    const std::size_t used = reader.Feed(rest.substr(0, chunk));
    if (used == 0) break;
    rest.remove_prefix(used);
  }
  return reader.done() && rest.empty();
}

void BM_AtParse(benchmark::State& state) {
  const auto transcript = ModemTranscript();
  const auto chunk = static_cast<std::size_t>(state.range(0));
  for (const auto& e : transcript) {  // the benchmark measures nothing if this fails
    at::ResponseReader check(e.command);
    if (!ReadReply(e, chunk, check)) {
      state.SkipWithError(("reply not parsed to its end: " + e.reply).c_str());
      return;
    }
  }
  for (auto _ : state) {
    for (const auto& e : transcript) {
      at::ResponseReader reader(e.command);
      benchmark::DoNotOptimize(ReadReply(e, chunk, reader));
      benchmark::DoNotOptimize(reader.response().final);
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(TotalBytes(transcript)));
}

void BM_AtFrame(benchmark::State& state) {
  std::string stream;
  for (const auto& e : ModemTranscript()) stream += e.reply;
  const auto chunk = static_cast<std::size_t>(state.range(0));
  std::vector<at::Frame> frames;
  for (auto _ : state) {
    at::LineFramer framer;
    frames.clear();
    for (std::string_view rest = stream; !rest.empty();
         rest.remove_prefix(std::min(chunk, rest.size()))) {
      framer.Feed(rest.substr(0, chunk), frames);
    }
    benchmark::DoNotOptimize(frames.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(stream.size()));
}

}  // namespace

void RegisterAtParseBenchmarks() {
  // 1 byte per read is the worst case (a slow line); 64 a typical tty read; 4096 whole replies.
  benchmark::RegisterBenchmark("BM_AtParse", BM_AtParse)
      ->ArgName("chunk")
      ->Arg(1)
      ->Arg(64)
      ->Arg(4096);
  benchmark::RegisterBenchmark("BM_AtFrame", BM_AtFrame)
      ->ArgName("chunk")
      ->Arg(1)
      ->Arg(64)
      ->Arg(4096);
}

}  // namespace dialsoak::gbench
