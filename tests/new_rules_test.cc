// no-privileged, no-host-pid and run-as-non-root on every platform: pass, fail, n/a
// (Windows), exempted and values that cannot be read, through the scan entry point.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "engine/scanner.h"
#include "engine/sources.h"

namespace rootlock {
namespace {

// The findings of one rule, in order.
std::vector<Finding> Judge(const std::string& name, const std::string& text,
                           std::string_view rule) {
  SourceOutcome out;
  ScanText(name, text, FormatForPath(name), ScanOptions{}, &out);
  EXPECT_TRUE(out.errors.empty()) << (out.errors.empty() ? "" : out.errors[0].ToString());
  std::vector<Finding> found;
  for (Finding& f : out.findings) {
    if (f.rule->id == rule) found.push_back(std::move(f));
  }
  return found;
}

// The one finding of `rule` on a single-container input.
Finding One(const std::string& name, const std::string& text, std::string_view rule) {
  std::vector<Finding> all = Judge(name, text, rule);
  EXPECT_EQ(all.size(), 1u) << name << " " << rule;
  return all.empty() ? Finding{} : all[0];
}

std::string Pod(const std::string& spec_extra, const std::string& container_extra,
                const std::string& annotations = "") {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n" + annotations + "spec:\n" +
         spec_extra + "  containers:\n  - name: app\n    image: app:1\n" + container_extra;
}

// --- Kubernetes ------------------------------------------------------------

TEST(NoPrivileged, Kubernetes) {
  Finding f = One("p.yaml", Pod("", "    securityContext: {privileged: true}\n"), "no-privileged");
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_EQ(f.severity, Severity::kCritical);
  EXPECT_EQ(f.message, "Pod 'p' container 'app' runs privileged (privileged: true)");
  EXPECT_EQ(f.where.line, 9u);  // the setting, not the container
  EXPECT_NE(f.reason.find("every capability"), std::string::npos) << f.reason;

  EXPECT_EQ(
      One("p.yaml", Pod("", "    securityContext: {privileged: false}\n"), "no-privileged").status,
      Status::kPass);
  Finding unset = One("p.yaml", Pod("", ""), "no-privileged");
  EXPECT_EQ(unset.status, Status::kPass);
  EXPECT_EQ(unset.where.line, 7u);  // the container
  // YAML 1.1, as kubectl reads it: yes is true.
  EXPECT_EQ(
      One("p.yaml", Pod("", "    securityContext: {privileged: yes}\n"), "no-privileged").status,
      Status::kFail);
  // A string is not a boolean: it cannot be shown to be off, so it fails closed.
  Finding quoted =
      One("p.yaml", Pod("", "    securityContext: {privileged: \"true\"}\n"), "no-privileged");
  EXPECT_EQ(quoted.status, Status::kFail);
  EXPECT_NE(quoted.reason.find("not a boolean; rootlock fails closed"), std::string::npos)
      << quoted.reason;
}

TEST(NoPrivileged, KubernetesExemptionIsPerRule) {
  std::string text = Pod("", "    securityContext: {privileged: true}\n",
                         "  annotations:\n    rootlock.io/exempt: \"no-privileged: CNI agent\"\n");
  Finding f = One("p.yaml", text, "no-privileged");
  EXPECT_EQ(f.status, Status::kNotApplicable);
  EXPECT_NE(f.reason.find("CNI agent"), std::string::npos) << f.reason;
  // The same annotation does not exempt the container from read-only-root-fs.
  EXPECT_EQ(One("p.yaml", text, "read-only-root-fs").status, Status::kFail);
  // A peer's id names the rule too.
  std::string peer = Pod("", "    securityContext: {privileged: true}\n",
                         "  annotations:\n    rootlock.io/exempt: \"CKV_K8S_16: CNI agent\"\n");
  EXPECT_EQ(One("p.yaml", peer, "no-privileged").status, Status::kNotApplicable);
}

TEST(NoPrivileged, KubernetesWindowsIsNotApplicable) {
  Finding f =
      One("p.yaml", Pod("  os: {name: windows}\n", "    securityContext: {privileged: true}\n"),
          "no-privileged");
  EXPECT_EQ(f.status, Status::kNotApplicable);
  EXPECT_NE(f.reason.find("Windows"), std::string::npos);
}

TEST(NoHostPid, KubernetesFailsEveryContainer) {
  std::string text =
      "kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n"
      "      hostPID: true\n      initContainers: [{name: init, image: busybox}]\n"
      "      containers: [{name: a, image: a}, {name: b, image: b}]\n";
  std::vector<Finding> all = Judge("d.yaml", text, "no-host-pid");
  ASSERT_EQ(all.size(), 3u);
  for (const Finding& f : all) {
    EXPECT_EQ(f.status, Status::kFail) << f.container;
    EXPECT_EQ(f.where.line, 6u);
    EXPECT_EQ(f.severity, Severity::kHigh);
  }
  EXPECT_EQ(all[1].message, "Deployment 'd' container 'a' shares the host's PID namespace");
  EXPECT_EQ(One("p.yaml", Pod("  hostPID: false\n", ""), "no-host-pid").status, Status::kPass);
  EXPECT_EQ(One("p.yaml", Pod("", ""), "no-host-pid").status, Status::kPass);
  EXPECT_EQ(One("p.yaml", Pod("  hostPID: on\n", ""), "no-host-pid").status, Status::kFail);
  EXPECT_EQ(One("p.yaml", Pod("  hostPID: 'true'\n", ""), "no-host-pid").status, Status::kFail);
  EXPECT_EQ(
      One("p.yaml", Pod("  hostPID: true\n  os: {name: windows}\n", ""), "no-host-pid").status,
      Status::kNotApplicable);
  EXPECT_EQ(One("p.yaml",
                Pod("  hostPID: true\n", "",
                    "  annotations:\n    rootlock.io/exempt: \"host-pid: node exporter\"\n"),
                "no-host-pid")
                .status,
            Status::kNotApplicable);
}

TEST(RunAsNonRoot, KubernetesContainerBeatsPod) {
  auto status = [](const std::string& spec, const std::string& container) {
    return One("p.yaml", Pod(spec, container), "run-as-non-root").status;
  };
  EXPECT_EQ(status("", ""), Status::kFail);  // nothing set: the image decides
  EXPECT_EQ(status("", "    securityContext: {runAsNonRoot: true}\n"), Status::kPass);
  EXPECT_EQ(status("", "    securityContext: {runAsUser: 1000}\n"), Status::kPass);
  EXPECT_EQ(status("", "    securityContext: {runAsUser: 0}\n"), Status::kFail);
  EXPECT_EQ(status("", "    securityContext: {runAsNonRoot: true, runAsUser: 0}\n"), Status::kFail);
  EXPECT_EQ(status("", "    securityContext: {runAsNonRoot: false}\n"), Status::kFail);
  EXPECT_EQ(status("  securityContext: {runAsNonRoot: true}\n", ""), Status::kPass);
  EXPECT_EQ(status("  securityContext: {runAsUser: 1000}\n", ""), Status::kPass);
  // The container's runAsUser beats the pod's.
  EXPECT_EQ(
      status("  securityContext: {runAsUser: 1000}\n", "    securityContext: {runAsUser: 0}\n"),
      Status::kFail);
  EXPECT_EQ(
      status("  securityContext: {runAsUser: 0}\n", "    securityContext: {runAsUser: 1000}\n"),
      Status::kPass);
  EXPECT_EQ(status("  securityContext: {runAsNonRoot: true}\n",
                   "    securityContext: {runAsNonRoot: false}\n"),
            Status::kFail);
  EXPECT_EQ(status("", "    securityContext: {runAsNonRoot: yes}\n"), Status::kPass);
  EXPECT_EQ(status("", "    securityContext: {runAsUser: \"1000\"}\n"), Status::kFail);
  EXPECT_EQ(status("  os: {name: windows}\n", ""), Status::kNotApplicable);

  Finding root = One("p.yaml", Pod("", "    securityContext: {runAsUser: 0}\n"), "run-as-non-root");
  EXPECT_EQ(root.message, "Pod 'p' container 'app' runs as root (runAsUser: 0)");
  EXPECT_EQ(root.where.line, 9u);
  Finding none = One("p.yaml", Pod("", ""), "run-as-non-root");
  EXPECT_NE(none.reason.find("neither the container's nor the pod's securityContext"),
            std::string::npos)
      << none.reason;
  Finding pod = One("p.yaml", Pod("  securityContext: {runAsUser: 0}\n", ""), "run-as-non-root");
  EXPECT_EQ(pod.message,
            "Pod 'p' container 'app' runs as root (spec.securityContext.runAsUser: 0)");
  EXPECT_EQ(pod.where.line, 6u);
}

// --- ECS -------------------------------------------------------------------

std::string Register(const std::string& task_extra, const std::string& container_extra) {
  return "{\"family\": \"api\", " + task_extra +
         "\"containerDefinitions\": [{\"name\": \"app\", \"image\": \"app:1\"" + container_extra +
         "}]}";
}

TEST(NewRules, EcsRegisterJson) {
  Finding priv = One("td.json", Register("", ", \"privileged\": true"), "no-privileged");
  EXPECT_EQ(priv.status, Status::kFail);
  EXPECT_EQ(priv.message,
            "Task definition 'api' container 'app' runs privileged (privileged: true)");
  EXPECT_EQ(One("td.json", Register("", ", \"privileged\": false"), "no-privileged").status,
            Status::kPass);
  EXPECT_EQ(One("td.json", Register("", ""), "no-privileged").status, Status::kPass);

  EXPECT_EQ(One("td.json", Register("\"pidMode\": \"host\", ", ""), "no-host-pid").status,
            Status::kFail);
  EXPECT_EQ(One("td.json", Register("\"pidMode\": \"task\", ", ""), "no-host-pid").status,
            Status::kPass);
  EXPECT_EQ(One("td.json", Register("", ""), "no-host-pid").status, Status::kPass);

  auto user = [](const std::string& u) {
    return One("td.json", Register("", u.empty() ? "" : ", \"user\": \"" + u + "\""),
               "run-as-non-root")
        .status;
  };
  EXPECT_EQ(user(""), Status::kFail);
  EXPECT_EQ(user("root"), Status::kFail);
  EXPECT_EQ(user("0"), Status::kFail);
  EXPECT_EQ(user("0:0"), Status::kFail);
  EXPECT_EQ(user("0:1000"), Status::kFail);
  EXPECT_EQ(user("root:app"), Status::kFail);
  EXPECT_EQ(user("1000"), Status::kPass);
  EXPECT_EQ(user("1000:1000"), Status::kPass);
  EXPECT_EQ(user("app"), Status::kPass);
  EXPECT_EQ(user("app:0"), Status::kPass);  // the group does not make it root

  std::string windows =
      "{\"family\": \"win\", \"runtimePlatform\": {\"operatingSystemFamily\": "
      "\"WINDOWS_SERVER_2022_CORE\"}, \"pidMode\": \"host\", "
      "\"containerDefinitions\": [{\"name\": \"app\", \"privileged\": true}]}";
  for (const char* rule : {"no-privileged", "no-host-pid", "run-as-non-root"}) {
    EXPECT_EQ(One("td.json", windows, rule).status, Status::kNotApplicable) << rule;
  }
}

TEST(NewRules, EcsTagsExemptPerRule) {
  std::string text =
      "{\"taskDefinition\": {\"family\": \"api\", \"revision\": 1, "
      "\"containerDefinitions\": [{\"name\": \"app\", \"privileged\": true}]}, "
      "\"tags\": [{\"key\": \"rootlock.io/exempt\", "
      "\"value\": \"ECS.4: needs /dev/fuse\"}]}";
  EXPECT_EQ(One("td.json", text, "no-privileged").status, Status::kNotApplicable);
  EXPECT_EQ(One("td.json", text, "run-as-non-root").status, Status::kFail);
}

const char* kCfn = R"(Parameters:
  Priv: {Type: String}
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: api
      PidMode: !Ref Pid
      ContainerDefinitions:
        - Name: app
          Image: app:1
          Privileged: "true"
          User: !Ref AppUser
        - Name: side
          Image: side:1
          Privileged: !Ref Priv
          User: "1000:1000"
)";

TEST(NewRules, CloudFormationStringsAndRefs) {
  std::vector<Finding> priv = Judge("t.yaml", kCfn, "no-privileged");
  ASSERT_EQ(priv.size(), 2u);
  EXPECT_EQ(priv[0].status, Status::kFail);  // "true" is true to CloudFormation
  EXPECT_EQ(priv[0].message,
            "Task definition 'api' (Task) container 'app' runs privileged (Privileged: true)");
  EXPECT_EQ(priv[1].status, Status::kFail);  // a parameter without a value fails closed
  EXPECT_NE(priv[1].reason.find("fails closed"), std::string::npos) << priv[1].reason;
  std::vector<Finding> user = Judge("t.yaml", kCfn, "run-as-non-root");
  ASSERT_EQ(user.size(), 2u);
  EXPECT_EQ(user[0].status, Status::kFail);
  EXPECT_EQ(user[1].status, Status::kPass);
  std::vector<Finding> pid = Judge("t.yaml", kCfn, "no-host-pid");
  ASSERT_EQ(pid.size(), 2u);
  EXPECT_EQ(pid[0].status, Status::kFail);
  EXPECT_EQ(pid[0].where.line, 8u);
}

const char* kTerraform = R"(variable "user" {}
variable "pid" { default = "host" }
resource "aws_ecs_task_definition" "api" {
  family   = "api"
  pid_mode = var.pid
  container_definitions = jsonencode([
    { name = "app", image = "app:1", privileged = var.priv, user = var.user },
    { name = "side", image = "side:1", privileged = false, user = "1000" },
  ])
}
)";

