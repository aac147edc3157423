#include "live/aws_credentials.h"

#include <gtest/gtest.h>

namespace rootlock {
namespace {

TEST(AwsCredentials, Iso8601IsUtcSeconds) {
  EXPECT_EQ(ParseIso8601("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseIso8601("2026-11-30T00:15:00Z"), 1795997700);
  EXPECT_EQ(ParseIso8601("2026-11-30T00:15:00.123+00:00"), 1795997700);
  EXPECT_EQ(ParseIso8601("tomorrow"), -1);
  EXPECT_EQ(ParseIso8601(""), -1);
}

// Refreshed inside the 15 minutes before expiry, not before; a failed refresh keeps the
// old credentials while they last, and says why once they are gone.
TEST(AwsCredentials, RefreshedBeforeTheyExpire) {
  int64_t now = 1000;
  int calls = 0;
  bool fail = false;
  RefreshingCredentials creds(
      [&](AwsCredentials* out, int64_t* expires, Diagnostic* error) {
        ++calls;
        if (fail) {
          error->message = "the endpoint is gone";
          return false;
        }
        out->access_key_id = "AKID" + std::to_string(calls);
        out->secret_access_key = "s";
        *expires = now + 3600;
        return true;
      },
      [&] { return now; });
  AwsCredentials got;
  Diagnostic error;
  ASSERT_TRUE(creds.Get(&got, &error));
  EXPECT_EQ(got.access_key_id, "AKID1");
  now += 3600 - 15 * 60 - 1;  // not yet due
  ASSERT_TRUE(creds.Get(&got, &error));
  EXPECT_EQ(got.access_key_id, "AKID1");
  now += 1;  // due: fetched again
  ASSERT_TRUE(creds.Get(&got, &error));
  EXPECT_EQ(got.access_key_id, "AKID2");
  EXPECT_EQ(calls, 2);
  fail = true;
  now += 3600 - 60;  // due, the refresh fails, the old ones still hold
  ASSERT_TRUE(creds.Get(&got, &error));
  EXPECT_EQ(got.access_key_id, "AKID2");
  now += 60;  // expired, and no new ones
  EXPECT_FALSE(creds.Get(&got, &error));
  EXPECT_EQ(error.message, "the endpoint is gone");
  EXPECT_EQ(creds.fetches(), 4);
}

}  // namespace
}  // namespace rootlock
