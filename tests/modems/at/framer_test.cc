#include "dialsoak/at/framer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace dialsoak::at {
namespace {

using namespace std::string_literals;

std::vector<std::string> Texts(const std::vector<Frame>& frames) {
  std::vector<std::string> out;
  for (const Frame& f : frames) {
    EXPECT_EQ(f.kind, Frame::Kind::Text) << f.text;
    out.push_back(f.text);
  }
  return out;
}

std::vector<Frame> FeedAll(LineFramer& framer, std::string_view bytes) {
  std::vector<Frame> out;
  framer.Feed(bytes, out);
  return out;
}

using Lines = std::vector<std::string>;

TEST(AtFramerTest, SplitsCrLfLines) {
  LineFramer framer;
  EXPECT_EQ(Texts(FeedAll(framer, "ATZ\r\r\nOK\r\n")), (Lines{"ATZ", "OK"}));
  EXPECT_EQ(framer.pending(), "");
}

TEST(AtFramerTest, HandlesCrOnlyPeers) {
  LineFramer framer;
  EXPECT_EQ(Texts(FeedAll(framer, "ATI\rModem 1.0\rOK\r")), (Lines{"ATI", "Modem 1.0", "OK"}));
}

TEST(AtFramerTest, HandlesLfOnlyPeers) {
  LineFramer framer;
  EXPECT_EQ(Texts(FeedAll(framer, "\nRING\n\nCONNECT 2400\n")), (Lines{"RING", "CONNECT 2400"}));
}

TEST(AtFramerTest, HandlesLfCrPeers) {
  LineFramer framer;
  EXPECT_EQ(Texts(FeedAll(framer, "\n\rBUSY\n\r\n\rOK\n\r")), (Lines{"BUSY", "OK"}));
}

TEST(AtFramerTest, DropsEmptyLines) {
  LineFramer framer;
  EXPECT_EQ(Texts(FeedAll(framer, "\r\n\r\n\r\r\n\nX\n\n\r\r")), (Lines{"X"}));
}

TEST(AtFramerTest, KeepsTabsInText) {
  LineFramer framer;
  EXPECT_EQ(Texts(FeedAll(framer, "a\tb\r\n")), (Lines{"a\tb"}));
}

TEST(AtFramerTest, SplitCrLfAcrossFeedsMakesNoExtraFrame) {
  LineFramer framer;
  std::vector<Frame> out;
  framer.Feed("\r\nOK\r", out);
  EXPECT_EQ(Texts(out), (Lines{"OK"}));
  framer.Feed("\n", out);
  EXPECT_EQ(out.size(), 1u);
  framer.Feed("\r\nRING\r\n", out);
  EXPECT_EQ(Texts(out), (Lines{"OK", "RING"}));
}

TEST(AtFramerTest, SplitCrLfDoesNotEatTheNextRealByte) {
  LineFramer framer;
  std::vector<Frame> out;
  framer.Feed("OK\r", out);
  framer.Feed("X\r", out);  // a CR-only peer: X is text, not the second half of a pair
  EXPECT_EQ(Texts(out), (Lines{"OK", "X"}));
}

TEST(AtFramerTest, ByteByByteGivesTheSameFramesAsOneFeed) {
  const std::string stream = "ATDT5551234\r\r\nRING\r\n\n\rCONNECT 33600/ARQ\r\nOK\rBUSY\n";
  LineFramer whole;
  const Lines expected = Texts(FeedAll(whole, stream));
  EXPECT_EQ(expected, (Lines{"ATDT5551234", "RING", "CONNECT 33600/ARQ", "OK", "BUSY"}));

  LineFramer bytewise;
  std::vector<Frame> out;
  for (char c : stream) bytewise.Feed(std::string_view(&c, 1), out);
  EXPECT_EQ(Texts(out), expected);
}

TEST(AtFramerTest, FeedOneStopsAtTheFirstFrameTerminator) {
  LineFramer framer;
  std::vector<Frame> out;
  const std::string head = "\r\n\r\nCONNECT 33600\r";
  const std::string bytes = head + "\n\x7e\xff\x7d\x23"s;
  const std::size_t consumed = framer.FeedOne(bytes, out);
  EXPECT_EQ(consumed, head.size());
  EXPECT_EQ(Texts(out), (Lines{"CONNECT 33600"}));
  EXPECT_EQ(framer.pending(), "");
}

TEST(AtFramerTest, FeedOneConsumesAPartialLineWhole) {
  LineFramer framer;
  std::vector<Frame> out;
  EXPECT_EQ(framer.FeedOne("\r\nNO CARR", out), 9u);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(framer.pending(), "NO CARR");
  EXPECT_EQ(framer.FeedOne("IER\r\nOK\r\n", out), 4u);
  EXPECT_EQ(Texts(out), (Lines{"NO CARRIER"}));
}

TEST(AtFramerTest, ReportsTextByteCountWithoutTerminator) {
  LineFramer framer;
  const std::vector<Frame> frames = FeedAll(framer, "\r\nBUSY\r\n");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].bytes, 4u);
}

