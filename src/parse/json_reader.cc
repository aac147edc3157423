// A JSON reader that keeps positions, into the same NodeTree as YAML.
//
// RFC 8259, strict: no comments, no trailing commas, UTF-8 only (validated),
// numbers kept as written. Several values separated by white space are read
// as several documents. Iterative (an explicit stack), so nesting is bounded
// by ParseLimits and never by the C++ call stack.
#include <string>

#include "base/text.h"
#include "parse/position.h"
#include "parse/reader.h"

namespace rootlock {

namespace {

class JsonParser {
 public:
  JsonParser(std::string_view name, std::string_view text, const ParseLimits& limits,
             ParsedSource* out)
      : name_(name), s_(text), limits_(limits), out_(out), tree_(*out->tree) {}

  void Run();

 private:
  // Lines and columns of byte offsets (see MarkTracker).
  Mark MarkAt(size_t pos) { return marks_.At(pos); }
  bool Fail(size_t pos, std::string message) {
    if (out_->has_error) return false;
    Mark m = MarkAt(pos < s_.size() ? pos : s_.size());
    out_->has_error = true;
    out_->error.where = Location{std::string(name_), m.line, m.column, m.offset};
    out_->error.message = "JSON: " + std::move(message);
    return false;
  }
  // White space, and the // and /* */ comments of JSONC (tsconfig, renovate,
  // VS Code settings): accepted so such files are not reported as broken.
  void SkipSpace() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        ++pos_;
      } else if (c == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '/') {
        size_t eol = s_.find('\n', pos_);
        pos_ = eol == std::string_view::npos ? s_.size() : eol;
      } else if (c == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '*') {
        size_t close = s_.find("*/", pos_ + 2);
        if (close == std::string_view::npos) {
          Fail(pos_, "comment is never closed");
          pos_ = s_.size();
          return;
        }
        pos_ = close + 2;
      } else {
        break;
      }
    }
  }
  std::string Describe(size_t pos) const {
    if (pos >= s_.size()) return "end of input";
    unsigned char c = static_cast<unsigned char>(s_[pos]);
    if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
    char buf[16];
    std::snprintf(buf, sizeof buf, "byte 0x%02x", c);
    return buf;
  }
  bool ParseValue(Node** result);
  bool ParseString(std::string* out);
  bool ParseLiteral(Node* n);
  bool AppendUtf8(size_t at, std::string* out);

  std::string_view name_;
  std::string_view s_;
  const ParseLimits& limits_;
  ParsedSource* out_;
  NodeTree& tree_;
  size_t pos_ = 0;
  MarkTracker marks_{s_};
  std::string buf_;
  // The children of every open collection, innermost last: a collection's list
  // is copied into the tree once, when it closes, rather than grown there.
  ChildStack children_;
};

// Copies one UTF-8 sequence starting at s_[at] into out after validating it.
bool JsonParser::AppendUtf8(size_t at, std::string* out) {
  size_t n = Utf8SequenceLength(s_, at);
  if (n == 0) return Fail(at, "invalid UTF-8 sequence in string");
  out->append(s_.substr(at, n));
  pos_ = at + n;
  return true;
}

