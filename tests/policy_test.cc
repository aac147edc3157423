// Policy: exemptions in every form, expiry, peers' suppressions, the config
// file, and baselines.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "engine/scanner.h"
#include "policy/baseline.h"
#include "policy/config.h"

namespace fs = std::filesystem;

namespace rootlock {
namespace {

struct Verdict {
  Status status;
  std::string reason;
};

std::map<std::string, Verdict> Judge(const std::string& name, const std::string& text,
                                     ScanOptions options = {}) {
  if (options.rules.today.empty()) options.rules.today = "2026-06-15";
  SourceOutcome out;
  ScanText(name, text, InputFormat::kAuto, options, &out);
  EXPECT_TRUE(out.errors.empty()) << (out.errors.empty() ? "" : out.errors[0].ToString());
  std::map<std::string, Verdict> by;
  for (const Finding& f : out.findings) {
    if (std::string_view(f.rule->id) == "read-only-root-fs") by[f.container] = {f.status, f.reason};
  }
  return by;
}

TEST(Exemptions, KubernetesAnnotationsOnObjectTemplateAndContainer) {
  auto by = Judge("d.yaml", R"(kind: Deployment
metadata:
  name: d
  annotations:
    rootlock.io/exempt.db: "read-only-root-fs: embedded sqlite in /data"
spec:
  template:
    metadata:
      annotations:
        rootlock.io/exempt.cache: "read-only-root-fs until 2026-12-31: being migrated, OPS-7"
    spec:
      containers:
      - {name: db, image: app}
      - {name: cache, image: app}
      - {name: other, image: app}
)");
  EXPECT_EQ(by["db"].status, Status::kNotApplicable);
  EXPECT_EQ(by["db"].reason,
            "exempted by annotation rootlock.io/exempt.db at d.yaml:5: embedded sqlite in /data");
  EXPECT_EQ(by["cache"].status, Status::kNotApplicable);
  EXPECT_NE(by["cache"].reason.find("until 2026-12-31: being migrated"), std::string::npos);
  EXPECT_EQ(by["other"].status, Status::kFail);  // per-container means that container only
}

TEST(Exemptions, WholeWorkloadAndSeveralRules) {
  auto by = Judge("p.yaml",
                  "kind: Pod\nmetadata:\n  name: p\n  annotations:\n    rootlock.io/exempt: "
                  "\"tmp-writable: no temp files; read-only-root-fs: legacy, ticket 9\"\n"
                  "spec: {containers: [{name: a}, {name: b}]}\n");
  EXPECT_EQ(by["a"].status, Status::kNotApplicable);
  EXPECT_EQ(by["b"].status, Status::kNotApplicable);
  EXPECT_NE(by["b"].reason.find(": legacy, ticket 9"), std::string::npos);
}

TEST(Exemptions, ExpiryMissingReasonBadDateAndUnknownRuleAreReported) {
  auto by = Judge("p.yaml", R"(kind: Pod
metadata:
  name: p
  annotations:
    rootlock.io/exempt.expired: "read-only-root-fs until 2026-01-31: temporary"
    rootlock.io/exempt.noreason: "read-only-root-fs:"
    rootlock.io/exempt.baddate: "read-only-root-fs until soon: later"
    rootlock.io/exempt.typo: "read-only-rootfs: oops"
spec:
  containers: [{name: expired}, {name: noreason}, {name: baddate}, {name: typo}]
)");
  EXPECT_EQ(by["expired"].status, Status::kFail);
  EXPECT_NE(by["expired"].reason.find("the exemption at p.yaml:5 expired on 2026-01-31"),
            std::string::npos)
      << by["expired"].reason;
  EXPECT_EQ(by["noreason"].status, Status::kFail);
  EXPECT_NE(by["noreason"].reason.find("is ignored: it gives no reason"), std::string::npos);
  EXPECT_NE(by["baddate"].reason.find("is not a YYYY-MM-DD date"), std::string::npos);
  EXPECT_NE(by["typo"].reason.find("no rule called \"read-only-rootfs\""), std::string::npos);
}

TEST(Exemptions, CommentsOnTheLineOrAboveTheBlock) {
  auto by =
      Judge("c.yaml",
            R"(# rootlock:ignore read-only-root-fs until 2027-01-01 nginx vendored image, see ADR-4
kind: Pod
metadata: {name: all}
spec: {containers: [{name: one}, {name: two}]}
---
kind: Pod
metadata: {name: some}
spec:
  containers:
    # rootlock:ignore read-only-root-fs writes its cache under /opt
    - name: above
    - name: inline   # rootlock:ignore CKV_K8S_22 alias names work too
    - name: plain
)");
  EXPECT_EQ(by["one"].status, Status::kNotApplicable);
  EXPECT_EQ(by["two"].status, Status::kNotApplicable);
  EXPECT_NE(by["one"].reason.find("comment # rootlock:ignore at c.yaml:1 until 2027-01-01: nginx"),
            std::string::npos)
      << by["one"].reason;
  EXPECT_EQ(by["above"].status, Status::kNotApplicable);
  EXPECT_EQ(by["inline"].status, Status::kNotApplicable);
  EXPECT_EQ(by["plain"].status, Status::kFail);
}

TEST(Exemptions, ComposeDockerAndEcsForms) {
  auto compose = Judge("compose.yaml", R"(services:
  a:
    image: x
    x-rootlock: {exempt: "read-only-root-fs: writes plugins at run time"}
  b:
    image: x
    labels: ["rootlock.io/exempt=read-only-root-fs: legacy"]
  c:
    image: x
    labels: {rootlock.io/exempt: "read-only-root-fs: legacy too"}
  d:
    image: x
)");
  EXPECT_EQ(compose["a"].status, Status::kNotApplicable);
  EXPECT_EQ(compose["b"].status, Status::kNotApplicable);
  EXPECT_EQ(compose["c"].status, Status::kNotApplicable);
  EXPECT_EQ(compose["d"].status, Status::kFail);

  auto docker = Judge("inspect.json", R"([{"Id": "abc", "Name": "/legacy",
    "Config": {"Image": "x", "Labels": {"rootlock.io/exempt": "read-only-root-fs: vendor box"}},
    "HostConfig": {"ReadonlyRootfs": false}}])");
  EXPECT_EQ(docker["legacy"].status, Status::kNotApplicable);

