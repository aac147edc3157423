// Exemptions as sources declare them: rootlock's value grammar, annotations,
// labels and tags, the peers' suppressions, and comments. These only parse:
// whether an exemption applies (its rule, its expiry) is the rules' to decide.
#include "platforms/exemptions.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "parse/hcl_reader.h"
#include "parse/reader.h"

namespace rootlock {
namespace {

// An exemption as one line: what tests compare.
std::string Show(const Exemption& e) {
  std::string s = "rule=" + e.rule;
  if (!e.until.empty()) s += " until=" + e.until;
  s += " reason=" + e.reason;
  if (!e.peer.empty()) s += " peer=" + e.peer;
  if (!e.problem.empty()) s += " problem=" + e.problem;
  return s;
}

std::vector<std::string> ShowAll(const std::vector<Exemption>& es) {
  std::vector<std::string> out;
  for (const Exemption& e : es) out.push_back(Show(e));
  return out;
}

using Lines = std::vector<std::string>;

// One document (YAML, or HCL for // comments) and the context an adapter would hand on.
class Doc {
 public:
  explicit Doc(std::string text, InputFormat format = InputFormat::kYaml)
      : file_(format == InputFormat::kHcl ? "main.tf" : "w.yaml"),
        format_(format),
        text_(std::move(text)),
        parsed_(format == InputFormat::kHcl ? ReadHcl(file_, text_) : ReadYaml(file_, text_)),
        lines_(ExemptionCommentLines(text_)) {
    EXPECT_FALSE(parsed_.has_error) << parsed_.error.ToString();
  }
  const Node* root() const { return parsed_.documents.at(0).root; }
  DocumentContext ctx() const {
    DocumentContext c{file_,  parsed_.documents.at(0), format_, nullptr, nullptr, nullptr, text_,
                      nullptr};
    if (!lines_.empty()) c.line_starts = &lines_;  // as the scanner passes them
    return c;
  }

