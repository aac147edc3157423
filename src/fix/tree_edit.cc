#include "fix/tree_edit.h"

#include <functional>
#include <limits>

#include "base/json_writer.h"

namespace rootlock {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// Strings YAML would read as something other than a plain string.
bool NeedsYamlQuotes(std::string_view s) {
  if (s.empty()) return true;
  static constexpr std::string_view kSpecial[] = {
      "true",  "false", "yes", "no", "on",  "off", "y", "n",    "null", "~",    "True",
      "False", "Yes",   "No",  "On", "Off", "Y",   "N", "Null", "NULL", "TRUE", "FALSE"};
  for (std::string_view w : kSpecial) {
    if (s == w) return true;
  }
  // What begins like a number may be one: besides 12, 1.5 and 2024-01-31, YAML 1.1
  // and the Go decoder kubectl uses read 1e3, 0x1f, 0o17, 0b101, 1_000, .inf and .nan
  // as numbers (a volume named 1e3 would be the number 1000 to the API server).
  if ((s[0] >= '0' && s[0] <= '9') || s[0] == '.' || s[0] == '-') return true;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '/' || c == '-';
    if (!ok) return true;
  }
  return false;
}

}  // namespace

TreeEditor::TreeEditor(std::string_view text, Syntax syntax)
    : text_(text), syntax_(syntax), nl_(LineEnding(text)) {}

void TreeEditor::LearnStyle(const Node* root) {
  step_ = 2;
  indentless_seq_ = false;
  if (syntax_ != Syntax::kYaml || !root) return;
  // The first block mapping nested in a block mapping gives the step; the
  // first block sequence under a key gives the sequence style.
  bool step_found = false, seq_found = false;
  std::function<void(const Node*, int)> learn = [&](const Node* n, int depth) {
    if (depth > 64 || (step_found && seq_found) || !n->IsMapping() ||
        n->collection_style != CollectionStyle::kBlock) {
      return;
    }
    for (size_t i = 0; i < n->MappingSize(); ++i) {
      const Node* k = n->KeyAt(i);
      const Node* v = n->ValueAt(i);
      if (!Within(k, n) || !Within(v, n) || v->collection_style != CollectionStyle::kBlock) {
        continue;
      }
      if (v->IsMapping() && !v->children().empty() && !step_found && Within(v->KeyAt(0), v) &&
          KeyIndent(v) + 1 > k->start.column) {
        step_ = KeyIndent(v) + 1 - k->start.column;
        step_found = true;
      }
      if (v->IsSequence() && !v->children().empty() && !seq_found) {
        indentless_seq_ = DashIndent(v) + 1 == k->start.column;
        seq_found = true;
      }
      learn(v, depth + 1);
      if (v->IsSequence()) {
        for (const Node* item : v->children()) learn(item, depth + 1);
      }
    }
  };
  learn(root, 0);
}

bool TreeEditor::Within(const Node* n, const Node* outer) {
  return n && outer && n->start.offset >= outer->start.offset &&
         (n->start.offset < outer->end.offset ||
          (n->start.offset == outer->start.offset && outer->end.offset == outer->start.offset));
}

uint64_t TreeEditor::LineStart(uint64_t offset) const {
  while (offset > 0 && text_[offset - 1] != '\n') --offset;
  return offset;
}

uint64_t TreeEditor::LineEnd(uint64_t offset) const {
  while (offset < text_.size() && text_[offset] != '\n' && text_[offset] != '\r') ++offset;
  return offset;
}

uint64_t TreeEditor::NextLine(uint64_t offset) const {
  size_t nl = text_.find('\n', offset);
  return nl == std::string_view::npos ? text_.size() : nl + 1;
}

size_t TreeEditor::IndentAt(uint64_t line_start) const {
  size_t n = 0;
  while (line_start + n < text_.size() && text_[line_start + n] == ' ') ++n;
  return n;
}

