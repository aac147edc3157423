// The test build's hooks (base/test_hooks.h), driven by the environment; linked
// into rootlock_test_hooks only, never into the shipped binary.
//   ROOTLOCK_TEST_VANISH=PATH       deletes PATH just before the scan reads it
//   ROOTLOCK_TEST_UNREADABLE=PATH   takes PATH's permissions away just before
//   ROOTLOCK_TEST_PAUSE_BEFORE_WRITE=MS  sleeps MS milliseconds between a fix's read and write
//   ROOTLOCK_FAULT_AFTER_BYTES=N    dies (exit 86) after N bytes of a fix's temporary file
//   ROOTLOCK_FAULT_BEFORE_RENAME=1  dies (exit 87) just before the rename
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#include "base/test_hooks.h"

namespace rootlock::test_hooks {

void BeforeRead(const std::string& path) {
  static const char* const kVanish = std::getenv("ROOTLOCK_TEST_VANISH");
  static const char* const kUnreadable = std::getenv("ROOTLOCK_TEST_UNREADABLE");
  if (kVanish && path == kVanish) unlink(path.c_str());
  if (kUnreadable && path == kUnreadable) chmod(path.c_str(), 0);
}

void BeforeWrite(const std::string&) {
  if (const char* ms = std::getenv("ROOTLOCK_TEST_PAUSE_BEFORE_WRITE")) {
    usleep(static_cast<useconds_t>(std::strtoul(ms, nullptr, 10) * 1000));
  }
}

size_t CrashAfterTempBytes() {
  const char* fault = std::getenv("ROOTLOCK_FAULT_AFTER_BYTES");
  return fault ? static_cast<size_t>(std::strtoull(fault, nullptr, 10)) : SIZE_MAX;
}

void BeforeRename() {
  if (std::getenv("ROOTLOCK_FAULT_BEFORE_RENAME")) _exit(87);
}

}  // namespace rootlock::test_hooks
