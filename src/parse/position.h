// Byte offsets to positions for readers that walk their text front to back.
#ifndef ROOTLOCK_PARSE_POSITION_H_
#define ROOTLOCK_PARSE_POSITION_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parse/node.h"

namespace rootlock {

/// Turns byte offsets into Marks: 1-based lines split at '\n', 1-based columns
/// counting characters (UTF-8 lead bytes). Asked in increasing order, as a
/// reader asks, it advances incrementally (amortised O(1) per mark); asked for
/// an earlier offset (error paths only) it rescans from the start. Not thread-safe.
class MarkTracker {
 public:
  /// `start` is where line 1, column 1 is (past a byte-order mark, say).
  explicit MarkTracker(std::string_view text, size_t start = 0)
      : text_(text), start_(start), scan_(start) {}

  Mark At(size_t pos) {
    if (pos < scan_) scan_ = start_, line_ = 1, column_ = 1;
    while (scan_ < pos && scan_ < text_.size()) {
      unsigned char c = static_cast<unsigned char>(text_[scan_]);
      if (c == '\n') {
        ++line_;
        column_ = 1;
      } else if ((c & 0xC0) != 0x80) {
        ++column_;
      }
      ++scan_;
    }
    return Mark{line_, column_, static_cast<uint32_t>(pos)};  // pos < kMaxInputBytes
  }

 private:
  std::string_view text_;
  size_t start_;
  size_t scan_;
  uint32_t line_ = 1;
  uint32_t column_ = 1;
};

}  // namespace rootlock

#endif  // ROOTLOCK_PARSE_POSITION_H_