bool TreeEditor::BlankOrComment(uint64_t line_start) const {
  uint64_t p = line_start;
  while (p < text_.size() && IsSpace(text_[p])) ++p;
  return p >= text_.size() || text_[p] == '\n' || text_[p] == '\r' || text_[p] == '#';
}

const Node* TreeEditor::LastOwnChild(const Node* c) const {
  const Node* last = nullptr;
  size_t stride = c->IsMapping() ? 2 : 1;
  for (size_t i = 0; i < c->children().size(); i += stride) {
    const Node* n = c->children()[i];
    if (Within(n, c) && (!last || n->start.offset > last->start.offset)) last = n;
  }
  return last;
}

size_t TreeEditor::KeyIndent(const Node* m) const {
  // A block mapping's start mark may sit on an anchor or tag written before
  // it ("key: &a" then the keys below): its keys give its indentation.
  const Node* first = nullptr;
  for (size_t i = 0; i < m->children().size(); i += 2) {
    const Node* k = m->children()[i];
    if (Within(k, m) && (!first || k->start.offset < first->start.offset)) first = k;
  }
  const Node* at = first ? first : m;
  return at->start.column > 0 ? at->start.column - 1 : 0;
}

size_t TreeEditor::DashIndent(const Node* seq) const {
  for (const Node* item : seq->children()) {
    if (!Within(item, seq)) continue;
    uint64_t p = item->start.offset;
    uint64_t ls = LineStart(p);
    while (p > ls && text_[p - 1] != '-') --p;
    if (p > ls) return p - 1 - ls;
  }
  return seq->start.column > 0 ? seq->start.column - 1 : 0;
}

uint64_t TreeEditor::BlockEnd(const Node* c, size_t indent, bool sequence) const {
  const Node* anchor = LastOwnChild(c);
  uint64_t pos = NextLine(anchor ? anchor->start.offset : c->start.offset);
  uint64_t end = pos;
  while (pos < text_.size()) {
    uint64_t ls = pos;
    if (BlankOrComment(ls)) {
      pos = NextLine(ls);
      continue;
    }
    std::string_view rest = text_.substr(ls, 4);
    if ((rest.substr(0, 3) == "---" || rest.substr(0, 3) == "...") &&
        (rest.size() == 3 || rest[3] == ' ' || rest[3] == '\n' || rest[3] == '\r')) {
      break;
    }
    size_t ind = IndentAt(ls);
    char first = ls + ind < text_.size() ? text_[ls + ind] : '\n';
    char after = ls + ind + 1 < text_.size() ? text_[ls + ind + 1] : '\n';
    bool dash = first == '-' && (after == ' ' || after == '\n' || after == '\r');
    bool belongs = sequence ? (ind > indent || (ind == indent && dash)) : ind >= indent;
    if (!belongs) break;
    pos = NextLine(ls);
    end = pos;
  }
  return end;
}

std::string TreeEditor::Insert(uint64_t at, std::string text, int depth) {
  if (at == text_.size() && !text_.empty() && text_.back() != '\n') text = nl_ + text;
  edits_.push_back(TextEdit{at, 0, text, depth});
  return text;
}

std::string TreeEditor::Unit(const Node* c, const std::string& member_indent) const {
  uint64_t ls = LineStart(c->start.offset);
  uint64_t p = ls;
  while (p < text_.size() && IsSpace(text_[p])) ++p;
  size_t open_indent = p - ls;
  if (member_indent.size() > open_indent) return member_indent.substr(open_indent);
  return std::string(step_, ' ');
}

std::string TreeEditor::HclMultiline(const Value& v, const std::string& indent,
                                     const std::string& unit) const {
  // A list of several objects: one per line, as terraform fmt leaves them.
  if (v.kind != Value::Kind::kList || v.list.size() < 2) return Flow(v);
  std::string out = "[" + nl_;
  for (const Value& item : v.list) out += indent + unit + Flow(item) + "," + nl_;
  return out + indent + "]";
}

