#include "fix/hcl_align.h"

#include <gtest/gtest.h>

#include <string>

namespace rootlock {
namespace {

// The range of `part` in `text`: what a fix wrote there.
std::vector<std::pair<uint64_t, uint64_t>> Wrote(const std::string& text, const std::string& part) {
  size_t at = text.find(part);
  EXPECT_NE(at, std::string::npos) << part;
  return {{at, at + part.size()}};
}

TEST(AlignHclAssignments, AWrittenLineRealignsItsRun) {
  std::string text =
      "  {\n"
      "    name      = \"api\"\n"
      "    essential = true\n"
      "    readonlyRootFilesystem = true\n"
      "  }\n";
  EXPECT_EQ(AlignHclAssignments(text, Wrote(text, "    readonlyRootFilesystem = true\n")),
            "  {\n"
            "    name                   = \"api\"\n"
            "    essential              = true\n"
            "    readonlyRootFilesystem = true\n"
            "  }\n");
}

TEST(AlignHclAssignments, RunsEndAtBlankCommentAndBracketLines) {
  std::string text =
      "a = 1\n"
      "\n"
      "bb = 2\n"
      "ccc = 3\n"
      "# note\n"
      "d = 4\n"
      "list = [\n"
      "  1,\n"
      "]\n"
      "eeeee = 5\n";
  // Only the run holding the written line moves; the others stay as they were.
  EXPECT_EQ(AlignHclAssignments(text, Wrote(text, "ccc = 3\n")),
            "a = 1\n"
            "\n"
            "bb  = 2\n"
            "ccc = 3\n"
            "# note\n"
            "d = 4\n"
            "list = [\n"
            "  1,\n"
            "]\n"
            "eeeee = 5\n");
  // A line that opens a bracket is no assignment of a whole expression: d stays.
  EXPECT_EQ(AlignHclAssignments(text, Wrote(text, "d = 4\n")), text);
}

TEST(AlignHclAssignments, AHeredocBelongsToTheLineThatOpensIt) {
  std::string text =
      "  family = \"x\"\n"
      "  container_definitions = <<DEFS\n"
      "[{\"name\": \"a\", \"x\": 1}]\n"
      "DEFS\n"
      "  cpu = 256\n";
  std::string want =
      "  family                = \"x\"\n"
      "  container_definitions = <<DEFS\n"
      "[{\"name\": \"a\", \"x\": 1}]\n"
      "DEFS\n"
      "  cpu                   = 256\n";
  EXPECT_EQ(AlignHclAssignments(text, Wrote(text, ", \"x\": 1")), want);
}

TEST(AlignHclAssignments, OperatorsStringsAndTrailingCommentsAreNotAssignments) {
  std::string text =
      "  a = var.x == 1 ? \"=\" : \"${b = 2}\" # c = 3\n"
      "  long_name = [{ x = 1 }]\n";
  EXPECT_EQ(AlignHclAssignments(text, Wrote(text, "  long_name")),
            "  a         = var.x == 1 ? \"=\" : \"${b = 2}\" # c = 3\n"
            "  long_name = [{ x = 1 }]\n");
}

TEST(AlignHclAssignments, NothingWrittenChangesNothing) {
  std::string text = "a = 1\nbbbb = 2\n";
  EXPECT_EQ(AlignHclAssignments(text, {}), text);
}

}  // namespace
}  // namespace rootlock
