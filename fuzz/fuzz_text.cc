// Fuzz target: the escaping and quoting every output shares (base/text.h).
// Properties, on any bytes:
//  - EscapeControls leaves no raw control (C0, DEL, C1) and no byte that is not
//    UTF-8, and gives back text that has none of those unchanged;
//  - ShellQuote is one POSIX shell word that a reference unquoter (below, written
//    from POSIX 2.2 Quoting, not from ShellQuote) reads back as the input;
//  - YamlQuote holds no raw control, and `k: QUOTED` read by our YAML reader is a
//    mapping of one key whose value is the input (UTF-8 input: YAML cannot hold
//    other bytes).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/text.h"
#include "fuzz_common.h"
#include "parse/reader.h"

namespace {

using rootlock::fuzz::Require;

// Whether `s` is well-formed UTF-8 without C0, DEL or C1 controls, checked byte by
// byte (the C1 controls are U+0080-U+009F: 0xC2 0x80-0x9F in UTF-8).
bool Clean(std::string_view s) {
  if (rootlock::FirstInvalidUtf8(s) != std::string_view::npos) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) return false;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      return false;
    }
  }
  return true;
}

// Reads `text` as POSIX shell words (single quotes, double quotes, backslash);
// false when it is not exactly one word, or when an unquoted character is one
// the shell would expand or treat as an operator (anything outside a known-inert
// set: letters, digits and _@%+=:,./-).
bool UnquoteOneWord(std::string_view text, std::string* word) {
  word->clear();
  bool any = false;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '\'') {
      size_t end = text.find('\'', i + 1);
      if (end == std::string_view::npos) return false;
      word->append(text.substr(i + 1, end - i - 1));
      i = end + 1;
      any = true;
    } else if (c == '"') {
      ++i;
      for (;;) {
        if (i >= text.size()) return false;
        char d = text[i];
        if (d == '"') break;
        if (d == '$' || d == '`') return false;  // expansion inside double quotes
        if (d == '\\' && i + 1 < text.size() &&
            std::string_view("$`\"\\\n").find(text[i + 1]) != std::string_view::npos) {
          word->push_back(text[i + 1]);
          i += 2;
          continue;
        }
        word->push_back(d);
        ++i;
      }
      ++i;
      any = true;
    } else if (c == '\\') {
      if (i + 1 >= text.size() || text[i + 1] == '\n') return false;
      word->push_back(text[i + 1]);
      i += 2;
      any = true;
    } else {
      bool inert = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
      if (!inert) return false;  // a blank, an operator, $, `, a glob, ~, #, ...
      word->push_back(c);
      ++i;
      any = true;
    }
  }
  return any;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  std::string escaped = rootlock::EscapeControls(in);
  Require(Clean(escaped), "EscapeControls left a control or a byte that is not UTF-8");
  Require(rootlock::EscapeControls(escaped) == escaped, "EscapeControls is not idempotent");
  if (Clean(in)) Require(escaped == in, "EscapeControls changed text without controls");
  Require(rootlock::HasControls(in) == !Clean(in), "HasControls disagrees with the byte check");

  std::string word;
  Require(UnquoteOneWord(rootlock::ShellQuote(in), &word), "ShellQuote is not one shell word",
          rootlock::ShellQuote(in));
  Require(word == in, "ShellQuote does not read back as the input");

  std::string quoted = rootlock::YamlQuote(in);
  Require(Clean(quoted), "YamlQuote left a control or a byte that is not UTF-8");
  if (rootlock::FirstInvalidUtf8(in) == std::string_view::npos) {
    rootlock::ParsedSource p = rootlock::ReadYaml("fuzz.yaml", "k: " + quoted + "\n");
    Require(!p.has_error, "YamlQuote does not parse", p.error.message);
    Require(p.documents.size() == 1 && p.documents[0].root->IsMapping() &&
                p.documents[0].root->MappingSize() == 1,
            "YamlQuote made more than one key");
    const rootlock::Node* v = p.documents[0].root->Get("k");
    Require(v && v->IsScalar() && v->value == in, "YamlQuote does not read back as the input");
  }
  return 0;
}
