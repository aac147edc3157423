// The CRD skim (parse/yaml_skim.h): which documents the scan may leave unparsed.
// Every case is also checked against the real parser: a claimed document must
// read as a mapping whose kind is CustomResourceDefinition.
#include <string>
#include <vector>

#include "engine/scanner.h"
#include "gtest/gtest.h"
#include "parse/reader.h"
#include "parse/yaml_skim.h"
#include "platforms/k8s/k8s.h"

namespace rootlock {
namespace {

// The skim with the kind the scan gives it.
std::vector<DocumentRange> FindCrdDocs(std::string_view text) {
  return FindDocumentsOfKind(text, kCustomResourceDefinition);
}
bool IsCrdDoc(std::string_view doc) { return IsDocumentOfKind(doc, kCustomResourceDefinition); }

// Claimed or not; and, when claimed, the parser agrees it is a CRD.
bool Claimed(const std::string& doc) {
  bool claimed = IsCrdDoc(doc);
  if (claimed) {
    ParsedSource parsed = ReadYaml("x.yaml", doc);
    EXPECT_FALSE(parsed.has_error) << parsed.error.ToString() << "\n" << doc;
    EXPECT_EQ(parsed.documents.size(), 1u) << doc;
    if (!parsed.documents.empty()) {
      const Node* kind = parsed.documents[0].root->Get("kind");
      EXPECT_TRUE(kind && kind->value() == "CustomResourceDefinition") << doc;
    }
  }
  return claimed;
}

const char* kCrd = R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition   # generated
metadata:
  annotations:
    controller-gen.kubebuilder.io/version: v0.14.0
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  versions:
  - name: v1
    served: true
    additionalPrinterColumns: [{name: "Age", type: date, jsonPath: ".metadata.creationTimestamp"}]
    schema:
      openAPIV3Schema:
        description: 'APIVersion defines the versioned schema of this representation
          of an object. Servers should convert recognized schemas to the latest
          internal value, and may reject unrecognized values: it''s so.'
        properties:
          containers:
            description: "List of containers belonging to the pod.
              Cannot be updated: \"quoted\"."
            items:
              x-kubernetes-validations:
              - rule: self.all(p1, self.all(p2, p1.group == p2.group))
              description: A single application container that you want to run
                within a pod. It's plain text with a "quote" and a colon:in it.
            type: array
          notes:
            description: |
              Free text, with 'quotes' and "more" and [brackets {
              kind: Deployment
            type: string
  conversionReviewVersions: ["v1", "v1beta1"]
)";

TEST(CrdSkim, ClaimsAGeneratedCrd) { EXPECT_TRUE(Claimed(kCrd)); }

TEST(CrdSkim, ClaimsQuotedKindAndDuplicateCrdKinds) {
  EXPECT_TRUE(Claimed("kind: \"CustomResourceDefinition\"\nspec: {}\n"));
  EXPECT_TRUE(Claimed("kind: 'CustomResourceDefinition'\nkind: CustomResourceDefinition\n"));
  EXPECT_TRUE(Claimed("kind: CustomResourceDefinition\r\nspec:\r\n  a: b\r\n"));
  EXPECT_TRUE(Claimed("kind: CustomResourceDefinition\nnotes: |\n  to the end\n  'of it\n"));
}

TEST(CrdSkim, LeavesOtherKindsAndOddKindsToTheParser) {
  EXPECT_FALSE(Claimed("kind: Deployment\n"));
  EXPECT_FALSE(Claimed("apiVersion: v1\n"));  // no kind at all
  EXPECT_FALSE(Claimed("kind: CustomResourceDefinition\nkind: Deployment\n"));
  EXPECT_FALSE(Claimed("kind: CustomResourceDefinitionX\n"));
  EXPECT_FALSE(Claimed("kind:\n  CustomResourceDefinition\n"));
  // A plain kind that goes on over the next, deeper line is another kind.
  EXPECT_FALSE(Claimed("kind: CustomResourceDefinition\n  ? k\n"));
  EXPECT_FALSE(Claimed("kind: CustomResourceDefinition\n\n  Extra\n"));
  EXPECT_TRUE(Claimed("kind: CustomResourceDefinition # c\nspec: {}\n"));
  EXPECT_FALSE(Claimed("kind: !!str CustomResourceDefinition\n"));
  EXPECT_FALSE(Claimed("kind: \"CustomResource\\x44efinition\"\n"));
}

// A top-level kind a parser reads that the skim could not see must never be
// hidden: each of these either reads as another kind or is refused.
TEST(CrdSkim, RefusesWhatCouldHideAnotherKind) {
  const std::vector<std::string> refused = {
      // keys it does not vouch for
      "kind: CustomResourceDefinition\n\"kind\": Deployment\n",
      "kind: CustomResourceDefinition\n<<: *base\n",
      "kind: CustomResourceDefinition\n? kind\n: Deployment\n",
      "{kind: CustomResourceDefinition}\n",
      "  kind: CustomResourceDefinition\n",
      "&a\nkind: CustomResourceDefinition\n",
      "- kind: CustomResourceDefinition\n",
      "\xEF\xBB\xBFkind: CustomResourceDefinition\n",
      // tabs, stray carriage returns
      "kind: CustomResourceDefinition\nspec:\n\tx: 1\n",
      "kind: CustomResourceDefinition\nspec: a\rb\n",
      "kind: CustomResourceDefinition\na: x\xC2\x85kind: Deployment\n",
      "kind: CustomResourceDefinition\na: x\xE2\x80\xA8kind: Deployment\n",
      // a quoted scalar or flow collection left open at the end
      "kind: CustomResourceDefinition\nspec: \"open\n",
      "kind: CustomResourceDefinition\nspec: [a,\n  b]\n",
      "kind: CustomResourceDefinition\nspec: {a: 1 # }\n}\n",
      "kind: CustomResourceDefinition\na: [b: \"] #\"\n]\n",
      "kind: CustomResourceDefinition\na: [:\"x\"]\n",
      // a multi-line quoted key
      "kind: CustomResourceDefinition\n\"a\nb\": c\n",
      // a bare plain or block scalar on its own line: its owner is not on the line
      "kind: CustomResourceDefinition\nkey:\n  bare plain\n 'x\nz: y'\n",
      "kind: CustomResourceDefinition\nkey:\n  |\n  text\n",
      // block scalars: indentation indicators, less indented lines, spaced blank lines
      "kind: CustomResourceDefinition\nkey: |2\n    text\n",
      "kind: CustomResourceDefinition\nkey: |\n    text\n  less\n",
      "kind: CustomResourceDefinition\nkey: |\n     \n  text\n",
  };
  for (const std::string& doc : refused) EXPECT_FALSE(Claimed(doc)) << doc;
}

// Text that only looks like structure, inside a scalar, is passed over.
TEST(CrdSkim, SeesThroughScalarsThatSpanLines) {
  // A plain scalar's continuation starting with a quote is text to the parser,
  // so the `kind: Deployment` after it is a key: refused.
  EXPECT_FALSE(Claimed(
      "kind: CustomResourceDefinition\ndescription: text\n  'not a quote\nkind: Deployment\n"
      "x: y'\n"));
  // A quoted scalar's lines at column 0 are text: the CRD kind stands.
  EXPECT_TRUE(Claimed("kind: CustomResourceDefinition\ndescription: \"a\nkind: Deployment\"\n"));
  EXPECT_TRUE(Claimed("kind: CustomResourceDefinition\ndescription: 'it''s\nkind: Deployment'\n"));
  EXPECT_TRUE(Claimed("kind: CustomResourceDefinition\nd: \"line \\\n  \\\" kind: x\"\n"));
  // A comment ends a plain scalar: the next key line is structure again.
  EXPECT_FALSE(Claimed("kind: CustomResourceDefinition\nd: text # c\nkind: Pod\n"));
}

TEST(CrdSkim, FindsEachCrdDocumentOfAStream) {
  std::string text = std::string("# leading comment\n") + kCrd +
                     "---\nkind: Deployment\n---  # c\n" + kCrd + "---\n";
  std::vector<DocumentRange> found = FindCrdDocs(text);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].begin, 0u);
  EXPECT_EQ(text.substr(found[0].end, 4), "---\n");
  EXPECT_EQ(text.substr(found[1].begin, 6), "---  #");
  EXPECT_EQ(text.substr(found[1].end), "---\n");
  // Directives, `...` and content on a marker line: the whole stream is left alone.
  EXPECT_TRUE(FindCrdDocs("%YAML 1.1\n---\n" + std::string(kCrd)).empty());
  EXPECT_TRUE(FindCrdDocs(std::string(kCrd) + "...\n").empty());
  EXPECT_TRUE(FindCrdDocs(std::string(kCrd) + "--- !tag\nkind: Pod\n").empty());
}

// Skipped documents still count, and what is read after them keeps its place.
TEST(CrdSkim, TheScanReadsTheRestAtTheSamePositions) {
  std::string text = std::string(kCrd) +
                     "---\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n" +
                     "---\n" + kCrd +
                     "---\nkind: Pod\nmetadata: {name: q}\nspec:\n  containers:\n  - name: é\n";
  ParseLimits skim;
  skim.skip_kind = kCustomResourceDefinition;
  ParsedSource with = ReadYaml("x.yaml", text, skim);
  ParsedSource without = ReadYaml("x.yaml", text);
  ASSERT_FALSE(with.has_error) << with.error.ToString();
  ASSERT_EQ(without.documents.size(), 4u);
  ASSERT_EQ(with.documents.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const Document& a = with.documents[i];
    const Document& b = without.documents[2 * i + 1];
    EXPECT_EQ(a.index, b.index);
    EXPECT_EQ(a.root->start.line, b.root->start.line);
    EXPECT_EQ(a.root->start.offset, b.root->start.offset);
    const Node* name_a = a.root->Path({"spec", "containers"})->children()[0]->Get("name");
    const Node* name_b = b.root->Path({"spec", "containers"})->children()[0]->Get("name");
    EXPECT_EQ(name_a->value(), name_b->value());
    EXPECT_EQ(name_a->start.line, name_b->start.line);
    EXPECT_EQ(name_a->start.column, name_b->start.column);
    EXPECT_EQ(name_a->end.offset, name_b->end.offset);
  }
  // An error after a skipped document is placed in the file, not in its part.
  ParsedSource broken = ReadYaml("x.yaml", std::string(kCrd) + "---\na: [\n", skim);
  ASSERT_TRUE(broken.has_error);
  ParsedSource broken_full = ReadYaml("x.yaml", std::string(kCrd) + "---\na: [\n");
  EXPECT_EQ(broken.error.ToString(), broken_full.error.ToString());
}

// A property test: documents built at random from the lines the skim must get
// right (quotes over lines, continuations, block scalars, flow collections,
// comments, other kinds at every indentation). Whatever it claims, libyaml must
// read as a CRD whenever it reads the document at all.
// More rounds, another seed: -DROOTLOCK_SKIM_ROUNDS=2000000 -DROOTLOCK_SKIM_SEED=7
#ifndef ROOTLOCK_SKIM_ROUNDS
#define ROOTLOCK_SKIM_ROUNDS 30000
#endif
#ifndef ROOTLOCK_SKIM_SEED
#define ROOTLOCK_SKIM_SEED 0x9E3779B97F4A7C15ull
#endif
constexpr int kRounds = ROOTLOCK_SKIM_ROUNDS;
constexpr uint64_t kSeed = ROOTLOCK_SKIM_SEED;

TEST(CrdSkim, RandomDocumentsItClaimsAreCrdsToTheParser) {
  const std::vector<std::string> lines = {"kind: CustomResourceDefinition",
                                          "kind: \"CustomResourceDefinition\"",
                                          "kind: Deployment",
                                          "kind: Pod # c",
                                          "\"kind\": Pod",
                                          "a: b",
                                          "a:",
                                          "a: b # c",
                                          "- x",
                                          "- a: b",
                                          "-",
                                          "a: 'x",
                                          "y'",
                                          "a: \"x",
                                          "y\"",
                                          "kind: Pod\"",
                                          "kind: Pod'",
                                          "a: |",
                                          "a: >-",
                                          "text 'q",
                                          "\"q",
                                          "'q",
                                          "b: [1, \"2\"]",
                                          "b: {c: \"d\"}",
                                          "b: [x,",
                                          "y]",
                                          "# c",
                                          "cont",
                                          "key: 'it''s'",
                                          "x: \"a\\\"b\"",
                                          "x: \"a\\",
                                          "? k",
                                          ": v",
                                          "&a x: y",
                                          "a: *b",
                                          "a: !t x",
                                          "a: &x |",
                                          "z: [\"] #\"",
                                          "]",
                                          "- |",
                                          "- 'x",
                                          "b: c: d",
                                          "kind:",
                                          "  ",
                                          "",
                                          "kind: Pod",
                                          "- kind: Pod",
                                          "a: \"x\" # c",
                                          "a: 'x' y",
                                          "{a: 1}",
                                          "[a]",
                                          "a: {b: [c, {d: e}]}",
                                          "| ",
                                          "> ",
                                          "a: |+",
                                          "a: |2",
                                          "a: 'b''",
                                          "a: \"b\\\\\"",
                                          "a: b\\",
                                          "*al",
                                          "!tag",
                                          "&an",
                                          "- - x",
                                          "- ? x",
                                          "a: -x",
                                          "a: :x",
                                          "a: ?x",
                                          "x #y",
                                          "x#y",
                                          "a: 'q' # 'r",
                                          "kind: CustomResourceDefinition x"};
  uint64_t seed = kSeed;
  auto next = [&seed](uint64_t n) {
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    return seed % n;
  };
  int claimed = 0, parsed = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::string doc = "kind: CustomResourceDefinition\n";
    for (uint64_t n = 1 + next(7); n > 0; --n) {
      doc += std::string(next(3) == 0 ? 0 : next(8), ' ') + lines[next(lines.size())] + "\n";
    }
    if (!IsCrdDoc(doc)) continue;
    ++claimed;
    ParsedSource p = ReadYaml("x.yaml", doc);
    if (p.has_error) continue;  // a broken CRD is skipped unread: documented
    ++parsed;
    ASSERT_EQ(p.documents.size(), 1u) << doc;
    const Node* root = p.documents[0].root;
    const Node* kind = root->IsMapping() ? root->Get("kind") : nullptr;
    ASSERT_TRUE(kind && kind->value() == "CustomResourceDefinition") << doc;
  }
  EXPECT_GT(claimed, 1000);  // the test reaches the skim's claims, not only its refusals
  EXPECT_GT(parsed, 500);
}

TEST(CrdSkim, TheScanSkimsByDefault) {
  ScanOptions options;
  EXPECT_EQ(options.limits.skip_kind, kCustomResourceDefinition);
  // A CRD the parser would refuse, then a pod: skimmed, the CRD is not read
  // (nor its error reported) and the pod is judged; unskimmed, the error stops it.
  std::string text =
      "kind: CustomResourceDefinition\nspec:\n  a: b: c\n---\n"
      "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n";
  ASSERT_TRUE(IsCrdDoc("kind: CustomResourceDefinition\nspec:\n  a: b: c\n"));
  SourceOutcome skimmed, parsed;
  ScanText("x.yaml", text, InputFormat::kYaml, options, &skimmed);
  EXPECT_TRUE(skimmed.errors.empty());
  ASSERT_EQ(skimmed.workloads.size(), 1u);
  EXPECT_EQ(skimmed.workloads[0].name, "p");
  options.limits.skip_kind = "";
  ScanText("x.yaml", text, InputFormat::kYaml, options, &parsed);
  EXPECT_EQ(parsed.errors.size(), 1u);
  EXPECT_TRUE(parsed.workloads.empty());
}

}  // namespace
}  // namespace rootlock
