// Byte-range edits on the original text: the only way rootlock changes a file.
// Comments, key order, quoting and line endings outside an edit are untouched
// by construction.
#ifndef ROOTLOCK_FIX_EDIT_H_
#define ROOTLOCK_FIX_EDIT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rootlock {

/// Replace `length` bytes at `offset` with `text` (length 0: an insertion).
struct TextEdit {
  uint64_t offset = 0;
  uint64_t length = 0;
  std::string text;
  /// Among insertions at the same offset, deeper ones (larger) go first: a
  /// line added to an inner block must precede one added to its parent.
  int depth = 0;
};

/// Applies edits to `text`. Edits are applied in offset order; insertions at
/// the same offset keep the order they were given in. Overlapping
/// replacements are a bug in the caller: false, with `error` set. `written`,
/// when given, receives where each edit's text landed in `out` ([begin, end)).
bool ApplyEdits(std::string_view text, std::vector<TextEdit> edits, std::string* out,
                std::string* error, std::vector<std::pair<uint64_t, uint64_t>>* written = nullptr);

/// "\r\n" when the text's lines end that way (its first line break decides), else "\n".
std::string_view LineEnding(std::string_view text);

/// A unified diff (---/+++ headers, @@ hunks with 3 lines of context) from
/// `before` to `after`, labelled a/NAME and b/NAME. Empty when they are equal.
std::string UnifiedDiff(std::string_view name, std::string_view before, std::string_view after);

}  // namespace rootlock

#endif  // ROOTLOCK_FIX_EDIT_H_