bool JsonParser::ParseString(std::string* out) {
  // s_[pos_] == '"'
  size_t open = pos_++;
  out->clear();
  while (true) {
    // Fast path: copy a run of plain ASCII bytes at once.
    size_t run = pos_;
    while (run < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[run]);
      if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
      ++run;
    }
    out->append(s_.substr(pos_, run - pos_));
    pos_ = run;
    if (pos_ >= s_.size()) return Fail(open, "string is never closed");
    unsigned char c = static_cast<unsigned char>(s_[pos_]);
    if (c == '"') {
      ++pos_;
      return true;
    }
    if (c >= 0x80) {
      if (!AppendUtf8(pos_, out)) return false;
      continue;
    }
    if (c < 0x20) {
      return Fail(pos_, c == '\n' ? "string is never closed on its line"
                                  : "control character in string (escape it)");
    }
    // Escape.
    if (pos_ + 1 >= s_.size()) return Fail(open, "string is never closed");
    char e = s_[pos_ + 1];
    switch (e) {
      case '"':
      case '\\':
      case '/':
        *out += e;
        pos_ += 2;
        break;
      case 'b':
        *out += '\b', pos_ += 2;
        break;
      case 'f':
        *out += '\f', pos_ += 2;
        break;
      case 'n':
        *out += '\n', pos_ += 2;
        break;
      case 'r':
        *out += '\r', pos_ += 2;
        break;
      case 't':
        *out += '\t', pos_ += 2;
        break;
      case 'u': {
        auto hex4 = [&](size_t at, uint32_t* v) {
          if (at + 4 > s_.size()) return false;
          *v = 0;
          for (size_t k = 0; k < 4; ++k) {
            char h = s_[at + k];
            *v <<= 4;
            if (h >= '0' && h <= '9') {
              *v |= h - '0';
            } else if (h >= 'a' && h <= 'f') {
              *v |= h - 'a' + 10;
            } else if (h >= 'A' && h <= 'F') {
              *v |= h - 'A' + 10;
            } else {
              return false;
            }
          }
          return true;
        };
        uint32_t cp;
        if (!hex4(pos_ + 2, &cp)) return Fail(pos_, "\\u must be followed by four hex digits");
        size_t next = pos_ + 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t lo;
          if (next + 1 < s_.size() && s_[next] == '\\' && s_[next + 1] == 'u' &&
              hex4(next + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            next += 6;
          } else {
            cp = 0xFFFD;  // a lone surrogate cannot be UTF-8; keep going
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          cp = 0xFFFD;
        }
        if (cp < 0x80) {
          *out += static_cast<char>(cp);
        } else if (cp < 0x800) {
          *out += static_cast<char>(0xC0 | (cp >> 6));
          *out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
          *out += static_cast<char>(0xE0 | (cp >> 12));
          *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
          *out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
          *out += static_cast<char>(0xF0 | (cp >> 18));
          *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
          *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
          *out += static_cast<char>(0x80 | (cp & 0x3F));
        }
        pos_ = next;
        break;
      }
      default:
        return Fail(pos_, "unknown escape \\" + std::string(1, e) + " in string");
    }
  }
}

// true, false, null and numbers: kept as plain scalars, as YAML would read them.
bool JsonParser::ParseLiteral(Node* n) {
  size_t begin = pos_;
  char c = s_[pos_];
  if (c == 't' || c == 'f' || c == 'n') {
    std::string_view word = c == 't' ? "true" : c == 'f' ? "false" : "null";
    if (s_.substr(pos_, word.size()) != word) return Fail(pos_, "unexpected " + Describe(pos_));
    pos_ += word.size();
  } else {
    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    auto digits = [&]() {
      size_t from = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      return pos_ > from;
    };
    if (s_[pos_] == '-') ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '0') {
      ++pos_;
    } else if (!digits()) {
      return Fail(begin, "unexpected " + Describe(begin) + ", expected a value");
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!digits()) return Fail(pos_, "a number needs digits after '.'");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!digits()) return Fail(pos_, "a number needs digits in its exponent");
    }
  }
  if (pos_ < s_.size()) {
    char d = s_[pos_];
    bool ok = d == ' ' || d == '\n' || d == '\r' || d == '\t' || d == ',' || d == ']' || d == '}';
    if (!ok) return Fail(pos_, "unexpected " + Describe(pos_) + " after a value");
  }
  n->type = NodeType::kScalar;
  n->scalar_style = ScalarStyle::kPlain;
  n->start = MarkAt(begin);
  n->end = MarkAt(pos_);
  tree_.SetValue(n, s_.substr(begin, pos_ - begin));
  return true;
}

