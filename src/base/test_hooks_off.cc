// The shipped hooks: none of them does anything (see base/test_hooks.h).
#include <cstdint>

#include "base/test_hooks.h"

namespace rootlock::test_hooks {

void BeforeRead(const std::string&) {}

void BeforeWrite(const std::string&) {}

size_t CrashAfterTempBytes() { return SIZE_MAX; }

void BeforeRename() {}

}  // namespace rootlock::test_hooks
