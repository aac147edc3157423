#include <gtest/gtest.h>

#include <string>

#include "parse/reader.h"

namespace rootlock {
namespace {

TEST(JsonReader, KeepsPositions) {
  ParsedSource p = ReadJson("t.json", "{\n  \"a\": {\"b\": [1, true]}\n}");
  ASSERT_FALSE(p.has_error) << p.error.ToString();
  const Node* b = p.documents[0].root->Path({"a", "b"});
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(b->IsSequence());
  EXPECT_EQ(b->start.line, 2u);
  EXPECT_EQ(b->start.column, 14u);
  EXPECT_EQ(b->start.offset, 15u);
  EXPECT_EQ(b->end.offset, 24u);
  EXPECT_EQ(b->children()[1]->AsBool(), BoolValue::kTrue);
  EXPECT_EQ(b->children()[0]->value(), "1");
}

TEST(JsonReader, ColumnsCountCharacters) {
  ParsedSource p = ReadJson("t.json", "{\"é\": 1, \"k\": 2}");
  ASSERT_FALSE(p.has_error);
  const Node* k = p.documents[0].root->Get("k");
  EXPECT_EQ(k->start.column, 15u);
  EXPECT_EQ(k->start.offset, 15u);
}

TEST(JsonReader, DecodesEscapes) {
  ParsedSource p = ReadJson("t.json", R"(["a\"b\\c\/\n", "\u00e9\ud83d\ude00", "\ud800x"])");
  ASSERT_FALSE(p.has_error) << p.error.ToString();
  const Node* r = p.documents[0].root;
  EXPECT_EQ(r->children()[0]->value(), "a\"b\\c/\n");
  EXPECT_EQ(r->children()[1]->value(), "\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(r->children()[2]->value(), "\xEF\xBF\xBDx");  // a lone surrogate becomes U+FFFD
}

TEST(JsonReader, QuotedTrueIsAStringNotABoolean) {
  ParsedSource p = ReadJson("t.json", R"({"a": "true", "b": false, "c": null})");
  ASSERT_FALSE(p.has_error);
  const Node* r = p.documents[0].root;
  EXPECT_EQ(r->Get("a")->AsBool(), BoolValue::kNotBool);
  EXPECT_EQ(r->Get("b")->AsBool(), BoolValue::kFalse);
  EXPECT_TRUE(r->Get("c")->IsNull());
}

TEST(JsonReader, ReadsConcatenatedValuesAsDocuments) {
  ParsedSource p = ReadJson("t.json", "{\"a\":1}\n{\"b\":2}\n[]");
  ASSERT_FALSE(p.has_error);
  ASSERT_EQ(p.documents.size(), 3u);
  EXPECT_EQ(p.documents[2].index, 2u);
}

struct BadJson {
  const char* text;
  uint32_t line, column;
  const char* message_part;
};

class JsonErrors : public ::testing::TestWithParam<BadJson> {};

TEST_P(JsonErrors, OneClearLocatedMessage) {
  const BadJson& c = GetParam();
  ParsedSource p = ReadJson("bad.json", c.text);
  ASSERT_TRUE(p.has_error) << c.text;
  EXPECT_EQ(p.error.where.line, c.line) << p.error.ToString();
  EXPECT_EQ(p.error.where.column, c.column) << p.error.ToString();
  EXPECT_NE(p.error.message.find(c.message_part), std::string::npos) << p.error.message;
  EXPECT_EQ(p.error.message.find('\n'), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(All, JsonErrors,
                         ::testing::Values(BadJson{"{\"a\": 1,}", 1, 9, "trailing comma"},
                                           BadJson{"{\"a\" 1}", 1, 6, "expected ':'"},
                                           BadJson{"{\n  \"a\": tru\n}", 2, 8, "unexpected"},
                                           BadJson{"[1, 2", 1, 6, "unclosed array"},
                                           BadJson{"{\"a\": \"b", 1, 7, "never closed"},
                                           BadJson{"[01]", 1, 3, "after a value"},
                                           BadJson{"{a: 1}", 1, 2, "expected a string key"},
                                           BadJson{"[\"\\q\"]", 1, 3, "unknown escape"},
                                           BadJson{"[\"\xC3\x28\"]", 1, 3, "UTF-8"},
                                           BadJson{"[1] x", 1, 5, "unexpected 'x'"},
                                           BadJson{"[1.]", 1, 4, "digits after '.'"}));

TEST(JsonReader, AcceptsJsoncComments) {
  ParsedSource p = ReadJson("t.json", "// top\n{\"a\": /* inline */ 1, // end\n\"b\": 2}\n");
  ASSERT_FALSE(p.has_error) << p.error.ToString();
  EXPECT_EQ(p.documents[0].root->Get("b")->start.line, 3u);
  ParsedSource q = ReadJson("t.json", "{\"a\": 1 /* open");
  ASSERT_TRUE(q.has_error);
  EXPECT_EQ(q.error.where.column, 9u);
  EXPECT_NE(q.error.message.find("comment is never closed"), std::string::npos);
}

TEST(JsonReader, RefusesDeepNestingWithoutRecursion) {
  std::string deep(100000, '[');
  ParsedSource p = ReadJson("deep.json", deep);
  ASSERT_TRUE(p.has_error);
  EXPECT_NE(p.error.message.find("nested deeper than 512"), std::string::npos);
}

TEST(JsonReader, EveryPrefixOfAValidDocumentParsesOrFailsCleanly) {
  std::string doc =
      R"({"kind": "Pod", "spec": {"containers": [{"name": "a\u00e9", "n": -1.5e3}]}})";
  for (size_t n = 0; n <= doc.size(); ++n) {
    ParsedSource p = ReadJson("p.json", doc.substr(0, n));
    if (n == doc.size()) {
      EXPECT_FALSE(p.has_error);
    } else if (n > 0) {
      EXPECT_TRUE(p.has_error) << n;
    }
  }
}

// A list far longer than the readers' scratch keeps: every item reaches the tree,
// in order, as the scratch gives back its memory while the list moves.
TEST(JsonReader, AVeryLongListKeepsEveryItemInOrder) {
  constexpr int kItems = 600'000;
  std::string text = "{\"k\": [";
  for (int i = 0; i < kItems; ++i) text += (i ? "," : "") + std::to_string(i);
  text += "], \"after\": [\"a\", \"long string value\"]}";
  ParsedSource p = ReadJson("long.json", text);
  ASSERT_FALSE(p.has_error) << p.error.ToString();
  const Node* list = p.documents[0].root->Get("k");
  ASSERT_TRUE(list && list->IsSequence());
  ASSERT_EQ(list->children().size(), static_cast<size_t>(kItems));
  for (int i = 0; i < kItems; i += 9973) {
    EXPECT_EQ(list->children()[i]->value(), std::to_string(i));
  }
  EXPECT_EQ(list->children().back()->value(), std::to_string(kItems - 1));
  const Node* after = p.documents[0].root->Get("after");
  ASSERT_TRUE(after && after->children().size() == 2);
  EXPECT_EQ(after->children()[1]->value(), "long string value");
  EXPECT_EQ(after->children()[1]->start.offset, text.find("\"long"));
}

}  // namespace
}  // namespace rootlock
