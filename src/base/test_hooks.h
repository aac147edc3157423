// Points where a test can make the world misbehave: a file vanishing between
// discovery and reading, a crash part-way through writing a fix. The shipped
// binary links test_hooks_off.cc, where every hook does nothing; only the test
// build of the binary (rootlock_test_hooks, tests/test_hooks_env.cc) reads its
// instructions from the environment. No test hook ships in a release.
#ifndef ROOTLOCK_BASE_TEST_HOOKS_H_
#define ROOTLOCK_BASE_TEST_HOOKS_H_

#include <cstddef>
#include <string>

namespace rootlock::test_hooks {

/// Just before the engine reads `path` (spelled as the scan names it).
void BeforeRead(const std::string& path);

/// After a fix has read `path` and prepared its new text, before it writes
/// anything (while it holds the file's lock).
void BeforeWrite(const std::string& path);

/// How many bytes of a fix's temporary file may be written before the process
/// dies as a crash would (SIZE_MAX: no fault).
size_t CrashAfterTempBytes();

/// Just before a fix's temporary file replaces the original.
void BeforeRename();

}  // namespace rootlock::test_hooks

#endif  // ROOTLOCK_BASE_TEST_HOOKS_H_