TEST(NewRules, TerraformVariables) {
  std::vector<Finding> priv = Judge("main.tf", kTerraform, "no-privileged");
  ASSERT_EQ(priv.size(), 2u);
  EXPECT_EQ(priv[0].status, Status::kFail);  // var.priv is not declared
  EXPECT_EQ(priv[1].status, Status::kPass);
  std::vector<Finding> user = Judge("main.tf", kTerraform, "run-as-non-root");
  ASSERT_EQ(user.size(), 2u);
  EXPECT_EQ(user[0].status, Status::kFail);  // var.user has no default
  EXPECT_NE(user[0].reason.find("var.user"), std::string::npos) << user[0].reason;
  EXPECT_EQ(user[1].status, Status::kPass);
  std::vector<Finding> pid = Judge("main.tf", kTerraform, "no-host-pid");
  ASSERT_EQ(pid.size(), 2u);
  EXPECT_EQ(pid[0].status, Status::kFail);  // the default is host
  EXPECT_EQ(pid[0].where.line, 5u);
}

TEST(NewRules, TerraformHeredocAndAwscc) {
  std::string heredoc = R"(resource "aws_ecs_task_definition" "api" {
  family = "api"
  container_definitions = <<EOF
[{"name": "app", "image": "app:1", "privileged": true, "user": "${var.u}"}]
EOF
}
)";
  Finding priv = One("main.tf", heredoc, "no-privileged");
  EXPECT_EQ(priv.status, Status::kFail);
  EXPECT_EQ(priv.where.line, 4u);
  EXPECT_EQ(One("main.tf", heredoc, "run-as-non-root").status, Status::kFail);

  std::string awscc = R"(resource "awscc_ecs_task_definition" "api" {
  family   = "api"
  pid_mode = "host"
  container_definitions = [{
    name       = "app"
    image      = "app:1"
    privileged = "false"
    user       = "1000:1000"
  }]
}
)";
  EXPECT_EQ(One("main.tf", awscc, "no-privileged").status, Status::kPass);
  EXPECT_EQ(One("main.tf", awscc, "run-as-non-root").status, Status::kPass);
  EXPECT_EQ(One("main.tf", awscc, "no-host-pid").status, Status::kFail);
}

