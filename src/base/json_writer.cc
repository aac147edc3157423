#include "base/json_writer.h"

#include <cmath>
#include <cstdio>

#include "base/text.h"

namespace rootlock {

void JsonWriter::Newline() {
  if (!pretty_) return;
  *out_ += '\n';
  out_->append(counts_.size() * 2, ' ');
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
  AppendEscaped(out_, key);
  *out_ += pretty_ ? ": " : ":";
  after_key_ = true;
}

void JsonWriter::String(std::string_view s) {
  BeforeValue();
  AppendEscaped(out_, s);
}

void JsonWriter::Int(int64_t v) {
  BeforeValue();
  *out_ += std::to_string(v);
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
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(s, i);
      if (n == 0) {
        *out += "\xEF\xBF\xBD";
        ++i;
      } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
        // A C1 control (U+0080-U+009F): valid JSON raw, but a terminal showing
        // the file may obey it (0x9B is CSI), so escaped like C0.
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(s[i + 1]));
        *out += buf;
        i += n;
      } else {
        out->append(s.substr(i, n));
        i += n;
      }
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
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          *out += buf;
        } else {
          *out += static_cast<char>(c);
        }
    }
    ++i;
  }
  *out += '"';
}

}  // namespace rootlock
