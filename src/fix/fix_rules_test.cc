// fix reads each rule's verdict by rule, not by its place among the findings.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/scanner.h"
#include "fix/fix.h"
#include "fix/json_patch.h"

namespace rootlock {
namespace {

constexpr const char* kTwoWritable = R"(apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: example/app:1
    - name: proxy
      image: example/proxy:1
)";

// With `rules: {tmp-writable: off}` a container has one finding, not two: fix
// read findings[2 * i] and [2 * i + 1] and left failing containers alone
// (issue 12), or read past the end.
TEST(FixRules, ASwitchedOffRuleDoesNotHideAFailingContainer) {
  for (bool tmp_on : {true, false}) {
    SCOPED_TRACE(tmp_on ? "tmp-writable on" : "tmp-writable off");
    FixOptions options;
    if (!tmp_on) options.scan.rules.disabled.insert("tmp-writable");
    FileFix f = FixText("pod.yaml", kTwoWritable, InputFormat::kYaml, options);
    ASSERT_TRUE(f.error.empty()) << f.error;
    EXPECT_EQ(f.containers_fixed, 2);
    SourceOutcome again;
    ScanText("pod.yaml", f.after, InputFormat::kYaml, ScanOptions{}, &again);
    std::vector<Finding> fixable;  // the read-only rules' (run-as-non-root needs --user)
    for (const Finding& x : again.findings) {
      if (x.rule->id == std::string("read-only-root-fs") ||
          x.rule->id == std::string("tmp-writable")) {
        fixable.push_back(x);
      }
    }
    ASSERT_EQ(fixable.size(), 4u);
    for (const Finding& x : fixable) {
      EXPECT_EQ(x.status, Status::kPass) << x.message << ": " << x.reason;
    }
  }
}

TEST(JsonPatch, PointerTokensEscapeTildeAndSlash) {
  EXPECT_EQ(JsonPointerToken("spec"), "spec");
  EXPECT_EQ(JsonPointerToken("a/b~c"), "a~1b~0c");
  EXPECT_EQ(JsonPointerToken("~1"), "~01");
}

TEST(JsonPatch, RefusesWhatIsNotOneKubernetesObject) {
  FixOptions options;
  EXPECT_NE(KubernetesJsonPatch("two.yaml", "kind: Pod\n---\nkind: Pod\n", options).error, "");
  JsonPatch compose =
      KubernetesJsonPatch("compose.yaml", "services:\n  web:\n    image: nginx\n", options);
  EXPECT_NE(compose.error.find("is not a Kubernetes object"), std::string::npos) << compose.error;
  EXPECT_EQ(compose.patch, "");
}

// The patch without its layout (no value below holds a space).
std::string Compact(const std::string& json) {
  std::string out;
  for (char c : json) {
    if (c != ' ' && c != '\n') out += c;
  }
  return out;
}

// The webhook's patch carries the rules beside read-only too: privileged false, and the
// user fix --user names, as numbers.
TEST(JsonPatch, PrivilegedAndUserAreSetInTheContainersSecurityContext) {
  const char* pod =
      "{\"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}, \"spec\": {\"containers\": ["
      "{\"name\": \"a\", \"image\": \"x\", \"securityContext\": {\"privileged\": true, "
      "\"readOnlyRootFilesystem\": true}, \"volumeMounts\": [{\"name\": \"t\", \"mountPath\": "
      "\"/tmp\"}]}], \"volumes\": [{\"name\": \"t\", \"emptyDir\": {}}]}}";
  FixOptions options;
  JsonPatch plain = KubernetesJsonPatch("pod.json", pod, options);
  ASSERT_EQ(plain.error, "");
  EXPECT_EQ(Compact(plain.patch),
            "[{\"op\":\"add\",\"path\":\"/spec/containers/0/securityContext/privileged\","
            "\"value\":false}]");
  options.scan.rules.run_as = "10001:20";
  JsonPatch user = KubernetesJsonPatch("pod.json", pod, options);
  EXPECT_EQ(Compact(user.patch),
            "[{\"op\":\"add\",\"path\":\"/spec/containers/0/securityContext/privileged\","
            "\"value\":false},{\"op\":\"add\",\"path\":\"/spec/containers/0/securityContext/"
            "runAsNonRoot\",\"value\":true},{\"op\":\"add\",\"path\":\"/spec/containers/0/"
            "securityContext/runAsUser\",\"value\":10001},{\"op\":\"add\",\"path\":\"/spec/"
            "containers/0/securityContext/runAsGroup\",\"value\":20}]");
  EXPECT_EQ(user.containers_fixed, 1);
  // Switched off, a rule beside read-only adds nothing to the remedy.
  options.scan.rules.disabled = {"no-privileged", "run-as-non-root"};
  EXPECT_EQ(Compact(KubernetesJsonPatch("pod.json", pod, options).patch), "[]");
}

// A key Terraform's JSON matches in any case is set where it is written, not
// added again in the API's spelling.
TEST(FixRules, TerraformKeysAreSetAsWritten) {
  const char* tf = R"(resource "aws_ecs_task_definition" "a" {
  family = "a"
  container_definitions = jsonencode([
    { name = "two", image = "x", READONLYROOTFILESYSTEM = false },
  ])
}
)";
  FileFix f = FixText("main.tf", tf, InputFormat::kHcl, FixOptions{});
  ASSERT_TRUE(f.error.empty()) << f.error;
  EXPECT_NE(f.after.find("READONLYROOTFILESYSTEM = true"), std::string::npos) << f.after;
  EXPECT_EQ(f.after.find("readonlyRootFilesystem"), std::string::npos) << f.after;
}

}  // namespace
}  // namespace rootlock