// --- Docker inspect and compose -------------------------------------------

std::string Inspect(const std::string& host, const std::string& user) {
  return "[{\"Id\": \"0123456789abcdef\", \"Name\": \"/web\", \"Config\": {\"Image\": \"nginx\", "
         "\"User\": \"" +
         user + "\"}, \"HostConfig\": {" + host + "}}]";
}

TEST(NewRules, DockerInspect) {
  EXPECT_EQ(One("i.json", Inspect("\"Privileged\": true", ""), "no-privileged").status,
            Status::kFail);
  EXPECT_EQ(One("i.json", Inspect("\"Privileged\": false", ""), "no-privileged").status,
            Status::kPass);
  EXPECT_EQ(One("i.json", Inspect("\"PidMode\": \"host\"", ""), "no-host-pid").status,
            Status::kFail);
  EXPECT_EQ(One("i.json", Inspect("\"PidMode\": \"\"", ""), "no-host-pid").status, Status::kPass);
  EXPECT_EQ(One("i.json", Inspect("\"PidMode\": \"container:db\"", ""), "no-host-pid").status,
            Status::kPass);
  Finding empty = One("i.json", Inspect("", ""), "run-as-non-root");
  EXPECT_EQ(empty.status, Status::kFail);
  EXPECT_EQ(empty.message, "Container '/web' runs as root (Config.User is empty)");
  EXPECT_EQ(One("i.json", Inspect("", "0:0"), "run-as-non-root").status, Status::kFail);
  EXPECT_EQ(One("i.json", Inspect("", "root"), "run-as-non-root").status, Status::kFail);
  EXPECT_EQ(One("i.json", Inspect("", "nginx"), "run-as-non-root").status, Status::kPass);
  EXPECT_EQ(One("i.json", Inspect("", "101:101"), "run-as-non-root").status, Status::kPass);
}