  auto describe = Judge("td.json", R"({"taskDefinition": {"family": "f", "revision": 1,
    "containerDefinitions": [{"name": "a"}, {"name": "b"}]},
    "tags": [{"key": "rootlock.io/exempt.a", "value": "read-only-root-fs: writes /var/lib"}]})");
  EXPECT_EQ(describe["a"].status, Status::kNotApplicable);
  EXPECT_EQ(describe["b"].status, Status::kFail);

  auto cfn = Judge("t.yaml", R"(Resources:
  T:
    Type: AWS::ECS::TaskDefinition
    Metadata:
      rootlock.io/exempt: "read-only-root-fs: legacy batch"
    Properties:
      ContainerDefinitions: [{Name: a}]
  U:
    Type: AWS::ECS::TaskDefinition
    Metadata:
      checkov:
        skip:
          - id: CKV_AWS_336
            comment: writes to /scratch
    Properties:
      ContainerDefinitions: [{Name: b}]
)");
  EXPECT_EQ(cfn["a"].status, Status::kNotApplicable);
  EXPECT_EQ(cfn["b"].status, Status::kNotApplicable);
  EXPECT_NE(cfn["b"].reason.find("Checkov's Metadata checkov.skip CKV_AWS_336"), std::string::npos);

  SourceOutcome tf;
  ScanOptions o;
  o.rules.today = "2026-06-15";
  ScanText("main.tf", R"(resource "aws_ecs_task_definition" "t" {
  # checkov:skip=CKV_AWS_336:the agent writes its state locally
  container_definitions = jsonencode([{ name = "agent" }])
  tags = { "rootlock.io/exempt.other" = "read-only-root-fs: x" }
}
)",
           InputFormat::kHcl, o, &tf);
  ASSERT_FALSE(tf.findings.empty());
  // Checkov reads a skip comment anywhere above the line in the resource block.
  EXPECT_EQ(tf.findings[0].status, Status::kNotApplicable);
  EXPECT_NE(tf.findings[0].reason.find("Checkov's comment # checkov:skip=CKV_AWS_336 at main.tf:2: "
                                       "the agent writes its state locally"),
            std::string::npos)
      << tf.findings[0].reason;
}

