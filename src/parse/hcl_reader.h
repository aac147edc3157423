// Reading the HCL2 native syntax that Terraform files (.tf) use, into the same
// NodeTree as YAML and JSON.
//
// The tree mirrors Terraform's JSON configuration syntax, so a .tf file and a
// .tf.json file read alike:
//
//   - A file is one document whose root is a block-style mapping.
//   - `name = expr` is the key "name" (a plain scalar) and the expression's node.
//   - A labelled block, `resource "aws_ecs_task_definition" "app" { ... }`, is
//     "resource" -> "aws_ecs_task_definition" -> "app" -> its body (a mapping).
//     Blocks of the same type share the nested mappings, so every resource is
//     under one "resource" key. A block with the same labels as an earlier one
//     adds a second "app" key (Node::Get finds the last; iterate to see both).
//   - `locals { ... }` at the top level: "locals" -> one mapping that every
//     locals block adds to.
//   - Any other block without labels (`volume { ... }`, `lifecycle {}`,
//     `terraform {}`) is its name -> a sequence of body mappings, one per block.
//   - The mappings and sequences made for block nesting span from the first
//     block's name to the last block's closing brace; their key node is the
//     first block's name (or label). A body mapping spans its braces. The root
//     spans the whole file.
//   - Setting an attribute twice in a body (across locals blocks too), using a
//     name for both an attribute and a block, or giving blocks of one type
//     different numbers of labels is an error, so no key is ambiguous.
//
// Expressions:
//   - "quoted" strings: double-quoted scalars with escapes decoded; template
//     sequences ${...} and %{...} are kept as written, and $${ and %%{ decode
//     to ${ and %{.
//   - <<EOT and <<-EOT heredocs: literal scalars holding the body text (ending
//     with its last newline); <<- strips the common leading white space (spaces
//     and tabs, one column each; blank lines do not count). Templates are kept
//     as written and $${ / %%{ decode as in quoted strings.
//   - Numbers, true, false, null (and -N): plain scalars with the literal text.
//   - [a, b]: flow sequence. { k = v, "k2": v }: flow mapping; a key that is not
//     a name or a quoted string ((var.k), say) is a scalar tagged "!expr"
//     holding its source text.
//   - fn(a, b) and provider::ns::fn(a): a flow sequence tagged "!call:fn" whose
//     items are the arguments. An argument expanded with `...` is a sequence
//     tagged "!expand" holding that argument.
//   - Everything else (references like var.x, operators, conditionals, for
//     expressions, splats, indexing, parentheses) is a plain scalar tagged
//     "!expr" whose value is the expression's source text.
//
// Every node keeps its start and end (1-based line and column in characters,
// 0-based byte offset). Reading is bounded: nesting deeper than
// ParseLimits::max_depth (never deeper than kMaxHclDepth) is an error, and any
// input, truncated or hostile, reads or fails cleanly.
#ifndef ROOTLOCK_PARSE_HCL_READER_H_
#define ROOTLOCK_PARSE_HCL_READER_H_

#include <cstdint>
#include <string_view>

#include "parse/reader.h"

namespace rootlock {

/// The deepest nesting HCL reading allows, whatever ParseLimits says. The
/// reader recurses, using at most about 0.6 KB of stack per level in an
/// optimised build (1.1 KB unoptimised, 3.4 KB under AddressSanitizer), so
/// this stays well inside the 8 MB a thread gets.
inline constexpr uint32_t kMaxHclDepth = 1024;

/// Reads one HCL2 (Terraform) file into a single document; `format` is kHcl.
/// Errors are values: on the first one, `has_error` and `error` (message
/// prefixed "HCL: ") are set and no document is kept.
ParsedSource ReadHcl(std::string_view name, std::string_view text, const ParseLimits& limits = {});

/// In template text (a heredoc's or string's body), the end of the ${...} or %{...}
/// whose '$' or '%' is at `open`: just past its closing '}', minding nested braces and the
/// quoted strings inside; npos when it is not closed before `stop`.
size_t HclTemplateEnd(std::string_view text, size_t open, size_t stop);

}  // namespace rootlock

#endif  // ROOTLOCK_PARSE_HCL_READER_H_