 private:
  const std::string file_;
  const InputFormat format_;
  std::string text_;
  ParsedSource parsed_;
  std::vector<uint64_t> lines_;
};

TEST(ParseExemptValue, EachFormOfTheGrammar) {
  struct {
    const char* value;
    Lines parsed;
  } const kCases[] = {
      {"read-only-root-fs: writes to /data", {"rule=read-only-root-fs reason=writes to /data"}},
      // The rule as written: an id, an alias, "*"; which rule it names is not decided here.
      {"CKV_K8S_22: vendor image", {"rule=CKV_K8S_22 reason=vendor image"}},
      {"*: legacy batch job", {"rule=* reason=legacy batch job"}},
      {"no-such-rule: x", {"rule=no-such-rule reason=x"}},
      {"tmp-writable until 2030-01-31: migrating, OPS-7",
       {"rule=tmp-writable until=2030-01-31 reason=migrating, OPS-7"}},
      {"  r  until  2030-01-31  :\treason\t\r", {"rule=r until=2030-01-31 reason=reason"}},
      {"r: see https://example.com/x", {"rule=r reason=see https://example.com/x"}},
      {"a: one; b until 2031-12-01: two;; ;",
       {"rule=a reason=one", "rule=b until=2031-12-01 reason=two"}},
      {"", {}},
      {" ; ", {}},
      // Malformed parts are kept, with what is wrong, so they are reported.
      {"read-only-root-fs", {"rule=read-only-root-fs reason= problem=it is not RULE: REASON"}},
      {"read-only-root-fs:", {"rule=read-only-root-fs reason= problem=it gives no reason"}},
      {"read-only-root-fs:  \t", {"rule=read-only-root-fs reason= problem=it gives no reason"}},
      {": a reason", {"rule= reason=a reason"}},
      {"r until soon: later",
       {"rule=r until=soon reason=later problem=its expiry \"soon\" is not a YYYY-MM-DD date"}},
      {"r until 2030-13-01: x",
       {"rule=r until=2030-13-01 reason=x problem=its expiry \"2030-13-01\" is not a YYYY-MM-DD "
        "date"}},
      {"r until 2030-00-10: x",
       {"rule=r until=2030-00-10 reason=x problem=its expiry \"2030-00-10\" is not a YYYY-MM-DD "
        "date"}},
      {"r until 2030-01-32: x",
       {"rule=r until=2030-01-32 reason=x problem=its expiry \"2030-01-32\" is not a YYYY-MM-DD "
        "date"}},
      {"r until 2030-1-5: x",
       {"rule=r until=2030-1-5 reason=x problem=its expiry \"2030-1-5\" is not a YYYY-MM-DD date"}},
      {"r until 2030/01/05: x",
       {"rule=r until=2030/01/05 reason=x problem=its expiry \"2030/01/05\" is not a YYYY-MM-DD "
        "date"}},
      {"r until 2030-01-05", {"rule=r until=2030-01-05 reason= problem=it is not RULE: REASON"}},
      {"good: yes; bad",
       {"rule=good reason=yes", "rule=bad reason= problem=it is not RULE: REASON"}},
  };
  for (const auto& c : kCases) {
    std::vector<Exemption> out;
    ParseExemptValue(c.value, "annotation rootlock.io/exempt", Location{"f.yaml", 3, 5, 40}, &out);
    EXPECT_EQ(ShowAll(out), c.parsed) << c.value;
    for (const Exemption& e : out) {
      EXPECT_EQ(e.source, "annotation rootlock.io/exempt");
      EXPECT_EQ(e.where.file, "f.yaml");
      EXPECT_EQ(e.where.line, 3u);
      EXPECT_EQ(e.where.column, 5u);
      EXPECT_TRUE(e.peer.empty());
    }
  }
}

TEST(ParseExemptValue, AppendsToWhatIsThere) {
  std::vector<Exemption> out(1);
  ParseExemptValue("r: x", "s", Location{}, &out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(Show(out[1]), "rule=r reason=x");
}

TEST(KeyValuesOf, ScalarValuesOfAMappingEachAtItsKey) {
  Doc d("m:\n  a: x\n  n: {deep: 1}\n  b: 2\n  l: [1]\n  c:\n");
  std::vector<KeyValue> kv = KeyValuesOf(d.root()->Get("m"));
  ASSERT_EQ(kv.size(), 3u);
  EXPECT_EQ(kv[0].key, "a");
  EXPECT_EQ(kv[0].value, "x");
  EXPECT_EQ(kv[0].at->start.line, 2u);
  EXPECT_EQ(kv[0].at->start.column, 3u);
  EXPECT_EQ(kv[1].key, "b");
  EXPECT_EQ(kv[1].value, "2");
  EXPECT_EQ(kv[2].key, "c");  // an empty value is a scalar too
  EXPECT_EQ(kv[2].value, "");
  EXPECT_TRUE(KeyValuesOf(d.root()->Path({"m", "l"})).empty());
  EXPECT_TRUE(KeyValuesOf(d.root()->Path({"m", "a"})).empty());
  EXPECT_TRUE(KeyValuesOf(nullptr).empty());
}

TEST(TagListOf, KeyValueMappingsInEitherCaseEachAtItsTag) {
  Doc d(
      "tags:\n"
      "  - {key: a, value: x}\n"
      "  - {Key: b, Value: y}\n"
      "  - {key: no-value}\n"
      "  - just-a-string\n"
      "  - {Key: c, value: z}\n"
      "m: {key: a, value: x}\n");
  std::vector<KeyValue> kv = TagListOf(d.root()->Get("tags"));
  ASSERT_EQ(kv.size(), 3u);
  EXPECT_EQ(kv[0].key, "a");
  EXPECT_EQ(kv[0].value, "x");
  EXPECT_EQ(kv[0].at->start.line, 2u);
  EXPECT_TRUE(kv[0].at->IsMapping());  // the tag, not its key
  EXPECT_EQ(kv[1].key, "b");
  EXPECT_EQ(kv[1].value, "y");
  EXPECT_EQ(kv[2].key, "c");
  EXPECT_EQ(kv[2].value, "z");
  EXPECT_TRUE(TagListOf(d.root()->Get("m")).empty());
  EXPECT_TRUE(TagListOf(nullptr).empty());
}

// rootlock's own keys: the workload's, and one container's by the suffix.
TEST(ExemptionsFromKeyValues, OwnKeysForTheWorkloadAndForOneContainer) {
  Doc d(
      "a:\n"
      "  rootlock.io/exempt: \"read-only-root-fs: legacy; tmp-writable until 2030-01-01: x\"\n"
      "  rootlock.io/exempt.db: \"read-only-root-fs: sqlite in /data\"\n"
      "  rootlock.io/exempt.: \"*: no container named\"\n"
      "  rootlock.io/exemptions: \"read-only-root-fs: not our key\"\n"
      "  rootlock.io/Exempt: \"read-only-root-fs: keys are case-sensitive\"\n"
      "  team: web\n");
  std::vector<Exemption> all;
  std::vector<std::pair<std::string, Exemption>> per;
  ExemptionsFromKeyValues(d.ctx(), KeyValuesOf(d.root()->Get("a")), "label", &all, &per);
  EXPECT_EQ(ShowAll(all), (Lines{"rule=read-only-root-fs reason=legacy",
                                 "rule=tmp-writable until=2030-01-01 reason=x"}));
  for (const Exemption& e : all) {
    EXPECT_EQ(e.source, "label rootlock.io/exempt");
    EXPECT_EQ(e.where.file, "w.yaml");
    EXPECT_EQ(e.where.line, 2u);
    EXPECT_EQ(e.where.column, 3u);
  }
  ASSERT_EQ(per.size(), 2u);
  EXPECT_EQ(per[0].first, "db");
  EXPECT_EQ(Show(per[0].second), "rule=read-only-root-fs reason=sqlite in /data");
  EXPECT_EQ(per[0].second.source, "label rootlock.io/exempt.db");
  EXPECT_EQ(per[0].second.where.line, 3u);
  EXPECT_EQ(per[1].first, "");  // "exempt." names the container without a name
}

// Each peer's suppression of its own read-only-root check, as that peer spells it.
TEST(ExemptionsFromKeyValues, PeersSuppressionsOfTheirReadOnlyRootCheck) {
  struct {
    const char* key;
    const char* value;
    Lines parsed;  // with the source after " | "
  } const kCases[] = {
      {"ignore-check.kube-linter.io/no-read-only-root-fs",
       " writes to /var ",
       {"rule=read-only-root-fs reason=writes to /var peer=kube-linter | annotation "
        "ignore-check.kube-linter.io/no-read-only-root-fs"}},
      {"kube-linter.io/ignore-all",
       "",
       {"rule=read-only-root-fs reason= peer=kube-linter | annotation kube-linter.io/ignore-all"}},
      {"ignore-check.kube-linter.io/run-as-non-root", "x", {}},
      {"polaris.fairwinds.com/notReadOnlyRootFilesystem-exempt",
       "true",
       {"rule=read-only-root-fs reason= peer=Polaris | annotation "
        "polaris.fairwinds.com/notReadOnlyRootFilesystem-exempt"}},
      {"polaris.fairwinds.com/exempt",
       "TRUE",
       {"rule=read-only-root-fs reason= peer=Polaris | annotation polaris.fairwinds.com/exempt"}},
      {"polaris.fairwinds.com/exempt", "false", {}},
      {"polaris.fairwinds.com/exempt", "yes", {}},
      {"kube-score/ignore",
       "pod-probes, Container-Security-Context-ReadOnlyRootFilesystem",
       {"rule=read-only-root-fs reason= peer=kube-score | annotation kube-score/ignore"}},
      {"kube-score/ignore",
       "container-security-context",
       {"rule=read-only-root-fs reason= peer=kube-score | annotation kube-score/ignore"}},
      {"kube-score/ignore", "pod-probes,container-security-context-user-group-id", {}},
      {"checkov.io/skip1",
       "CKV_K8S_22=the image writes its cache",
       {"rule=read-only-root-fs reason=the image writes its cache peer=Checkov | annotation "
        "checkov.io/skip1 CKV_K8S_22"}},
      {"checkov.io/skip7",
       " CKV_AWS_336 ",
       {"rule=read-only-root-fs reason= peer=Checkov | annotation checkov.io/skip7 CKV_AWS_336"}},
      {"checkov.io/skip2", "CKV_K8S_20=another check", {}},
      {"kubescape.io/skip-controls",
       "C-0016, c-0017",
       {"rule=read-only-root-fs reason= peer=Kubescape | annotation kubescape.io/skip-controls"}},
      {"kubescape.io/ignore",
       "C-0017",
       {"rule=read-only-root-fs reason= peer=Kubescape | annotation kubescape.io/ignore"}},
      {"kubescape.io/ignore", "C-00170", {}},
      {"app.kubernetes.io/name", "web", {}},
  };
  for (const auto& c : kCases) {
    std::string text = std::string("a:\n  x: 1\n  \"") + c.key + "\": \"" + c.value + "\"\n";
    Doc d(text);
    std::vector<Exemption> all;
    std::vector<std::pair<std::string, Exemption>> per;
    ExemptionsFromKeyValues(d.ctx(), KeyValuesOf(d.root()->Get("a")), "annotation", &all, &per);
    Lines got;
    for (const Exemption& e : all) {
      got.push_back(Show(e) + " | " + e.source);
      EXPECT_EQ(e.where.line, 3u);
      EXPECT_TRUE(e.problem.empty());
    }
    EXPECT_EQ(got, c.parsed) << c.key << ": " << c.value;
    EXPECT_TRUE(per.empty());
  }
}

// ECS and awscc tags name the same keys as a list of {key, value}.
TEST(ExemptionsFromKeyValues, TagsNameTheSameKeys) {
  Doc d(
      "tags:\n"
      "  - key: rootlock.io/exempt.app\n"
      "    value: \"read-only-root-fs: writes /var/lib\"\n"
      "  - {Key: checkov.io/skip1, Value: \"CKV_AWS_336=scratch\"}\n");
  std::vector<Exemption> all;
  std::vector<std::pair<std::string, Exemption>> per;
  ExemptionsFromKeyValues(d.ctx(), TagListOf(d.root()->Get("tags")), "tag", &all, &per);
  ASSERT_EQ(per.size(), 1u);
  EXPECT_EQ(per[0].first, "app");
  EXPECT_EQ(Show(per[0].second), "rule=read-only-root-fs reason=writes /var/lib");
  EXPECT_EQ(per[0].second.source, "tag rootlock.io/exempt.app");
  EXPECT_EQ(per[0].second.where.line, 2u);  // the tag's own line
  EXPECT_EQ(ShowAll(all), (Lines{"rule=read-only-root-fs reason=scratch peer=Checkov"}));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].source, "tag checkov.io/skip1 CKV_AWS_336");
}

TEST(ExemptionCommentLines, EmptyUnlessTheTextHoldsADirective) {
  EXPECT_TRUE(ExemptionCommentLines("a: 1\n# a comment\n").empty());
  EXPECT_TRUE(ExemptionCommentLines("").empty());
  EXPECT_EQ(ExemptionCommentLines("a\n# rootlock:ignore r x\nb"),
            (std::vector<uint64_t>{0, 2, 24}));
  EXPECT_EQ(ExemptionCommentLines("# checkov:skip=X\n\nb\n"), (std::vector<uint64_t>{0, 17, 18}));
}

// `# rootlock:ignore` and `# checkov:skip=` on the line itself or the comment lines above it.
TEST(CommentExemptions, OnTheLineAndTheCommentLinesDirectlyAbove) {
  Doc d(
      "# rootlock:ignore tmp-writable too far: a line of YAML is between\n"    // 1
      "spec:\n"                                                                // 2
      "  # rootlock:ignore read-only-root-fs until 2030-06-30 vendor image\n"  // 3
      "  # a plain comment\n"                                                  // 4
      "  # rootlock:ignore * every rule\n"                                     // 5
      "  #checkov:skip=CKV_K8S_22: cache in /var\n"                            // 6
      "  name: app  # rootlock:ignore tmp-writable writes /tmp\n"              // 7
      "  image: x\n");                                                         // 8
  std::vector<Exemption> out;
  CommentExemptions(d.ctx(), 7, &out);
  EXPECT_EQ(ShowAll(out), (Lines{
                              "rule=tmp-writable reason=writes /tmp",
                              "rule=read-only-root-fs reason=cache in /var peer=Checkov",
                              "rule=* reason=every rule",
                              "rule=read-only-root-fs until=2030-06-30 reason=vendor image",
                          }));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].source, "comment # rootlock:ignore");
  EXPECT_EQ(out[1].source, "comment # checkov:skip=CKV_K8S_22");
  uint32_t lines[] = {7, 6, 5, 3};
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].where.file, "w.yaml");
    EXPECT_EQ(out[i].where.line, lines[i]);
    EXPECT_EQ(out[i].where.column, 1u);
  }
  // Line 8 has no comment and line 7 above it is not a comment line.
  out.clear();
  CommentExemptions(d.ctx(), 8, &out);
  EXPECT_TRUE(out.empty());
}

