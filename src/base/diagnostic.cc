#include "base/diagnostic.h"

namespace rootlock {

std::string Diagnostic::ToString() const {
  std::string out = where.file;
  if (where.line > 0) {
    out += ':' + std::to_string(where.line) + ':' + std::to_string(where.column);
  }
  out += ": error: ";
  out += message;
  return out;
}

}  // namespace rootlock