TEST(NewRules, ComposeWithInterpolation) {
  setenv("ROOTLOCK_TEST_USER", "1000:1000", 1);
  unsetenv("ROOTLOCK_TEST_NOPE");
  std::string text = R"(services:
  web:
    image: nginx
    privileged: true
    pid: host
    user: root
  api:
    image: api
    privileged: ${ROOTLOCK_TEST_NOPE}
    pid: ${ROOTLOCK_TEST_NOPE}
    user: ${ROOTLOCK_TEST_USER}
  worker:
    image: worker
    privileged: no
    pid: "service:web"
    user: ${ROOTLOCK_TEST_NOPE}
  win:
    image: win
    platform: windows/amd64
    privileged: true
  exempt:
    image: x
    privileged: true
    labels:
      rootlock.io/exempt: "no-privileged: docker in docker for CI"
)";
  std::vector<Finding> priv = Judge("compose.yaml", text, "no-privileged");
  ASSERT_EQ(priv.size(), 5u);
  EXPECT_EQ(priv[0].status, Status::kFail);
  EXPECT_EQ(priv[0].where.line, 4u);
  EXPECT_EQ(priv[0].message, "Service 'web' runs privileged (privileged: true)");
  EXPECT_EQ(priv[1].status, Status::kFail);  // unset variable: fails closed
  EXPECT_EQ(priv[2].status, Status::kPass);
  EXPECT_EQ(priv[3].status, Status::kNotApplicable);  // Windows
  EXPECT_EQ(priv[4].status, Status::kNotApplicable);  // exempted
  std::vector<Finding> pid = Judge("compose.yaml", text, "no-host-pid");
  ASSERT_EQ(pid.size(), 5u);
  EXPECT_EQ(pid[0].status, Status::kFail);
  EXPECT_EQ(pid[1].status, Status::kFail);
  EXPECT_EQ(pid[2].status, Status::kPass);
  std::vector<Finding> user = Judge("compose.yaml", text, "run-as-non-root");
  ASSERT_EQ(user.size(), 5u);
  EXPECT_EQ(user[0].status, Status::kFail);
  EXPECT_EQ(user[1].status, Status::kPass);  // ${ROOTLOCK_TEST_USER} is 1000:1000
  EXPECT_EQ(user[2].status, Status::kFail);
  EXPECT_NE(user[2].reason.find("fails closed"), std::string::npos) << user[2].reason;
  EXPECT_EQ(user[3].status, Status::kNotApplicable);
  EXPECT_EQ(user[4].status, Status::kFail);  // exempted from no-privileged only
}

