// Fuzz target: the V.250 response framer and parser (modems/at), fed what a modem sends.
// Input: one byte choosing the command whose echo is expected and the line cap, one byte
// seeding the chunk sizes, then the bytes from the modem, delivered in those chunks as
// reads from a tty deliver them. Checks, beyond not crashing:
//   - LineFramer gives exactly the frames of a simple model (split on CR/LF, drop empty
//     lines, Text if printable and within the cap, else Noise with a bounded escaped
//     prefix), whatever the chunking;
//   - ResponseReader gives the same response and consumes the same bytes chunked or not;
//     its final code is a known, final ResultCode that ParseResult gives again; no
//     information line is a result code; an unrecognised line is neither a result code
//     nor an intermediate report (+MCR:, CARRIER...) and is among the information lines;
//   - ParseConnectInfo of the final code: nothing but on CONNECT, no zero rate, canonical
//     protocol words, CONNECT's rate when no report came before it;
//   - ParseResult on the whole input: a known code, the line kept as given, a rate only
//     on CONNECT, the same code in upper case; FormatResult of each code parses back.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialsoak/at/connect_info.h"
#include "dialsoak/at/framer.h"
#include "dialsoak/at/response.h"
#include "dialsoak/at/result_code.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/known_result.h"

namespace {

using dialsoak::at::ConnectInfo;
using dialsoak::at::FormatResult;
using dialsoak::at::Frame;
using dialsoak::at::IsFinal;
using dialsoak::at::IsIntermediate;
using dialsoak::at::LineFramer;
using dialsoak::at::ParseConnectInfo;
using dialsoak::at::ParseResult;
using dialsoak::at::ProtocolText;
using dialsoak::at::Response;
using dialsoak::at::ResponseReader;
using dialsoak::at::Result;
using dialsoak::at::ResultCode;
using dialsoak::fuzz::Choices;
using dialsoak::fuzz::IsKnown;

constexpr std::string_view kCommands[] = {"",       "ATZ\r",  "ATDT5551234\r", "AT\r",
                                          "ATH0\r", "ATI3\r", "ATE1 V1",       "AT+FCLASS=0\r"};
constexpr std::size_t kMaxLines[] = {LineFramer::kDefaultMaxLine, 16, 1, 200};


bool IsPrintable(char c) { return (c >= 0x20 && c <= 0x7e) || c == '\t'; }
bool IsTerminator(char c) { return c == '\r' || c == '\n'; }

std::string Escape(char c) {
  if (c >= 0x20 && c <= 0x7e && c != '\\') return std::string(1, c);
  constexpr std::string_view kHex = "0123456789ABCDEF";
  const auto u = static_cast<unsigned char>(c);
  return {'\\', 'x', kHex[u >> 4], kHex[u & 0xf]};
}

// What framer.h promises, written plainly: the frames of the complete lines of bytes.
std::vector<Frame> ModelFrames(std::string_view bytes, std::size_t max_line) {
  std::vector<Frame> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (!IsTerminator(bytes[i])) continue;
    const std::string_view line = bytes.substr(start, i - start);
    start = i + 1;
    if (line.empty()) continue;
    Frame f;
    f.bytes = line.size();
    bool text = line.size() <= max_line;
    for (char c : line) text = text && IsPrintable(c);
    if (text) {
      f.text = std::string(line);
    } else {
      f.kind = Frame::Kind::Noise;
      const std::size_t cap = std::min(LineFramer::kNoiseSample, max_line);
      for (char c : line) {
        const std::string e = Escape(c);
        if (f.text.size() + e.size() > cap) break;
        f.text += e;
      }
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::string Describe(const Frame& f) {
  return (f.kind == Frame::Kind::Text ? "text '" : "noise '") + f.text + "' (" +
         std::to_string(f.bytes) + " bytes)";
}

std::vector<std::string_view> Chunks(std::string_view bytes, Choices& choices) {
  std::vector<std::string_view> out;
  while (!bytes.empty()) {
    // Mostly small reads, sometimes one large one, as a tty at different speeds gives them.
    const std::size_t n =
        std::min(bytes.size(), choices.OneIn(8) ? choices.Between(1, 512) : choices.Between(1, 8));
    out.push_back(bytes.substr(0, n));
    bytes.remove_prefix(n);
  }
  return out;
}

void CheckFramer(std::string_view bytes, const std::vector<std::string_view>& chunks,
                 std::size_t max_line) {
  const std::vector<Frame> model = ModelFrames(bytes, max_line);
  LineFramer framer(max_line);
  std::vector<Frame> frames;
  for (std::string_view chunk : chunks) {
    framer.Feed(chunk, frames);
    FUZZ_CHECK(framer.pending().size() <= std::max(max_line, LineFramer::kNoiseSample),
               "pending text beyond its bound");
  }
  FUZZ_CHECK(frames.size() == model.size(),
             std::to_string(frames.size()) + " frames, expected " + std::to_string(model.size()));
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const Frame& got = frames[i];
    const Frame& want = model[i];
    FUZZ_CHECK(
        got.kind == want.kind && got.text == want.text && got.bytes == want.bytes,
        "frame " + std::to_string(i) + ": " + Describe(got) + ", expected " + Describe(want));
  }
}

struct Read {
  Response response;
  std::size_t consumed = 0;  // bytes the reader took as its response
};

// Feeds chunks as the serial line does, and after the final code hands on what the reader
// leaves: the rest of that chunk, and of the next one what a second Feed does not take.
Read ReadResponse(std::string_view command, std::size_t max_line,
                  const std::vector<std::string_view>& chunks) {
  ResponseReader reader(command, max_line);
  Read r;
  bool after_final_chunk = false;
  for (std::string_view chunk : chunks) {
    const bool was_done = reader.done();
    const std::size_t n = reader.Feed(chunk);
    FUZZ_CHECK(n <= chunk.size(), "Feed consumed more than it was given");
    if (was_done) {
      FUZZ_CHECK(n <= 1, "Feed after the final code took more than the end of its S3 S4");
      FUZZ_CHECK(!after_final_chunk || n == 0, "Feed took bytes twice after the final code");
      after_final_chunk = true;
    } else if (!reader.done()) {
      FUZZ_CHECK(n == chunk.size(), "Feed left bytes before the final code");
    }
    r.consumed += n;
  }
  r.response = reader.response();
  return r;
}

void CheckResult(const Result& r, std::string_view what) {
  FUZZ_CHECK(IsKnown(r.code), std::string(what) + ": unknown result code " +
                                  std::to_string(static_cast<int>(r.code)));
  FUZZ_CHECK(!r.rate || r.code == ResultCode::Connect,
             std::string(what) + ": rate without CONNECT");
  FUZZ_CHECK(r.suffix.empty() || r.code == ResultCode::Connect,
             std::string(what) + ": suffix without CONNECT");
}

void CheckResponse(std::string_view command, std::size_t max_line, std::string_view bytes,
                   const std::vector<std::string_view>& chunks) {
  const Read whole = ReadResponse(command, max_line, {bytes});
  const Read chunked = ReadResponse(command, max_line, chunks);
  const Response& a = whole.response;
  const Response& b = chunked.response;
  FUZZ_CHECK(a.final.has_value() == b.final.has_value(), "final code depends on chunking");
  FUZZ_CHECK(whole.consumed == chunked.consumed, "consumed " + std::to_string(chunked.consumed) +
                                                     " bytes chunked, " +
                                                     std::to_string(whole.consumed) + " whole");
  FUZZ_CHECK(a.info == b.info && a.rings == b.rings && a.noise_bytes == b.noise_bytes &&
                 a.noise_sample == b.noise_sample,
             "response depends on chunking");
  FUZZ_CHECK(b.info.size() <= ResponseReader::kMaxInfoLines, "too many information lines");
  for (const std::string& line : b.info) {
    FUZZ_CHECK(!ParseResult(line), "information line '" + line + "' is a result code");
    for (char c : line) FUZZ_CHECK(IsPrintable(c), "information line with a control byte");
  }
  FUZZ_CHECK(a.unrecognised == b.unrecognised, "unrecognised line depends on chunking");
  if (b.unrecognised) {
    const std::string& u = *b.unrecognised;
    FUZZ_CHECK(!ParseResult(u), "unrecognised line '" + u + "' is a result code");
    FUZZ_CHECK(!IsIntermediate(u), "unrecognised line '" + u + "' is an intermediate report");
    FUZZ_CHECK(std::find(b.info.begin(), b.info.end(), u) != b.info.end() ||
                   b.info.size() == ResponseReader::kMaxInfoLines,
               "unrecognised line '" + u + "' not among the information lines");
  }
  if (!b.final) {
    FUZZ_CHECK(chunked.consumed == bytes.size(), "no final code, yet bytes were left");
    return;
  }
  FUZZ_CHECK(a.final->code == b.final->code && a.final->text == b.final->text &&
                 a.final->rate == b.final->rate && a.final->suffix == b.final->suffix,
             "final code depends on chunking: '" + a.final->text + "' vs '" + b.final->text + "'");
  CheckResult(*b.final, "final code");
  FUZZ_CHECK(IsFinal(b.final->code), "RING ended the response");
  const std::optional<Result> again = ParseResult(b.final->text);
  FUZZ_CHECK(again && again->code == b.final->code, "final code does not parse again");
  // What a CONNECT said about the call: only on CONNECT, never a zero rate, only the
  // canonical words, and the CONNECT's own rate unless a carrier report gave one.
  const ConnectInfo c = ParseConnectInfo(*b.final, b.info);
  if (b.final->code != ResultCode::Connect) {
    FUZZ_CHECK(!c.rate && ProtocolText(c).empty(), "connect info on a result that is no CONNECT");
    return;
  }
  FUZZ_CHECK(!c.rate || *c.rate > 0, "a zero connect rate");
  for (const std::string* word : {&c.modulation, &c.error_control, &c.compression}) {
    FUZZ_CHECK(word->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == std::string::npos,
               "a protocol word that is not canonical: '" + *word + "'");
  }
  if (b.info.empty() && b.final->rate && *b.final->rate > 0) {
    FUZZ_CHECK(c.rate == b.final->rate, "the connect rate is not CONNECT's");
  }
}

// The bytes the emulated modem sends for a result parse back as that result.
void CheckRoundTrip(const Result& r) {
  std::string connect_text;
  if (r.code == ResultCode::Connect) {
    if (r.rate) connect_text = std::to_string(*r.rate);
    if (!r.suffix.empty() && !connect_text.empty() && r.suffix.front() != '/') connect_text += ' ';
    connect_text += r.suffix;
  }
  for (bool verbose : {true, false}) {
    ResponseReader reader;
    const std::string bytes = FormatResult(r.code, verbose, connect_text);
    reader.Feed(bytes);
    FUZZ_CHECK(reader.done() == IsFinal(r.code), "formatted result not read back: " + bytes);
    if (!reader.done()) continue;
    FUZZ_CHECK(reader.response().final->code == r.code, "formatted result read back as another");
    if (verbose && r.code == ResultCode::Connect) {
      FUZZ_CHECK(
          reader.response().final->rate == r.rate && reader.response().final->suffix == r.suffix,
          "CONNECT text changed on the way back: " + bytes);
    }
  }
}

void CheckParseLine(std::string_view line) {
  const std::optional<Result> r = ParseResult(line);
  std::string upper(line);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  const std::optional<Result> u = ParseResult(upper);
  FUZZ_CHECK(r.has_value() == u.has_value() && (!r || r->code == u->code),
             "ParseResult depends on case");
  if (!r) return;
  CheckResult(*r, "ParseResult");
  FUZZ_CHECK(r->text == line, "ParseResult changed the line");
  bool printable = true;
  for (char c : line) printable = printable && IsPrintable(c);
  if (printable && line.size() <= LineFramer::kDefaultMaxLine) CheckRoundTrip(*r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto config = static_cast<std::size_t>(dialsoak::fuzz::TakeSeed(data, size, 1));
  Choices choices(dialsoak::fuzz::TakeSeed(data, size, 1));
  const std::string_view command = kCommands[config % std::size(kCommands)];
  const std::size_t max_line = kMaxLines[(config / std::size(kCommands)) % std::size(kMaxLines)];
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  const std::vector<std::string_view> chunks = Chunks(bytes, choices);
  CheckFramer(bytes, chunks, max_line);
  CheckResponse(command, max_line, bytes, chunks);
  CheckParseLine(bytes);
  return 0;
}
