#include "dialsoak/at/connect_info.h"

#include <array>
#include <charconv>

#include "ascii.h"

namespace dialsoak::at {
namespace {

using internal::EqualsIgnoreCase;
using internal::IsBlank;
using internal::IsDigit;
using internal::ToUpper;
using internal::Trim;

enum class Field { Modulation, ErrorControl, Compression };

struct Word {
  std::string_view word;  // upper case, without dots: "V.42bis" is looked up as "V42BIS"
  Field field;
  std::string_view canonical;
};

// The protocol words of CONNECT suffixes (USR, Rockwell/Conexant, Lucent, Hayes) and of
// the V.250 +MCR/+ER/+DR reports.
constexpr std::array<Word, 36> kWords{{
    {"V21", Field::Modulation, "V21"},         {"V22", Field::Modulation, "V22"},
    {"V22B", Field::Modulation, "V22BIS"},     {"V22BIS", Field::Modulation, "V22BIS"},
    {"V23", Field::Modulation, "V23"},         {"V23C", Field::Modulation, "V23"},
    {"V32", Field::Modulation, "V32"},         {"V32B", Field::Modulation, "V32BIS"},
    {"V32BIS", Field::Modulation, "V32BIS"},   {"V34", Field::Modulation, "V34"},
    {"V90", Field::Modulation, "V90"},         {"V92", Field::Modulation, "V92"},
    {"K56", Field::Modulation, "K56FLEX"},     {"K56FLEX", Field::Modulation, "K56FLEX"},
    {"X2", Field::Modulation, "X2"},           {"B103", Field::Modulation, "BELL103"},
    {"BELL103", Field::Modulation, "BELL103"}, {"B212", Field::Modulation, "BELL212"},
    {"BELL212", Field::Modulation, "BELL212"}, {"VFC", Field::Modulation, "VFC"},
    {"LAPM", Field::ErrorControl, "LAPM"},     {"V42", Field::ErrorControl, "LAPM"},
    {"MNP", Field::ErrorControl, "MNP"},       {"MNP2", Field::ErrorControl, "MNP"},
    {"MNP3", Field::ErrorControl, "MNP"},      {"MNP4", Field::ErrorControl, "MNP"},
    {"REL", Field::ErrorControl, "REL"},       {"RELIABLE", Field::ErrorControl, "REL"},
    {"ARQ", Field::ErrorControl, "ARQ"},       {"NONE", Field::ErrorControl, "NONE"},
    {"NOARQ", Field::ErrorControl, "NONE"},    {"V42BIS", Field::Compression, "V42BIS"},
    {"V42B", Field::Compression, "V42BIS"},    {"MNP5", Field::Compression, "MNP5"},
    {"CLASS5", Field::Compression, "MNP5"},    {"V44", Field::Compression, "V44"},
}};

// Upper case, dots dropped: "v.34" -> "V34".
std::string Normalise(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c != '.') out += ToUpper(c);
  }
  return out;
}

const Word* Lookup(std::string_view token) {
  const std::string key = Normalise(token);
  for (const Word& w : kWords) {
    if (w.word == key) return &w;
  }
  return nullptr;
}

// ARQ and REL say only that the link is reliable; LAPM, MNP and NONE name what it is.
bool IsGenericErrorControl(std::string_view ec) { return ec == "ARQ" || ec == "REL"; }

std::string& FieldOf(ConnectInfo& c, Field f) {
  switch (f) {
    case Field::Modulation:
      return c.modulation;
    case Field::ErrorControl:
      return c.error_control;
    case Field::Compression:
      break;
  }
  return c.compression;
}

void SetErrorControl(ConnectInfo& c, std::string_view value) {
  if (c.error_control.empty() || !IsGenericErrorControl(value)) c.error_control = value;
}

// A rate of 1-7 digits, not zero.
std::optional<std::uint32_t> Rate(std::string_view digits) {
  if (digits.empty() || digits.size() > 7) return std::nullopt;
  std::uint32_t rate = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), rate);
  if (ec != std::errc() || end != digits.data() + digits.size() || rate == 0) return std::nullopt;
  return rate;
}

std::string_view LeadingDigits(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && IsDigit(s[n])) ++n;
  return s.substr(0, n);
}