// Terraform's // and # comments, trailing or on the lines above.
TEST(CommentExemptions, HclCommentsOfEitherKind) {
  Doc d(
      "resource \"aws_ecs_task_definition\" \"t\" {\n"               // 1
      "  // rootlock:ignore * every rule\n"                          // 2
      "  # rootlock:ignore read-only-root-fs hash comment\n"         // 3
      "  family = \"t\" // rootlock:ignore tmp-writable trailing\n"  // 4
      "}\n",
      InputFormat::kHcl);
  std::vector<Exemption> out;
  CommentExemptions(d.ctx(), 4, &out);
  EXPECT_EQ(ShowAll(out),
            (Lines{"rule=tmp-writable reason=trailing",
                   "rule=read-only-root-fs reason=hash comment", "rule=* reason=every rule"}));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].where.file, "main.tf");
  EXPECT_EQ(out[0].where.line, 4u);
}

TEST(CommentExemptions, ABlankLineEndsTheCommentsAbove) {
  Doc d("# rootlock:ignore read-only-root-fs detached\n\nname: app\n");
  std::vector<Exemption> out;
  CommentExemptions(d.ctx(), 3, &out);
  EXPECT_TRUE(out.empty());
  CommentExemptions(d.ctx(), 2, &out);  // directly below it
  EXPECT_EQ(ShowAll(out), (Lines{"rule=read-only-root-fs reason=detached"}));
}

