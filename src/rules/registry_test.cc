// The registry and what every rule must have; the shared database table and
// the options that change it.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "rules/rule.h"
#include "rules/rules.h"

namespace rootlock {
namespace {

TEST(Registry, EveryRuleHasItsMetadataAndAUniqueId) {
  std::set<std::string> ids;
  ASSERT_FALSE(AllRules().empty());
  for (const RuleInfo* r : AllRules()) {
    SCOPED_TRACE(r->id);
    EXPECT_TRUE(ids.insert(r->id).second) << "two rules share an id";
    EXPECT_EQ(FindRule(r->id), r);
    EXPECT_NE(std::string(r->title), "");
    EXPECT_NE(std::string(r->rationale), "");
    // --help shows the summary indented under the id: short lines only.
    std::string summary = r->summary;
    ASSERT_FALSE(summary.empty());
    for (size_t at = 0, nl; at <= summary.size(); at = nl + 1) {
      nl = summary.find('\n', at);
      if (nl == std::string::npos) nl = summary.size();
      EXPECT_LE(nl - at, 74u) << summary.substr(at, nl - at);
    }
    for (const char* remedy : r->remediation) {
      std::string text = remedy;
      ASSERT_FALSE(text.empty());
      EXPECT_EQ(text.back(), '.') << "a remediation is a sentence: " << text;
    }
  }
  // Only read-only-root-fs gates: the headline and --min-ratio count it alone.
  int gating = 0;
  for (const RuleInfo* r : AllRules()) gating += r->gates;
  EXPECT_EQ(gating, 1);
  EXPECT_TRUE(Rule(RuleId::kReadOnlyRootFs).gates);
}

Workload StatefulSet(const std::string& image) {
  Workload w;
  w.kind = "StatefulSet";
  w.display = "StatefulSet 'db'";
  w.stateful = true;
  Container c;
  c.name = "db";
  c.image = image;
  c.read_only_root.key = "readOnlyRootFilesystem";
  c.read_only_root.detail = "no securityContext";
  w.containers.push_back(c);
  return w;
}

Status RootFsVerdict(const Workload& w, const RuleOptions& options) {
  std::vector<Finding> verdicts;
  JudgeContainer(w, w.containers[0], options, &verdicts);
  return verdicts[static_cast<size_t>(RuleId::kReadOnlyRootFs)].status;
}

// .rootlock.yaml's `databases: {builtin, extra}` reached the options but the
// rule asked the built-in table only (issue 12).
TEST(Databases, TheConfigsListIsTheOneTheRuleUses) {
  RuleOptions options;
  EXPECT_EQ(RootFsVerdict(StatefulSet("postgres:16"), options), Status::kNotApplicable);
  EXPECT_EQ(RootFsVerdict(StatefulSet("acme/warehouse-db:3"), options), Status::kFail);

  options.extra_databases = {"warehouse-db"};
  EXPECT_EQ(RootFsVerdict(StatefulSet("acme/warehouse-db:3"), options), Status::kNotApplicable);
  std::vector<Finding> verdicts;
  Workload w = StatefulSet("acme/warehouse-db:3");
  JudgeContainer(w, w.containers[0], options, &verdicts);
  EXPECT_NE(verdicts[static_cast<size_t>(RuleId::kReadOnlyRootFs)].reason.find(
                "stateful database: warehouse-db"),
            std::string::npos)
      << verdicts[static_cast<size_t>(RuleId::kReadOnlyRootFs)].reason;

  options.builtin_databases = false;
  EXPECT_EQ(RootFsVerdict(StatefulSet("postgres:16"), options), Status::kFail);
  EXPECT_EQ(RootFsVerdict(StatefulSet("acme/warehouse-db:3"), options), Status::kNotApplicable);
}

TEST(Registry, EveryRuleIsJudgedEvenWhenSwitchedOffAndOnlyOnesThatAreOnReport) {
  Workload w = StatefulSet("nginx");
  RuleOptions options;
  options.disabled.insert("read-only-root-fs");
  std::vector<Finding> verdicts;
  JudgeContainer(w, w.containers[0], options, &verdicts);
  ASSERT_EQ(verdicts.size(), AllRules().size());
  for (size_t i = 0; i < verdicts.size(); ++i) EXPECT_EQ(verdicts[i].rule, AllRules()[i]);
  // tmp-writable reads read-only-root-fs's verdict although that rule is off.
  EXPECT_EQ(verdicts[static_cast<size_t>(RuleId::kTmpWritable)].status, Status::kNotApplicable);
  std::vector<Finding> reported;
  CheckWorkload(w, options, &reported);
  ASSERT_EQ(reported.size(), kRuleCount - 1);  // every rule but the one switched off
  EXPECT_EQ(reported[0].rule, &Rule(RuleId::kTmpWritable));
}

// Remedies as data: what each failing rule asks to change, in model terms.
TEST(Remedies, SayWhatToChangeInModelTerms) {
  Workload w;
  Container c;
  c.name = "web";
  c.image = "docker.io/library/nginx:1.27";
  c.read_only_root.key = "readOnlyRootFilesystem";
  c.mounts.push_back({"/var/run/", "run", "emptyDir", true, {}});
  w.containers.push_back(c);
  RuleOptions options;
  options.writable = {"/data/"};
  std::vector<Finding> v;
  JudgeContainer(w, w.containers[0], options, &v);
  const Finding& ro = v[static_cast<size_t>(RuleId::kReadOnlyRootFs)];
  ASSERT_EQ(ro.status, Status::kFail);
  // The flag, /tmp, nginx's own paths less the one a writable mount covers, --writable.
  EXPECT_EQ(ro.remedy.changes,
            (std::vector<Change>{
                Change::SetFlag(Setting::kReadOnlyRoot), Change::AddWritableMount("/tmp"),
                Change::AddWritableMount("/var/cache/nginx"), Change::AddWritableMount("/data")}));
  EXPECT_EQ(ro.remedy.blocked, "");
  EXPECT_FALSE(ro.remedy.observed);

  // Read-only already: tmp-writable asks for the mounts only.
  w.containers[0].read_only_root.value = Flag::kTrue;
  JudgeContainer(w, w.containers[0], options, &v);
  EXPECT_TRUE(v[static_cast<size_t>(RuleId::kReadOnlyRootFs)].remedy.empty());
  const Finding& tmp = v[static_cast<size_t>(RuleId::kTmpWritable)];
  ASSERT_EQ(tmp.status, Status::kFail);
  EXPECT_EQ(tmp.remedy.WritablePaths(),
            (std::vector<std::string>{"/tmp", "/var/cache/nginx", "/data"}));

  // A read-only volume where a writable one is needed blocks the remedy.
  w.containers[0].mounts.push_back({"/tmp", "cfg", "configMap", false, {}});
  JudgeContainer(w, w.containers[0], options, &v);
  EXPECT_EQ(v[static_cast<size_t>(RuleId::kTmpWritable)].remedy.blocked,
            "a read-only volume is mounted at /tmp; make it writable (its volume must be, too) "
            "and run fix again");
}

// A live container's remedy comes from what it wrote, not from its image.
TEST(Remedies, ALiveContainersPathsComeFromItsWrites) {
  Workload w;
  w.platform = Platform::kDocker;
  Container c;
  c.image = "nginx";
  c.read_only_root.key = "ReadonlyRootfs";
  c.writes_known = true;
  c.written_paths = {"/var", "/var/lib", "/var/lib/app", "/var/lib/app/db", "/etc/hostname"};
  w.containers.push_back(c);
  std::vector<Finding> v;
  JudgeContainer(w, w.containers[0], RuleOptions{}, &v);
  const Remedy& r = v[static_cast<size_t>(RuleId::kReadOnlyRootFs)].remedy;
  EXPECT_TRUE(r.observed);
  EXPECT_EQ(r.WritablePaths(), (std::vector<std::string>{"/tmp", "/var/lib/app"}));
}

// Issue 14: a path a container wrote with a newline in it is refused, not suggested, and
// so is one with a ':' (tmpfs options).
TEST(Remedies, APathWithControlsIsRefusedNotSuggested) {
  Workload w;
  w.platform = Platform::kDocker;
  Container c;
  c.read_only_root.key = "ReadonlyRootfs";
  c.writes_known = true;
  const std::string bad = "/data/x\nprivileged: true\ncap_add: [ALL]";
  c.written_paths = {"/data",
                     "/data/$(touch${IFS}pwned)",
                     "/data/$(touch${IFS}pwned)/f",
                     bad,
                     bad + "/f",
                     "/data/a:exec",
                     "/data/a:exec/f"};
  w.containers.push_back(c);
  std::vector<Finding> v;
  JudgeContainer(w, w.containers[0], RuleOptions{}, &v);
  const Finding& f = v[static_cast<size_t>(RuleId::kReadOnlyRootFs)];
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_EQ(f.remedy.WritablePaths(),
            (std::vector<std::string>{"/data/$(touch${IFS}pwned)", "/tmp"}));
  EXPECT_EQ(f.remedy.refused, (std::vector<std::string>{"/data/a:exec", bad}));
}

}  // namespace
}  // namespace rootlock