TEST(AtFramerTest, ResetDropsThePartialLine) {
  LineFramer framer;
  std::vector<Frame> out;
  framer.Feed("GARB", out);
  EXPECT_EQ(framer.pending(), "GARB");
  framer.Reset();
  EXPECT_EQ(framer.pending(), "");
  framer.Feed("OK\r", out);
  EXPECT_EQ(Texts(out), (Lines{"OK"}));
}

TEST(AtFramerTest, HonoursOtherS3AndS4) {
  LineFramer framer(LineFramer::kDefaultMaxLine, '!', '#');
  EXPECT_EQ(Texts(FeedAll(framer, "!#OK!#RING!")), (Lines{"OK", "RING"}));
}

TEST(AtFramerTest, NulMakesTheLineNoise) {
  LineFramer framer;
  const std::vector<Frame> frames = FeedAll(framer, "O\0K\r\nOK\r\n"s);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].kind, Frame::Kind::Noise);
  EXPECT_EQ(frames[0].bytes, 3u);
  EXPECT_EQ(frames[0].text, "O\\x00K");
  EXPECT_EQ(frames[1].kind, Frame::Kind::Text);  // the next line recovers
  EXPECT_EQ(frames[1].text, "OK");
}

TEST(AtFramerTest, ControlBytesMakeTheLineNoise) {
  LineFramer framer;
  const std::vector<Frame> frames = FeedAll(framer, "\x1b[2J\x08\x7f\r");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].kind, Frame::Kind::Noise);
  EXPECT_EQ(frames[0].bytes, 6u);
  EXPECT_EQ(frames[0].text, "\\x1B[2J\\x08\\x7F");
}

TEST(AtFramerTest, EightBitBytesMakeTheLineNoise) {
  LineFramer framer;
  // "OK" with the parity bit set, as a 7E1 modem read at 8N1 would send it.
  const std::vector<Frame> frames = FeedAll(framer, "\xcf\xcb\r\n");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].kind, Frame::Kind::Noise);
  EXPECT_EQ(frames[0].bytes, 2u);
  EXPECT_EQ(frames[0].text, "\\xCF\\xCB");
}

TEST(AtFramerTest, NoiseSampleEscapesBackslashAndTab) {
  LineFramer framer;
  const std::vector<Frame> frames = FeedAll(framer, "a\\\t\x01\r");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].kind, Frame::Kind::Noise);
  EXPECT_EQ(frames[0].text, "a\\x5C\\x09\\x01");
}

TEST(AtFramerTest, NoiseSampleIsCappedAndPrintable) {
  LineFramer framer;
  const std::vector<Frame> frames = FeedAll(framer, std::string(1000, '\x01') + "\r");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].kind, Frame::Kind::Noise);
  EXPECT_EQ(frames[0].bytes, 1000u);
  std::string expected;
  for (std::size_t i = 0; i < LineFramer::kNoiseSample / 4; ++i) expected += "\\x01";
  EXPECT_EQ(frames[0].text, expected);
}

TEST(AtFramerTest, NoiseSampleNeverSplitsAnEscape) {
  LineFramer framer;
  // 62 printable bytes leave room for no complete \xNN escape within 64 characters.
  const std::string line = std::string(62, 'a') + "\x02" + std::string(10, 'b');
  const std::vector<Frame> frames = FeedAll(framer, line + "\r");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].kind, Frame::Kind::Noise);
  EXPECT_EQ(frames[0].text, std::string(62, 'a'));
  EXPECT_EQ(frames[0].bytes, line.size());
}