// --- The gate and the selection ---------------------------------------------

TEST(NewRules, FailOnGatesWithoutMovingTheRatio) {
  std::string text =
      Pod("", "    securityContext: {readOnlyRootFilesystem: true, privileged: true}\n");
  ScanOptions options;
  SourceOutcome out;
  ScanText("p.yaml", text, InputFormat::kAuto, options, &out);
  Summary plain = Summarize(out.findings, options);
  EXPECT_TRUE(plain.passed);  // the new rules do not gate by default
  EXPECT_EQ(plain.read_only, 1u);
  EXPECT_EQ(plain.writable, 0u);

  options.fail_on.insert("no-privileged");
  Summary by_rule = Summarize(out.findings, options);
  EXPECT_FALSE(by_rule.passed);
  EXPECT_EQ(by_rule.failed_on, 1u);
  EXPECT_DOUBLE_EQ(by_rule.ratio, 1.0);

  options.fail_on.clear();
  options.fail_on_severity = Severity::kCritical;
  EXPECT_FALSE(Summarize(out.findings, options).passed);
  options.fail_on_severity.reset();
  options.fail_on.insert("no-host-pid");
  EXPECT_TRUE(Summarize(out.findings, options).passed);
}

TEST(NewRules, RulesChoosesWhichRun) {
  std::string text = Pod("", "    securityContext: {privileged: true}\n");
  ScanOptions options;
  for (const RuleInfo* r : AllRules()) options.rules.disabled.insert(r->id);
  options.rules.disabled.erase("no-privileged");
  SourceOutcome out;
  ScanText("p.yaml", text, InputFormat::kAuto, options, &out);
  ASSERT_EQ(out.findings.size(), 1u);
  EXPECT_EQ(std::string(out.findings[0].rule->id), "no-privileged");
  // Without read-only-root-fs there is no ratio to gate on: only --fail-on gates.
  Summary s = Summarize(out.findings, options);
  EXPECT_TRUE(s.passed);
  EXPECT_FALSE(s.ratio_gate);
  options.fail_on.insert("no-privileged");
  EXPECT_FALSE(Summarize(out.findings, options).passed);
}

// --- no-secrets-in-env and logging-enabled ----------------------------------

TEST(NoSecretsInEnv, KubernetesValueFailsValueFromPasses) {
  auto env = [](const std::string& entries) {
    return One("p.yaml", Pod("", "    env:\n" + entries), "no-secrets-in-env");
  };
  Finding f = env("    - {name: AWS_SECRET_ACCESS_KEY, value: TESTSECRET42}\n");
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_EQ(f.where.line, 10u);  // the value, not the container
  EXPECT_NE(f.message.find("AWS_SECRET_ACCESS_KEY"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("secretKeyRef"), std::string::npos) << f.message;
  for (const std::string& text : {f.message, f.reason, f.observed}) {
    EXPECT_EQ(text.find("TESTSECRET42"), std::string::npos) << text;
  }
  EXPECT_EQ(env("    - name: AWS_ACCESS_KEY_ID\n      valueFrom: {secretKeyRef: {name: a, key: "
                "b}}\n")
                .status,
            Status::kPass);
  EXPECT_EQ(env("    - {name: AWS_ACCESS_KEY_ID, value: \"\"}\n").status, Status::kPass);
  EXPECT_EQ(env("    - {name: DATABASE_PASSWORD, value: x}\n").status, Status::kPass);
  // A ConfigMap's value is plaintext: a key read from one fails, where it is named.
  Finding cm =
      env("    - name: AWS_SECRET_ACCESS_KEY\n      valueFrom: {configMapKeyRef: {name: "
          "creds, key: secret}}\n");
  EXPECT_EQ(cm.status, Status::kFail);
  EXPECT_EQ(cm.where.line, 11u);
  EXPECT_NE(cm.reason.find("env[].valueFrom.configMapKeyRef gives AWS_SECRET_ACCESS_KEY a value "
                           "written in ConfigMap \"creds\" (key \"secret\"), which is stored and "
                           "shown in plaintext"),
            std::string::npos)
      << cm.reason;
  // Names are case-sensitive, as environment variables are.
  EXPECT_EQ(env("    - {name: aws_access_key_id, value: x}\n").status, Status::kPass);
}

TEST(NoSecretsInEnv, ConfigAddsNames) {
  std::string text = Pod("", "    env:\n    - {name: DATABASE_PASSWORD, value: x}\n");
  ScanOptions options;
  options.rules.secret_env_names = {"DATABASE_PASSWORD"};
  SourceOutcome out;
  ScanText("p.yaml", text, InputFormat::kAuto, options, &out);
  bool seen = false;
  for (const Finding& f : out.findings) {
    if (std::string_view(f.rule->id) != "no-secrets-in-env") continue;
    seen = true;
    EXPECT_EQ(f.status, Status::kFail);
  }
  EXPECT_TRUE(seen);
}

TEST(NoSecretsInEnv, EcsEnvironmentAndSecrets) {
  auto task = [](const std::string& def) {
    return One("task.json",
               "{\"family\": \"t\", \"containerDefinitions\": [{\"name\": \"a\", " + def + "}]}",
               "no-secrets-in-env");
  };
  Finding f =
      task("\"environment\": [{\"name\": \"ECS_ENGINE_AUTH_DATA\", \"value\": \"TESTSECRET42\"}]");
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_NE(f.message.find("Secrets Manager or SSM"), std::string::npos) << f.message;
  EXPECT_EQ(f.reason.find("TESTSECRET42"), std::string::npos) << f.reason;
  EXPECT_EQ(task("\"secrets\": [{\"name\": \"AWS_SECRET_ACCESS_KEY\", \"valueFrom\": "
                 "\"arn:aws:ssm:eu-west-1:1:parameter/k\"}]")
                .status,
            Status::kPass);
  EXPECT_EQ(task("\"environment\": [{\"name\": \"AWS_REGION\", \"value\": \"eu\"}]").status,
            Status::kPass);
  EXPECT_EQ(task("\"environment\": \"nope\"").status, Status::kFail);  // cannot be read
}

TEST(NoSecretsInEnv, ComposeForms) {
  setenv("ROOTLOCK_TEST_SECRET", "TESTSECRET42", 1);
  std::string text = R"(services:
  map:
    environment:
      AWS_ACCESS_KEY_ID: literal
  list:
    environment:
      - AWS_ACCESS_KEY_ID=${ROOTLOCK_TEST_SECRET}
  passthrough:
    environment:
      - AWS_ACCESS_KEY_ID
  empty:
    environment:
      AWS_ACCESS_KEY_ID: ""
  dollars:
    environment:
      - AWS_ACCESS_KEY_ID=$$
)";
  std::vector<Finding> all = Judge("compose.yaml", text, "no-secrets-in-env");
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].status, Status::kFail);
  EXPECT_EQ(all[1].status, Status::kFail);
  EXPECT_NE(all[1].reason.find("interpolated"), std::string::npos) << all[1].reason;
  EXPECT_EQ(all[2].status, Status::kFail);
  EXPECT_NE(all[2].reason.find("passes it through"), std::string::npos) << all[2].reason;
  EXPECT_EQ(all[3].status, Status::kPass);
  EXPECT_EQ(all[4].status, Status::kFail);  // "$" is a literal value
  for (const Finding& f : all) {
    EXPECT_EQ((f.message + f.reason).find("TESTSECRET42"), std::string::npos);
  }
}

