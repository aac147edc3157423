// Docker inspect output and compose files.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <map>
#include <string>

#include "base/file_system.h"
#include "engine/scanner.h"
#include "platforms/compose/compose.h"

namespace rootlock {
namespace {

std::map<std::string, Finding> RootFs(const std::string& name, const std::string& text,
                                      const ScanOptions& options = {}) {
  SourceOutcome out;
  ScanText(name, text, InputFormat::kAuto, options, &out);
  EXPECT_TRUE(out.errors.empty()) << (out.errors.empty() ? "" : out.errors[0].ToString());
  std::map<std::string, Finding> by;
  for (const Finding& f : out.findings) {
    if (std::string_view(f.rule->id) == "read-only-root-fs") by[f.container] = f;
  }
  return by;
}

std::map<std::string, Finding> Tmp(const std::string& name, const std::string& text) {
  SourceOutcome out;
  ScanText(name, text, InputFormat::kAuto, ScanOptions{}, &out);
  std::map<std::string, Finding> by;
  for (const Finding& f : out.findings) {
    if (std::string_view(f.rule->id) == "tmp-writable") by[f.container] = f;
  }
  return by;
}

const char* kInspect = R"([
  {"Id": "4f1c8e2a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e", "Name": "/edge-proxy",
   "Config": {"Image": "nginx:1.27"}, "Platform": "linux",
   "HostConfig": {"ReadonlyRootfs": true, "Tmpfs": {"/tmp": "rw,size=64m"},
                  "Binds": ["/srv/cache:/var/cache/nginx:rw"]},
   "Mounts": [{"Type": "bind", "Source": "/srv/cache", "Destination": "/var/cache/nginx", "RW": true}]},
  {"Id": "0a1b2c3d4e5f", "Name": "/worker", "Config": {"Image": "worker:2"},
   "HostConfig": {"ReadonlyRootfs": false}, "Mounts": []},
  {"Id": "aabbccddeeff", "Name": "/ro-tmp", "Config": {"Image": "app"},
   "HostConfig": {"ReadonlyRootfs": true, "Tmpfs": {"/tmp": "ro"}}, "Mounts": []},
  {"Id": "ffeeddccbbaa", "Name": "/db", "Config": {"Image": "postgres:16"},
   "HostConfig": {"ReadonlyRootfs": false}, "Mounts": []}
])";

TEST(DockerInspect, JudgesReadonlyRootfsAndNamesContainersAsDockerDoes) {
  auto by = RootFs("inspect.json", kInspect);
  ASSERT_EQ(by.size(), 4u);
  EXPECT_EQ(by["edge-proxy"].status, Status::kPass);
  EXPECT_EQ(by["edge-proxy"].platform, Platform::kDocker);
  EXPECT_EQ(by["edge-proxy"].resource, "/edge-proxy");
  EXPECT_EQ(by["edge-proxy"].image, "nginx:1.27");
  EXPECT_EQ(by["worker"].status, Status::kFail);
  EXPECT_EQ(by["worker"].message, "Container '/worker' lacks HostConfig.ReadonlyRootfs: true");
  // CIS Docker 5.12 has no database exception (issue 13): postgres fails like any container.
  EXPECT_EQ(by["db"].status, Status::kFail);
  auto tmp = Tmp("inspect.json", kInspect);
  EXPECT_EQ(tmp["edge-proxy"].status, Status::kPass);
  EXPECT_EQ(tmp["ro-tmp"].status, Status::kFail);  // a read-only tmpfs is no help
}

TEST(DockerInspect, OneObjectAndWindows) {
  auto by = RootFs("one.json",
                   R"({"Id": "abc", "Name": "/win", "Platform": "windows",
                       "HostConfig": {"Isolation": "process"}})");
  EXPECT_EQ(by["win"].status, Status::kNotApplicable);
}

