// The ECS adapter: every input shape, through the scan entry point.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "base/file_system.h"
#include "engine/scanner.h"

namespace rootlock {
namespace {

// Files an adapter may ask for, held in memory.
struct Verdicts {
  std::vector<Finding> root_fs;
  std::vector<Finding> tmp;
  std::vector<Diagnostic> errors;
};

Verdicts ScanAs(const std::string& name, const std::string& text, InputFormat format,
                const ScanOptions& options = {}) {
  SourceOutcome out;
  ScanText(name, text, format, options, &out);
  Verdicts v;
  v.errors = out.errors;
  for (Finding& f : out.findings) {
    std::string_view id = f.rule->id;
    if (id == "read-only-root-fs") v.root_fs.push_back(f);
    if (id == "tmp-writable") v.tmp.push_back(f);
  }
  return v;
}

const char* kDescribe = R"({
  "taskDefinition": {
    "family": "checkout-api", "revision": 12, "status": "ACTIVE",
    "containerDefinitions": [
      {"name": "api", "image": "checkout:1", "essential": true, "readonlyRootFilesystem": true,
       "mountPoints": [{"sourceVolume": "scratch", "containerPath": "/tmp"}]},
      {"name": "log_router", "image": "fluent-bit", "essential": false}
    ],
    "volumes": [{"name": "scratch"}]
  },
  "tags": []
})";

TEST(Ecs, DescribeOutputIsNamedAsEcsNamesIt) {
  Verdicts v = ScanAs("td.json", kDescribe, InputFormat::kJson);
  ASSERT_EQ(v.root_fs.size(), 2u);
  EXPECT_EQ(v.root_fs[0].status, Status::kPass);
  EXPECT_EQ(v.root_fs[0].platform, Platform::kEcs);
  EXPECT_EQ(v.root_fs[0].kind, "TaskDefinition");
  EXPECT_EQ(v.root_fs[0].name, "checkout-api:12");
  EXPECT_EQ(v.root_fs[1].status, Status::kFail);
  EXPECT_EQ(v.root_fs[1].message,
            "Task definition 'checkout-api:12' sidecar container 'log_router' lacks "
            "readonlyRootFilesystem: true");
  EXPECT_NE(v.root_fs[1].reason.find("sidecar counts"), std::string::npos);
  EXPECT_EQ(v.root_fs[1].where.line, 7u);
  EXPECT_EQ(v.tmp[0].status, Status::kPass);  // /tmp backed by a declared volume
}

TEST(Ecs, RegisterInputArraysAndBareContainerDefinitions) {
  Verdicts reg = ScanAs("r.json",
                        R"({"family": "web", "containerDefinitions": [{"name": "a", "image": "x",
                            "readonlyRootFilesystem": false}]})",
                        InputFormat::kJson);
  ASSERT_EQ(reg.root_fs.size(), 1u);
  EXPECT_EQ(reg.root_fs[0].message,
            "Task definition 'web' container 'a' lacks readonlyRootFilesystem: true");
  EXPECT_EQ(reg.root_fs[0].reason, "set to false");

  Verdicts arr =
      ScanAs("a.json", std::string("[") + kDescribe + "," + kDescribe + "]", InputFormat::kJson);
  EXPECT_EQ(arr.root_fs.size(), 4u);

  Verdicts bare = ScanAs("c.json",
                         R"([{"name": "a", "image": "x", "essential": true},
                             {"name": "b", "image": "y", "readonlyRootFilesystem": true}])",
                         InputFormat::kJson);
  ASSERT_EQ(bare.root_fs.size(), 2u);
  EXPECT_EQ(bare.root_fs[0].status, Status::kFail);
  EXPECT_EQ(bare.root_fs[1].status, Status::kPass);

  // A list of Kubernetes-style containers is not claimed as ECS.
  Verdicts k8s =
      ScanAs("k.json", R"([{"name": "a", "image": "x", "ports": []}])", InputFormat::kJson);
  EXPECT_TRUE(k8s.root_fs.empty());
}

