#include "base/json_writer.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "base/text.h"

namespace rootlock {

namespace {

// The bytes a JSON string holds as they are: printable ASCII but for '"' and '\\'.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x7f; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();

// Whether the 8 bytes at `p` are all plain, a word at a time: none is below 0x20,
// '"', '\\', DEL or above it (the classic "has a zero byte" tests, each exact).
bool AllPlain8(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101u, kHigh = 0x8080808080808080u;
  uint64_t x;
  std::memcpy(&x, p, sizeof x);
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  uint64_t below_space = (x - kOnes * 0x20) & ~x & kHigh;
  uint64_t special =
      has_zero(x ^ (kOnes * '"')) | has_zero(x ^ (kOnes * '\\')) | has_zero(x ^ (kOnes * 0x7f));
  return ((x & kHigh) | below_space | special) == 0;
}

}  // namespace

void JsonWriter::Newline() {
  if (!pretty_) return;
  // A newline and the indent in one append, as deep as reports go; deeper, two.
  static constexpr std::string_view kIndent =
      "\n                                                                ";
  size_t indent = counts_.size() * 2;
  if (indent < kIndent.size()) {
    out_->append(kIndent.data(), indent + 1);
  } else {
    *out_ += '\n';
    out_->append(indent, ' ');
  }
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!counts_.empty()) {
    if (counts_.back()++ > 0) *out_ += ',';
    Newline();
  }
}

void JsonWriter::BeginObject() {
  BeforeValue();
  *out_ += '{';
  counts_.push_back(0);
}

void JsonWriter::EndObject() {
  bool empty = counts_.back() == 0;
  counts_.pop_back();
  if (!empty) Newline();
  *out_ += '}';
  if (sink_ && out_->size() >= (64u << 10)) Flush();
}

bool JsonWriter::Flush() {
  if (!sink_) return true;
  if (!out_->empty() && std::fwrite(out_->data(), 1, out_->size(), sink_) != out_->size()) {
    sink_failed_ = true;
  }
  out_->clear();
  return !sink_failed_;
}

void JsonWriter::BeginArray() {
  BeforeValue();
  *out_ += '[';
  counts_.push_back(0);
}

void JsonWriter::EndArray() {
  bool empty = counts_.back() == 0;
  counts_.pop_back();
  if (!empty) Newline();
  *out_ += ']';
}

void JsonWriter::Key(std::string_view key) {
  BeforeValue();
  // Keys are mostly short literals that need no escaping: one append for
  // quotes, key and colon.
  if (key.size() <= 32 && std::all_of(key.begin(), key.end(), [](char c) {
        return kPlain[static_cast<unsigned char>(c)];
      })) {
    char buf[40];
    size_t n = 0;
    buf[n++] = '"';
    std::memcpy(buf + n, key.data(), key.size());
    n += key.size();
    buf[n++] = '"';
    buf[n++] = ':';
    if (pretty_) buf[n++] = ' ';
    out_->append(buf, n);
  } else {
    AppendEscaped(out_, key);
    *out_ += pretty_ ? ": " : ":";
  }
  after_key_ = true;
}

void JsonWriter::String(std::string_view s) {
  BeforeValue();
  AppendEscaped(out_, s);
}

void JsonWriter::Int(int64_t v) {
  BeforeValue();
  char buf[24];
  out_->append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void JsonWriter::Number(double v) {
  BeforeValue();
  if (!std::isfinite(v)) {
    *out_ += "null";
    return;
  }
  *out_ += FormatNumber(v);
}

void JsonWriter::Bool(bool v) {
  BeforeValue();
  *out_ += v ? "true" : "false";
}

void JsonWriter::Raw(std::string_view literal) {
  BeforeValue();
  out_->append(literal);
}

void JsonWriter::Null() {
  BeforeValue();
  *out_ += "null";
}

void JsonWriter::AppendEscaped(std::string* out, std::string_view s) {
  *out += '"';
  // Bytes that stand for themselves are copied a run at a time: a report is
  // mostly such bytes, and one append per run, not per byte, is what keeps a
  // report of every rule's findings cheap (issue 15).
  size_t run = 0;  // where the bytes not yet copied start
  for (size_t i = 0; i < s.size();) {
    while (i + 8 <= s.size() && AllPlain8(s.data() + i)) i += 8;
    if (i == s.size()) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (kPlain[c]) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(s, i);
      if (n != 0 && !(n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) <= 0x9F)) {
        i += n;  // valid UTF-8 other than a C1 control: copied as it is
        continue;
      }
    }
    out->append(s.data() + run, i - run);
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(s, i);
      if (n == 0) {
        *out += "\xEF\xBF\xBD";
        ++i;
      } else {
        // A C1 control (U+0080-U+009F): valid JSON raw, but a terminal showing
        // the file may obey it (0x9B is CSI), so escaped like C0.
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(s[i + 1]));
        *out += buf;
        i += n;
      }
      run = i;
      continue;
    }
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default: {  // the other C0 controls and DEL
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        *out += buf;
      }
    }
    ++i;
    run = i;
  }
  out->append(s.data() + run, s.size() - run);
  *out += '"';
}

}  // namespace rootlock