TEST(Compose, ReadOnlyTmpfsAndVolumes) {
  const char* compose = R"(
x-hardened: &hardened
  read_only: true
  tmpfs: [/tmp]
services:
  api:
    <<: *hardened
    image: api:1
  worker:
    image: worker:1
    volumes:
      - scratch:/tmp
  cache:
    image: redis:7
  legacy:
    image: legacy
    read_only: false
  stringy:
    read_only: "true"
  yes-word:
    read_only: "yes"
  bogus:
    read_only: "maybe"
  base:
    read_only: true
    volumes:
      - type: tmpfs
        target: /tmp
  child:
    extends: base
  child2:
    extends:
      service: child
    read_only: false
volumes:
  scratch: {}
)";
  auto by = RootFs("docker-compose.yml", compose);
  EXPECT_EQ(by["api"].status, Status::kPass);
  EXPECT_EQ(by["api"].message, "Service 'api' sets read_only: true");
  EXPECT_EQ(by["api"].resource, "services.api");
  EXPECT_EQ(by["worker"].status, Status::kFail);
  EXPECT_EQ(by["worker"].reason, "not set");
  EXPECT_EQ(by["cache"].status, Status::kFail);  // redis: no database exception in compose
  EXPECT_EQ(by["legacy"].status, Status::kFail);
  EXPECT_EQ(by["stringy"].status, Status::kPass);
  EXPECT_EQ(by["yes-word"].status, Status::kPass);
  EXPECT_EQ(by["bogus"].status, Status::kFail);
  EXPECT_EQ(by["bogus"].reason, "set to \"maybe\", not a boolean");
  EXPECT_EQ(by["child"].status, Status::kPass);   // extends base
  EXPECT_EQ(by["child2"].status, Status::kFail);  // its own value wins
  auto tmp = Tmp("docker-compose.yml", compose);
  EXPECT_EQ(tmp["api"].status, Status::kPass);
  EXPECT_EQ(tmp["child"].status, Status::kPass);  // a tmpfs volume inherited from base
}

TEST(Compose, InterpolationFromEnvironmentAndDotEnv) {
  MemoryFileSystem loader;
  loader.files["app/.env"] = "# settings\nRO_FROM_FILE=true\nexport QUOTED=\"false\"\n";
  ScanOptions o;
  o.loader = &loader;
  setenv("ROOTLOCK_TEST_RO", "true", 1);
  unsetenv("ROOTLOCK_TEST_UNSET");
  const char* compose = R"(services:
  env: {read_only: "${ROOTLOCK_TEST_RO}"}
  dotenv: {read_only: "${RO_FROM_FILE}"}
  quoted: {read_only: "${QUOTED}"}
  default: {read_only: "${ROOTLOCK_TEST_UNSET:-true}"}
  bare: {read_only: $ROOTLOCK_TEST_RO}
  unset: {read_only: "${ROOTLOCK_TEST_UNSET}"}
  required: {read_only: "${ROOTLOCK_TEST_UNSET:?set it}"}
)";
  auto by = RootFs("app/compose.yaml", compose, o);
  EXPECT_EQ(by["env"].status, Status::kPass);
  EXPECT_EQ(by["dotenv"].status, Status::kPass);
  EXPECT_EQ(by["quoted"].status, Status::kFail);
  EXPECT_EQ(by["default"].status, Status::kPass);
  EXPECT_EQ(by["bare"].status, Status::kPass);
  EXPECT_EQ(by["unset"].status, Status::kFail);
  EXPECT_EQ(by["unset"].reason,
            "set to \"${ROOTLOCK_TEST_UNSET}\", and ROOTLOCK_TEST_UNSET is set neither in the "
            "environment nor in .env");
  EXPECT_EQ(by["required"].status, Status::kFail);
  EXPECT_NE(by["required"].reason.find("set it"), std::string::npos);
}