// The no-secrets-in-env findings of `text` read with `loader`.
std::vector<Finding> SecretsWith(const std::string& name, const std::string& text,
                                 const FileSystem& loader) {
  ScanOptions options;
  options.loader = &loader;
  SourceOutcome out;
  ScanText(name, text, FormatForPath(name), options, &out);
  EXPECT_TRUE(out.errors.empty()) << (out.errors.empty() ? "" : out.errors[0].ToString());
  std::vector<Finding> found;
  for (Finding& f : out.findings) {
    if (std::string_view(f.rule->id) == "no-secrets-in-env") found.push_back(std::move(f));
  }
  return found;
}

TEST(NoSecretsInEnv, ComposeEnvFile) {
  MemoryFileSystem loader;
  loader.files["app/keys.env"] = "A=1\nAWS_SECRET_ACCESS_KEY=TESTSECRET42\n";
  loader.files["app/shared/empty.env"] = "AWS_SECRET_ACCESS_KEY=\n";
  loader.files["app/pass.env"] = "AWS_ACCESS_KEY_ID\n";
  loader.files["app/var.env"] = "AWS_ACCESS_KEY_ID=${KEY}\nECS_ENGINE_AUTH_DATA='${KEY}'\n";
  std::string text = R"(services:
  keys:
    env_file: keys.env
  ordered:
    env_file: [keys.env, ./shared/../shared/empty.env]
  reversed:
    env_file: [shared/empty.env, keys.env]
  pass:
    env_file: pass.env
  var:
    env_file: [{path: var.env}]
  env-wins:
    env_file: keys.env
    environment: [AWS_SECRET_ACCESS_KEY=]
  base:
    env_file: keys.env
  child:
    extends: base
    environment: {AWS_SECRET_ACCESS_KEY: ""}
  missing:
    env_file: nope.env
  optional:
    env_file: [{path: nope.env, required: false}]
  optional-word:
    env_file: [{path: nope.env, required: "no"}]
  not-a-list:
    env_file: {path: keys.env}
)";
  std::map<std::string, Finding> by;
  for (Finding& f : SecretsWith("app/compose.yaml", text, loader)) by[f.container] = f;
  ASSERT_EQ(by.size(), 12u);
  const Finding& keys = by["keys"];
  EXPECT_EQ(keys.status, Status::kFail);
  EXPECT_EQ(keys.where.file, "app/keys.env");  // the line in the env file
  EXPECT_EQ(keys.where.line, 2u);
  EXPECT_EQ(keys.where.column, 1u);
  EXPECT_NE(keys.reason.find("env_file gives AWS_SECRET_ACCESS_KEY a value written in env "
                             "file app/keys.env"),
            std::string::npos)
      << keys.reason;
  EXPECT_EQ(by["ordered"].status, Status::kPass) << by["ordered"].reason;  // the later file wins
  EXPECT_EQ(by["reversed"].status, Status::kFail);
  EXPECT_EQ(by["pass"].status, Status::kFail);
  EXPECT_NE(by["pass"].reason.find("passes it through"), std::string::npos) << by["pass"].reason;
  const Finding& var = by["var"];
  EXPECT_EQ(var.status, Status::kFail);
  EXPECT_NE(var.reason.find("interpolated"), std::string::npos) << var.reason;
  // In single quotes, ${KEY} is the value itself: a literal.
  EXPECT_NE(var.message.find("AWS_ACCESS_KEY_ID, ECS_ENGINE_AUTH_DATA"), std::string::npos)
      << var.message;
  EXPECT_EQ(by["env-wins"].status, Status::kPass) << by["env-wins"].reason;
  EXPECT_EQ(by["base"].status, Status::kFail);
  EXPECT_EQ(by["child"].status, Status::kPass) << by["child"].reason;  // its environment wins
  const Finding& missing = by["missing"];
  EXPECT_EQ(missing.status, Status::kFail);  // a required file is missing
  EXPECT_NE(missing.reason.find("env_file app/nope.env: "), std::string::npos) << missing.reason;
  EXPECT_NE(missing.reason.find("fails closed"), std::string::npos) << missing.reason;
  EXPECT_EQ(missing.where.file, "app/compose.yaml");
  EXPECT_EQ(by["optional"].status, Status::kPass);
  EXPECT_NE(by["optional"].reason.find("(required: false) cannot be read here"), std::string::npos)
      << by["optional"].reason;
  EXPECT_EQ(by["optional-word"].status, Status::kPass) << by["optional-word"].reason;
  EXPECT_EQ(by["not-a-list"].status, Status::kFail);  // neither a path nor a list
  for (const auto& [name, f] : by) {
    EXPECT_EQ((f.message + f.reason + f.observed).find("TESTSECRET42"), std::string::npos);
  }
}

