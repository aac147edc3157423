#include "base/file_system.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace rootlock {
namespace {

TEST(MemoryFileSystem, ReadsWhatItHoldsAndListsOneFolder) {
  MemoryFileSystem fs;
  fs.files["infra/main.tf"] = "resource {}";
  fs.files["infra/.env"] = "A=1";
  fs.files["infra/sub/x.tf"] = "";
  fs.files["top.yaml"] = "";
  std::string out, error;
  EXPECT_TRUE(fs.Read("infra/main.tf", &out, &error));
  EXPECT_EQ(out, "resource {}");
  EXPECT_FALSE(fs.Read("infra/missing.tf", &out, &error));
  EXPECT_EQ(error, "no such file");
  EXPECT_EQ(fs.List("infra"), (std::vector<std::string>{".env", "main.tf"}));
  EXPECT_EQ(fs.List("infra/"), (std::vector<std::string>{".env", "main.tf"}));
  EXPECT_EQ(fs.List("."), (std::vector<std::string>{"top.yaml"}));
}

TEST(FixTempName, IsRecognisedAndStaysWithinNameMax) {
  long pid = 0;
  std::string t = FixTempTemplate("a/", "web.yaml", 4242);
  EXPECT_EQ(t, "a/.web.yaml.rootlock-tmp-4242-XXXXXX");
  EXPECT_TRUE(IsFixTempName(".web.yaml.rootlock-tmp-4242-aB3dE9", &pid));
  EXPECT_EQ(pid, 4242);
  for (const char* not_ours :
       {"web.yaml", ".web.yaml.rootlock-tmp-4242-aB3dE", ".web.yaml.rootlock-tmp-x-aB3dE9",
        ".web.yaml.rootlock-tmp--aB3dE9", "web.yaml.rootlock-tmp-1-aB3dE9",
        ".web.yaml.rootlock-tmp-1-aB3d.9", ".web.yaml.rootlock-aB3dE9"}) {
    EXPECT_FALSE(IsFixTempName(not_ours)) << not_ours;
  }
  std::string longest = FixTempTemplate("", std::string(255, 'n'), 2147483647);
  EXPECT_LE(longest.size(), 255u);
  EXPECT_TRUE(IsFixTempName(longest.substr(0, longest.size() - 6) + "abcdef"));
}

TEST(ReadFileBytes, RefusesPastTheLimitAndSaysWhere) {
  char path[] = "/tmp/rootlock-fs-test-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string body(100 * 1024, 'x');
  ASSERT_EQ(write(fd, body.data(), body.size()), static_cast<ssize_t>(body.size()));
  close(fd);
  for (bool regular : {true, false}) {
    std::string out;
    Diagnostic error;
    EXPECT_TRUE(ReadFileBytes(path, regular, body.size(), &out, &error));
    EXPECT_EQ(out, body);
    EXPECT_FALSE(ReadFileBytes(path, regular, body.size() - 1, &out, &error));
    EXPECT_EQ(error.where.file, path);
    EXPECT_NE(error.message.find("limit"), std::string::npos) << error.message;
  }
  unlink(path);
  std::string out;
  Diagnostic error;
  EXPECT_FALSE(ReadFileBytes(path, false, 1024, &out, &error));
  EXPECT_NE(error.message.find("cannot read"), std::string::npos) << error.message;
  EXPECT_EQ(FormatBytes(16ull * 1024 * 1024), "16.0 MiB");
}

TEST(RealFileSystem, ListsSorted) {
  std::vector<std::string> names = RealFileSystem().List(ROOTLOCK_SOURCE_DIR "/src/base");
  ASSERT_FALSE(names.empty());
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

}  // namespace
}  // namespace rootlock
