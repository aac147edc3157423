#include "parse/yaml_skim.h"

#include <string>

namespace rootlock {

namespace {

bool IsBlank(char c) { return c == ' '; }

bool IsFlowIndicator(char c) { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'; }

// Whether `c` may appear in a key the skim accepts at column 0.
bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-' || c == '/';
}

// A scalar value ends here: only white space or a comment may follow.
bool OnlyCommentFollows(std::string_view line, size_t pos) {
  while (pos < line.size() && IsBlank(line[pos])) ++pos;
  return pos == line.size() || line[pos] == '#';
}

// The end of the token starting at `pos` (up to a space).
size_t TokenEnd(std::string_view line, size_t pos) {
  while (pos < line.size() && line[pos] != ' ') ++pos;
  return pos;
}

// A key indicator at `pos`: ':' followed by a space or the end of the line.
bool KeyIndicatorAt(std::string_view line, size_t pos) {
  return pos < line.size() && line[pos] == ':' && (pos + 1 == line.size() || line[pos + 1] == ' ');
}

// The value of a `kind:` line at column 0 is exactly `kind`.
bool SaysKind(std::string_view value, std::string_view kind) {
  size_t i = 0;
  while (i < value.size() && IsBlank(value[i])) ++i;
  value.remove_prefix(i);
  std::string_view word;
  if (!value.empty() && (value[0] == '"' || value[0] == '\'')) {
    if (value.size() < kind.size() + 2 || value.substr(1, kind.size()) != kind ||
        value[kind.size() + 1] != value[0]) {
      return false;
    }
    word = value.substr(0, kind.size() + 2);
  } else {
    if (value.substr(0, kind.size()) != kind) return false;
    word = value.substr(0, kind.size());
  }
  return OnlyCommentFollows(value, word.size()) &&
         (word.size() == value.size() || value[word.size()] == ' ');
}

// Reads a document line by line, keeping the one state a line's meaning
// depends on: inside a quoted scalar, inside a block scalar's content, or
// after a plain scalar that the next, deeper line may continue. Each method
// returns false to refuse the document: something the skim will not vouch for.
class Skimmer {
 public:
  explicit Skimmer(std::string_view kind) : kind_(kind) {}
  bool Line(std::string_view line);
  // A block scalar may run to the end; a quoted scalar may not.
  bool Finish() const { return mode_ != Mode::kQuoted && kind_seen_; }

 private:
  enum class Mode { kNormal, kQuoted, kBlock };
  bool Lex(std::string_view line, size_t pos);
  // Scans a quoted scalar's text from `pos` for the closing `quote`: the
  // position after it, or npos when the line ends first.
  static size_t CloseQuote(std::string_view line, size_t pos, char quote);
  // A flow collection opening at `pos`, read exactly: the position after its
  // close, or npos when it does not close on this line.
  static size_t CloseFlow(std::string_view line, size_t pos);

  Mode mode_ = Mode::kNormal;
  char quote_ = 0;
  int block_parent_ = -1;   // block scalar content is indented more than this
  int block_indent_ = -1;   // the indentation of its first content line
  int plain_parent_ = -1;   // a plain value ended the last line: deeper lines continue it
  bool kind_open_ = false;  // ... and it was the kind's
  bool first_ = true;
  std::string_view kind_;
  bool kind_seen_ = false;
};

size_t Skimmer::CloseQuote(std::string_view line, size_t pos, char quote) {
  for (size_t i = pos; i < line.size(); ++i) {
    if (quote == '"' && line[i] == '\\') {
      ++i;  // an escape (at the end of the line: a line continuation)
      continue;
    }
    if (line[i] == quote) {
      if (quote == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
        ++i;
        continue;
      }
      return i + 1;
    }
  }
  return std::string_view::npos;
}

size_t Skimmer::CloseFlow(std::string_view line, size_t pos) {
  int depth = 0;
  size_t i = pos;
  bool token_start = true;  // after an indicator or white space: a quote opens a scalar
  while (i < line.size()) {
    char c = line[i];
    if (c == ' ') {
      token_start = true;
      ++i;
      continue;
    }
    if (c == '#' && (token_start || line[i - 1] == ' ')) {
      return std::string_view::npos;  // a comment: not closed on this line
    }
    if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) return i + 1;
    } else if (c == ',') {
    } else if (c == ':' || c == '?') {
      // An indicator only before a space, a flow indicator or the end; else a
      // plain scalar starting with it, which the skim does not vouch for.
      if (i + 1 < line.size() && line[i + 1] != ' ' && !IsFlowIndicator(line[i + 1])) {
        return std::string_view::npos;
      }
    } else if ((c == '"' || c == '\'') && token_start) {
      i = CloseQuote(line, i + 1, c);
      if (i == std::string_view::npos) return i;
      token_start = false;
      continue;
    } else {
      // A plain scalar: up to a flow indicator, a value indicator, or a comment.
      ++i;  // its first character, whatever it is
      while (i < line.size() && !IsFlowIndicator(line[i]) &&
             !(line[i] == '#' && line[i - 1] == ' ') &&
             !(line[i] == ':' &&
               (i + 1 == line.size() || line[i + 1] == ' ' || IsFlowIndicator(line[i + 1])))) {
        ++i;
      }
      token_start = false;
      continue;
    }
    token_start = true;
    ++i;
  }
  return std::string_view::npos;
}

