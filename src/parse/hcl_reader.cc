// An HCL2 reader that keeps positions, into the same NodeTree as YAML and JSON.
//
// The native syntax Terraform files use: bodies of attributes and blocks,
// and expressions. Only what a scanner needs is modelled (strings, heredocs,
// literals, tuples, objects, function calls); any other expression is kept as
// its source text, tagged "!expr", once its extent is known. Finding that
// extent means parsing the whole grammar: operators, conditionals, for
// expressions, splats, indexes and templates nested inside strings.
//
// Input must be UTF-8 (validated first). The parser recurses once per nesting
// level, always through Enter(), which bounds the depth by ParseLimits (and by
// kMaxHclDepth); operator chains, unary operators and "else" branches are
// loops, so they cost no depth. Every read goes through a bounds check.
#include "parse/hcl_reader.h"

#include "parse/position.h"

#include "base/text.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

namespace rootlock {

namespace {

constexpr std::string_view kExprTag = "!expr";
constexpr std::string_view kExpandTag = "!expand";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Heredocs have no backslash escapes; only $${ and %%{ stand for ${ and %{.
std::string DecodeTemplateEscapes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    out += c;
    if ((c == '$' || c == '%') && i + 2 < text.size() && text[i + 1] == c && text[i + 2] == '{') {
      ++i;  // drop the doubled sign; the '{' is copied next
    }
  }
  return out;
}

// <<-EOT: removes the indentation every non-blank line shares (spaces and
// tabs count one column each). Blank lines lose what they have of it.
std::string StripCommonIndent(std::string_view body) {
  size_t common = std::string_view::npos;
  for (size_t p = 0; p < body.size();) {
    size_t eol = body.find('\n', p);
    if (eol == std::string_view::npos) eol = body.size();
    size_t k = p;
    while (k < eol && (body[k] == ' ' || body[k] == '\t')) ++k;
    if (k < eol && !(k + 1 == eol && body[k] == '\r')) common = std::min(common, k - p);
    p = eol + 1;
  }
  if (common == std::string_view::npos) common = 0;
  std::string out;
  out.reserve(body.size());
  for (size_t p = 0; p < body.size();) {
    size_t eol = body.find('\n', p);
    size_t next = eol == std::string_view::npos ? body.size() : eol + 1;
    size_t k = p;
    while (k < next && k - p < common && (body[k] == ' ' || body[k] == '\t')) ++k;
    out.append(body.substr(k, next - k));
    p = next;
  }
  return out;
}

// What a key of a body (or of a mapping made for block labels) holds, which
// decides what a later attribute or block of the same name may do.
enum class Slot : uint8_t {
  kAttribute,  // name = value
  kBody,       // the body of a labelled block, under its last label
  kLabels,     // a mapping keyed by the next label of labelled blocks
  kBlockList,  // the sequence of an unlabelled block's bodies
  kLocals,     // the one mapping every top-level locals block adds to
};

struct Entry {
  Node* value;
  Slot slot;
  uint32_t line;
};

class HclParser {
 public:
  HclParser(std::string_view name, std::string_view text, const ParseLimits& limits,
            ParsedSource* out)
      : name_(name),
        s_(text),
        max_depth_(std::min(limits.max_depth, kMaxHclDepth)),
        out_(out),
        tree_(*out->tree) {}

  void Run();

 private:
  // The byte at p, or '\0' past the end (callers never take '\0' for the end).
  char At(size_t p) const { return p < s_.size() ? s_[p] : '\0'; }
  bool AtEnd() const { return pos_ >= s_.size(); }
  bool LookingAt(std::string_view word) const {
    return pos_ <= s_.size() && s_.size() - pos_ >= word.size() &&
           s_.compare(pos_, word.size(), word) == 0;
  }

  // Lines and columns of byte offsets (see MarkTracker).
  Mark MarkAt(size_t pos) { return marks_.At(pos); }
  // Errors are built out of line, so that the functions that recurse keep
  // small stack frames (no string temporaries in them).
  [[gnu::noinline]] bool Fail(size_t pos, std::string_view message);
  // "expected <expected><name><suffix>, found <what is at pos>".
  [[gnu::noinline]] bool FailFound(size_t pos, std::string_view expected,
                                   std::string_view name = {}, std::string_view suffix = {});
  // "unclosed '<bracket>' (opened at line N)", at the current position.
  [[gnu::noinline]] bool FailUnclosed(std::string_view bracket, size_t open);
  // `name` is being defined again, as an attribute or as a block.
  [[gnu::noinline]] bool FailRedefined(size_t pos, std::string_view name, const Entry& earlier,
                                       bool block);
  [[gnu::noinline]] bool FailTooDeep(size_t at);
  std::string Describe(size_t pos) const;
  bool Enter(size_t at) {
    if (depth_ >= max_depth_) return FailTooDeep(at);
    ++depth_;
    return true;
  }
  void Leave() { --depth_; }

  bool SkipSpace(bool newlines);
  size_t IdentCharLen(size_t p, bool first) const;
  void ReadIdent() {
    for (size_t n = IdentCharLen(pos_, true); n > 0; n = IdentCharLen(pos_, false)) pos_ += n;
  }
  bool IsIdentStart(size_t p) const { return IdentCharLen(p, true) > 0; }
  bool LookingAtKeyword(std::string_view word) const {
    return LookingAt(word) && IdentCharLen(pos_ + word.size(), false) == 0;
  }
  // '=' (not "==" or "=>") or ':' after an object key.
  bool LookingAtKeySeparator() const {
    char c = At(pos_), d = At(pos_ + 1);
    return !AtEnd() && ((c == '=' && d != '=' && d != '>') || c == ':');
  }
  size_t BinaryOperatorAt(size_t p) const;

  // A scalar; its text is kept only when something may keep the node.
  Node* NewScalar(Mark start, Mark end, std::string_view value, ScalarStyle style) {
    Node* n = tree_.NewNode();
    n->type = NodeType::kScalar;
    n->scalar_style = style;
    n->start = start;
    n->end = end;
    if (discard_ == 0) tree_.SetValue(n, value);
    return n;
  }
  // A scalar tagged "!expr" for the source text from start to end, which it
  // gets in FillExprText() if the tree keeps it.
  Node* NewExpr(Mark start, Mark end) {
    Node* n = NewScalar(start, end, {}, ScalarStyle::kPlain);
    tree_.SetTag(n, kExprTag);
    return n;
  }
  void FillExprText(const Node* root);
  Node* NewCollection(NodeType type, CollectionStyle style, Mark start) {
    Node* n = tree_.NewNode();
    n->type = type;
    n->collection_style = style;
    n->start = start;
    return n;
  }
  [[gnu::noinline]] Entry* Find(const Node* map, std::string_view key) {
    auto& keys = index_[map];
    auto it = keys.find(key);
    return it == keys.end() ? nullptr : &it->second;
  }
  [[gnu::noinline]] void AddEntry(Node* map, Node* key, Node* value, Slot slot) {
    std::vector<const Node*>& items = body_items_[map];
    items.push_back(key);
    items.push_back(value);
    index_[map].insert_or_assign(key->value(), Entry{value, slot, key->start.line});
  }

  bool ParseBody(Node* body, bool nested, size_t open);
  struct Label {
    Mark start, end;
    std::string_view text;
    ScalarStyle style;
  };
  // The functions below that recurse are kept out of line from one another,
  // so that each level of nesting costs only the frames it needs.
  [[gnu::noinline]] bool ParseBlock(Node* body, bool nested, std::string_view name, Mark key_start,
                                    Mark key_end);
  [[gnu::noinline]] bool ReadLabels(std::vector<Label>* labels);
  [[gnu::noinline]] bool PlaceBlock(Node* body, bool nested, std::string_view name, Mark key_start,
                                    Mark key_end, const std::vector<Label>& labels, Mark body_start,
                                    Node** target, std::vector<Node*>* spans);
  bool EndItem(bool nested, bool block, std::string_view name);

  bool ParseExpr(bool newlines, Node** out);
  bool ParseOperand(bool newlines, Node** out);
  bool ParseTerm(bool newlines, Node** out);
  [[gnu::noinline]] bool ParseNumber(Node** out);
  [[gnu::noinline]] bool ParseName(bool newlines, Node** out);
  [[gnu::noinline]] bool ParsePostfix(bool newlines, bool* found);
  [[gnu::noinline]] bool ParseQuotedTerm(Node** out);
  bool ParseQuoted(std::string* value);
  [[gnu::noinline]] bool DecodeEscape(size_t open, std::string* value);
  [[gnu::noinline]] bool SkipTemplateSequence();
  [[gnu::noinline]] bool ParseHeredoc(Node** out);
  [[gnu::noinline]] bool ParseTuple(Node** out);
  [[gnu::noinline]] bool ParseObject(Node** out);
  [[gnu::noinline]] bool ParseCall(std::string_view name, Mark start, Node** out);
  [[gnu::noinline]] std::string_view CallTag(std::string_view name);
  [[gnu::noinline]] bool SkipParens();
  [[gnu::noinline]] bool SkipForBody(char close, size_t open);
  bool SkipForHeader();

  std::string_view name_;
  std::string_view s_;
  uint32_t max_depth_;
  ParsedSource* out_;
  NodeTree& tree_;
  size_t pos_ = 0;
  MarkTracker marks_{s_};
  uint32_t depth_ = 0;
  // Above 0 while reading what is only checked and skipped (the inside of
  // parentheses, indexes, templates, operands...): no text is kept there.
  uint32_t discard_ = 0;
  // Keys of every body and label mapping, for redefinitions and merging.
  std::unordered_map<const Node*, std::unordered_map<std::string_view, Entry>> index_;
  std::unordered_map<std::string_view, std::string_view> call_tags_;
  // The items of block bodies and block lists, which later blocks may add to
  // until the file ends (SetBodyItems() moves them into the tree).
  std::unordered_map<Node*, std::vector<const Node*>> body_items_;
  // The items of the tuples, objects and calls being read, innermost last.
  ChildStack children_;
};

std::string HclParser::Describe(size_t pos) const {
  if (pos >= s_.size()) return "end of input";
  unsigned char c = static_cast<unsigned char>(s_[pos]);
  if (c == '\n') return "a newline";
  if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  if (c >= 0xC0) {  // input is valid UTF-8: show the whole character
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    return "'" + std::string(s_.substr(pos, n)) + "'";
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "byte 0x%02x", c);
  return buf;
}

bool HclParser::Fail(size_t pos, std::string_view message) {
  if (out_->has_error) return false;
  Mark m = MarkAt(pos < s_.size() ? pos : s_.size());
  out_->has_error = true;
  out_->error.where = Location{std::string(name_), m.line, m.column, m.offset};
  out_->error.message = "HCL: " + std::string(message);
  return false;
}

bool HclParser::FailFound(size_t pos, std::string_view expected, std::string_view name,
                          std::string_view suffix) {
  std::string message = "expected ";
  message.append(expected).append(name).append(suffix);
  return Fail(pos, message + ", found " + Describe(pos));
}

bool HclParser::FailUnclosed(std::string_view bracket, size_t open) {
  std::string message = "unclosed '" + std::string(bracket) + "' (opened at line ";
  return Fail(pos_, message + std::to_string(MarkAt(open).line) + ")");
}

bool HclParser::FailRedefined(size_t pos, std::string_view name, const Entry& earlier, bool block) {
  std::string quoted = "\"" + std::string(name) + "\"";
  std::string at = " at line " + std::to_string(earlier.line);
  if (earlier.slot == Slot::kAttribute) {
    return Fail(pos, block ? quoted + " is already an attribute" + at
                           : "attribute " + quoted + " is already defined" + at);
  }
  return Fail(pos, block ? "block " + quoted + " has a different number of labels than" + at
                         : quoted + " is already a block" + at);
}

bool HclParser::FailTooDeep(size_t at) {
  return Fail(at, "nested deeper than " + std::to_string(max_depth_) + " levels");
}

// Skips blanks and comments (#, //, /* */); newlines too when asked, else
// stops at one. Fails only on a block comment that is never closed.
bool HclParser::SkipSpace(bool newlines) {
  while (pos_ < s_.size()) {
    char c = s_[pos_];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++pos_;
    } else if (c == '\n') {
      if (!newlines) return true;
      ++pos_;
    } else if (c == '#' || (c == '/' && At(pos_ + 1) == '/')) {
      size_t eol = s_.find('\n', pos_);
      pos_ = eol == std::string_view::npos ? s_.size() : eol;
    } else if (c == '/' && At(pos_ + 1) == '*') {
      size_t close = s_.find("*/", pos_ + 2);
      if (close == std::string_view::npos) return Fail(pos_, "comment is never closed");
      pos_ = close + 2;
    } else {
      return true;
    }
  }
  return true;
}

// Bytes in the identifier character at p, 0 when there is none. Letters, '_',
// and (not first) digits and '-'; any other character beyond ASCII except
// Latin-1 signs, general and CJK punctuation and BOMs, so that a pasted
// "smart quote" is an error rather than part of a name.
size_t HclParser::IdentCharLen(size_t p, bool first) const {
  if (p >= s_.size()) return 0;
  unsigned char c = static_cast<unsigned char>(s_[p]);
  if (c < 0x80) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (!first && (IsDigit(static_cast<char>(c)) || c == '-'));
    return ok ? 1 : 0;
  }
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  if (c < 0xC0 || s_.size() - p < n) return 0;
  uint32_t cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s_[p + k]) & 0x3F);
  if (cp <= 0xBF || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
      cp == 0xFEFF) {
    return 0;
  }
  return n;
}

