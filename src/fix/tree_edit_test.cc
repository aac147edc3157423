// TreeEditor: each edit rendered in the document's own style, every other byte
// left as it was. Table-driven: a text, the edits made on it, the exact text
// that results once they are applied.
#include "fix/tree_edit.h"

#include <gtest/gtest.h>

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "fix/edit.h"
#include "parse/hcl_reader.h"
#include "parse/reader.h"

namespace rootlock {
namespace {

enum class Op { kInsertMember, kAppendItem, kReplace, kInsertHclBlock };

struct Edit {
  Op op;
  std::string path;  // dot-separated keys and sequence indexes from the root: "spec.containers.0"
  std::string key;   // InsertMember's key, InsertHclBlock's block name
  Value value;
};

struct EditCase {
  std::string name;  // the test's name: letters, digits and underscores
  Syntax syntax;
  std::string input;
  std::vector<Edit> edits;  // made in this order
  std::string expected;
  uint32_t document = 0;  // which document of a YAML stream the paths start from
};

void PrintTo(const EditCase& c, std::ostream* os) { *os << c.name; }

ParsedSource Parse(const EditCase& c) {
  switch (c.syntax) {
    case Syntax::kJson:
      return ReadJson("in.json", c.input);
    case Syntax::kHcl:
      return ReadHcl("in.tf", c.input);
    case Syntax::kYaml:
      break;
  }
  return ReadYaml("in.yaml", c.input);
}

// The node at `path`, or nullptr.
const Node* At(const Node* n, std::string_view path) {
  while (n && !path.empty()) {
    size_t dot = path.find('.');
    std::string_view part = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    size_t index = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
    if (n->IsSequence() && ec == std::errc() && end == part.data() + part.size()) {
      n = index < n->children.size() ? n->children[index] : nullptr;
    } else {
      n = n->Get(part);
    }
  }
  return n;
}

// Parses the case's input, makes its edits as fix does (LearnStyle first) and
// applies them.
std::string Edited(const EditCase& c) {
  ParsedSource parsed = Parse(c);
  EXPECT_FALSE(parsed.has_error) << parsed.error.ToString();
  if (parsed.has_error || c.document >= parsed.documents.size()) return "<no document>";
  const Node* root = parsed.documents[c.document].root;
  TreeEditor editor(c.input, c.syntax);
  editor.LearnStyle(root);
  for (const Edit& e : c.edits) {
    const Node* n = At(root, e.path);
    if (!n) {
      ADD_FAILURE() << "no node at " << e.path;
      return "<no node>";
    }
    switch (e.op) {
      case Op::kInsertMember:
        editor.InsertMember(n, e.key, e.value);
        break;
      case Op::kAppendItem:
        editor.AppendItem(n, e.value);
        break;
      case Op::kReplace:
        editor.Replace(n, e.value);
        break;
      case Op::kInsertHclBlock:
        editor.InsertHclBlock(n, e.key, e.value);
        break;
    }
  }
  std::string out, error;
  if (!ApplyEdits(c.input, editor.edits(), &out, &error)) {
    ADD_FAILURE() << error;
    return "<edits do not apply>";
  }
  return out;
}

Value True() { return Value::Bool(true); }
Value S(std::string s) { return Value::Str(std::move(s)); }
Value ReadOnly() { return Value::Map({{"readOnlyRootFilesystem", True()}}); }
Value TmpMount() { return Value::Map({{"name", S("tmp")}, {"mountPath", S("/tmp")}}); }

class TreeEdit : public ::testing::TestWithParam<EditCase> {};

TEST_P(TreeEdit, WritesExactlyTheExpectedText) {
  const EditCase& c = GetParam();
  std::string out = Edited(c);
  EXPECT_EQ(out, c.expected);
  // What an edit writes must read back in the same syntax.
  if (out == c.expected) {
    EditCase again = c;
    again.input = out;
    EXPECT_FALSE(Parse(again).has_error) << Parse(again).error.ToString();
  }
}

std::string CaseName(const ::testing::TestParamInfo<EditCase>& info) { return info.param.name; }

// YAML block collections: insertions after their last line, at the indentation
// the file uses, before any comment or blank line that follows them.
const EditCase kYamlBlock[] = {
    {"MemberAfterTheLastEntryAtItsIndentation",
     Syntax::kYaml,
     "metadata:\n  name: web\nspec: {}\n",
     {{Op::kInsertMember, "metadata", "namespace", S("prod")}},
     "metadata:\n  name: web\n  namespace: prod\nspec: {}\n"},
    {"NestedMappingTakesTheStepTheFileUses",
     Syntax::kYaml,
     "spec:\n    template:\n        name: x\n",
     {{Op::kInsertMember, "spec.template", "securityContext", ReadOnly()}},
     "spec:\n    template:\n        name: x\n        securityContext:\n"
     "            readOnlyRootFilesystem: true\n"},
    {"SequenceIndentedUnderItsKeyWhenTheFileDoesSo",
     Syntax::kYaml,
     "spec:\n  containers:\n    - name: app\n      image: nginx\n",
     {{Op::kInsertMember, "spec.containers.0", "volumeMounts", Value::List({TmpMount()})}},
     "spec:\n  containers:\n    - name: app\n      image: nginx\n      volumeMounts:\n"
     "        - name: tmp\n          mountPath: /tmp\n"},
    {"SequenceAtItsKeysIndentationWhenTheFileDoesSo",
     Syntax::kYaml,
     "spec:\n  containers:\n  - name: app\n    image: nginx\n",
     {{Op::kInsertMember, "spec.containers.0", "volumeMounts", Value::List({TmpMount()})}},
     "spec:\n  containers:\n  - name: app\n    image: nginx\n    volumeMounts:\n"
     "    - name: tmp\n      mountPath: /tmp\n"},
    {"ItemAfterAMultiLineItemBeforeTheCommentBelowIt",
     Syntax::kYaml,
     "volumes:\n  - name: data\n    emptyDir: {}\n  # the cache goes here\nports: []\n",
     {{Op::kAppendItem, "volumes", "",
       Value::Map({{"name", S("tmp")}, {"emptyDir", Value::Map({})}})}},
     "volumes:\n  - name: data\n    emptyDir: {}\n  - name: tmp\n    emptyDir: {}\n"
     "  # the cache goes here\nports: []\n"},
    {"ItemInAnIndentlessTopLevelSequence",
     Syntax::kYaml,
     "items:\n- a\n- b\nnext: 1\n",
     {{Op::kAppendItem, "items", "", S("c")}},
     "items:\n- a\n- b\n- c\nnext: 1\n"},
    {"CommentsAndBlankLinesStayWhereTheyAre",
     Syntax::kYaml,
     "# head\na:\n  b: 1  # keep me\n\n  # about c\nc: 2  # and me\n",
     {{Op::kInsertMember, "a", "x", True()}},
     "# head\na:\n  b: 1  # keep me\n  x: true\n\n  # about c\nc: 2  # and me\n"},
    {"AfterABlockScalarWithABlankLineInside",
     Syntax::kYaml,
     "a:\n  script: |\n    one\n\n    two\nb: 1\n",
     {{Op::kInsertMember, "a", "x", True()}},
     "a:\n  script: |\n    one\n\n    two\n  x: true\nb: 1\n"},
    {"RootMappingOfAFileWithoutAFinalNewline",
     Syntax::kYaml,
     "a:\n  b: 1",
     {{Op::kInsertMember, "a", "c", True()}},
     "a:\n  b: 1\n  c: true\n"},
    {"CrlfLinesStayCrlf",
     Syntax::kYaml,
     "a:\r\n  b: 1\r\nz: 2\r\n",
     {{Op::kInsertMember, "a", "securityContext", ReadOnly()}},
     "a:\r\n  b: 1\r\n  securityContext:\r\n    readOnlyRootFilesystem: true\r\nz: 2\r\n"},
    {"FirstDocumentEndsAtTheSeparator",
     Syntax::kYaml,
     "a:\n  b: 1\n---\na:\n  b: 2\n",
     {{Op::kInsertMember, "a", "c", True()}},
     "a:\n  b: 1\n  c: true\n---\na:\n  b: 2\n"},
    {"SecondDocumentIsEditedInPlace",
     Syntax::kYaml,
     "a:\n  b: 1\n...\n---\na:\n  b: 2\n",
     {{Op::kInsertMember, "a", "c", True()}},
     "a:\n  b: 1\n...\n---\na:\n  b: 2\n  c: true\n",
     1},
    {"FirstDocumentEndsAtTheEndMarker",
     Syntax::kYaml,
     "a:\n  b: 1\n...\n",
     {{Op::kInsertMember, "a", "c", True()}},
     "a:\n  b: 1\n  c: true\n...\n"},
    {"AnchoredMappingIndentsFromItsKeysNotItsAnchor",
     Syntax::kYaml,
     "base: &b\n  x: 1\nuse:\n  <<: *b\n  y: 2\n",
     {{Op::kInsertMember, "base", "z", True()}},
     "base: &b\n  x: 1\n  z: true\nuse:\n  <<: *b\n  y: 2\n"},
    // x, merged in from base, is written at another indentation: not use's own.
    {"MergedKeysDoNotCountAsTheMappingsOwn",
     Syntax::kYaml,
     "base: &b\n    x: 1\nuse:\n  <<: *b\n  y: 2\n",
     {{Op::kInsertMember, "use", "z", True()}},
     "base: &b\n    x: 1\nuse:\n  <<: *b\n  y: 2\n  z: true\n"},
    {"SeveralItemsInTheOrderGiven",
     Syntax::kYaml,
     "l:\n  - a\n",
     {{Op::kAppendItem, "l", "", S("b")}, {Op::kAppendItem, "l", "", S("c")}},
     "l:\n  - a\n  - b\n  - c\n"},
    {"InnerBlockBeforeItsParentAtTheSameOffset",
     Syntax::kYaml,
     "a:\n  b:\n    c: 1\n",
     {{Op::kInsertMember, "a", "y", True()}, {Op::kInsertMember, "a.b", "x", True()}},
     "a:\n  b:\n    c: 1\n    x: true\n  y: true\n"},
    {"ItemInASequenceInsideASequenceItem",
     Syntax::kYaml,
     "- name: a\n  ports:\n  - 80\n- name: b\n",
     {{Op::kAppendItem, "0.ports", "", S("x")}},
     "- name: a\n  ports:\n  - 80\n  - x\n- name: b\n"},
};
INSTANTIATE_TEST_SUITE_P(YamlBlock, TreeEdit, ::testing::ValuesIn(kYamlBlock), CaseName);

// YAML flow collections: inside their brackets, on one line or one item a line.
const EditCase kYamlFlow[] = {
    {"MemberAfterTheLastOne",
     Syntax::kYaml,
     "sc: {a: 1}\n",
     {{Op::kInsertMember, "sc", "readOnlyRootFilesystem", True()}},
     "sc: {a: 1, readOnlyRootFilesystem: true}\n"},
    {"TwoMembersIntoAnEmptyMapping",
     Syntax::kYaml,
     "sc: {}\n",
     {{Op::kInsertMember, "sc", "a", True()}, {Op::kInsertMember, "sc", "b", Value::Bool(false)}},
     "sc: {a: true, b: false}\n"},
    {"ItemAfterTheLastOne",
     Syntax::kYaml,
     "l: [a]\n",
     {{Op::kAppendItem, "l", "", S("b")}},
     "l: [a, b]\n"},
    {"TwoItemsIntoAnEmptySequence",
     Syntax::kYaml,
     "l: []\n",
     {{Op::kAppendItem, "l", "", S("a")}, {Op::kAppendItem, "l", "", S("b")}},
     "l: [a, b]\n"},
    {"OneItemALineKeepsATrailingComma",
     Syntax::kYaml,
     "l: [\n  a,\n]\n",
     {{Op::kAppendItem, "l", "", S("b")}},
     "l: [\n  a,\n  b,\n]\n"},
    {"OneMemberALineKeepsATrailingComma",
     Syntax::kYaml,
     "m: {\n  a: 1,\n}\n",
     {{Op::kInsertMember, "m", "b", True()}},
     "m: {\n  a: 1,\n  b: true,\n}\n"},
    {"OneMemberALineWithoutATrailingComma",
     Syntax::kYaml,
     "m: {\n  a: 1\n}\n",
     {{Op::kInsertMember, "m", "b", True()}},
     "m: {\n  a: 1,\n  b: true\n}\n"},
    {"NestedValuesAreWrittenInFlowToo",
     Syntax::kYaml,
     "c: {name: x}\n",
     {{Op::kInsertMember, "c", "volumeMounts", Value::List({TmpMount()})}},
     "c: {name: x, volumeMounts: [{name: tmp, mountPath: /tmp}]}\n"},
    {"FlowMappingInABlockSequence",
     Syntax::kYaml,
     "l:\n  - {name: a}  # one\n",
     {{Op::kInsertMember, "l.0", "b", True()}},
     "l:\n  - {name: a, b: true}  # one\n"},
};
INSTANTIATE_TEST_SUITE_P(YamlFlow, TreeEdit, ::testing::ValuesIn(kYamlFlow), CaseName);

// Replace: the node's own bytes, nothing around them.
const EditCase kReplace[] = {
    {"PlainScalar",
     Syntax::kYaml,
     "ro: false  # why\n",
     {{Op::kReplace, "ro", "", True()}},
     "ro: true  # why\n"},
    {"QuotedScalarWhole",
     Syntax::kYaml,
     "ro: \"false\"\n",
     {{Op::kReplace, "ro", "", True()}},
     "ro: true\n"},
    {"EmptyValueGetsItsSpace",
     Syntax::kYaml,
     "sc:\nx: 1\n",
     {{Op::kReplace, "sc", "", ReadOnly()}},
     "sc: {readOnlyRootFilesystem: true}\nx: 1\n"},
    {"Null",
     Syntax::kYaml,
     "sc: ~\n",
     {{Op::kReplace, "sc", "", ReadOnly()}},
     "sc: {readOnlyRootFilesystem: true}\n"},
    {"ScalarByAList",
     Syntax::kYaml,
     "tmpfs: /run\n",
     {{Op::kReplace, "tmpfs", "", Value::List({S("/run"), S("/tmp")})}},
     "tmpfs: [/run, /tmp]\n"},
    // An empty value at the very end, and a member added after it at the same
    // offset: the value is written first, whichever edit was made first.
    {"EmptyValueAtTheEndBeforeTheMemberAfterIt",
     Syntax::kYaml,
     "a:\n  sc:",
     {{Op::kInsertMember, "a", "x", True()}, {Op::kReplace, "a.sc", "", ReadOnly()}},
     "a:\n  sc: {readOnlyRootFilesystem: true}\n  x: true\n"},
    {"JsonValue",
     Syntax::kJson,
     "{\"ro\": false}",
     {{Op::kReplace, "ro", "", True()}},
     "{\"ro\": true}"},
    {"JsonStringIsAlwaysQuoted",
     Syntax::kJson,
     "{\"p\": null}",
     {{Op::kReplace, "p", "", S("x")}},
     "{\"p\": \"x\"}"},
    {"HclValue",
     Syntax::kHcl,
     "x {\n  ro = false\n}\n",
     {{Op::kReplace, "x.0.ro", "", True()}},
     "x {\n  ro = true\n}\n"},
};
INSTANTIATE_TEST_SUITE_P(Replace, TreeEdit, ::testing::ValuesIn(kReplace), CaseName);

// JSON: commas where JSON needs them, the indentation of the members around.
const EditCase kJson[] = {
    {"MemberOnItsOwnLine",
     Syntax::kJson,
     "{\n  \"a\": 1\n}\n",
     {{Op::kInsertMember, "", "b", True()}},
     "{\n  \"a\": 1,\n  \"b\": true\n}\n"},
    {"NestedValueIndentedByTheFilesUnit",
     Syntax::kJson,
     "{\n    \"c\": {\n        \"x\": 1\n    }\n}\n",
     {{Op::kInsertMember, "c", "securityContext", ReadOnly()}},
     "{\n    \"c\": {\n        \"x\": 1,\n        \"securityContext\": {\n"
     "            \"readOnlyRootFilesystem\": true\n        }\n    }\n}\n"},
    {"TabsStayTabs",
     Syntax::kJson,
     "{\n\t\"c\": {\n\t\t\"x\": 1\n\t}\n}",
     {{Op::kInsertMember, "c", "m", Value::List({S("/tmp")})}},
     "{\n\t\"c\": {\n\t\t\"x\": 1,\n\t\t\"m\": [\n\t\t\t\"/tmp\"\n\t\t]\n\t}\n}"},
    {"OneLineObject",
     Syntax::kJson,
     "{\"a\": 1}",
     {{Op::kInsertMember, "", "b", True()}},
     "{\"a\": 1, \"b\": true}"},
    {"EmptyObject",
     Syntax::kJson,
     "{\"c\": {}}",
     {{Op::kInsertMember, "c", "a", True()}, {Op::kInsertMember, "c", "b", S("x")}},
     "{\"c\": {\"a\": true, \"b\": \"x\"}}"},
    {"ObjectItemOfAnArray",
     Syntax::kJson,
     "[\n  {\"name\": \"a\"}\n]\n",
     {{Op::kAppendItem, "", "", Value::Map({{"name", S("b")}})}},
     "[\n  {\"name\": \"a\"},\n  {\n    \"name\": \"b\"\n  }\n]\n"},
    {"ItemOfAOneLineArray",
     Syntax::kJson,
     "{\"l\": [\"a\"]}",
     {{Op::kAppendItem, "l", "", S("b")}},
     "{\"l\": [\"a\", \"b\"]}"},
    {"ItemsOfAnEmptyArray",
     Syntax::kJson,
     "{\"l\": []}",
     {{Op::kAppendItem, "l", "", S("a")}, {Op::kAppendItem, "l", "", TmpMount()}},
     "{\"l\": [\"a\", {\"name\": \"tmp\", \"mountPath\": \"/tmp\"}]}"},
    {"CrlfLinesStayCrlf",
     Syntax::kJson,
     "{\r\n  \"a\": 1\r\n}\r\n",
     {{Op::kInsertMember, "", "m", Value::List({TmpMount()})}},
     "{\r\n  \"a\": 1,\r\n  \"m\": [\r\n    {\r\n      \"name\": \"tmp\",\r\n"
     "      \"mountPath\": \"/tmp\"\r\n    }\r\n  ]\r\n}\r\n"},
    {"KeysAndStringsAreEscaped",
     Syntax::kJson,
     "{\"a\": 1}",
     {{Op::kInsertMember, "", "q\"k", S("back\\slash")}},
     "{\"a\": 1, \"q\\\"k\": \"back\\\\slash\"}"},
};
INSTANTIATE_TEST_SUITE_P(Json, TreeEdit, ::testing::ValuesIn(kJson), CaseName);

// HCL (Terraform): `name = value`, no commas between members of an object on
// their own lines, nested blocks as terraform fmt writes them.
constexpr const char* kTask =
    "resource \"aws_ecs_task_definition\" \"t\" {\n"
    "  family = \"t\"\n"
    "  container_definitions = jsonencode([\n"
    "    {\n"
    "      name = \"app\"\n"
    "    }\n"
    "  ])\n"
    "}\n";
const EditCase kHcl[] = {
    // Issue 14: a path with ${ or %{ stays text, never an HCL template.
    {"TemplateSequencesInAStringAreLiteral",
     Syntax::kHcl,
     kTask,
     {{Op::kInsertHclBlock, "resource.aws_ecs_task_definition.t", "volume",
       Value::Map({{"name", S("/data/$(touch${IFS}pwned)%{x}")}})}},
     "resource \"aws_ecs_task_definition\" \"t\" {\n"
     "  family = \"t\"\n"
     "  container_definitions = jsonencode([\n"
     "    {\n"
     "      name = \"app\"\n"
     "    }\n"
     "  ])\n"
     "\n"
     "  volume {\n"
     "    name = \"/data/$(touch$${IFS}pwned)%%{x}\"\n"
     "  }\n"
     "}\n"},
    {"BlockAtTheEndOfABody",
     Syntax::kHcl,
     kTask,
     {{Op::kInsertHclBlock, "resource.aws_ecs_task_definition.t", "volume",
       Value::Map({{"name", S("tmp")}})}},
     "resource \"aws_ecs_task_definition\" \"t\" {\n"
     "  family = \"t\"\n"
     "  container_definitions = jsonencode([\n"
     "    {\n"
     "      name = \"app\"\n"
     "    }\n"
     "  ])\n"
     "\n"
     "  volume {\n"
     "    name = \"tmp\"\n"
     "  }\n"
     "}\n"},
    {"MemberOfAnObjectOnItsOwnLine",
     Syntax::kHcl,
     kTask,
     {{Op::kInsertMember, "resource.aws_ecs_task_definition.t.container_definitions.0.0",
       "readonlyRootFilesystem", True()}},
     "resource \"aws_ecs_task_definition\" \"t\" {\n"
     "  family = \"t\"\n"
     "  container_definitions = jsonencode([\n"
     "    {\n"
     "      name = \"app\"\n"
     "      readonlyRootFilesystem = true\n"
     "    }\n"
     "  ])\n"
     "}\n"},
    {"ListOfSeveralObjectsOneALine",
     Syntax::kHcl,
     kTask,
     {{Op::kInsertMember, "resource.aws_ecs_task_definition.t.container_definitions.0.0",
       "mountPoints",
       Value::List(
           {Value::Map({{"sourceVolume", S("tmp")}}), Value::Map({{"sourceVolume", S("run")}})})}},
     "resource \"aws_ecs_task_definition\" \"t\" {\n"
     "  family = \"t\"\n"
     "  container_definitions = jsonencode([\n"
     "    {\n"
     "      name = \"app\"\n"
     "      mountPoints = [\n"
     "        { sourceVolume = \"tmp\" },\n"
     "        { sourceVolume = \"run\" },\n"
     "      ]\n"
     "    }\n"
     "  ])\n"
     "}\n"},
    {"OneLineObject",
     Syntax::kHcl,
     "x = { a = 1 }\n",
     {{Op::kInsertMember, "x", "b", True()}},
     "x = { a = 1, b = true }\n"},
    {"EmptyObject",
     Syntax::kHcl,
     "x = {}\n",
     {{Op::kInsertMember, "x", "a", True()}},
     "x = { a = true }\n"},
    {"ItemOfAListOnItsOwnLine",
     Syntax::kHcl,
     "l = [\n  \"a\",\n]\n",
     {{Op::kAppendItem, "l", "", Value::Map({{"name", S("b")}})}},
     "l = [\n  \"a\",\n  { name = \"b\" },\n]\n"},
    {"BlockInACrlfFile",
     Syntax::kHcl,
     "resource \"r\" \"t\" {\r\n  family = \"t\"\r\n}\r\n",
     {{Op::kInsertHclBlock, "resource.r.t", "volume", Value::Map({{"name", S("tmp")}})}},
     "resource \"r\" \"t\" {\r\n  family = \"t\"\r\n\r\n  volume {\r\n    name = \"tmp\"\r\n  "
     "}\r\n}\r\n"},
    {"BlockInANestedBodyTakesItsIndentation",
     Syntax::kHcl,
     "a \"b\" \"c\" {\n  inner {\n    x = 1\n  }\n}\n",
     {{Op::kInsertHclBlock, "a.b.c.inner.0", "volume", Value::Map({{"name", S("tmp")}})}},
     "a \"b\" \"c\" {\n  inner {\n    x = 1\n\n    volume {\n      name = \"tmp\"\n    }\n  "
     "}\n}\n"},
};
INSTANTIATE_TEST_SUITE_P(Hcl, TreeEdit, ::testing::ValuesIn(kHcl), CaseName);

// Strings YAML would read as something else are quoted; the rest are written plain.
TEST(TreeEditScalars, YamlQuotesWhatWouldNotReadBackAsTheSameString) {
  struct {
    const char* value;
    const char* written;
  } const kCases[] = {
      {"/tmp", "/tmp"},
      {"var-cache-nginx", "var-cache-nginx"},
      {"tmp_2.d", "tmp_2.d"},
      {"", "\"\""},
      {"yes", "\"yes\""},
      {"Off", "\"Off\""},
      {"y", "\"y\""},
      {"null", "\"null\""},
      {"~", "\"~\""},
      {"123", "\"123\""},
      {"1.5", "\"1.5\""},
      {"2024-01-31", "\"2024-01-31\""},
      {"-x", "\"-x\""},
      // Numbers to YAML 1.1 or to the Go decoder kubectl uses, though not all digits,
      // and so whatever begins like a number.
      {"1e3", "\"1e3\""},
      {"0x1f", "\"0x1f\""},
      {"0o17", "\"0o17\""},
      {"0b101", "\"0b101\""},
      {"1_000", "\"1_000\""},
      {".inf", "\".inf\""},
      {".NaN", "\".NaN\""},
      {"2cache", "\"2cache\""},
      {"cache2", "cache2"},
      {"a b", "\"a b\""},
      {"a: b", "\"a: b\""},
      {"#x", "\"#x\""},
      {"say \"hi\"", "\"say \\\"hi\\\"\""},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.value);
    EditCase e{"",
               Syntax::kYaml,
               "v: x\n",
               {{Op::kReplace, "v", "", S(c.value)}},
               std::string("v: ") + c.written + "\n"};
    std::string out = Edited(e);
    EXPECT_EQ(out, e.expected);
    ParsedSource back = ReadYaml("out.yaml", out);
    ASSERT_FALSE(back.has_error) << back.error.ToString();
    const Node* v = back.documents[0].root->Get("v");
    EXPECT_EQ(v->Scalar(), c.value);
    // Plain only when a plain scalar means that very string.
    EXPECT_EQ(v->scalar_style == ScalarStyle::kPlain, std::string_view(c.written) == c.value);
  }
}

// Booleans are never quoted, in any syntax.
TEST(TreeEditScalars, BooleansAreBareInEverySyntax) {
  const EditCase cases[] = {
      {"", Syntax::kYaml, "v: 1\n", {{Op::kReplace, "v", "", Value::Bool(false)}}, "v: false\n"},
      {"",
       Syntax::kJson,
       "{\"v\": 1}",
       {{Op::kReplace, "v", "", Value::Bool(false)}},
       "{\"v\": false}"},
      {"", Syntax::kHcl, "v = 1\n", {{Op::kReplace, "v", "", Value::Bool(false)}}, "v = false\n"},
  };
  for (const EditCase& c : cases) EXPECT_EQ(Edited(c), c.expected);
}

TEST(TreeEditWithin, AliasesAndMergedKeysAreNotWrittenInside) {
  std::string text = "base: &b\n  x: 1\nuse:\n  <<: *b\n  y: 2\n  ref: *b\n";
  ParsedSource p = ReadYaml("in.yaml", text);
  ASSERT_FALSE(p.has_error) << p.error.ToString();
  const Node* root = p.documents[0].root;
  const Node* base = root->Get("base");
  const Node* use = root->Get("use");
  const Node* merged_key = nullptr;
  ASSERT_NE(use->Get("x", &merged_key), nullptr);
  const Node* own_key = nullptr;
  ASSERT_NE(use->Get("y", &own_key), nullptr);
  EXPECT_TRUE(TreeEditor::Within(own_key, use));
  EXPECT_TRUE(TreeEditor::Within(use->Get("y"), use));
  EXPECT_FALSE(TreeEditor::Within(merged_key, use));  // written under base
  EXPECT_TRUE(TreeEditor::Within(merged_key, base));
  ASSERT_EQ(use->Get("ref"), base);  // an alias is the node it names
  EXPECT_FALSE(TreeEditor::Within(use->Get("ref"), use));
  EXPECT_TRUE(TreeEditor::Within(use, root));
  EXPECT_FALSE(TreeEditor::Within(root, use));
  EXPECT_FALSE(TreeEditor::Within(nullptr, root));
  EXPECT_FALSE(TreeEditor::Within(use, nullptr));
}

TEST(TreeEditNewline, TheFirstLineBreakDecides) {
  EXPECT_EQ(TreeEditor("a: 1\r\nb: 2\n", Syntax::kYaml).newline(), "\r\n");
  EXPECT_EQ(TreeEditor("a: 1\nb: 2\r\n", Syntax::kYaml).newline(), "\n");
  EXPECT_EQ(TreeEditor("a: 1", Syntax::kYaml).newline(), "\n");
  EXPECT_EQ(TreeEditor("", Syntax::kJson).newline(), "\n");
}

// LearnStyle is per document: what one taught does not carry into the next.
TEST(TreeEditLearnStyle, EachDocumentTeachesItsOwnStyle) {
  std::string text = "a:\n    b:\n        c: 1\n    l:\n    - x\n---\na:\n  b:\n    c: 1\n";
  ParsedSource p = ReadYaml("in.yaml", text);
  ASSERT_FALSE(p.has_error);
  ASSERT_EQ(p.documents.size(), 2u);
  TreeEditor editor(text, Syntax::kYaml);
  Value nested = Value::Map({{"k", Value::List({S("v")})}});
  editor.LearnStyle(p.documents[0].root);
  editor.InsertMember(p.documents[0].root->Path({"a", "b"}), "m", nested);
  editor.LearnStyle(p.documents[1].root);
  editor.InsertMember(p.documents[1].root->Path({"a", "b"}), "m", nested);
  std::string out, error;
  ASSERT_TRUE(ApplyEdits(text, editor.edits(), &out, &error)) << error;
  EXPECT_EQ(
      out,
      "a:\n    b:\n        c: 1\n        m:\n            k:\n            - v\n    l:\n    - x\n"
      "---\na:\n  b:\n    c: 1\n    m:\n      k:\n        - v\n");
}

// ApplyEdits: the one way edits reach the text.
TEST(ApplyEdits, OffsetOrderThenDeeperFirstThenTheOrderGiven) {
  std::string out, error;
  ASSERT_TRUE(ApplyEdits("abc",
                         {{3, 0, "[parent]", 0},
                          {1, 1, "B", 0},
                          {3, 0, "[child]", 4},
                          {3, 0, "[parent2]", 0},
                          {0, 0, "<", 0}},
                         &out, &error))
      << error;
  EXPECT_EQ(out, "<aBc[child][parent][parent2]");
}

TEST(ApplyEdits, OverlappingOrOutOfRangeEditsAreRefused) {
  std::string out, error;
  EXPECT_FALSE(ApplyEdits("abcdef", {{1, 3, "x", 0}, {2, 1, "y", 0}}, &out, &error));
  EXPECT_NE(error.find("overlapping or out-of-range edit at byte 2"), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(ApplyEdits("abc", {{2, 2, "x", 0}}, &out, &error));
  EXPECT_NE(error.find("at byte 2"), std::string::npos) << error;
  error.clear();
  EXPECT_TRUE(ApplyEdits("abc", {{3, 0, "d", 0}, {0, 3, "", 0}}, &out, &error)) << error;
  EXPECT_EQ(out, "d");
  EXPECT_TRUE(ApplyEdits("abc", {}, &out, &error));
  EXPECT_EQ(out, "abc");
}

}  // namespace
}  // namespace rootlock