TEST(NoSecretsInEnv, KubernetesEnvFrom) {
  std::string config_maps = R"(kind: ConfigMap
apiVersion: v1
metadata: {name: cm}
data:
  AWS_SECRET_ACCESS_KEY: TESTSECRET42
  EMPTY_ONE: ""
---
kind: ConfigMap
apiVersion: v1
metadata: {name: cm, namespace: other}
data: {AWS_ACCESS_KEY_ID: TESTSECRET42}
---
kind: ConfigMap
apiVersion: v1
metadata: {name: keyed}
data: {ACCESS_KEY_ID: TESTSECRET42, EMPTY_ONE: ""}
---
)";
  auto pod = [&](const std::string& container) {
    std::vector<Finding> all =
        SecretsWith("p.yaml", config_maps + Pod("", container), MemoryFileSystem());
    EXPECT_EQ(all.size(), 1u);
    return all.empty() ? Finding{} : all[0];
  };
  Finding f = pod("    envFrom:\n    - configMapRef: {name: cm}\n");
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_EQ(f.where.line, 5u);  // the ConfigMap's key
  EXPECT_NE(f.reason.find("envFrom[].configMapRef gives AWS_SECRET_ACCESS_KEY a value written "
                          "in ConfigMap 'cm'"),
            std::string::npos)
      << f.reason;
  // The prefix comes before every key.
  Finding prefixed = pod("    envFrom:\n    - {prefix: AWS_, configMapRef: {name: keyed}}\n");
  EXPECT_EQ(prefixed.status, Status::kFail);
  EXPECT_NE(prefixed.message.find("AWS_ACCESS_KEY_ID"), std::string::npos) << prefixed.message;
  // env wins over envFrom; a later envFrom entry over an earlier one.
  EXPECT_EQ(pod("    envFrom:\n    - configMapRef: {name: cm}\n    env:\n"
                "    - {name: AWS_SECRET_ACCESS_KEY, valueFrom: {secretKeyRef: {name: s, key: "
                "k}}}\n")
                .status,
            Status::kPass);
  // Only the same namespace: the Pod has none, so the ConfigMap in 'other' is not read.
  EXPECT_EQ(f.message.find("AWS_ACCESS_KEY_ID"), std::string::npos) << f.message;
  EXPECT_EQ(pod("    envFrom:\n    - {prefix: X_, configMapRef: {name: cm}}\n").status,
            Status::kPass);
  Finding secret = pod("    envFrom:\n    - secretRef: {name: aws}\n");
  EXPECT_EQ(secret.status, Status::kPass);
  EXPECT_EQ(secret.reason, "");
  Finding missing = pod("    envFrom:\n    - configMapRef: {name: elsewhere}\n");
  EXPECT_EQ(missing.status, Status::kPass);
  EXPECT_EQ(missing.reason,
            "envFrom configMapRef names ConfigMap 'elsewhere', which is not among the "
            "scanned sources, so the variables it gives are not seen");
  EXPECT_EQ(pod("    envFrom: {configMapRef: {name: cm}}\n").status, Status::kFail);
  for (const Finding& g : {f, prefixed, secret, missing}) {
    EXPECT_EQ((g.message + g.reason + g.observed).find("TESTSECRET42"), std::string::npos);
  }
}

