// Diagnostics: what went wrong, and where a person can look.
#ifndef ROOTLOCK_BASE_DIAGNOSTIC_H_
#define ROOTLOCK_BASE_DIAGNOSTIC_H_

#include <cstdint>
#include <string>

namespace rootlock {

/// A place in a source: 1-based line and column (columns count characters,
/// as editors do), and the 0-based byte offset. line == 0 means "the whole
/// file" (an I/O error, say).
struct Location {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  uint64_t offset = 0;
};

/// One input problem: an unreadable file, a YAML syntax error, a limit hit.
/// Errors are values: readers return them, the command line prints them as
/// one line each, `file:line:col: error: message`.
struct Diagnostic {
  Location where;
  std::string message;

  /// "file:line:col: error: message" (":line:col" left out when line is 0), with
  /// control characters in the file name and message escaped (EscapeControls).
  std::string ToString() const;
};

}  // namespace rootlock

#endif  // ROOTLOCK_BASE_DIAGNOSTIC_H_