TEST(Exemptions, PeersAreHonouredAndNamedUnlessTurnedOff) {
  const char* manifest = R"(kind: List
items:
- kind: Pod
  metadata: {name: kl, annotations: {ignore-check.kube-linter.io/no-read-only-root-fs: "needs /var"}}
  spec: {containers: [{name: kl}]}
- kind: Pod
  metadata: {name: kla, annotations: {kube-linter.io/ignore-all: "demo"}}
  spec: {containers: [{name: kla}]}
- kind: Pod
  metadata: {name: po, annotations: {polaris.fairwinds.com/notReadOnlyRootFilesystem-exempt: "true"}}
  spec: {containers: [{name: po}]}
- kind: Pod
  metadata: {name: poa, annotations: {polaris.fairwinds.com/exempt: "true"}}
  spec: {containers: [{name: poa}]}
- kind: Pod
  metadata: {name: ks, annotations: {kube-score/ignore: "pod-networkpolicy, container-security-context-readonlyrootfilesystem"}}
  spec: {containers: [{name: ks}]}
- kind: Pod
  metadata: {name: ck, annotations: {checkov.io/skip3: "CKV_K8S_22=writes to /tmp"}}
  spec: {containers: [{name: ck}]}
- kind: Pod
  metadata: {name: ksc, annotations: {kubescape.io/skip-controls: "C-0017"}}
  spec: {containers: [{name: ksc}]}
- kind: Pod
  metadata: {name: other, annotations: {checkov.io/skip1: "CKV_K8S_20=unrelated"}}
  spec: {containers: [{name: other}]}
)";
  auto by = Judge("peers.yaml", manifest);
  std::map<std::string, std::string> peer = {{"kl", "kube-linter's"}, {"kla", "kube-linter's"},
                                             {"po", "Polaris's"},     {"poa", "Polaris's"},
                                             {"ks", "kube-score's"},  {"ck", "Checkov's"},
                                             {"ksc", "Kubescape's"}};
  for (const auto& [name, who] : peer) {
    EXPECT_EQ(by[name].status, Status::kNotApplicable) << name;
    EXPECT_NE(by[name].reason.find("exempted by " + who), std::string::npos) << by[name].reason;
  }
  EXPECT_NE(by["kl"].reason.find(": needs /var"), std::string::npos);
  EXPECT_EQ(by["other"].status, Status::kFail);
  ScanOptions off;
  off.rules.peer_exemptions = false;
  for (const auto& [name, v] : Judge("peers.yaml", manifest, off)) {
    EXPECT_EQ(v.status, Status::kFail) << name;
  }
}

TEST(Exemptions, ConformanceCasesThatPeersSkipBecomeNotApplicable) {
  fs::path file = fs::path(ROOTLOCK_SOURCE_DIR).parent_path() /
                  "shared/conformance/kubernetes/kube-score/kube-score-ignore-annotations.yaml";
  if (!fs::exists(file)) GTEST_SKIP() << "../shared/conformance is absent";
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto by = Judge(file.string(), text);
  ASSERT_EQ(by.size(), 1u);
  EXPECT_EQ(by.begin()->second.status, Status::kNotApplicable);
  EXPECT_NE(by.begin()->second.reason.find("kube-score's annotation kube-score/ignore"),
            std::string::npos);
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rootlock-config-" + std::to_string(getpid()));
    fs::create_directories(dir_ / "apps" / "vendor");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& rel, const std::string& text) {
    std::ofstream(dir_ / rel) << text;
    return (dir_ / rel).string();
  }
  fs::path dir_;
};