// Length of the binary operator at p (==, !=, <=, >=, &&, ||, <, >, +, -, *,
// /, %), 0 when there is none. Comments are skipped before this is asked.
size_t HclParser::BinaryOperatorAt(size_t p) const {
  if (p >= s_.size()) return 0;
  char c = s_[p], d = At(p + 1);
  if ((c == '=' || c == '!' || c == '<' || c == '>') && d == '=') return 2;
  if ((c == '&' && d == '&') || (c == '|' && d == '|')) return 2;
  if (c == '<' && d == '<') return 0;  // a heredoc where an operator should be
  if (c == '<' || c == '>' || c == '+' || c == '-' || c == '*' || c == '/' || c == '%') return 1;
  return 0;
}

// Reads the items of a body up to its closing '}' (nested) or the end of input.
bool HclParser::ParseBody(Node* body, bool nested, size_t open) {
  while (true) {
    if (!SkipSpace(true)) return false;
    if (AtEnd()) {
      if (nested) return FailUnclosed("{", open);
      return true;
    }
    if (s_[pos_] == '}') {
      if (!nested) return Fail(pos_, "unexpected '}': no block is open");
      ++pos_;
      return true;
    }
    if (!IsIdentStart(pos_)) {
      return FailFound(pos_, "an attribute or a block");
    }
    size_t name_begin = pos_;
    Mark key_start = MarkAt(pos_);
    ReadIdent();
    std::string_view name = s_.substr(name_begin, pos_ - name_begin);
    Mark key_end = MarkAt(pos_);
    if (!SkipSpace(false)) return false;
    bool block = !(At(pos_) == '=' && At(pos_ + 1) != '=');
    if (!block) {
      if (const Entry* e = Find(body, name)) return FailRedefined(name_begin, name, *e, false);
      ++pos_;
      if (!SkipSpace(false)) return false;
      Node* value = nullptr;
      if (!ParseExpr(false, &value)) return false;
      AddEntry(body, NewScalar(key_start, key_end, name, ScalarStyle::kPlain), value,
               Slot::kAttribute);
    } else if (!ParseBlock(body, nested, name, key_start, key_end)) {
      return false;
    }
    if (!EndItem(nested, block, name)) return false;
  }
}