TEST(CommentExemptions, MalformedCommentsAreKeptWithTheirProblem) {
  struct {
    const char* comment;
    Lines parsed;
  } const kCases[] = {
      {"# rootlock:ignore read-only-root-fs",
       {"rule=read-only-root-fs reason= problem=it gives no reason"}},
      {"# rootlock:ignore", {"rule= reason= problem=it gives no reason"}},
      {"# rootlock:ignore r until 2030-02-40 later",
       {"rule=r until=2030-02-40 reason=later problem=its expiry \"2030-02-40\" is not a "
        "YYYY-MM-DD date"}},
      {"# rootlock:ignore r until 2030-02-01",
       {"rule=r until=2030-02-01 reason= problem=it gives no reason"}},
      // Another tool's skip of another check is not ours to read.
      {"# checkov:skip=CKV_K8S_8: probes", {}},
      {"# checkov:skip=CKV_AWS_336", {"rule=read-only-root-fs reason= peer=Checkov"}},
  };
  for (const auto& c : kCases) {
    Doc d(std::string(c.comment) + "\nname: app\n");
    std::vector<Exemption> out;
    CommentExemptions(d.ctx(), 2, &out);
    EXPECT_EQ(ShowAll(out), c.parsed) << c.comment;
  }
}

// A comment's REASON is free text: the rest of the line, whatever it holds.
TEST(CommentExemptions, TheReasonIsTheRestOfTheLine) {
  Doc d("# rootlock:ignore read-only-root-fs writes /data: see OPS-1; remove in Q3\nname: app\n");
  std::vector<Exemption> out;
  CommentExemptions(d.ctx(), 2, &out);
  EXPECT_EQ(ShowAll(out),
            (Lines{"rule=read-only-root-fs reason=writes /data: see OPS-1; remove in Q3"}));
}

