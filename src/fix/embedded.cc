// Container definitions written as JSON text inside a .tf file — a heredoc
// (<<EOT, <<-EOT) or a quoted string, the way older Terraform modules write
// them — read so that fix edits them in place: the JSON's own indentation
// kept, every ${...} left exactly as written.
#include "base/text.h"
#include "fix/fixer.h"
#include "parse/hcl_reader.h"

namespace rootlock::fixing {

namespace {

// Text a renderer wrote into the JSON, as the .tf file must hold it.
std::string Escaped(std::string_view text, bool quoted) {
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if ((c == '$' || c == '%') && i + 1 < text.size() && text[i + 1] == '{') {
      out += c;  // $${ and %%{ are a literal ${ and %{ in HCL templates
    }
    if (quoted && (c == '"' || c == '\\')) {
      out += '\\';
    } else if (quoted && (c == '\n' || c == '\r' || c == '\t')) {
      out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string EmbeddedJson::TemplateAt(const Node* n, std::string_view file_text) const {
  for (const auto& [b, e] : templates) {
    if (n->start.offset < e && n->end.offset > b) {
      return std::string(file_text.substr(at[b], at[e] - at[b]));
    }
  }
  return "";
}

EmbeddedJson& Fixer::Embedded(const Node* value) {
  std::unique_ptr<EmbeddedJson>& slot = embedded_[value];
  if (slot) return *slot;
  slot = std::make_unique<EmbeddedJson>();
  EmbeddedJson& e = *slot;
  std::string_view raw = text_;
  uint64_t begin = value->start.offset;
  uint64_t end = value->end.offset;
  uint64_t p = 0, stop = 0;
  if (raw.substr(begin, 2) == "<<") {
    size_t nl = raw.find('\n', begin);
    if (nl == std::string_view::npos || nl >= end) {
      e.unfit = "is a heredoc rootlock cannot read";
      return e;
    }
    p = nl + 1;
    // The body ends where the line holding the closing marker starts.
    size_t last = raw.rfind('\n', end - 1);
    stop = last == std::string_view::npos || last < p ? p : last + 1;
  } else if (begin < raw.size() && raw[begin] == '"' && end > begin + 1) {
    e.quoted = true;
    p = begin + 1;
    stop = end - 1;
  } else {
    e.unfit = "is not written here as a heredoc or a string";
    return e;
  }
  // JSON string state, read on the decoded text.
  bool in_string = false, escaped = false;
  auto track = [&](char c) {
    if (escaped) {
      escaped = false;
    } else if (in_string && c == '\\') {
      escaped = true;
    } else if (c == '"') {
      in_string = !in_string;
    }
  };
  auto emit = [&](char c, uint64_t from) {
    e.text += c;
    e.at.push_back(from);
  };
  e.text.reserve(stop - p);
  e.at.reserve(stop - p + 1);
  for (uint64_t i = p; i < stop;) {
    char c = raw[i];
    char next = i + 1 < stop ? raw[i + 1] : '\0';
    if (e.quoted && c == '\\') {
      std::string decoded;
      uint64_t len = 2;
      uint32_t cp = 0;
      switch (next) {
        case 'n':
          decoded = "\n";
          break;
        case 'r':
          decoded = "\r";
          break;
        case 't':
          decoded = "\t";
          break;
        case '"':
          decoded = "\"";
          break;
        case '\\':
          decoded = "\\";
          break;
        case 'u':
        case 'U':
          len = next == 'u' ? 6 : 10;
          if (i + len > stop || !ParseHex(raw.substr(i + 2, len - 2), &cp) || cp > 0x10FFFF) {
            e.unfit = "holds an escape rootlock cannot read";
            return e;
          }
          AppendUtf8(cp, &decoded);
          break;
        default:
          e.unfit = "holds an escape rootlock cannot read";
          return e;
      }
      for (char d : decoded) emit(d, i), track(d);
      i += len;
      continue;
    }
    if ((c == '$' || c == '%') && next == c && i + 2 < stop && raw[i + 2] == '{') {
      emit(c, i), track(c);  // $${ is a literal ${
      emit('{', i + 2), track('{');
      i += 3;
      continue;
    }
    if (c == '%' && next == '{') {
      e.unfit = "holds a template directive (%{ ... })";
      return e;
    }
    if (c == '$' && next == '{') {
      size_t j = HclTemplateEnd(raw, i, stop);
      if (j == std::string_view::npos) {
        e.unfit = "holds a ${ that is never closed";
        return e;
      }
      // As many bytes as written, each mapped to its own: a JSON string (or,
      // inside one, string content) that the reader takes for a value.
      uint64_t from = e.text.size();
      for (uint64_t k = i; k < j; ++k) {
        char b = raw[k];
        bool edge = !in_string && (k == i || k + 1 == j);
        bool plain = b != '"' && b != '\\' && static_cast<unsigned char>(b) >= 0x20;
        emit(edge ? '"' : plain ? b : '_', k);
      }
      e.templates.push_back({from, e.text.size()});
      i = j;
      continue;
    }
    emit(c, i), track(c);
    ++i;
  }
  e.at.push_back(stop);
  e.parsed = std::make_unique<ParsedSource>(ReadJson(name_, e.text));
  if (e.parsed->has_error || e.parsed->documents.empty()) {
    e.unfit = "is not valid JSON";
    return e;
  }
  e.editor = std::make_unique<TreeEditor>(e.text, Syntax::kJson);
  return e;
}

// The edits made on embedded JSON, as edits of the file that holds it.
void Fixer::MergeEmbedded() {
  for (const auto& [value, e] : embedded_) {
    if (!e->editor) continue;
    for (const TextEdit& t : e->editor->edits()) {
      TextEdit m;
      m.offset = e->at[t.offset];
      m.length = e->at[t.offset + t.length] - m.offset;
      m.text = Escaped(t.text, e->quoted);
      m.depth = t.depth;
      editor_->edits().push_back(std::move(m));
    }
  }
}

}  // namespace rootlock::fixing