TEST(AtFramerTest, OverlongLineIsNoiseAndTheNextLineRecovers) {
  LineFramer framer(8);
  const std::vector<Frame> frames = FeedAll(framer, "ABCDEFGHIJ\r\nOK\r\n");
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].kind, Frame::Kind::Noise);
  EXPECT_EQ(frames[0].bytes, 10u);
  EXPECT_EQ(frames[0].text, "ABCDEFGH");  // sample capped at max_line too
  EXPECT_EQ(frames[1].kind, Frame::Kind::Text);
  EXPECT_EQ(frames[1].text, "OK");
}

TEST(AtFramerTest, LineOfExactlyMaxLineIsText) {
  LineFramer framer(8);
  EXPECT_EQ(Texts(FeedAll(framer, "ABCDEFGH\r")), (Lines{"ABCDEFGH"}));
}

TEST(AtFramerTest, ZeroMaxLineMakesEveryLineNoise) {
  LineFramer framer(0);
  const std::vector<Frame> frames = FeedAll(framer, "OK\r\n");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].kind, Frame::Kind::Noise);
  EXPECT_EQ(frames[0].bytes, 2u);
  EXPECT_EQ(frames[0].text, "");
  EXPECT_EQ(framer.pending(), "");
}

TEST(AtFramerTest, PendingStaysBoundedOnAnEndlessPrintableLine) {
  LineFramer framer;
  std::vector<Frame> out;
  const std::string chunk(1000, 'A');
  for (int i = 0; i < 1000; ++i) {
    framer.Feed(chunk, out);
    ASSERT_LE(framer.pending().size(), LineFramer::kDefaultMaxLine);
  }
  EXPECT_TRUE(out.empty());
  framer.Feed("\r", out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, Frame::Kind::Noise);
  EXPECT_EQ(out[0].bytes, 1000u * 1000u);
  EXPECT_EQ(out[0].text, std::string(LineFramer::kNoiseSample, 'A'));
}

TEST(AtFramerTest, TenMegabyteGarbageFloodStaysBoundedAndFast) {
  constexpr std::size_t kTotal = 10u << 20;
  constexpr std::size_t kChunk = 4096;
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string chunk(kChunk, '\0');
  for (char& c : chunk) {
    c = static_cast<char>(byte(rng));
    if (c == '\r' || c == '\n') c = '\0';  // one endless line
  }

  LineFramer framer;
  std::vector<Frame> out;
  std::size_t max_pending = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t fed = 0; fed < kTotal; fed += kChunk) {
    framer.Feed(chunk, out);
    max_pending = std::max(max_pending, framer.pending().size());
  }
  framer.Feed("\r\n", out);
  const auto elapsed = std::chrono::steady_clock::now() - start;

  EXPECT_LE(max_pending, LineFramer::kNoiseSample);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, Frame::Kind::Noise);
  EXPECT_EQ(out[0].bytes, kTotal);
  EXPECT_LE(out[0].text.size(), LineFramer::kNoiseSample);
  // Generous, to hold under sanitizers; a per-byte allocation would blow it.
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST(AtFramerTest, RandomFloodAccountsForEveryByte) {
  constexpr std::size_t kTotal = 10u << 20;
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string flood(kTotal, '\0');
  std::size_t terminators = 0;
  for (char& c : flood) {
    c = static_cast<char>(byte(rng));
    if (c == '\r' || c == '\n') ++terminators;
  }
  flood += '\r';
  ++terminators;

  LineFramer framer(32);
  std::vector<Frame> out;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t pos = 0; pos < flood.size(); pos += 1500) {
    framer.Feed(std::string_view(flood).substr(pos, 1500), out);
    ASSERT_LE(framer.pending().size(), 32u);
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;

  std::size_t covered = 0;
  for (const Frame& f : out) {
    covered += f.bytes;
    ASSERT_GT(f.bytes, 0u);
    ASSERT_LE(f.text.size(), 32u);
    if (f.kind == Frame::Kind::Text) {
      ASSERT_LE(f.bytes, 32u);
      ASSERT_EQ(f.text.size(), f.bytes);
      for (char c : f.text) ASSERT_TRUE((c >= 0x20 && c <= 0x7e) || c == '\t') << int{c};
    } else {
      for (char c : f.text) ASSERT_TRUE(c >= 0x20 && c <= 0x7e) << int{c};
    }
  }
  EXPECT_EQ(covered + terminators, flood.size());
  EXPECT_EQ(framer.pending(), "");
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

}  // namespace
}  // namespace dialsoak::at