TEST_F(ConfigTest, LoadsAndIsFoundUpward) {
  std::string path = Write(".rootlock.yaml", R"(min_ratio: 90%
strict: true
peer_exemptions: false
rules:
  tmp-writable: off
  read-only-root-fs: {severity: critical}
databases:
  builtin: false
  extra: [warehouse]
exemptions:
  - path: "apps/vendor/**"
    reason: vendored
  - image: "quay.io/legacy/*"
    until: 2026-01-01
    reason: expired already
)");
  EXPECT_EQ(FindConfig((dir_ / "apps" / "vendor").string()), path);
  EXPECT_EQ(FindConfig(Write("apps/x.yaml", "")), path);
  Config c;
  Diagnostic d;
  ASSERT_TRUE(LoadConfig(path, &c, &d)) << d.ToString();
  EXPECT_DOUBLE_EQ(*c.min_ratio, 0.9);
  EXPECT_TRUE(*c.strict);
  EXPECT_FALSE(*c.peer_exemptions);
  EXPECT_EQ(c.disabled_rules, std::vector<std::string>{"tmp-writable"});
  ASSERT_EQ(c.severities.size(), 1u);
  EXPECT_EQ(c.severities[0].second, Severity::kCritical);
  EXPECT_FALSE(*c.builtin_databases);
  ASSERT_EQ(c.exemptions.size(), 2u);

  ScanOptions o;
  o.config = &c;
  o.rules.today = "2026-06-15";
  o.rules.disabled.insert("tmp-writable");
  SourceOutcome out;
  std::string vendored = Write("apps/vendor/chart.yaml",
                               "kind: Pod\nmetadata: {name: v}\nspec: {containers: [{name: v, "
                               "image: quay.io/legacy/agent}]}\n");
  ScanText(vendored,
           "kind: Pod\nmetadata: {name: v}\nspec: {containers: [{name: v, "
           "image: quay.io/legacy/agent}]}\n",
           InputFormat::kYaml, o, &out);
  // tmp-writable is off; the other rules report beside read-only-root-fs.
  std::vector<Finding> root_fs;
  for (const Finding& f : out.findings) {
    EXPECT_NE(std::string(f.rule->id), "tmp-writable");
    if (f.rule->gates) root_fs.push_back(f);
  }
  ASSERT_EQ(root_fs.size(), 1u);
  EXPECT_EQ(root_fs[0].status, Status::kNotApplicable);
  EXPECT_NE(root_fs[0].reason.find("exempted by config exemption at " + path + ":11"),
            std::string::npos)
      << root_fs[0].reason;
}

TEST_F(ConfigTest, FailOnAndTheRulesToRun) {
  std::string path = Write(".rootlock.yaml", R"(fail_on: [no-privileged, CKV_K8S_17, high]
rules: [read-only-root-fs, no-privileged, host-pid]
)");
  Config c;
  Diagnostic d;
  ASSERT_TRUE(LoadConfig(path, &c, &d)) << d.ToString();
  EXPECT_TRUE(c.fail_on_set);
  EXPECT_EQ(c.fail_on, (std::set<std::string, std::less<>>{"no-host-pid", "no-privileged"}));
  EXPECT_EQ(c.fail_on_severity, Severity::kHigh);
  ASSERT_TRUE(c.selected_rules.has_value());
  EXPECT_EQ(*c.selected_rules,
            (std::vector<std::string>{"read-only-root-fs", "no-privileged", "no-host-pid"}));
  // One value alone is a list of one; the lowest severity given wins.
  path = Write(".rootlock.yaml", "fail_on: critical\n");
  Config one;
  ASSERT_TRUE(LoadConfig(path, &one, &d)) << d.ToString();
  EXPECT_EQ(one.fail_on_severity, Severity::kCritical);
  EXPECT_TRUE(one.fail_on.empty());
  for (const char* bad : {"fail_on: [urgent]\n", "rules: [no-such-rule]\n"}) {
    Config config;
    ASSERT_FALSE(LoadConfig(Write("bad.yaml", bad), &config, &d)) << bad;
    EXPECT_NE(d.ToString().find(":1:"), std::string::npos) << d.ToString();
  }
}