// After an attribute or a block: a newline, the end of input, or the '}' of
// the enclosing one-line block.
bool HclParser::EndItem(bool nested, bool block, std::string_view name) {
  if (!SkipSpace(false)) return false;
  if (AtEnd()) return true;
  if (s_[pos_] == '\n') {
    ++pos_;
    return true;
  }
  if (nested && s_[pos_] == '}') return true;
  return FailFound(pos_, block ? "a newline after the block \"" : "a newline after the value of \"",
                   name, "\"");
}

// The labels and body of a block, placed into `body` as the tree shape says.
bool HclParser::ParseBlock(Node* body, bool nested, std::string_view name, Mark key_start,
                           Mark key_end) {
  std::vector<Label> labels;
  if (!ReadLabels(&labels)) return false;
  if (At(pos_) != '{' || AtEnd()) {
    if (labels.empty()) return FailFound(pos_, "'=' or a block after \"", name, "\"");
    return FailFound(pos_, "'{' to open the block \"", name, "\"");
  }
  size_t open = pos_;
  if (!Enter(open)) return false;
  Mark body_start = MarkAt(open);
  ++pos_;
  Node* target = nullptr;    // the mapping the body's items go into
  std::vector<Node*> spans;  // made-up collections that end where this block ends
  if (!PlaceBlock(body, nested, name, key_start, key_end, labels, body_start, &target, &spans)) {
    return false;
  }
  if (!ParseBody(target, true, open)) return false;
  Leave();
  target->end = MarkAt(pos_);
  for (Node* span : spans) span->end = target->end;
  return true;
}