TEST(NoSecretsInEnv, KubernetesEnvFromAcrossFilesAndJobs) {
  // Scan: the ConfigMap in a file of its own (that holds no container), found by the walk,
  // the same verdict whatever the number of workers.
  std::string dir = testing::TempDir() + "rootlock-envfrom-" + std::to_string(getpid());
  std::filesystem::create_directories(dir + "/b");
  std::ofstream(dir + "/a.yaml") << Pod("", "    envFrom:\n    - configMapRef: {name: cm}\n");
  std::ofstream(dir + "/b/cm.yaml")
      << "kind: ConfigMap\napiVersion: v1\nmetadata: {name: cm}\ndata:\n  AWS_ACCESS_KEY_ID: x\n";
  for (unsigned jobs : {1u, 4u}) {
    ScanOptions options;
    options.paths = {dir};
    options.jobs = jobs;
    ScanResult result = Scan(options);
    EXPECT_TRUE(result.errors.empty());
    int seen = 0;
    for (const Finding& f : result.findings) {
      if (std::string_view(f.rule->id) != "no-secrets-in-env") continue;
      ++seen;
      EXPECT_EQ(f.status, Status::kFail) << f.reason;
      EXPECT_EQ(f.where.file, dir + "/b/cm.yaml");
      EXPECT_EQ(f.where.line, 5u);
    }
    EXPECT_EQ(seen, 1) << jobs;
  }
  std::filesystem::remove_all(dir);
}

TEST(NoSecretsInEnv, EcsEnvironmentFilesAreNoted) {
  Finding f = One("task.json",
                  "{\"family\": \"t\", \"containerDefinitions\": [{\"name\": \"a\", "
                  "\"environmentFiles\": [{\"value\": \"arn:aws:s3:::b/k.env\", \"type\": "
                  "\"s3\"}]}]}",
                  "no-secrets-in-env");
  EXPECT_EQ(f.status, Status::kPass);
  EXPECT_EQ(f.reason,
            "environmentFiles names an S3 object the scan cannot read, so the variables it "
            "gives are not seen");
}

TEST(LoggingEnabled, PerPlatform) {
  Finding k8s = One("p.yaml", Pod("", ""), "logging-enabled");
  EXPECT_EQ(k8s.status, Status::kNotApplicable);
  auto task = [](const std::string& def) {
    return One("task.json",
               "{\"family\": \"t\", \"containerDefinitions\": [{\"name\": \"a\"" + def + "}]}",
               "logging-enabled");
  };
  Finding missing = task("");
  EXPECT_EQ(missing.status, Status::kFail);
  EXPECT_EQ(missing.message,
            "Task definition 't' container 'a' has no log driver "
            "(logConfiguration.logDriver)");
  EXPECT_EQ(task(", \"logConfiguration\": {\"logDriver\": \"awslogs\"}").status, Status::kPass);
  EXPECT_EQ(task(", \"logConfiguration\": {}").status, Status::kFail);
  EXPECT_EQ(task(", \"logConfiguration\": null").status, Status::kFail);
  EXPECT_EQ(
      One("i.json", Inspect("\"LogConfig\": {\"Type\": \"none\"}", ""), "logging-enabled").status,
      Status::kFail);
  EXPECT_EQ(
      One("i.json", Inspect("\"LogConfig\": {\"Type\": \"json-file\"}", ""), "logging-enabled")
          .status,
      Status::kPass);
  std::string compose = R"(services:
  quiet:
    logging: {driver: none}
  plain:
    image: x
  var:
    logging: {driver: "${ROOTLOCK_TEST_NOPE}"}
)";
  unsetenv("ROOTLOCK_TEST_NOPE");
  std::vector<Finding> all = Judge("compose.yaml", compose, "logging-enabled");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].status, Status::kFail);
  EXPECT_EQ(all[0].where.line, 3u);
  EXPECT_EQ(all[1].status, Status::kPass);
  EXPECT_EQ(all[2].status, Status::kFail);  // fails closed
}

// --fail-on marks the failures once, in the summary: every renderer reads it.
TEST(NewRules, FailOnMarksFailuresInTheSummary) {
  std::string text =
      Pod("", "    securityContext: {readOnlyRootFilesystem: true, privileged: true}\n");
  ScanOptions options;
  SourceOutcome out;
  ScanText("p.yaml", text, InputFormat::kAuto, options, &out);
  Finding priv;
  for (const Finding& f : out.findings) {
    if (std::string_view(f.rule->id) == "no-privileged") priv = f;
  }
  Summary plain = Summarize(out.findings, options);
  EXPECT_TRUE(IsWarning(plain, priv));
  EXPECT_TRUE(FailsRun(plain, Rule(RuleId::kReadOnlyRootFs)));
  options.fail_on.insert("no-privileged");
  Summary gated = Summarize(out.findings, options);
  EXPECT_FALSE(IsWarning(gated, priv));
  EXPECT_TRUE(FailsRun(gated, Rule(RuleId::kNoPrivileged)));
  EXPECT_FALSE(FailsRun(gated, Rule(RuleId::kNoHostPid)));
}

}  // namespace
}  // namespace rootlock
