#include "fix/hcl_align.h"

#include <algorithm>

namespace rootlock {

namespace {

// One line as terraform fmt sees it (a heredoc's body belongs to the line that
// opens it), and its assignment, if it assigns a whole expression.
struct FormatLine {
  uint64_t begin = 0;
  uint64_t end = 0;         // its newline, or the end of the text
  uint64_t lead_end = 0;    // just after the last byte before the spaces before '='
  uint64_t eq = 0;          // the '=', when `assigns`
  size_t lead_columns = 0;  // the characters from the first token to lead_end
  bool assigns = false;
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool IsIdent(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  std::vector<FormatLine> Lines() {
    std::vector<FormatLine> lines;
    while (pos_ <= s_.size()) {
      FormatLine line = Line();
      lines.push_back(line);
      if (pos_ >= s_.size()) break;
      ++pos_;  // the newline
    }
    return lines;
  }

 private:
  char At(uint64_t p) const { return p < s_.size() ? s_[p] : '\0'; }

  // Scans one line up to its newline (not consumed).
  FormatLine Line() {
    FormatLine line;
    line.begin = pos_;
    int tokens = 0;
    int brackets = 0;
    int brackets_at_eq = 0;
    bool has_eq = false;
    uint64_t first = 0;
    uint64_t last_end = pos_;  // end of the last token before the current position
    while (pos_ < s_.size() && s_[pos_] != '\n') {
      char c = s_[pos_];
      if (IsSpace(c)) {
        ++pos_;
        continue;
      }
      if (c == '#' || (c == '/' && At(pos_ + 1) == '/')) {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
        break;
      }
      uint64_t token_begin = pos_;
      if (c == '/' && At(pos_ + 1) == '*') {
        size_t close = s_.find("*/", pos_ + 2);
        pos_ = close == std::string_view::npos ? s_.size() : close + 2;
        continue;  // a comment is no token of the lead
      }
      if (tokens == 0) first = token_begin;
      ++tokens;
      if (c == '"') {
        SkipString();
      } else if (c == '<' && At(pos_ + 1) == '<' &&
                 (IsIdent(At(pos_ + 2)) || At(pos_ + 2) == '-')) {
        SkipHeredoc();
      } else if (c == '{' || c == '[' || c == '(') {
        ++brackets, ++pos_;
      } else if (c == '}' || c == ']' || c == ')') {
        --brackets, ++pos_;
      } else if (c == '=' && At(pos_ + 1) != '=' && At(pos_ + 1) != '>') {
        if (!has_eq && tokens > 1) {
          has_eq = true;
          brackets_at_eq = brackets;
          line.eq = pos_;
          line.lead_end = last_end;
        }
        ++pos_;
      } else if ((c == '=' || c == '!' || c == '<' || c == '>') && At(pos_ + 1) == '=') {
        pos_ += 2;
      } else if (c == '=' && At(pos_ + 1) == '>') {
        pos_ += 2;
      } else if (IsIdent(c)) {
        while (pos_ < s_.size() && IsIdent(s_[pos_])) ++pos_;
      } else {
        ++pos_;
      }
      last_end = pos_;
    }
    line.end = pos_;
    if (has_eq && brackets == brackets_at_eq) {
      line.assigns = true;
      for (uint64_t p = first; p < line.lead_end; ++p) {
        if ((static_cast<unsigned char>(s_[p]) & 0xC0) != 0x80) ++line.lead_columns;
      }
    }
    return line;
  }

  // A quoted string, its template sequences and the strings inside them.
  void SkipString() {
    ++pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '\\') {
        pos_ += 2;
      } else if (c == '"') {
        ++pos_;
        return;
      } else if ((c == '$' || c == '%') && At(pos_ + 1) == c && At(pos_ + 2) == '{') {
        pos_ += 3;
      } else if ((c == '$' || c == '%') && At(pos_ + 1) == '{') {
        pos_ += 2;
        SkipTemplate();
      } else if (c == '\n') {
        return;  // not closed on its line: HCL refuses it; end the line here
      } else {
        ++pos_;
      }
    }
  }

  // Up to the '}' that closes a ${ or %{.
  void SkipTemplate() {
    int depth = 1;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '"') {
        SkipString();
        continue;
      }
      if (c == '{') ++depth;
      if (c == '}' && --depth == 0) {
        ++pos_;
        return;
      }
      ++pos_;
    }
  }

  // <<EOT or <<-EOT, its body, and the line holding only EOT.
  void SkipHeredoc() {
    uint64_t p = pos_ + 2;
    if (At(p) == '-') ++p;
    uint64_t marker_begin = p;
    while (p < s_.size() && IsIdent(s_[p])) ++p;
    std::string_view marker = s_.substr(marker_begin, p - marker_begin);
    size_t nl = s_.find('\n', p);
    if (marker.empty() || nl == std::string_view::npos) {
      pos_ = p;
      return;
    }
    uint64_t line = nl + 1;
    while (line < s_.size()) {
      size_t eol = s_.find('\n', line);
      if (eol == std::string_view::npos) eol = s_.size();
      uint64_t k = line;
      while (k < eol && (s_[k] == ' ' || s_[k] == '\t')) ++k;
      uint64_t e = eol;
      while (e > k && IsSpace(s_[e - 1])) --e;
      if (s_.substr(k, e - k) == marker) {
        pos_ = k + marker.size();
        return;
      }
      line = eol + 1;
    }
    pos_ = s_.size();  // never closed: HCL refuses it
  }

  std::string_view s_;
  uint64_t pos_ = 0;
};

}  // namespace

std::string AlignHclAssignments(std::string_view text,
                                const std::vector<std::pair<uint64_t, uint64_t>>& written) {
  std::vector<FormatLine> lines = Scanner(text).Lines();
  auto touched = [&](uint64_t begin, uint64_t end) {
    for (const auto& [wb, we] : written) {
      if (wb < end && we > begin) return true;
    }
    return false;
  };
  // The spaces each realigned line gets before its '=': (line index, spaces).
  std::vector<std::pair<size_t, size_t>> spaces;
  for (size_t i = 0; i < lines.size();) {
    if (!lines[i].assigns) {
      ++i;
      continue;
    }
    size_t j = i;
    size_t widest = 0;
    bool any = false;
    for (; j < lines.size() && lines[j].assigns; ++j) {
      widest = std::max(widest, lines[j].lead_columns);
      any = any || touched(lines[j].begin, lines[j].end);
    }
    if (any) {
      for (size_t k = i; k < j; ++k) spaces.push_back({k, widest - lines[k].lead_columns + 1});
    }
    i = j;
  }
  if (spaces.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size() + 64 * spaces.size());
  uint64_t pos = 0;
  for (const auto& [k, n] : spaces) {
    const FormatLine& line = lines[k];
    out.append(text.substr(pos, line.lead_end - pos));
    out.append(n, ' ');
    pos = line.eq;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace rootlock