// Block labels: quoted strings or names, up to what follows them.
bool HclParser::ReadLabels(std::vector<Label>* labels) {
  std::string text;
  while (true) {
    Label label;
    label.start = MarkAt(pos_);
    if (At(pos_) == '"') {
      if (!ParseQuoted(&text)) return false;
      label.text = tree_.Intern(text);
      label.style = ScalarStyle::kDoubleQuoted;
    } else if (IsIdentStart(pos_)) {
      size_t begin = pos_;
      ReadIdent();
      label.text = s_.substr(begin, pos_ - begin);
      label.style = ScalarStyle::kPlain;
    } else {
      return true;
    }
    label.end = MarkAt(pos_);
    labels->push_back(label);
    if (!SkipSpace(false)) return false;
  }
}

// Finds or makes the collections a block goes into and its body mapping.
bool HclParser::PlaceBlock(Node* body, bool nested, std::string_view name, Mark key_start,
                           Mark key_end, const std::vector<Label>& labels, Mark body_start,
                           Node** target, std::vector<Node*>* spans) {
  size_t name_at = static_cast<size_t>(key_start.offset);
  auto conflict = [&](const Entry& e) { return FailRedefined(name_at, name, e, true); };
  Entry* e = Find(body, name);
  if (labels.empty() && !nested && name == "locals") {
    if (!e) {
      *target = NewCollection(NodeType::kMapping, CollectionStyle::kBlock, body_start);
      AddEntry(body, NewScalar(key_start, key_end, name, ScalarStyle::kPlain), *target,
               Slot::kLocals);
    } else if (e->slot != Slot::kLocals) {
      return conflict(*e);
    } else {
      *target = e->value;
    }
  } else if (labels.empty()) {
    Node* list;
    if (!e) {
      list = NewCollection(NodeType::kSequence, CollectionStyle::kBlock, key_start);
      AddEntry(body, NewScalar(key_start, key_end, name, ScalarStyle::kPlain), list,
               Slot::kBlockList);
    } else if (e->slot != Slot::kBlockList) {
      return conflict(*e);
    } else {
      list = e->value;
    }
    *target = NewCollection(NodeType::kMapping, CollectionStyle::kBlock, body_start);
    body_items_[list].push_back(*target);
    spans->push_back(list);
  } else {
    Node* map;
    if (!e) {
      map = NewCollection(NodeType::kMapping, CollectionStyle::kBlock, key_start);
      AddEntry(body, NewScalar(key_start, key_end, name, ScalarStyle::kPlain), map, Slot::kLabels);
    } else if (e->slot != Slot::kLabels) {
      return conflict(*e);
    } else {
      map = e->value;
    }
    spans->push_back(map);
    for (size_t i = 0; i < labels.size(); ++i) {
      const Label& l = labels[i];
      Entry* le = Find(map, l.text);
      if (i + 1 == labels.size()) {
        if (le && le->slot != Slot::kBody) return conflict(*le);
        // A repeated label path adds a second key: both blocks stay visible.
        *target = NewCollection(NodeType::kMapping, CollectionStyle::kBlock, body_start);
        AddEntry(map, NewScalar(l.start, l.end, l.text, l.style), *target, Slot::kBody);
      } else {
        if (!le) {
          Node* next = NewCollection(NodeType::kMapping, CollectionStyle::kBlock, key_start);
          AddEntry(map, NewScalar(l.start, l.end, l.text, l.style), next, Slot::kLabels);
          map = next;
        } else if (le->slot != Slot::kLabels) {
          return conflict(*le);
        } else {
          map = le->value;
        }
        spans->push_back(map);
      }
    }
  }
  return true;
}

// One expression; anything beyond a single modelled term becomes "!expr".
// With no `out`, the expression is only checked and skipped. (On failure the
// counters are left as they are: reading stops at the first error.)
bool HclParser::ParseExpr(bool newlines, Node** out) {
  Node* ignored = nullptr;
  if (!out) {
    out = &ignored;
    ++discard_;
  }
  size_t begin = pos_;
  Mark start = MarkAt(begin);
  Node* node = nullptr;
  if (!ParseOperand(newlines, &node)) return false;
  size_t end = pos_;
  bool raw = node == nullptr;
  while (true) {
    if (!SkipSpace(newlines)) return false;
    if (size_t op = BinaryOperatorAt(pos_); op > 0) {
      pos_ += op;
    } else if (At(pos_) == '?' && !AtEnd()) {
      size_t question = pos_++;
      if (!Enter(question) || !SkipSpace(newlines) || !ParseExpr(newlines, nullptr)) return false;
      Leave();
      if (!SkipSpace(newlines)) return false;
      if (At(pos_) != ':' || AtEnd()) {
        return FailFound(pos_, "':' in a conditional expression");
      }
      ++pos_;
    } else {
      break;
    }
    // The next operand (the "else" branch of a conditional is one too, so a
    // chain of conditionals is a loop, not a recursion).
    if (!SkipSpace(newlines)) return false;
    Node* operand = nullptr;
    ++discard_;
    if (!ParseOperand(newlines, &operand)) return false;
    --discard_;
    end = pos_;
    raw = true;
  }
  pos_ = end;
  if (raw) node = NewExpr(start, MarkAt(end));
  *out = node;
  if (out == &ignored) --discard_;
  return true;
}