TEST(CommentExemptions, NothingWithoutLineStartsOrOutsideTheText) {
  Doc d("# rootlock:ignore r x\nname: app\n");
  std::vector<Exemption> out;
  CommentExemptions(d.ctx(), 0, &out);
  CommentExemptions(d.ctx(), 3, &out);
  CommentExemptions(d.ctx(), 99, &out);
  EXPECT_TRUE(out.empty());
  CommentExemptions(d.ctx(), 1, &out);  // the comment's own line
  EXPECT_EQ(ShowAll(out), (Lines{"rule=r reason=x"}));
  DocumentContext no_lines = d.ctx();
  no_lines.line_starts = nullptr;  // the text held no directive
  out.clear();
  CommentExemptions(no_lines, 2, &out);
  EXPECT_TRUE(out.empty());
}

TEST(AttachExemptions, EveryContainerGetsTheWorkloadsAndOnlyItsOwn) {
  Workload w;
  w.containers.resize(3);
  w.containers[0].name = "app";
  w.containers[1].name = "db";
  w.containers[2].name = "";
  w.containers[1].exemptions.push_back(Exemption{"kept", "r", "", "", "", "", {}});
  auto make = [](const char* rule) {
    Exemption e;
    e.rule = rule;
    e.reason = "r";
    return e;
  };
  std::vector<Exemption> all = {make("*")};
  std::vector<std::pair<std::string, Exemption>> per = {
      {"db", make("for-db")}, {"", make("for-unnamed")}, {"other", make("for-other")}};
  AttachExemptions(all, per, &w);
  auto rules = [](const Container& c) {
    Lines out;
    for (const Exemption& e : c.exemptions) out.push_back(e.rule);
    return out;
  };
  EXPECT_EQ(rules(w.containers[0]), (Lines{"*"}));
  EXPECT_EQ(rules(w.containers[1]), (Lines{"kept", "*", "for-db"}));
  EXPECT_EQ(rules(w.containers[2]), (Lines{"*", "for-unnamed"}));
}

}  // namespace
}  // namespace rootlock