bool Skimmer::Line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find('\r') != std::string_view::npos) return false;
  size_t indent = 0;
  while (indent < line.size() && line[indent] == ' ') ++indent;
  bool blank = indent == line.size();
  if (mode_ == Mode::kQuoted) {  // the scalar's text, up to its close
    size_t end = CloseQuote(line, 0, quote_);
    if (end == std::string_view::npos) return true;
    mode_ = Mode::kNormal;
    // A key cannot span lines; after the scalar, only a comment.
    return OnlyCommentFollows(line, end);
  }
  if (mode_ == Mode::kBlock) {
    if (blank) return !(indent > 0 && block_indent_ < 0);  // spaces would set its indentation
    if (static_cast<int>(indent) > block_parent_) {
      if (block_indent_ < 0) block_indent_ = static_cast<int>(indent);
      return static_cast<int>(indent) >= block_indent_;  // less indented: ambiguous, refused
    }
    mode_ = Mode::kNormal;  // the block scalar ended: this line is structure
    block_parent_ = block_indent_ = -1;
  }
  if (blank) return true;  // a plain scalar folds blank lines and goes on
  if (line[indent] == '#') {
    plain_parent_ = -1;  // a comment line ends a plain scalar
    kind_open_ = false;
    return true;
  }
  if (plain_parent_ >= 0 && static_cast<int>(indent) > plain_parent_) {
    // The plain scalar goes on: text, up to a comment that ends it. If it is
    // the kind's, the kind is no longer the one skimmed for alone.
    if (kind_open_) return false;
    for (size_t i = indent + 1; i < line.size(); ++i) {
      if (line[i] == '#' && line[i - 1] == ' ') plain_parent_ = -1;
    }
    return true;
  }
  plain_parent_ = -1;
  kind_open_ = false;
  if (indent == 0 && !(line[0] == '-' && (line.size() == 1 || line[1] == ' '))) {
    size_t k = 0;
    while (k < line.size() && IsKeyChar(line[k])) ++k;
    if (k == 0 || !KeyIndicatorAt(line, k)) return false;  // not a plain key
    if (line.substr(0, k) == "kind") {
      if (!SaysKind(line.substr(k + 1), kind_)) return false;
      kind_seen_ = true;
      kind_open_ = true;
    }
  } else if (first_) {
    return false;  // the root is not a block mapping at column 0
  }
  first_ = false;
  if (!Lex(line, indent)) return false;
  kind_open_ &= plain_parent_ >= 0;  // a plain kind that the next, deeper line would extend
  return true;
}