std::string TreeEditor::Scalar(const Value& v) const {
  if (v.kind == Value::Kind::kBool || v.kind == Value::Kind::kNumber) return v.text;
  if (syntax_ == Syntax::kYaml && !NeedsYamlQuotes(v.text)) return v.text;
  std::string out;
  JsonWriter::AppendEscaped(&out, v.text);  // a valid YAML, JSON and HCL string
  if (syntax_ == Syntax::kHcl) {
    // HCL reads ${ and %{ in a quoted string as a template: $${ and %%{ are the
    // literal text (a --writable path, say, stays a path).
    std::string literal;
    for (size_t i = 0; i < out.size(); ++i) {
      if ((out[i] == '$' || out[i] == '%') && i + 1 < out.size() && out[i + 1] == '{') {
        literal += out[i];
      }
      literal += out[i];
    }
    out = std::move(literal);
  }
  return out;
}

std::string TreeEditor::KeyText(std::string_view key) const {
  std::string out;
  if (syntax_ == Syntax::kJson) {
    JsonWriter::AppendEscaped(&out, key);
    return out + ": ";
  }
  if (syntax_ == Syntax::kHcl) {
    bool identifier = !key.empty() && !(key[0] >= '0' && key[0] <= '9');
    for (char ch : key) {
      identifier &= (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '_';
    }
    if (identifier) return std::string(key) + " = ";
    JsonWriter::AppendEscaped(&out, key);
    return out + " = ";
  }
  // A YAML key is written plain unless it holds what YAML reads otherwise (a plain
  // `y:` stays plain, as Kubernetes writes such keys).
  bool plain = !key.empty() && key[0] != '-' && key[0] != '.';
  for (char ch : key) {
    plain &= (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
             ch == '_' || ch == '.' || ch == '/' || ch == '-';
  }
  if (!plain) {
    JsonWriter::AppendEscaped(&out, key);
    return out + ": ";
  }
  return std::string(key) + ": ";
}

std::string TreeEditor::Flow(const Value& v) const {
  if (v.kind == Value::Kind::kBool || v.kind == Value::Kind::kString ||
      v.kind == Value::Kind::kNumber) {
    return Scalar(v);
  }
  std::string out;
  if (v.kind == Value::Kind::kList) {
    out = "[";
    for (size_t i = 0; i < v.list.size(); ++i) out += (i ? ", " : "") + Flow(v.list[i]);
    return out + "]";
  }
  if (v.map.empty()) return "{}";
  out = syntax_ == Syntax::kHcl ? "{ " : "{";
  for (size_t i = 0; i < v.map.size(); ++i) {
    out += i ? ", " : "";
    out += KeyText(v.map[i].first) + Flow(v.map[i].second);
  }
  return out + (syntax_ == Syntax::kHcl ? " }" : "}");
}

std::string TreeEditor::YamlBlock(const Value& v, size_t indent) const {
  std::string pad(indent, ' ');
  std::string out;
  auto child_indent = [&](const Value& val) {
    return val.kind == Value::Kind::kList ? indent + (indentless_seq_ ? 0 : step_) : indent + step_;
  };
  auto pair = [&](const std::string& key, const Value& val, const std::string& prefix) {
    bool nested = (val.kind == Value::Kind::kMap && !val.map.empty()) ||
                  (val.kind == Value::Kind::kList && !val.list.empty());
    std::string k = KeyText(key);
    if (!nested) return prefix + k + Flow(val) + nl_;
    k.pop_back();  // "key:" before a nested block, without the space
    return prefix + k + nl_ + YamlBlock(val, child_indent(val));
  };
  if (v.kind == Value::Kind::kMap) {
    for (const auto& [key, val] : v.map) out += pair(key, val, pad);
  } else if (v.kind == Value::Kind::kList) {
    for (const Value& item : v.list) {
      if (item.kind == Value::Kind::kMap && !item.map.empty()) {
        // "- first: x" then the other keys under it.
        std::string inner = YamlBlock(item, indent + 2);
        out += pad + "- " + inner.substr(indent + 2);
      } else {
        out += pad + "- " + Flow(item) + nl_;
      }
    }
  } else {
    out += pad + Scalar(v) + nl_;
  }
  return out;
}

std::string TreeEditor::Json(const Value& v, const std::string& indent,
                             const std::string& unit) const {
  if (v.kind == Value::Kind::kBool || v.kind == Value::Kind::kString ||
      v.kind == Value::Kind::kNumber) {
    return Flow(v);
  }
  std::string inner = indent + unit;
  std::string out;
  if (v.kind == Value::Kind::kList) {
    if (v.list.empty()) return "[]";
    out = "[" + nl_;
    for (size_t i = 0; i < v.list.size(); ++i) {
      out += inner + Json(v.list[i], inner, unit) + (i + 1 < v.list.size() ? "," : "") + nl_;
    }
    return out + indent + "]";
  }
  if (v.map.empty()) return "{}";
  out = "{" + nl_;
  for (size_t i = 0; i < v.map.size(); ++i) {
    out += inner;
    JsonWriter::AppendEscaped(&out, v.map[i].first);
    out += ": " + Json(v.map[i].second, inner, unit) + (i + 1 < v.map.size() ? "," : "") + nl_;
  }
  return out + indent + "}";
}

void TreeEditor::InsertMember(const Node* m, std::string_view key, const Value& value) {
  std::string k(key);
  if (syntax_ == Syntax::kYaml && m->collection_style == CollectionStyle::kBlock) {
    size_t indent = KeyIndent(m);
    uint64_t at = BlockEnd(m, indent, false);
    Value single = Value::Map({{k, value}});
    Insert(at, YamlBlock(single, indent), static_cast<int>(indent));
    return;
  }
  // Flow: YAML {a: b}, JSON objects, HCL objects. Insert before the closing brace.
  uint64_t close = m->end.offset > 0 ? m->end.offset - 1 : 0;
  uint64_t last = close;
  while (last > m->start.offset + 1 &&
         (IsSpace(text_[last - 1]) || text_[last - 1] == '\n' || text_[last - 1] == '\r')) {
    --last;
  }
  bool empty = last == m->start.offset + 1;
  bool trailing_comma = !empty && text_[last - 1] == ',';
  bool multiline = LineStart(m->start.offset) != LineStart(close);
  std::string member = KeyText(k);
  if (multiline && !empty) {
    // One member per line: take the indentation of the last member's line.
    const Node* lastkey = LastOwnChild(m);
    uint64_t ls = LineStart(lastkey ? lastkey->start.offset : last);
    uint64_t p = ls;
    while (p < text_.size() && IsSpace(text_[p])) ++p;
    std::string indent(text_.substr(ls, p - ls));
    std::string sep = syntax_ == Syntax::kHcl ? "" : (trailing_comma ? "" : ",");
    std::string unit = Unit(m, indent);
    member += syntax_ == Syntax::kJson  ? Json(value, indent, unit)
              : syntax_ == Syntax::kHcl ? HclMultiline(value, indent, unit)
                                        : Flow(value);
    Insert(last, sep + nl_ + indent + member + (trailing_comma ? "," : ""));
    return;
  }
  member += Flow(value);
  if (empty) {
    std::string sep = filled_[m]++ ? ", " : "";
    Insert(m->start.offset + 1, syntax_ == Syntax::kHcl ? " " + sep + member + " " : sep + member);
  } else {
    Insert(last, (trailing_comma ? " " : ", ") + member);
  }
}

void TreeEditor::AppendItem(const Node* s, const Value& value) {
  if (syntax_ == Syntax::kYaml && s->collection_style == CollectionStyle::kBlock &&
      !s->children().empty()) {
    size_t dash = DashIndent(s);
    uint64_t at = BlockEnd(s, dash, true);
    // Beside items written in flow style (`- {name: cfg, ...}`), the new one is too.
    const Node* last_item = LastOwnChild(s);
    bool flow_items = last_item && !last_item->IsScalar() &&
                      last_item->collection_style == CollectionStyle::kFlow;
    std::string item = flow_items ? std::string(dash, ' ') + "- " + Flow(value) + nl_
                                  : YamlBlock(Value::List({value}), dash);
    Insert(at, std::move(item), static_cast<int>(dash) + 1);
    return;
  }
  uint64_t close = s->end.offset > 0 ? s->end.offset - 1 : 0;
  uint64_t last = close;
  while (last > s->start.offset + 1 &&
         (IsSpace(text_[last - 1]) || text_[last - 1] == '\n' || text_[last - 1] == '\r')) {
    --last;
  }
  bool empty = last == s->start.offset + 1;
  bool trailing_comma = !empty && text_[last - 1] == ',';
  bool multiline = LineStart(s->start.offset) != LineStart(close);
  if (multiline && !empty) {
    const Node* lastitem = LastOwnChild(s);
    uint64_t ls = LineStart(lastitem ? lastitem->start.offset : last);
    uint64_t p = ls;
    while (p < text_.size() && IsSpace(text_[p])) ++p;
    std::string indent(text_.substr(ls, p - ls));
    std::string item =
        syntax_ == Syntax::kJson ? Json(value, indent, Unit(s, indent)) : Flow(value);
    Insert(last, (trailing_comma ? "" : ",") + nl_ + indent + item + (trailing_comma ? "," : ""));
    return;
  }
  if (empty) {
    Insert(s->start.offset + 1, (filled_[s]++ ? ", " : "") + Flow(value));
  } else {
    Insert(last, (trailing_comma ? " " : ", ") + Flow(value));
  }
}

void TreeEditor::Replace(const Node* node, const Value& value) {
  std::string text = value.kind == Value::Kind::kMap || value.kind == Value::Kind::kList
                         ? Flow(value)
                         : Scalar(value);
  // An empty YAML value (`key:` with nothing after it) has no width and sits
  // right after the ':' (or '-'): `key:true` would be one plain scalar.
  uint64_t at = node->start.offset;
  if (node->end.offset == at && at > 0 && at <= text_.size() && !IsSpace(text_[at - 1]) &&
      text_[at - 1] != '\n') {
    text.insert(0, " ");
  }
  // An empty value has no width: an insertion its mapping makes at the same
  // offset (a member after it, at the end of a file with no final newline)
  // must follow it, so it goes first among them.
  int depth = node->end.offset == at ? std::numeric_limits<int>::max() : 0;
  edits_.push_back(TextEdit{at, node->end.offset - at, std::move(text), depth});
}

void TreeEditor::InsertHclBlock(const Node* body, std::string_view name, const Value& attrs) {
  uint64_t close = body->end.offset > 0 ? body->end.offset - 1 : 0;
  uint64_t ls = LineStart(close);
  bool own_line = true;
  for (uint64_t p = ls; p < close; ++p) own_line &= IsSpace(text_[p]);
  std::string attrs_text;
  if (!own_line) {
    std::string one = " " + std::string(name) + " {";
    for (const auto& [k, v] : attrs.map) one += " " + k + " = " + Flow(v);
    Insert(close, one + " } ");
    return;
  }
  std::string outer(text_.substr(ls, close - ls));
  std::string indent = outer + std::string(step_, ' ');
  std::string inner = indent + std::string(step_, ' ');
  std::string block = nl_ + indent + std::string(name) + " {" + nl_;
  for (const auto& [k, v] : attrs.map) block += inner + k + " = " + Flow(v) + nl_;
  block += indent + "}" + nl_;
  Insert(ls, block);
}

}  // namespace rootlock
