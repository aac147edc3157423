#include <gtest/gtest.h>

#include <string>

#include "parse/reader.h"

namespace rootlock {
namespace {

TEST(YamlReader, KeepsLineColumnAndByteOffset) {
  ParsedSource p = ReadYaml("t.yaml", "a: 1\nspec:\n  name: x\n");
  ASSERT_FALSE(p.has_error) << p.error.ToString();
  ASSERT_EQ(p.documents.size(), 1u);
  const Node* name = p.documents[0].root->Path({"spec", "name"});
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->value(), "x");
  EXPECT_EQ(name->start.line, 3u);
  EXPECT_EQ(name->start.column, 9u);
  EXPECT_EQ(name->start.offset, 19u);
}

TEST(YamlReader, ByteOffsetsCountUtf8BytesAndColumnsCountCharacters) {
  // "é" is two bytes: the offset moves by two, the column by one.
  ParsedSource p = ReadYaml("t.yaml", "k: é\nz: ü\n");
  ASSERT_FALSE(p.has_error);
  const Node* z = p.documents[0].root->Get("z");
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(z->start.line, 2u);
  EXPECT_EQ(z->start.column, 4u);
  EXPECT_EQ(z->start.offset, 9u);  // "k: é\n" is 6 bytes, "z: " 3 more
  EXPECT_EQ(std::string("k: é\nz: ü\n").substr(z->start.offset, 2), "ü");
}

TEST(YamlReader, ByteOffsetsSkipABom) {
  ParsedSource p = ReadYaml("t.yaml", "\xEF\xBB\xBFk: v\n");
  ASSERT_FALSE(p.has_error);
  EXPECT_EQ(p.documents[0].root->Get("k")->start.offset, 6u);
}

TEST(YamlReader, ReadsEveryDocumentOfAStream) {
  ParsedSource p = ReadYaml("t.yaml", "a: 1\n---\nb: 2\n---\n# only a comment\n---\nc: 3\n");
  ASSERT_FALSE(p.has_error);
  ASSERT_EQ(p.documents.size(), 4u);  // the comment-only document is an empty (null) document
  EXPECT_EQ(p.documents[0].index, 0u);
  EXPECT_NE(p.documents[3].root->Get("c"), nullptr);
  EXPECT_EQ(p.documents[3].index, 3u);
}

TEST(YamlReader, Yaml11Booleans) {
  ParsedSource p = ReadYaml(
      "t.yaml", "a: yes\nb: On\nc: 'true'\nd: y\ne: off\nf: !!bool true\ng: ~\nh: TRUE\ni: 1\n");
  ASSERT_FALSE(p.has_error);
  const Node* r = p.documents[0].root;
  EXPECT_EQ(r->Get("a")->AsBool(), BoolValue::kTrue);
  EXPECT_EQ(r->Get("b")->AsBool(), BoolValue::kTrue);
  EXPECT_EQ(r->Get("c")->AsBool(), BoolValue::kNotBool);  // quoted: a string
  EXPECT_EQ(r->Get("d")->AsBool(), BoolValue::kTrue);
  EXPECT_EQ(r->Get("e")->AsBool(), BoolValue::kFalse);
  EXPECT_EQ(r->Get("f")->AsBool(), BoolValue::kTrue);
  EXPECT_EQ(r->Get("g")->AsBool(), BoolValue::kNull);
  EXPECT_EQ(r->Get("h")->AsBool(), BoolValue::kTrue);
  EXPECT_EQ(r->Get("i")->AsBool(), BoolValue::kNotBool);
}

TEST(YamlReader, AliasesShareTheAnchoredNode) {
  ParsedSource p = ReadYaml("t.yaml", "base: &b {x: 1}\nuse: *b\n");
  ASSERT_FALSE(p.has_error);
  EXPECT_EQ(p.documents[0].root->Get("base"), p.documents[0].root->Get("use"));
}

TEST(YamlReader, MergeKeysResolveAndOwnKeysWin) {
  ParsedSource p = ReadYaml("t.yaml",
                            "a: &a {x: 1, y: 1}\n"
                            "b: &b {y: 2, z: 2}\n"
                            "m:\n  <<: [*a, *b]\n  x: 9\n");
  ASSERT_FALSE(p.has_error) << p.error.ToString();
  const Node* m = p.documents[0].root->Get("m");
  EXPECT_EQ(m->Get("<<"), nullptr);
  EXPECT_EQ(m->Get("x")->value(), "9");  // own key wins
  EXPECT_EQ(m->Get("y")->value(), "1");  // earlier merge source wins
  EXPECT_EQ(m->Get("z")->value(), "2");
}

TEST(YamlReader, LastDuplicateKeyWins) {
  ParsedSource p = ReadYaml("t.yaml", "k: 1\nk: 2\n");
  ASSERT_FALSE(p.has_error);
  EXPECT_EQ(p.documents[0].root->Get("k")->value(), "2");
}

TEST(YamlReader, RefusesAnAliasBomb) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (char c = 'b'; c <= 'k'; ++c) {
    std::string cur(1, c);
    bomb += cur + ": &" + cur + " [";
    for (int i = 0; i < 10; ++i) bomb += (i ? ", *" : "*") + prev;
    bomb += "]\n";
    prev = cur;
  }
  ParsedSource p = ReadYaml("bomb.yaml", bomb);
  ASSERT_TRUE(p.has_error);
  EXPECT_NE(p.error.message.find("aliases expand to more than 4000000 nodes (an alias bomb?)"),
            std::string::npos)
      << p.error.message;
  EXPECT_GT(p.error.where.line, 1u);
}

