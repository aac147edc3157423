#include "base/diagnostic.h"

#include "base/text.h"

namespace rootlock {

std::string Diagnostic::ToString() const {
  // A file name or a message may carry what the input put there: one line, no
  // control reaching the terminal.
  std::string out = EscapeControls(where.file);
  if (where.line > 0) {
    out += ':' + std::to_string(where.line) + ':' + std::to_string(where.column);
  }
  out += ": error: ";
  out += EscapeControls(message);
  return out;
}

}  // namespace rootlock