// Unary operators, a term, then any index, attribute or splat. *out is the
// term's node when it stands alone and is modelled, else nullptr.
bool HclParser::ParseOperand(bool newlines, Node** out) {
  *out = nullptr;
  size_t begin = pos_;
  Mark start = MarkAt(begin);
  bool unary = false;
  while (!AtEnd() && (s_[pos_] == '-' || s_[pos_] == '!')) {
    ++pos_;
    unary = true;
    if (!SkipSpace(newlines)) return false;
  }
  // -N is a number, as Terraform's JSON syntax would write it.
  bool negative = unary && pos_ == begin + 1 && s_[begin] == '-' && IsDigit(At(pos_));
  Node* term = nullptr;
  if (!ParseTerm(newlines, &term)) return false;
  bool postfix = false;
  if (!ParsePostfix(newlines, &postfix)) return false;
  if (postfix || !term || (unary && !negative)) return true;
  if (negative) {
    term->start = start;
    if (discard_ == 0) tree_.SetValue(term, s_.substr(begin, pos_ - begin));
  }
  *out = term;
  return true;
}

bool HclParser::ParseTerm(bool newlines, Node** out) {
  *out = nullptr;
  if (AtEnd()) return FailFound(pos_, "an expression");
  char c = s_[pos_];
  if (c == '"') return ParseQuotedTerm(out);
  if (c == '<' && At(pos_ + 1) == '<') return ParseHeredoc(out);
  if (c == '[') return ParseTuple(out);
  if (c == '{') return ParseObject(out);
  if (c == '(') return SkipParens();
  if (IsDigit(c)) return ParseNumber(out);
  if (IsIdentStart(pos_)) return ParseName(newlines, out);
  return FailFound(pos_, "an expression");
}

// 12, 1.5, 1e-3: a plain scalar with the text as written.
bool HclParser::ParseNumber(Node** out) {
  size_t begin = pos_;
  Mark start = MarkAt(begin);
  while (IsDigit(At(pos_))) ++pos_;
  if (At(pos_) == '.' && IsDigit(At(pos_ + 1))) {
    ++pos_;
    while (IsDigit(At(pos_))) ++pos_;
  }
  if (At(pos_) == 'e' || At(pos_) == 'E') {
    size_t p = pos_ + 1;
    if (At(p) == '+' || At(p) == '-') ++p;
    if (IsDigit(At(p))) {
      pos_ = p;
      while (IsDigit(At(pos_))) ++pos_;
    }
  }
  *out = NewScalar(start, MarkAt(pos_), s_.substr(begin, pos_ - begin), ScalarStyle::kPlain);
  return true;
}

// A name: true, false, null, a function call, or the root of a reference
// (var.x, local.y, each.value ...), which is left unmodelled (*out nullptr).
bool HclParser::ParseName(bool newlines, Node** out) {
  size_t begin = pos_;
  Mark start = MarkAt(begin);
  ReadIdent();
  while (At(pos_) == ':' && At(pos_ + 1) == ':' && IsIdentStart(pos_ + 2)) {
    pos_ += 2;  // provider::name::function
    ReadIdent();
  }
  std::string_view word = s_.substr(begin, pos_ - begin);
  size_t after = pos_;
  if (!SkipSpace(newlines)) return false;
  if (At(pos_) == '(' && !AtEnd()) return ParseCall(word, start, out);
  pos_ = after;
  if (word.find("::") != std::string_view::npos) {
    return FailFound(pos_, "'(' after the function name \"", word, "\"");
  }
  if (word == "true" || word == "false" || word == "null") {
    *out = NewScalar(start, MarkAt(pos_), word, ScalarStyle::kPlain);
  }
  return true;
}

// .name, .0, .*, [expr] and [*] after a term; sets *found when there was any.
bool HclParser::ParsePostfix(bool newlines, bool* found) {
  while (true) {
    size_t save = pos_;
    if (!SkipSpace(newlines)) return false;
    if (At(pos_) == '.' && !AtEnd()) {
      if (IsIdentStart(pos_ + 1)) {
        ++pos_;
        ReadIdent();
        *found = true;
        continue;
      }
      if (IsDigit(At(pos_ + 1))) {
        ++pos_;
        while (IsDigit(At(pos_))) ++pos_;
        *found = true;
        continue;
      }
      if (At(pos_ + 1) == '*') {
        pos_ += 2;
        *found = true;
        continue;
      }
    } else if (At(pos_) == '[' && !AtEnd()) {
      size_t open = pos_++;
      if (!Enter(open) || !SkipSpace(true)) return false;
      if (At(pos_) == '*' && !AtEnd()) {
        ++pos_;
      } else if (!ParseExpr(true, nullptr)) {
        return false;
      }
      if (!SkipSpace(true)) return false;
      if (AtEnd()) return FailUnclosed("[", open);
      if (s_[pos_] != ']') return FailFound(pos_, "']' after an index");
      ++pos_;
      Leave();
      *found = true;
      continue;
    }
    pos_ = save;
    return true;
  }
}