TEST(Ecs, StringBooleanIsNotABooleanInTheApi) {
  Verdicts v = ScanAs("r.json",
                      R"({"family": "f", "containerDefinitions": [{"name": "a",
                          "readonlyRootFilesystem": "true"}]})",
                      InputFormat::kJson);
  EXPECT_EQ(v.root_fs[0].status, Status::kFail);
  EXPECT_EQ(v.root_fs[0].reason, "set to the string \"true\", not a boolean");
}

TEST(Ecs, OnlyTheLatestActiveRevisionIsJudged) {
  auto rev = [](int n, const char* status) {
    return std::string(R"({"taskDefinition": {"family": "api", "revision": )") + std::to_string(n) +
           R"(, "status": ")" + status +
           R"(", "containerDefinitions": [{"name": "c", "image": "i"}]}})";
  };
  std::string all = rev(3, "ACTIVE") + "\n" + rev(5, "INACTIVE") + "\n" + rev(4, "ACTIVE");
  Verdicts v = ScanAs("revs.json", all, InputFormat::kJson);
  ASSERT_EQ(v.root_fs.size(), 3u);
  EXPECT_EQ(v.root_fs[0].status, Status::kSkipped);
  EXPECT_EQ(v.root_fs[0].reason, "superseded by revision 4");
  EXPECT_EQ(v.root_fs[1].status, Status::kSkipped);
  EXPECT_NE(v.root_fs[1].reason.find("revision 5 is INACTIVE"), std::string::npos);
  EXPECT_EQ(v.root_fs[2].status, Status::kFail);
  EXPECT_EQ(v.root_fs[2].name, "api:4");
  Summary s = Summarize(std::vector<Finding>(v.root_fs), ScanOptions{});
  EXPECT_EQ(s.containers, 1u);
  EXPECT_EQ(s.skipped, 2u);
}

TEST(Ecs, WindowsTaskDefinitionsAreNotApplicable) {
  Verdicts v = ScanAs("w.json",
                      R"({"family": "iis", "runtimePlatform": {"operatingSystemFamily":
                          "WINDOWS_SERVER_2022_CORE"}, "containerDefinitions": [{"name": "iis"}]})",
                      InputFormat::kJson);
  EXPECT_EQ(v.root_fs[0].status, Status::kNotApplicable);
  EXPECT_NE(v.root_fs[0].reason.find("WINDOWS_SERVER_2022_CORE"), std::string::npos);
}

TEST(Ecs, TmpWritableAcceptsAVolumeOrATmpfsAndNotAReadOnlyMount) {
  auto tmp = [](const std::string& container_extra, const std::string& volumes) {
    Verdicts v = ScanAs("t.json",
                        R"({"family": "f", "volumes": )" + volumes +
                            R"(, "containerDefinitions": [{"name": "a",
                             "readonlyRootFilesystem": true)" +
                            container_extra + "}]}",
                        InputFormat::kJson);
    return v.tmp.at(0).status;
  };
  EXPECT_EQ(tmp(R"(, "mountPoints": [{"sourceVolume": "t", "containerPath": "/tmp"}])",
                R"([{"name": "t"}])"),
            Status::kPass);
  EXPECT_EQ(tmp(R"(, "linuxParameters": {"tmpfs": [{"containerPath": "/tmp", "size": 64}]})", "[]"),
            Status::kPass);
  EXPECT_EQ(tmp(R"(, "mountPoints": [{"sourceVolume": "t", "containerPath": "/tmp",
                 "readOnly": true}])",
                R"([{"name": "t"}])"),
            Status::kFail);
  EXPECT_EQ(tmp(R"(, "mountPoints": [{"sourceVolume": "nope", "containerPath": "/tmp"}])", "[]"),
            Status::kFail);
  EXPECT_EQ(tmp("", "[]"), Status::kFail);
}