TEST(Compose, InterpolateRules) {
  std::map<std::string, std::string> env = {{"A", "1"}, {"E", ""}};
  EnvLookup look = [&](const std::string& n, std::string* v) {
    auto it = env.find(n);
    if (it == env.end()) return false;
    *v = it->second;
    return true;
  };
  std::string out, why;
  ASSERT_TRUE(
      Interpolate("$$A ${A} $A ${E:-d} ${E-d} ${U:-${A}} ${A:+x} ${U+x}.", look, &out, &why));
  EXPECT_EQ(out, "$A 1 1 d  1 x .");
  EXPECT_FALSE(Interpolate("${U}", look, &out, &why));
  EXPECT_FALSE(Interpolate("${A", look, &out, &why));
  EXPECT_NE(why.find("malformed"), std::string::npos);
}

TEST(Compose, DotEnvParsing) {
  auto vars = ParseDotEnv("A=1\n# c\n\nexport B = two # note\nC='x y'\nD=\"a\\nb\"\nbad line\n");
  EXPECT_EQ(vars["A"], "1");
  EXPECT_EQ(vars["B"], "two");
  EXPECT_EQ(vars["C"], "x y");
  EXPECT_EQ(vars["D"], "a\nb");
  EXPECT_EQ(vars.count("bad line"), 0u);
}

TEST(Compose, DotEnvLinesSayWhereEachNameIs) {
  std::vector<DotEnvLine> lines = ReadDotEnvLines(
      "\xEF\xBB\xBF# c\nA=1\n  export B=\"two\nlines=x\"\nPASS_ME\nnot a name\nC='$X'\r\n");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].name, "A");
  EXPECT_EQ(lines[0].line, 2u);
  EXPECT_EQ(lines[0].column, 1u);
  EXPECT_EQ(lines[0].offset, 7u);  // in the file, its byte order mark too
  EXPECT_EQ(lines[1].name, "B");
  EXPECT_EQ(lines[1].line, 3u);
  EXPECT_EQ(lines[1].column, 10u);
  EXPECT_EQ(lines[1].value, "two\nlines=x");  // a quoted value goes on over the next line
  EXPECT_EQ(lines[2].name, "PASS_ME");
  EXPECT_EQ(lines[2].line, 5u);
  EXPECT_FALSE(lines[2].has_value);
  EXPECT_EQ(lines[3].name, "C");
  EXPECT_EQ(lines[3].line, 7u);
  EXPECT_TRUE(lines[3].single_quoted);
  EXPECT_EQ(lines[3].value, "$X");
  // ParseDotEnv, for interpolation, keeps the variables with a value.
  auto vars = ParseDotEnv("A=1\nPASS_ME\nA=2\n");
  EXPECT_EQ(vars.size(), 1u);
  EXPECT_EQ(vars["A"], "2");
}

TEST(Compose, NotComposeWhenKubernetes) {
  auto by = RootFs("k.yaml",
                   "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n"
                   "services: {x: {}}\n");
  ASSERT_EQ(by.size(), 1u);
  EXPECT_EQ(by["c"].platform, Platform::kKubernetes);
}

}  // namespace
// The database n/a is the Kubernetes audit's (a StatefulSet running a database that
// would fail); compose follows CIS Docker 5.12, which has none; a read-only container
// passes, always (issue 13).
TEST(Databases, OnlyAStatefulSetThatWouldFailIsNotApplicable) {
  auto compose = RootFs("docker-compose.yml", R"(services:
  mysql:
    image: mysql:8
  redis:
    image: redis:7
    read_only: true
)");
  EXPECT_EQ(compose["mysql"].status, Status::kFail);
  EXPECT_EQ(compose["redis"].status, Status::kPass);
  auto k8s = RootFs("db.yaml", R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  template:
    spec:
      containers:
        - name: ro
          image: postgres:16
          securityContext: {readOnlyRootFilesystem: true}
        - name: rw
          image: postgres:16
)");
  EXPECT_EQ(k8s["ro"].status, Status::kPass);
  EXPECT_EQ(k8s["rw"].status, Status::kNotApplicable);
  EXPECT_NE(k8s["rw"].reason.find("stateful database: postgres in a StatefulSet"),
            std::string::npos)
      << k8s["rw"].reason;
}

}  // namespace rootlock