// A quoted template: escapes decoded, ${...} and %{...} kept as written.
// With no `value`, only checked and skipped.
bool HclParser::ParseQuoted(std::string* value) {
  size_t open = pos_++;
  if (value) value->clear();
  while (true) {
    size_t run = pos_;
    while (run < s_.size()) {
      char c = s_[run];
      if (c == '"' || c == '\\' || c == '\n' || c == '$' || c == '%') break;
      ++run;
    }
    if (value) value->append(s_.substr(pos_, run - pos_));
    pos_ = run;
    if (AtEnd()) return Fail(open, "string is never closed");
    char c = s_[pos_];
    if (c == '"') {
      ++pos_;
      return true;
    }
    if (c == '\n') return Fail(open, "string is never closed on its line");
    if (c == '$' || c == '%') {
      if (At(pos_ + 1) == c && At(pos_ + 2) == '{') {  // $${ and %%{ escape a sequence
        if (value) value->append({c, '{'});
        pos_ += 3;
      } else if (At(pos_ + 1) == '{') {
        size_t from = pos_;
        if (!SkipTemplateSequence()) return false;
        if (value) value->append(s_.substr(from, pos_ - from));
      } else {
        if (value) *value += c;
        ++pos_;
      }
      continue;
    }
    if (!DecodeEscape(open, value)) return false;
  }
}

// The escape at pos_ (a backslash), decoded onto value (when there is one).
bool HclParser::DecodeEscape(size_t open, std::string* value) {
  if (pos_ + 1 >= s_.size()) return Fail(open, "string is never closed");
  char e = s_[pos_ + 1];
  switch (e) {
    case 'n':
      if (value) *value += '\n';
      break;
    case 'r':
      if (value) *value += '\r';
      break;
    case 't':
      if (value) *value += '\t';
      break;
    case '"':
    case '\\':
      if (value) *value += e;
      break;
    case 'u':
    case 'U': {
      size_t digits = e == 'u' ? 4 : 8;
      uint32_t cp = 0;
      bool ok = s_.size() - (pos_ + 2) >= digits && ParseHex(s_.substr(pos_ + 2, digits), &cp);
      if (!ok) {
        return Fail(pos_, std::string("\\") + e + " must be followed by " +
                              (e == 'u' ? "four" : "eight") + " hex digits");
      }
      if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return Fail(pos_, "escape \\" + std::string(s_.substr(pos_ + 1, digits + 1)) +
                              " is not a Unicode character");
      }
      if (value) AppendUtf8(cp, value);
      pos_ += digits;
      break;
    }
    default:
      if (e >= 0x20 && e < 0x7f) {
        return Fail(pos_, std::string("unknown escape \\") + e + " in string");
      }
      return Fail(pos_, "unknown escape in string");
  }
  pos_ += 2;
  return true;
}

// A quoted string as a double-quoted scalar.
bool HclParser::ParseQuotedTerm(Node** out) {
  Mark start = MarkAt(pos_);
  std::string value;
  if (!ParseQuoted(discard_ ? nullptr : &value)) return false;
  *out = NewScalar(start, MarkAt(pos_), value, ScalarStyle::kDoubleQuoted);
  return true;
}

// ${ expr } or %{ directive } in a template, checked and skipped.
bool HclParser::SkipTemplateSequence() {
  size_t open = pos_;
  bool directive = s_[pos_] == '%';
  pos_ += 2;
  if (!Enter(open)) return false;
  if (At(pos_) == '~') ++pos_;
  if (!SkipSpace(true)) return false;
  if (!directive) {
    if (!ParseExpr(true, nullptr)) return false;
  } else if (LookingAtKeyword("for")) {
    if (!SkipForHeader()) return false;
  } else if (LookingAtKeyword("if")) {
    pos_ += 2;
    if (!SkipSpace(true) || !ParseExpr(true, nullptr)) return false;
  } else if (LookingAtKeyword("else")) {
    pos_ += 4;
  } else if (LookingAtKeyword("endif")) {
    pos_ += 5;
  } else if (LookingAtKeyword("endfor")) {
    pos_ += 6;
  } else if (AtEnd()) {
    return FailUnclosed("%{", open);
  } else {
    return FailFound(pos_, "if, for, else, endif or endfor after '%{'");
  }
  if (!SkipSpace(true)) return false;
  if (At(pos_) == '~' && !AtEnd()) ++pos_;
  if (AtEnd()) return FailUnclosed(directive ? "%{" : "${", open);
  if (s_[pos_] != '}') {
    return FailFound(pos_, directive ? "'}' to close '%{'" : "'}' to close '${'");
  }
  ++pos_;
  Leave();
  return true;
}

// <<EOT or <<-EOT, a newline, lines, and a line holding only EOT.
bool HclParser::ParseHeredoc(Node** out) {
  size_t open = pos_;
  Mark start = MarkAt(open);
  pos_ += 2;
  bool flush = At(pos_) == '-';
  if (flush) ++pos_;
  size_t marker_begin = pos_;
  if (!IsIdentStart(pos_)) {
    return FailFound(pos_, "a heredoc marker after '<<'");
  }
  ReadIdent();
  std::string_view marker = s_.substr(marker_begin, pos_ - marker_begin);
  while (At(pos_) == ' ' || At(pos_) == '\t' || At(pos_) == '\r') ++pos_;
  if (At(pos_) != '\n' || AtEnd()) {
    return FailFound(pos_, "a newline after the heredoc marker");
  }
  size_t body_begin = ++pos_;
  while (true) {
    size_t line = pos_;
    size_t eol = s_.find('\n', line);
    if (eol == std::string_view::npos) eol = s_.size();
    size_t k = line;
    while (k < eol && (s_[k] == ' ' || s_[k] == '\t')) ++k;
    size_t e = eol;
    while (e > k && (s_[e - 1] == ' ' || s_[e - 1] == '\t' || s_[e - 1] == '\r')) --e;
    if (s_.substr(k, e - k) == marker) {
      std::string_view body = s_.substr(body_begin, line - body_begin);
      std::string value;
      if (discard_ == 0) value = DecodeTemplateEscapes(flush ? StripCommonIndent(body) : body);
      pos_ = k + marker.size();
      *out = NewScalar(start, MarkAt(pos_), value, ScalarStyle::kLiteral);
      return true;
    }
    if (eol == s_.size()) {
      return Fail(open,
                  "heredoc is never closed (no line holding only \"" + std::string(marker) + "\")");
    }
    pos_ = eol + 1;
  }
}