// Parses one value at pos_ (white space already skipped), iteratively.
bool JsonParser::ParseValue(Node** result) {
  struct Open {
    Node* node;
    bool expecting_key;  // mapping: the next thing is a key (or '}')
    size_t first;        // where its children start in `children_`
  };
  std::vector<Open> stack;
  Node* finished = nullptr;
  while (true) {
    SkipSpace();
    if (out_->has_error) return false;
    if (pos_ >= s_.size()) {
      return Fail(pos_, stack.empty()
                            ? "expected a value, found end of input"
                            : "input ends inside an unclosed " +
                                  std::string(stack.back().node->IsMapping() ? "object" : "array"));
    }
    char c = s_[pos_];
    Node* value = nullptr;
    if (!stack.empty() && stack.back().node->IsMapping() && stack.back().expecting_key) {
      Open& top = stack.back();
      if (c != '"') {
        return Fail(pos_, "expected a string key, found " + Describe(pos_));
      } else {
        Node* key = tree_.NewNode();
        key->start = MarkAt(pos_);
        if (!ParseString(&buf_)) return false;
        key->type = NodeType::kScalar;
        key->scalar_style = ScalarStyle::kDoubleQuoted;
        key->end = MarkAt(pos_);
        tree_.SetValue(key, buf_);
        SkipSpace();
        if (pos_ >= s_.size() || s_[pos_] != ':') {
          return Fail(pos_, "expected ':' after the key, found " + Describe(pos_));
        }
        ++pos_;
        children_.push_back(key);
        top.expecting_key = false;
        continue;
      }
    }
    if (c == '{' || c == '[') {
      if (stack.size() >= limits_.max_depth) {
        return Fail(pos_, "nested deeper than " + std::to_string(limits_.max_depth) + " levels");
      }
      Node* n = tree_.NewNode();
      n->type = c == '{' ? NodeType::kMapping : NodeType::kSequence;
      n->collection_style = CollectionStyle::kFlow;
      n->start = MarkAt(pos_);
      ++pos_;
      stack.push_back(Open{n, c == '{', children_.size()});
      SkipSpace();
      if (pos_ < s_.size() && s_[pos_] == (c == '{' ? '}' : ']')) {
        ++pos_;
        n->end = MarkAt(pos_);
        stack.pop_back();
        value = n;
      } else {
        continue;
      }
    } else if (c == '"') {
      Node* n = tree_.NewNode();
      n->start = MarkAt(pos_);
      if (!ParseString(&buf_)) return false;
      n->type = NodeType::kScalar;
      n->scalar_style = ScalarStyle::kDoubleQuoted;
      n->end = MarkAt(pos_);
      tree_.SetValue(n, buf_);
      value = n;
    } else if (c == '}' || c == ']' || c == ',' || c == ':') {
      return Fail(pos_, "unexpected " + Describe(pos_) + ", expected a value");
    } else {
      Node* n = tree_.NewNode();
      if (!ParseLiteral(n)) return false;
      value = n;
    }
    // A value is complete: attach it, then consume separators and closers.
    while (true) {
      if (stack.empty()) {
        finished = value;
        *result = finished;
        return true;
      }
      Open& top = stack.back();
      children_.push_back(value);
      SkipSpace();
      if (pos_ >= s_.size()) {
        return Fail(pos_, std::string("input ends inside an unclosed ") +
                              (top.node->IsMapping() ? "object" : "array"));
      }
      char d = s_[pos_];
      char close = top.node->IsMapping() ? '}' : ']';
      if (d == ',') {
        ++pos_;
        if (top.node->IsMapping()) top.expecting_key = true;
        SkipSpace();
        if (pos_ < s_.size() && (s_[pos_] == '}' || s_[pos_] == ']')) {
          return Fail(pos_, "trailing comma before " + Describe(pos_));
        }
        break;  // next value
      }
      if (d == close) {
        ++pos_;
        top.node->end = MarkAt(pos_);
        tree_.TakeChildren(top.node, &children_, top.first);
        value = top.node;
        stack.pop_back();
        continue;  // the collection itself is now a finished value
      }
      return Fail(pos_, std::string("expected ',' or '") + close + "', found " + Describe(pos_));
    }
  }
}

void JsonParser::Run() {
  if (s_.size() >= 3 && s_.substr(0, 3) == "\xEF\xBB\xBF") {
    pos_ = 3;
    marks_ = MarkTracker(s_, 3);  // a byte-order mark is not column 1
  }
  uint32_t index = 0;
  while (true) {
    SkipSpace();
    if (out_->has_error) return;
    if (pos_ >= s_.size()) break;
    Node* root = nullptr;
    if (!ParseValue(&root)) return;
    out_->documents.push_back(Document{root, index++});
  }
}

}  // namespace

ParsedSource ReadJson(std::string_view name, std::string_view text, const ParseLimits& limits) {
  ParsedSource out;
  out.format = InputFormat::kJson;
  if (!FitsInTree(name, text, &out)) return out;
  JsonParser(name, text, limits, &out).Run();
  return out;
}

}  // namespace rootlock