const char* kCfn = R"(AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ReadOnly:
    Type: String
    Default: "true"
  NoDefault:
    Type: String
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: checkout
      ContainerDefinitions:
        - Name: literal
          ReadonlyRootFilesystem: true
        - Name: string-true
          ReadonlyRootFilesystem: "true"
        - Name: by-ref
          ReadonlyRootFilesystem: !Ref ReadOnly
        - Name: ref-no-default
          ReadonlyRootFilesystem: !Ref NoDefault
        - Name: by-if
          ReadonlyRootFilesystem: !If [IsProd, true, false]
        - Name: json-ref
          ReadonlyRootFilesystem: {"Ref": "ReadOnly"}
        - Name: fn-if
          ReadonlyRootFilesystem: {"Fn::If": [IsProd, true, false]}
  Bucket:
    Type: AWS::S3::Bucket
)";

TEST(Ecs, CloudFormationResolvesRefsAndFailsClosedOnOtherIntrinsics) {
  Verdicts v = ScanAs("t.yaml", kCfn, InputFormat::kYaml);
  ASSERT_EQ(v.root_fs.size(), 7u);
  EXPECT_EQ(v.root_fs[0].status, Status::kPass);
  EXPECT_EQ(v.root_fs[0].resource, "Task");
  EXPECT_EQ(v.root_fs[0].message.substr(0, 44), "Task definition 'checkout' (Task) container ");
  EXPECT_EQ(v.root_fs[1].status, Status::kPass);  // CloudFormation accepts "true"
  EXPECT_EQ(v.root_fs[2].status, Status::kPass);  // Default "true"
  EXPECT_EQ(v.root_fs[3].status, Status::kFail);
  EXPECT_EQ(v.root_fs[3].reason,
            "given by !Ref NoDefault, a parameter with no Default (pass --param "
            "NoDefault=VALUE)");
  EXPECT_EQ(v.root_fs[4].status, Status::kFail);
  EXPECT_EQ(v.root_fs[4].reason, "given by !If, which rootlock cannot resolve statically");
  EXPECT_EQ(v.root_fs[5].status, Status::kPass);
  EXPECT_EQ(v.root_fs[6].reason, "given by Fn::If, which rootlock cannot resolve statically");

  ScanOptions o;
  o.resolve.cfn_params["NoDefault"] = "true";
  o.resolve.cfn_params["ReadOnly"] = "false";
  Verdicts p = ScanAs("t.yaml", kCfn, InputFormat::kYaml, o);
  EXPECT_EQ(p.root_fs[2].status, Status::kFail);  // --param beats the Default
  EXPECT_EQ(p.root_fs[3].status, Status::kPass);
}

TEST(Ecs, CloudFormationJsonAndUnresolvableContainerList) {
  Verdicts v = ScanAs("t.json",
                      R"({"Resources": {"T": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
          "ContainerDefinitions": {"Fn::If": ["C", [], []]}}}}})",
                      InputFormat::kJson);
  ASSERT_EQ(v.root_fs.size(), 1u);  // never a silent drop
  EXPECT_EQ(v.root_fs[0].status, Status::kFail);
  EXPECT_EQ(v.root_fs[0].container, "[0]");
  EXPECT_NE(v.root_fs[0].reason.find("ContainerDefinitions given by Fn::If"), std::string::npos)
      << v.root_fs[0].reason;
}