// [a, b, ...] or [for ...].
bool HclParser::ParseTuple(Node** out) {
  size_t open = pos_;
  if (!Enter(open)) return false;
  Node* seq = NewCollection(NodeType::kSequence, CollectionStyle::kFlow, MarkAt(open));
  size_t first = children_.size();
  ++pos_;
  if (!SkipSpace(true)) return false;
  if (LookingAtKeyword("for")) {
    *out = nullptr;
    return SkipForBody(']', open);
  }
  while (true) {
    if (!SkipSpace(true)) return false;
    if (AtEnd()) return FailUnclosed("[", open);
    if (s_[pos_] == ']') {
      ++pos_;
      break;
    }
    Node* item = nullptr;
    if (!ParseExpr(true, &item)) return false;
    children_.push_back(item);
    if (!SkipSpace(true)) return false;
    if (AtEnd() || s_[pos_] == ']') continue;
    if (s_[pos_] != ',') {
      return FailFound(pos_, "',' or ']' after a list item");
    }
    ++pos_;
  }
  seq->end = MarkAt(pos_);
  tree_.TakeChildren(seq, &children_, first);
  Leave();
  *out = seq;
  return true;
}

// { key = value, key: value <newline> ... } or {for ...}.
bool HclParser::ParseObject(Node** out) {
  size_t open = pos_;
  if (!Enter(open)) return false;
  Node* map = NewCollection(NodeType::kMapping, CollectionStyle::kFlow, MarkAt(open));
  size_t first = children_.size();
  ++pos_;
  if (!SkipSpace(true)) return false;
  if (LookingAtKeyword("for")) {
    *out = nullptr;
    return SkipForBody('}', open);
  }
  while (true) {
    if (!SkipSpace(true)) return false;
    if (AtEnd()) return FailUnclosed("{", open);
    if (s_[pos_] == '}') {
      ++pos_;
      break;
    }
    Node* key = nullptr;
    if (IsIdentStart(pos_)) {
      size_t begin = pos_;
      ReadIdent();
      size_t end = pos_;
      if (!SkipSpace(false)) return false;
      if (LookingAtKeySeparator()) {
        Mark start = MarkAt(begin);
        key = NewScalar(start, MarkAt(end), s_.substr(begin, end - begin), ScalarStyle::kPlain);
      } else {
        pos_ = begin;
      }
    }
    if (!key) {
      if (!ParseExpr(false, &key)) return false;
      if (!key->IsScalar()) {  // a tuple, object or call as a key: keep its text
        key = NewExpr(key->start, key->end);
      }
      if (!SkipSpace(false)) return false;
    }
    if (!LookingAtKeySeparator()) {
      return FailFound(pos_, "'=' or ':' after an object key");
    }
    ++pos_;
    if (!SkipSpace(false)) return false;
    Node* value = nullptr;
    if (!ParseExpr(false, &value)) return false;
    children_.push_back(key);
    children_.push_back(value);
    if (!SkipSpace(false)) return false;
    if (AtEnd() || s_[pos_] == '}') continue;
    if (s_[pos_] != ',' && s_[pos_] != '\n') {
      return FailFound(pos_, "',', a newline or '}' after an object item");
    }
    ++pos_;
  }
  map->end = MarkAt(pos_);
  tree_.TakeChildren(map, &children_, first);
  Leave();
  *out = map;
  return true;
}

// name(arg, arg, last...): a sequence tagged "!call:name".
bool HclParser::ParseCall(std::string_view name, Mark start, Node** out) {
  size_t open = pos_;
  if (!Enter(open)) return false;
  ++pos_;
  Node* call = NewCollection(NodeType::kSequence, CollectionStyle::kFlow, start);
  tree_.SetTag(call, CallTag(name));
  size_t first = children_.size();
  while (true) {
    if (!SkipSpace(true)) return false;
    if (AtEnd()) return FailUnclosed("(", open);
    if (s_[pos_] == ')') {
      ++pos_;
      break;
    }
    Node* arg = nullptr;
    if (!ParseExpr(true, &arg)) return false;
    if (!SkipSpace(true)) return false;
    if (LookingAt("...")) {
      pos_ += 3;
      Node* expand = NewCollection(NodeType::kSequence, CollectionStyle::kFlow, arg->start);
      tree_.SetTag(expand, kExpandTag);
      expand->end = MarkAt(pos_);
      const Node* expanded = arg;
      tree_.SetChildren(expand, &expanded, 1);
      children_.push_back(expand);
      if (!SkipSpace(true)) return false;
      if (At(pos_) == ',' && !AtEnd()) {
        ++pos_;
        if (!SkipSpace(true)) return false;
      }
      if (At(pos_) != ')' || AtEnd()) {
        return FailFound(pos_, "')' after the expanded argument");
      }
      continue;
    }
    children_.push_back(arg);
    if (AtEnd() || s_[pos_] == ')') continue;
    if (s_[pos_] != ',') {
      return FailFound(pos_, "',' or ')' after an argument of ", name, "()");
    }
    ++pos_;
  }
  call->end = MarkAt(pos_);
  tree_.TakeChildren(call, &children_, first);
  Leave();
  *out = call;
  return true;
}

