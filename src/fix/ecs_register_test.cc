#include "fix/ecs_register.h"

#include <gtest/gtest.h>

#include <string>

namespace rootlock {
namespace {

// Family names come from the API: as file names they stay in their folder and apart.
TEST(EmitRegister, FileNamesAreSafeAndDistinct) {
  EXPECT_EQ(SafeFileName("checkout-api_v2"), "checkout-api_v2");
  EXPECT_EQ(SafeFileName("../etc/passwd"), "%2E%2E%2Fetc%2Fpasswd");
  EXPECT_EQ(SafeFileName("."), "%2E");
  EXPECT_EQ(SafeFileName(""), "%00");
  EXPECT_EQ(SafeFileName("a b\n"), "a%20b%0A");
  EXPECT_NE(SafeFileName("a/b"), SafeFileName("a%2Fb"));
  std::string long_a(300, 'a'), long_b = long_a + "b";
  EXPECT_LE(SafeFileName(long_a).size(), 200u);
  EXPECT_NE(SafeFileName(long_a), SafeFileName(long_b));
}

}  // namespace
}  // namespace rootlock
