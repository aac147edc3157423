// Reading bytes into documents: YAML (libyaml) or JSON (our own reader), both
// into the same NodeTree, both bounded against hostile input.
#ifndef ROOTLOCK_PARSE_READER_H_
#define ROOTLOCK_PARSE_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
#include "parse/node.h"

namespace rootlock {

/// Bounds that make any input safe to read. Documented in docs/limits.md.
struct ParseLimits {
  /// Deepest nesting of mappings and sequences.
  uint32_t max_depth = 512;
  /// Most nodes a document may denote once its aliases are expanded: a
  /// "billion laughs" input is refused past this, though we never expand it.
  uint64_t max_expanded_nodes = 4'000'000;
  /// YAML: leave out the documents whose top-level kind is certainly this one
  /// (parse/yaml_skim.h) rather than parse them; "" parses every document. They
  /// still count as documents; errors inside one go unreported. The scan sets
  /// the kind no adapter extracts anything from (InertKind()).
  std::string_view skip_kind;
};

/// kHcl is Terraform's native syntax (.tf); it is never sniffed, only named.
enum class InputFormat { kAuto, kYaml, kJson, kHcl };

/// The outcome of reading one source. Documents read before an error are
/// kept (they are whole and valid); `error` says where reading stopped.
struct ParsedSource {
  std::unique_ptr<NodeTree> tree = std::make_unique<NodeTree>();
  std::vector<Document> documents;
  bool has_error = false;
  Diagnostic error;
  /// The format actually read (kAuto resolved).
  InputFormat format = InputFormat::kYaml;
};

/// For the readers: false, with `out`'s error set, when `text` is too large for
/// the tree's 32-bit positions (over kMaxInputBytes).
bool FitsInTree(std::string_view name, std::string_view text, ParsedSource* out);

/// Reads a YAML stream (every document). `name` is used in diagnostics.
ParsedSource ReadYaml(std::string_view name, std::string_view text, const ParseLimits& limits = {});
/// Reads JSON: one value, or several separated by white space (JSON Lines).
ParsedSource ReadJson(std::string_view name, std::string_view text, const ParseLimits& limits = {});
/// Picks the reader: kJson/kYaml as told; kAuto sniffs the first non-blank
/// byte ('{' or '[' reads JSON, anything else YAML). Refuses UTF-16/32 and
/// NUL-laden (binary) input with a clear message before any parsing.
ParsedSource ReadSource(std::string_view name, std::string_view text, InputFormat format,
                        const ParseLimits& limits = {});

/// Reads a file the user named for rootlock itself (a config, a baseline, a
/// --var-file) and parses it as `format`; `text` keeps the bytes. False with
/// `error` set when it cannot be read or does not parse (then out->has_error).
bool ReadAndParse(const std::string& path, InputFormat format, uint64_t max_bytes,
                  std::string* text, ParsedSource* out, Diagnostic* error);

}  // namespace rootlock

#endif  // ROOTLOCK_PARSE_READER_H_