// Over the node limit by aliases alone: named as aliases, though few nodes are written.
TEST(YamlReader, AliasesOverTheNodeLimitAreCalledAnAliasBomb) {
  std::string text = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [";
  for (int i = 0; i < 200; ++i) text += i ? ", *a" : "*a";
  text += "]\n";
  ParseLimits limits;
  limits.max_expanded_nodes = 1000;
  ParsedSource p = ReadYaml("aliases.yaml", text, limits);
  ASSERT_TRUE(p.has_error);
  EXPECT_NE(p.error.message.find("aliases expand to more than 1000 nodes (an alias bomb?)"),
            std::string::npos)
      << p.error.message;
}

// Over the node limit with no alias at all: the message names the limit that
// was hit, not an alias bomb.
TEST(YamlReader, ALargeDocumentWithoutAliasesIsNotCalledAnAliasBomb) {
  std::string text = "x: [";
  for (int i = 0; i < 2000; ++i) text += i ? ", 1" : "1";
  text += "]\n";
  ParseLimits limits;
  limits.max_expanded_nodes = 1000;
  ParsedSource p = ReadYaml("large.yaml", text, limits);
  ASSERT_TRUE(p.has_error);
  EXPECT_NE(
      p.error.message.find("the document has more than 1000 nodes, the limit for one document"),
      std::string::npos)
      << p.error.message;
  EXPECT_EQ(p.error.message.find("alias"), std::string::npos) << p.error.message;
  limits.max_expanded_nodes = 2100;  // room for the mapping, x, the list and its 2000 items
  EXPECT_FALSE(ReadYaml("large.yaml", text, limits).has_error);
}

TEST(YamlReader, RefusesDeepNesting) {
  std::string deep(100000, '[');
  ParsedSource p = ReadYaml("deep.yaml", deep);
  ASSERT_TRUE(p.has_error);
  EXPECT_NE(p.error.message.find("nested deeper than 512"), std::string::npos) << p.error.message;
}

TEST(YamlReader, ExplainsATabInIndentation) {
  ParsedSource p = ReadYaml("t.yaml", "a:\n\tb: 1\n");
  ASSERT_TRUE(p.has_error);
  EXPECT_EQ(p.error.where.line, 2u);
  EXPECT_EQ(p.error.where.column, 1u);
  EXPECT_NE(p.error.message.find("tab character"), std::string::npos) << p.error.message;
}

TEST(YamlReader, KeepsDocumentsReadBeforeAnError) {
  ParsedSource p = ReadYaml("t.yaml", "a: 1\n---\nb: [unclosed\n");
  ASSERT_TRUE(p.has_error);
  ASSERT_EQ(p.documents.size(), 1u);
  EXPECT_NE(p.documents[0].root->Get("a"), nullptr);
  EXPECT_EQ(p.error.where.file, "t.yaml");
  EXPECT_GE(p.error.where.line, 3u);
}

TEST(YamlReader, UndefinedAliasIsAnError) {
  ParsedSource p = ReadYaml("t.yaml", "a: *nope\n");
  ASSERT_TRUE(p.has_error);
  EXPECT_NE(p.error.message.find("*nope"), std::string::npos);
}

TEST(YamlReader, InvalidUtf8IsAnErrorWithAPosition) {
  ParsedSource p = ReadYaml("t.yaml", "a: 1\nb: \xC3\x28\n");
  ASSERT_TRUE(p.has_error);
  EXPECT_EQ(p.error.where.line, 2u);
}

TEST(ReadSource, RefusesUtf16AndBinary) {
  ParsedSource a = ReadSource("u.yaml",
                              std::string("\xFF\xFE"
                                          "a\0:\0",
                                          6),
                              InputFormat::kAuto);
  ASSERT_TRUE(a.has_error);
  EXPECT_NE(a.error.message.find("UTF-16"), std::string::npos);
  ParsedSource b = ReadSource("b.yaml",
                              std::string("\x7f"
                                          "ELF\0\0\0",
                                          7),
                              InputFormat::kAuto);
  ASSERT_TRUE(b.has_error);
  EXPECT_NE(b.error.message.find("binary"), std::string::npos);
}

TEST(ReadSource, SniffsJsonAndFallsBackToFlowYaml) {
  ParsedSource j = ReadSource("-", "  {\"a\": true}", InputFormat::kAuto);
  ASSERT_FALSE(j.has_error);
  EXPECT_EQ(j.format, InputFormat::kJson);
  ParsedSource y = ReadSource("-", "{a: b}", InputFormat::kAuto);
  ASSERT_FALSE(y.has_error) << y.error.ToString();
  EXPECT_EQ(y.format, InputFormat::kYaml);
  EXPECT_EQ(y.documents[0].root->Get("a")->value(), "b");
}

}  // namespace
}  // namespace rootlock