// "!call:name", interned once per name.
std::string_view HclParser::CallTag(std::string_view name) {
  auto [it, inserted] = call_tags_.try_emplace(name);
  if (inserted) it->second = tree_.Intern("!call:" + std::string(name));
  return it->second;
}

// ( expr ), checked and skipped: the caller keeps its text.
bool HclParser::SkipParens() {
  size_t open = pos_++;
  if (!Enter(open) || !SkipSpace(true) || !ParseExpr(true, nullptr) || !SkipSpace(true)) {
    return false;
  }
  if (AtEnd()) return FailUnclosed("(", open);
  if (s_[pos_] != ')') return FailFound(pos_, "')'");
  ++pos_;
  Leave();
  return true;
}

// The rest of [for x in xs : f(x) if c] or {for k, v in m : k => v... if c}
// once the bracket is open (and entered), checked and skipped: the caller
// keeps the text.
bool HclParser::SkipForBody(char close, size_t open) {
  if (!SkipForHeader() || !SkipSpace(true)) return false;
  if (At(pos_) != ':' || AtEnd()) return FailFound(pos_, "':' in a for expression");
  ++pos_;
  if (!SkipSpace(true) || !ParseExpr(true, nullptr) || !SkipSpace(true)) return false;
  if (close == '}') {
    if (!LookingAt("=>")) return FailFound(pos_, "'=>' in a for expression");
    pos_ += 2;
    if (!SkipSpace(true) || !ParseExpr(true, nullptr) || !SkipSpace(true)) return false;
    if (LookingAt("...")) {
      pos_ += 3;
      if (!SkipSpace(true)) return false;
    }
  }
  if (LookingAtKeyword("if")) {
    pos_ += 2;
    if (!SkipSpace(true) || !ParseExpr(true, nullptr) || !SkipSpace(true)) return false;
  }
  if (AtEnd()) return FailUnclosed(close == ']' ? "[" : "{", open);
  if (s_[pos_] != close) {
    return FailFound(
        pos_, close == ']' ? "']' to end the for expression" : "'}' to end the for expression");
  }
  ++pos_;
  Leave();
  return true;
}

// "for k, v in collection" (pos_ at "for"), checked and skipped.
bool HclParser::SkipForHeader() {
  pos_ += 3;
  for (int names = 1;; ++names) {
    if (!SkipSpace(true)) return false;
    if (!IsIdentStart(pos_)) return FailFound(pos_, "a name after 'for'");
    ReadIdent();
    if (!SkipSpace(true)) return false;
    if (names == 2 || At(pos_) != ',' || AtEnd()) break;
    ++pos_;
  }
  if (!LookingAtKeyword("in")) return FailFound(pos_, "'in' after the names of a for");
  pos_ += 2;
  return SkipSpace(true) && ParseExpr(true, nullptr);
}

void HclParser::Run() {
  if (size_t bad = FirstInvalidUtf8(s_); bad != std::string_view::npos) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "invalid UTF-8 (byte 0x%02x)",
                  static_cast<unsigned char>(s_[bad]));
    Fail(bad, buf);
    return;
  }
  if (s_.size() >= 3 && s_.substr(0, 3) == "\xEF\xBB\xBF") {
    pos_ = 3;
    marks_ = MarkTracker(s_, 3);  // a byte-order mark is not column 1
  }
  Node* root = NewCollection(NodeType::kMapping, CollectionStyle::kBlock, MarkAt(pos_));
  if (!ParseBody(root, false, 0) || out_->has_error) return;
  root->end = MarkAt(s_.size());
  for (auto& [node, items] : body_items_) tree_.SetChildren(node, items.data(), items.size());
  body_items_.clear();
  FillExprText(root);
  out_->documents.push_back(Document{root, 0});
}

// "!expr" scalars get their text last, and only those the tree keeps: one
// inside another was dropped with it, and interning both would cost the
// square of the nesting.
void HclParser::FillExprText(const Node* root) {
  // The lists still to visit, not their items: a long list is not copied.
  std::vector<NodeList> stack = {NodeList(&root, 1)};
  while (!stack.empty()) {
    NodeList& rest = stack.back();
    if (rest.empty()) {
      stack.pop_back();
      continue;
    }
    const Node* n = rest[0];
    rest = NodeList(rest.begin() + 1, rest.size() - 1);
    if (n->IsScalar() && n->tag() == kExprTag) {
      size_t from = static_cast<size_t>(n->start.offset);
      size_t to = static_cast<size_t>(n->end.offset);
      tree_.SetValue(const_cast<Node*>(n), s_.substr(from, to - from));  // ours to fill
    }
    if (!n->children().empty()) stack.push_back(n->children());
  }
}

}  // namespace

ParsedSource ReadHcl(std::string_view name, std::string_view text, const ParseLimits& limits) {
  ParsedSource out;
  out.format = InputFormat::kHcl;
  if (!FitsInTree(name, text, &out)) return out;
  HclParser(name, text, limits, &out).Run();
  return out;
}

size_t HclTemplateEnd(std::string_view text, size_t open, size_t stop) {
  int depth = 0;
  bool quoted = false;
  for (size_t j = open + 1; j < stop && j < text.size(); ++j) {
    char c = text[j];
    if (quoted) {
      if (c == '\\') {
        ++j;
      } else if (c == '"') {
        quoted = false;
      }
      continue;
    }
    if (c == '"') quoted = true;
    if (c == '{') ++depth;
    if (c == '}' && --depth == 0) return j + 1;
  }
  return std::string_view::npos;
}

}  // namespace rootlock