TEST_F(ConfigTest, UnknownKeysAndBadValuesAreErrorsWithTheirPlace) {
  struct Case {
    const char* text;
    const char* where;
    const char* message;
  } cases[] = {
      {"min_ratio: 0.8\nmin_raito: 0.9\n", ":2:1", "unknown key \"min_raito\" in the config"},
      {"rules:\n  read-only-root-fs: {severty: low}\n", ":2:23", "unknown key \"severty\""},
      {"rules:\n  no-such-rule: off\n", ":2:3", "no rule called"},
      {"rules:\n  tmp-writable: {severity: urgent}\n", ":2:28", "must be low, medium"},
      {"exemptions:\n  - path: x\n", ":2:5", "needs a reason"},
      {"exemptions:\n  - reason: r\n", ":2:5", "must say what it matches"},
      {"exemptions:\n  - {reason: r, name: x, until: tomorrow}\n", ":2:33", "YYYY-MM-DD"},
      {"min_ratio: 101\n", ":1:12", "from 0 to 1"},
      {"strict: maybe\n", ":1:9", "true or false"},
  };
  for (const Case& c : cases) {
    std::string path = Write("bad.yaml", c.text);
    Config config;
    Diagnostic d;
    ASSERT_FALSE(LoadConfig(path, &config, &d)) << c.text;
    EXPECT_NE(d.ToString().find(path + c.where + ": error: "), std::string::npos)
        << c.text << " -> " << d.ToString();
    EXPECT_NE(d.message.find(c.message), std::string::npos) << d.message;
  }
}

TEST(Glob, PathsAndImages) {
  EXPECT_TRUE(GlobMatch("vendor/**", "vendor/a/b/c.yaml", true));
  EXPECT_TRUE(GlobMatch("**/charts/*.yaml", "x/y/charts/a.yaml", true));
  EXPECT_FALSE(GlobMatch("charts/*.yaml", "charts/sub/a.yaml", true));
  EXPECT_TRUE(GlobMatch("quay.io/vendor/*", "quay.io/vendor/agent:1.2", false));
  EXPECT_FALSE(GlobMatch("quay.io/vendor/*", "docker.io/vendor/agent", false));
  EXPECT_TRUE(GlobMatch("fluent-?it", "fluent-bit", false));
}

TEST(Baseline, KnownNewAndFixedAndItSurvivesReformatting) {
  std::string before =
      "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n"
      "  - name: b\n";
  ScanOptions o;
  SourceOutcome first;
  ScanText("p.yaml", before, InputFormat::kYaml, o, &first);
  ScanResult r1;
  r1.findings = FindingList(first.findings);
  std::string json = BaselineJson(r1);
  std::string path =
      (fs::temp_directory_path() / ("baseline-" + std::to_string(getpid()))).string();
  std::ofstream(path) << json;
  std::vector<BaselineEntry> entries;
  Diagnostic d;
  ASSERT_TRUE(ReadBaseline(path, &entries, &d)) << d.ToString();
  fs::remove(path);
  ASSERT_EQ(entries.size(), 2u);
  // Reformatted (flow style, other lines), a fixed, c added.
  std::string after =
      "# reformatted\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [\n"
      "    {name: a, securityContext: {readOnlyRootFilesystem: true}},\n    {name: b},\n"
      "    {name: c}]\n";
  SourceOutcome second;
  ScanText("p.yaml", after, InputFormat::kYaml, o, &second);
  ScanResult r2;
  r2.findings = FindingList(second.findings);
  r2.summary = Summarize(second.findings, o);
  ApplyBaseline(entries, &r2);
  EXPECT_EQ(r2.summary.baseline_known, 1u);  // b, though every line of it moved
  EXPECT_EQ(r2.summary.baseline_new, 1u);    // c
  EXPECT_EQ(r2.summary.baseline_fixed, 1u);  // a
  ASSERT_EQ(r2.baseline_fixed.size(), 1u);
  EXPECT_EQ(r2.baseline_fixed[0].container, "a");
  EXPECT_FALSE(r2.summary.passed);
  for (const Finding& f : r2.findings) {
    if (f.rule->gates && f.status == Status::kFail) {
      EXPECT_EQ(f.baseline, f.container == "c" ? "new" : "known") << f.container;
    }
  }
}

}  // namespace
}  // namespace rootlock