TEST(Ecs, TerraformJsonencodeHeredocStringAndAwscc) {
  const char* tf = R"(variable "ro" {
  default = true
}
locals {
  tag = "1.2"
}
resource "aws_ecs_task_definition" "encoded" {
  family = "svc"
  container_definitions = jsonencode([
    { name = "lit", image = "x", readonlyRootFilesystem = true },
    { name = "var", image = "x:${local.tag}", readonlyRootFilesystem = var.ro },
    { name = "unknown", readonlyRootFilesystem = var.missing },
    { name = "expr", readonlyRootFilesystem = var.ro && true },
  ])
}
resource "aws_ecs_task_definition" "heredoc" {
  family                = "svc2"
  container_definitions = <<EOF
[
  {"name": "h1", "readonlyRootFilesystem": ${var.ro}},
  {"name": "h2", "readonlyRootFilesystem": ${var.nope}}
]
EOF
}
resource "aws_ecs_task_definition" "string" {
  family                = "svc3"
  container_definitions = "[{\"name\": \"s1\", \"readonlyRootFilesystem\": false}]"
}
resource "awscc_ecs_task_definition" "cc" {
  container_definitions = [{ name = "web", read_only_root_filesystem = "true" }]
}
resource "aws_s3_bucket" "b" {}
)";
  Verdicts v = ScanAs("main.tf", tf, InputFormat::kHcl);
  ASSERT_TRUE(v.errors.empty()) << v.errors[0].ToString();
  std::map<std::string, Finding> by;
  for (const Finding& f : v.root_fs) by[f.container] = f;
  ASSERT_EQ(by.size(), 8u);
  EXPECT_EQ(by["lit"].status, Status::kPass);
  EXPECT_EQ(by["lit"].resource, "aws_ecs_task_definition.encoded");
  EXPECT_EQ(by["lit"].where.line, 10u);
  EXPECT_EQ(by["var"].status, Status::kPass);
  EXPECT_EQ(by["var"].image, "x:${local.tag}");
  EXPECT_EQ(by["unknown"].status, Status::kFail);
  EXPECT_EQ(by["unknown"].reason,
            "given by var.missing, which has no default (pass --var missing=VALUE)");
  EXPECT_EQ(by["expr"].status, Status::kFail);
  EXPECT_NE(by["expr"].reason.find("cannot resolve statically"), std::string::npos);
  EXPECT_EQ(by["h1"].status, Status::kPass);
  EXPECT_EQ(by["h1"].where.line, 20u);  // inside the heredoc, mapped to the .tf file
  EXPECT_EQ(by["h2"].status, Status::kFail);
  EXPECT_EQ(by["h2"].reason, "${var.nope} cannot be resolved statically");
  EXPECT_EQ(by["s1"].status, Status::kFail);
  EXPECT_EQ(by["web"].status, Status::kPass);  // a typed attribute converts "true"
  EXPECT_EQ(by["web"].resource, "awscc_ecs_task_definition.cc");

  ScanOptions o;
  o.resolve.tf_vars["missing"] = "true";
  Verdicts with_var = ScanAs("main.tf", tf, InputFormat::kHcl, o);
  for (const Finding& f : with_var.root_fs) {
    if (f.container == "unknown") {
      EXPECT_EQ(f.status, Status::kPass);
    }
  }
}

TEST(Ecs, TerraformFollowsFileAndSiblingVariables) {
  MemoryFileSystem loader;
  loader.files["infra/variables.tf"] = "variable \"ro\" { default = false }\n";
  loader.files["infra/defs/api.json"] =
      "[\n  {\"name\": \"from-file\", \"readonlyRootFilesystem\": true}\n]\n";
  loader.files["infra/main.tf"] = "";
  ScanOptions o;
  o.loader = &loader;
  Verdicts v = ScanAs("infra/main.tf",
                      "resource \"aws_ecs_task_definition\" \"f\" {\n"
                      "  container_definitions = file(\"${path.module}/defs/api.json\")\n}\n"
                      "resource \"aws_ecs_task_definition\" \"g\" {\n"
                      "  container_definitions = jsonencode([{name = \"sib\", "
                      "readonlyRootFilesystem = var.ro}])\n}\n"
                      "resource \"aws_ecs_task_definition\" \"h\" {\n"
                      "  container_definitions = file(var.path)\n}\n",
                      InputFormat::kHcl, o);
  std::map<std::string, Finding> by;
  for (const Finding& f : v.root_fs) by[f.container] = f;
  EXPECT_EQ(by["from-file"].status, Status::kPass);
  EXPECT_EQ(by["from-file"].where.file, "infra/defs/api.json");
  EXPECT_EQ(by["from-file"].where.line, 2u);
  EXPECT_EQ(by["sib"].status, Status::kFail);
  EXPECT_EQ(by["sib"].reason, "set to false");  // var.ro's default, from variables.tf
  ASSERT_TRUE(by.count("[0]"));
  EXPECT_NE(by["[0]"].reason.find("not a literal"), std::string::npos) << by["[0]"].reason;
}