bool Skimmer::Lex(std::string_view line, size_t pos) {
  size_t node_col = pos;  // where the innermost block collection on this line starts
  bool owned = false;     // a key or a `-` on this line owns what follows
  while (true) {
    while (pos < line.size() && IsBlank(line[pos])) ++pos;
    if (pos == line.size()) return true;
    char c = line[pos];
    bool spaced = pos + 1 == line.size() || line[pos + 1] == ' ';
    if (c == '#') return true;  // a token starts after a space: a comment
    if (c == '-' && spaced) {   // a sequence entry
      node_col = pos++;
      owned = true;
      continue;
    }
    if ((c == '?' || c == ':') && spaced) return false;  // complex or empty key
    if (c == '&' || c == '!') {                          // anchor or tag: the node follows
      pos = TokenEnd(line, pos);
      continue;
    }
    if (c == '|' || c == '>') {  // a block scalar: its header is indicators and a comment
      size_t i = pos + 1;
      while (i < line.size() && (line[i] == '+' || line[i] == '-')) ++i;
      // An indentation indicator, junk, or no key or `-` to tell its parent: refused.
      if (!owned || !OnlyCommentFollows(line, i)) return false;
      mode_ = Mode::kBlock;
      block_parent_ = static_cast<int>(node_col);
      block_indent_ = -1;
      return true;
    }
    size_t start = pos;
    if (c == '"' || c == '\'') {
      size_t end = CloseQuote(line, pos + 1, c);
      if (end == std::string_view::npos) {  // it goes on over the next lines
        mode_ = Mode::kQuoted;
        quote_ = c;
        return true;
      }
      pos = end;
      while (pos < line.size() && IsBlank(line[pos])) ++pos;
      if (KeyIndicatorAt(line, pos)) {
        node_col = start;
        owned = true;
        ++pos;
        continue;
      }
      return OnlyCommentFollows(line, pos);
    }
    if (c == '[' || c == '{') {  // a flow collection, closed on this line
      size_t end = CloseFlow(line, pos);
      if (end == std::string_view::npos) return false;
      pos = end;
      while (pos < line.size() && IsBlank(line[pos])) ++pos;
      if (pos < line.size() && line[pos] == ':') return false;  // a flow collection as a key
      return OnlyCommentFollows(line, pos);
    }
    if (c == '@' || c == '`' || c == '%' || c == ',' || c == ']' || c == '}') return false;
    // A plain scalar (an alias reads the same): it ends at a key indicator, a
    // comment or the end of the line; quotes and brackets inside are text.
    size_t i = pos;
    while (i < line.size()) {
      if (KeyIndicatorAt(line, i)) break;
      if (line[i] == '#' && i > 0 && line[i - 1] == ' ') return true;
      ++i;
    }
    if (i == line.size()) {
      // A value that deeper lines may continue. Only a key or `-` on this line
      // tells which collection owns it, and so how deep a continuation is.
      if (!owned) return false;
      plain_parent_ = static_cast<int>(node_col);
      return true;
    }
    node_col = start;
    owned = true;
    pos = i + 1;
  }
}

}  // namespace

bool IsDocumentOfKind(std::string_view doc, std::string_view kind) {
  if (kind.empty()) return false;
  if (doc.find('\t') != std::string_view::npos) return false;
  // YAML 1.1 line breaks besides \n (NEL, LS, PS): a parser would start a line
  // where the skim sees none.
  for (std::string_view br : {"\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"}) {
    if (doc.find(br) != std::string_view::npos) return false;
  }
  Skimmer skim(kind);
  size_t pos = 0;
  while (pos < doc.size()) {
    size_t nl = doc.find('\n', pos);
    size_t end = nl == std::string_view::npos ? doc.size() : nl;
    if (!skim.Line(doc.substr(pos, end - pos))) return false;
    pos = end + 1;
  }
  return skim.Finish();
}

std::vector<DocumentRange> FindDocumentsOfKind(std::string_view text, std::string_view kind) {
  if (kind.empty()) return {};
  // A UTF-16 byte order mark makes a YAML parser read every byte differently.
  if (text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF") return {};
  std::vector<DocumentRange> found;
  size_t doc_begin = 0;  // the start of the current document (its `---` line)
  size_t body = 0;       // the start of its content (after the `---` line)
  auto close = [&](size_t end) {
    if (IsDocumentOfKind(text.substr(body, end - body), kind))
      found.push_back(DocumentRange{doc_begin, end});
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t next = nl == std::string_view::npos ? text.size() : nl + 1;
    std::string_view line = text.substr(pos, next - pos);
    char c = line[0];
    if (c == '%') return {};  // a directive
    if ((c == '-' || c == '.') && line.size() >= 3 &&
        line.substr(0, 3) == (c == '-' ? "---" : "...")) {
      std::string_view rest = line.substr(3);
      bool marker =
          rest.empty() || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r';
      if (marker) {
        if (c == '.') return {};  // a document end marker
        size_t i = 0;
        while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
        if (i < rest.size() && rest[i] != '#' && rest[i] != '\n' && rest[i] != '\r') {
          return {};  // content on the marker line
        }
        close(pos);
        doc_begin = pos;
        body = next;
      }
    }
    pos = next;
  }
  close(text.size());
  return found;
}

}  // namespace rootlock