// The suffix's words: separated by '/', blanks or commas.
template <typename F>
void ForEachToken(std::string_view s, F&& f) {
  auto separator = [](char c) { return c == '/' || c == ',' || IsBlank(c); };
  while (!s.empty()) {
    while (!s.empty() && separator(s.front())) s.remove_prefix(1);
    std::size_t n = 0;
    while (n < s.size() && !separator(s[n])) ++n;
    if (n > 0) f(s.substr(0, n));
    s.remove_prefix(n);
  }
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

// The value of a report "NAME: value" (or "CARRIER value"), trimmed; nullopt for another.
std::optional<std::string_view> ReportValue(std::string_view line, std::string_view name) {
  if (!StartsWithIgnoreCase(line, name)) return std::nullopt;
  return Trim(line.substr(name.size()));
}

// A report's value in the field it reports, if it is a word of that field. +ER's and
// PROTOCOL's ALT is MNP; +DR's and COMPRESSION's ALT is MNP 5.
void TakeReportWord(ConnectInfo& c, std::string_view value, Field field) {
  std::string_view first = value;
  const std::size_t end = first.find_first_of(" \t,/");
  if (end != std::string_view::npos) first = first.substr(0, end);
  const std::string key = Normalise(first);
  if (key == "ALT" || key == "ALT-CELLULAR") {
    if (field == Field::ErrorControl) c.error_control = "MNP";
    if (field == Field::Compression) c.compression = "MNP5";
    return;
  }
  if (key == "NONE") {
    if (field == Field::Modulation) return;
    FieldOf(c, field) = "NONE";
    return;
  }
  const Word* w = Lookup(first);
  if (w == nullptr || w->field != field) return;
  if (field == Field::ErrorControl) {
    SetErrorControl(c, w->canonical);
  } else {
    FieldOf(c, field) = w->canonical;
  }
}

struct Report {
  std::string_view name;
  Field field;
};
constexpr std::array<Report, 5> kReports{{
    {"+MCR:", Field::Modulation},
    {"+ER:", Field::ErrorControl},
    {"+DR:", Field::Compression},
    {"PROTOCOL:", Field::ErrorControl},
    {"COMPRESSION:", Field::Compression},
}};

}  // namespace

ConnectInfo ParseConnectInfo(const Result& final, std::span<const std::string> info) {
  ConnectInfo c;
  if (final.code != ResultCode::Connect) return c;
  if (final.rate && *final.rate > 0) c.rate = final.rate;
  ForEachToken(final.suffix, [&c](std::string_view token) {
    const Word* w = Lookup(token);
    if (w == nullptr) return;  // a vendor's word, or noise
    if (w->field == Field::ErrorControl) {
      SetErrorControl(c, w->canonical);
    } else if (FieldOf(c, w->field).empty()) {
      FieldOf(c, w->field) = w->canonical;
    }
  });
  std::optional<std::uint32_t> carrier_rate;
  for (const std::string& raw : info) {
    const std::string_view line = Trim(raw);
    if (auto rate = ReportValue(line, "+MRR:")) {
      if (auto r = Rate(LeadingDigits(*rate))) carrier_rate = r;
      continue;
    }
    bool taken = false;
    for (const auto& [name, field] : kReports) {
      if (auto value = ReportValue(line, name)) {
        TakeReportWord(c, *value, field);
        taken = true;
        break;
      }
    }
    if (taken || line.size() <= 8 || !StartsWithIgnoreCase(line, "CARRIER") || !IsBlank(line[7])) {
      continue;
    }
    const std::string_view value = Trim(line.substr(8));
    if (auto r = Rate(LeadingDigits(value))) carrier_rate = r;
    // "CARRIER 33600/V34" on some Lucent firmware
    ForEachToken(value.substr(LeadingDigits(value).size()), [&c](std::string_view token) {
      const Word* w = Lookup(token);
      if (w != nullptr && w->field == Field::Modulation) c.modulation = w->canonical;
    });
  }
  if (carrier_rate) c.rate = carrier_rate;
  return c;
}

std::string ProtocolText(const ConnectInfo& c) {
  std::string out;
  for (const std::string* part : {&c.modulation, &c.error_control, &c.compression}) {
    if (part->empty()) continue;
    if (!out.empty()) out += '/';
    out += *part;
  }
  return out;
}

}  // namespace dialsoak::at