TEST(Ecs, TerraformPlanJson) {
  const char* plan = R"({"format_version": "1.2", "planned_values": {"root_module": {
    "resources": [{"address": "aws_ecs_task_definition.svc", "type": "aws_ecs_task_definition",
      "values": {"family": "svc",
        "container_definitions": "[{\"name\":\"a\",\"readonlyRootFilesystem\":true}]"}}],
    "child_modules": [{"resources": [{"address": "module.m.aws_ecs_task_definition.x",
      "type": "aws_ecs_task_definition", "values": {"family": "x",
        "container_definitions": null}}]}]}}})";
  Verdicts v = ScanAs("plan.json", plan, InputFormat::kJson);
  ASSERT_EQ(v.root_fs.size(), 2u);
  EXPECT_EQ(v.root_fs[0].status, Status::kPass);
  EXPECT_EQ(v.root_fs[0].resource, "aws_ecs_task_definition.svc");
  EXPECT_EQ(v.root_fs[1].status, Status::kFail);
  EXPECT_NE(v.root_fs[1].reason.find("known only after apply"), std::string::npos);
}

// Terraform's AWS provider reads container_definitions with Go's JSON decoder,
// which matches keys without regard to case; the ECS API does not (issue 13).
TEST(EcsKeys, TerraformContainerDefinitionsMatchAnyCaseTheApiDoesNot) {
  const char* tf = R"(resource "aws_ecs_task_definition" "a" {
  family = "a"
  container_definitions = jsonencode([
    { name = "one", image = "x", ReadonlyRootFilesystem = true,
      MountPoints = [{ SourceVolume = "tmp", ContainerPath = "/tmp", ReadOnly = false }] },
    { name = "two", image = "x", READONLYROOTFILESYSTEM = false },
  ])
  volume {
    name = "tmp"
  }
}
resource "aws_ecs_task_definition" "b" {
  family = "b"
  container_definitions = <<EOT
[{"Name": "three", "Image": "nginx", "ReadonlyRootFilesystem": true}]
EOT
}
)";
  Verdicts v = ScanAs("main.tf", tf, InputFormat::kHcl);
  ASSERT_EQ(v.root_fs.size(), 3u);
  EXPECT_EQ(v.root_fs[0].container, "one");
  EXPECT_EQ(v.root_fs[0].status, Status::kPass);
  EXPECT_EQ(v.tmp[0].status, Status::kPass) << v.tmp[0].reason;  // MountPoints, any case
  EXPECT_EQ(v.root_fs[1].status, Status::kFail);
  EXPECT_EQ(v.root_fs[1].reason, "set to false");  // not "not set"
  EXPECT_EQ(v.root_fs[1].message,
            "Task definition 'a' (aws_ecs_task_definition.a) container 'two' lacks "
            "READONLYROOTFILESYSTEM: true");
  EXPECT_EQ(v.root_fs[2].container, "three");  // "Name", in a heredoc
  EXPECT_EQ(v.root_fs[2].status, Status::kPass);

  // The API's own JSON stays case-sensitive, as the API is.
  Verdicts api = ScanAs("describe.json",
                        R"({"taskDefinition": {"family": "f", "containerDefinitions": [
                            {"name": "c", "image": "x", "ReadonlyRootFilesystem": true}]}})",
                        InputFormat::kJson);
  ASSERT_EQ(api.root_fs.size(), 1u);
  EXPECT_EQ(api.root_fs[0].status, Status::kFail);
  EXPECT_EQ(api.root_fs[0].reason, "not set");
}

// A bare container-definitions array has no task or family: the file names it (issue 13).
TEST(EcsKeys, ABareArrayIsNamedByItsFile) {
  Verdicts v = ScanAs("defs/api.json", R"([{"name": "api", "image": "x", "essential": true}])",
                      InputFormat::kJson);
  ASSERT_EQ(v.root_fs.size(), 1u);
  EXPECT_EQ(v.root_fs[0].message,
            "Container definitions in defs/api.json container 'api' lacks readonlyRootFilesystem: "
            "true");
}

}  // namespace
}  // namespace rootlock
