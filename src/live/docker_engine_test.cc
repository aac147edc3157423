#include "live/docker_engine.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fake_transport.h"

namespace rootlock {
namespace {

// Answers in the Engine API's wire format (docs.docker.com/engine/api/v1.43).
const std::string kIdWeb(64, 'a'), kIdRo(64, 'b');
const std::string kVersion144 =
    R"({"Version":"26.1.4","ApiVersion":"1.45","MinAPIVersion":"1.24","Os":"linux"})";
const std::string kList = R"([{"Id":")" + kIdWeb + R"(","Names":["/web"],"Image":"nginx:1.25"},
                               {"Id":")" +
                          kIdRo + R"(","Names":["/ro"],"Image":"busybox"}])";
const std::string kInspectWeb = R"({"Id":")" + kIdWeb + R"(","Name":"/web","Platform":"linux",
  "Config":{"Image":"nginx:1.25"},
  "HostConfig":{"ReadonlyRootfs":false,"Tmpfs":null},
  "Mounts":[{"Type":"volume","Name":"data","Destination":"/data","RW":true}]})";
const std::string kInspectRo = R"({"Id":")" + kIdRo + R"(","Name":"/ro","Platform":"linux",
  "Config":{"Image":"busybox"},
  "HostConfig":{"ReadonlyRootfs":true,"Tmpfs":{"/tmp":"rw,size=64m"}},"Mounts":[]})";
const std::string kChangesWeb =
    R"([{"Path":"/var","Kind":0},{"Path":"/var/cache/nginx","Kind":1}])";

class AuditDockerEngineTest : public ::testing::Test {
 protected:
  AuditDockerEngineTest() {
    auto transport = std::make_unique<FakeTransport>();
    fake_ = transport.get();
    DockerEndpoint endpoint;
    Diagnostic error;
    EXPECT_TRUE(ResolveDockerEndpoint("unix:///run/test/docker.sock", &endpoint, &error));
    engine_ = std::make_unique<DockerEngine>(endpoint, std::move(transport));
  }

  // The engine of kVersion144 with the two containers of kList.
  void ScriptTwoContainers(const std::string& prefix = "/v1.43") {
    fake_->Reply("GET", prefix + "/containers/json?all=1", 200, kList);
    fake_->Reply("GET", prefix + "/containers/" + kIdWeb + "/json", 200, kInspectWeb);
    fake_->Reply("GET", prefix + "/containers/" + kIdWeb + "/changes", 200, kChangesWeb);
    fake_->Reply("GET", prefix + "/containers/" + kIdRo + "/json", 200, kInspectRo);
  }

  bool Audit() { return AuditDockerEngine(engine_.get(), options_, &audit_, &fatal_); }

  FakeTransport* fake_;
  std::unique_ptr<DockerEngine> engine_;
  DockerAuditOptions options_;
  DockerAudit audit_;
  Diagnostic fatal_;
};

TEST_F(AuditDockerEngineTest, ListsInspectsAndAsksWhatWritableContainersWrote) {
  fake_->Reply("GET", "/version", 200, kVersion144);
  ScriptTwoContainers();
  ASSERT_TRUE(Audit()) << fatal_.message;
  EXPECT_TRUE(audit_.notes.empty());
  EXPECT_EQ(audit_.engine, "API 1.45 (26.1.4)");

  ASSERT_EQ(audit_.workloads.size(), 2u);
  const Workload& web = audit_.workloads[0];
  EXPECT_EQ(web.platform, Platform::kDocker);
  EXPECT_EQ(web.name, "web");
  EXPECT_EQ(web.display, "Container '/web'");
  // A live container has no line: it is located by its short id, and so is everything in it.
  EXPECT_EQ(web.where.file, "docker:aaaaaaaaaaaa");
  EXPECT_EQ(web.where.line, 0u);
  ASSERT_EQ(web.containers.size(), 1u);
  const Container& c = web.containers[0];
  EXPECT_EQ(c.image, "nginx:1.25");
  EXPECT_EQ(c.read_only_root.value, Flag::kFalse);
  EXPECT_EQ(c.read_only_root.where.file, "docker:aaaaaaaaaaaa");
  EXPECT_EQ(c.read_only_root.where.line, 0u);
  ASSERT_EQ(c.mounts.size(), 1u);
  EXPECT_EQ(c.mounts[0].path, "/data");
  EXPECT_EQ(c.mounts[0].where.line, 0u);
  EXPECT_TRUE(c.writes_known);
  EXPECT_EQ(c.written_paths, (std::vector<std::string>{"/var", "/var/cache/nginx"}));

  const Workload& ro = audit_.workloads[1];
  EXPECT_EQ(ro.where.file, "docker:bbbbbbbbbbbb");
  ASSERT_EQ(ro.containers.size(), 1u);
  EXPECT_EQ(ro.containers[0].read_only_root.value, Flag::kTrue);
  ASSERT_EQ(ro.containers[0].mounts.size(), 1u);
  EXPECT_EQ(ro.containers[0].mounts[0].path, "/tmp");
  EXPECT_EQ(ro.containers[0].mounts[0].type, "tmpfs");
  EXPECT_FALSE(ro.containers[0].writes_known);  // read-only: nothing to ask

  // An engine newer than 1.43 is asked in 1.43; only GET, no body, no extra fields, a cap.
  EXPECT_EQ(fake_->Sent(), (std::vector<std::string>{
                               "GET /version",
                               "GET /v1.43/containers/json?all=1",
                               "GET /v1.43/containers/" + kIdWeb + "/json",
                               "GET /v1.43/containers/" + kIdWeb + "/changes",
                               "GET /v1.43/containers/" + kIdRo + "/json",
                           }));
  for (const HttpRequest& r : fake_->requests()) {
    EXPECT_EQ(r.method, "GET");
    EXPECT_TRUE(r.body.empty());
    EXPECT_TRUE(r.headers.empty());
    EXPECT_GT(r.max_response_bytes, 0u);
    EXPECT_LE(r.max_response_bytes, kDefaultMaxResponseBytes);
  }
}

TEST_F(AuditDockerEngineTest, AnOlderEngineIsAskedInItsOwnVersion) {
  fake_->Reply("GET", "/version", 200, R"({"Version":"20.10.24","ApiVersion":"1.41"})");
  ScriptTwoContainers("/v1.41");
  ASSERT_TRUE(Audit()) << fatal_.message;
  EXPECT_EQ(audit_.workloads.size(), 2u);
  EXPECT_EQ(fake_->Sent()[1], "GET /v1.41/containers/json?all=1");
}

TEST_F(AuditDockerEngineTest, NoChangesAsksNothingOfWhatWasWritten) {
  fake_->Reply("GET", "/version", 200, kVersion144);
  ScriptTwoContainers();
  options_.changes = false;
  ASSERT_TRUE(Audit()) << fatal_.message;
  ASSERT_EQ(audit_.workloads.size(), 2u);
  EXPECT_FALSE(audit_.workloads[0].containers[0].writes_known);
  for (const std::string& sent : fake_->Sent()) {
    EXPECT_EQ(sent.find("/changes"), std::string::npos) << sent;
  }
  EXPECT_EQ(fake_->Sent().size(), 4u);
}

TEST_F(AuditDockerEngineTest, AContainerRemovedDuringTheScanIsANoteNotAFailure) {
  fake_->Reply("GET", "/version", 200, kVersion144);
  ScriptTwoContainers();
  fake_->Reply("GET", "/v1.43/containers/" + kIdWeb + "/json", 404,
               R"({"message":"No such container: )" + kIdWeb + R"("})");
  ASSERT_TRUE(Audit()) << fatal_.message;
  ASSERT_EQ(audit_.notes.size(), 1u);
  EXPECT_EQ(audit_.notes[0].where.file, "docker:aaaaaaaaaaaa");
  EXPECT_EQ(audit_.notes[0].message, "container /web was removed during the scan; skipped");
  ASSERT_EQ(audit_.workloads.size(), 1u);
  EXPECT_EQ(audit_.workloads[0].name, "ro");
  // Nothing more is asked of a container that is gone.
  for (const std::string& sent : fake_->Sent()) {
    EXPECT_EQ(sent.find(kIdWeb + "/changes"), std::string::npos) << sent;
  }
}

TEST_F(AuditDockerEngineTest, AContainerThatCannotBeInspectedIsANoteWithTheReason) {
  fake_->Reply("GET", "/version", 200, kVersion144);
  ScriptTwoContainers();
  fake_->Reply("GET", "/v1.43/containers/" + kIdWeb + "/json", 500,
               R"({"message":"driver failed"})");
  fake_->Reply("GET", "/v1.43/containers/" + kIdRo + "/json", 200, "{not json");
  ASSERT_TRUE(Audit()) << fatal_.message;
  ASSERT_EQ(audit_.notes.size(), 2u);
  EXPECT_EQ(audit_.notes[0].message, "cannot inspect container /web: HTTP 500");
  EXPECT_EQ(audit_.notes[1].message,
            "cannot inspect container /ro: the engine answered /v1.43/containers/" + kIdRo +
                "/json with something that is not JSON");
  EXPECT_TRUE(audit_.workloads.empty());
}

// Each note says what happened to its own container, not to the one asked before it.
TEST_F(AuditDockerEngineTest, ANoteGivesItsOwnContainersReason) {
  fake_->Reply("GET", "/version", 200, kVersion144);
  ScriptTwoContainers();
  // /web is judged but what it wrote cannot be read; /ro then answers 500.
  fake_->Fail("GET", "/v1.43/containers/" + kIdWeb + "/changes", HttpFailure::kOther,
              "cannot reach the Docker engine at unix:///run/test/docker.sock: Recv failure");
  fake_->Reply("GET", "/v1.43/containers/" + kIdRo + "/json", 500, R"({"message":"boom"})");
  ASSERT_TRUE(Audit()) << fatal_.message;
  ASSERT_EQ(audit_.workloads.size(), 1u);
  EXPECT_FALSE(audit_.workloads[0].containers[0].writes_known);
  ASSERT_EQ(audit_.notes.size(), 1u);
  EXPECT_EQ(audit_.notes[0].message, "cannot inspect container /ro: HTTP 500");
}

TEST_F(AuditDockerEngineTest, OnlyA404IsRemovedDuringTheScan) {
  fake_->Reply("GET", "/version", 200, kVersion144);
  ScriptTwoContainers();
  // /web is gone (404); then the connection fails while /ro is inspected.
  fake_->Reply("GET", "/v1.43/containers/" + kIdWeb + "/json", 404, R"({"message":"gone"})");
  fake_->Fail("GET", "/v1.43/containers/" + kIdRo + "/json", HttpFailure::kOther,
              "cannot reach the Docker engine at unix:///run/test/docker.sock: Recv failure");
  ASSERT_TRUE(Audit()) << fatal_.message;
  ASSERT_EQ(audit_.notes.size(), 2u);
  EXPECT_EQ(audit_.notes[0].message, "container /web was removed during the scan; skipped");
  EXPECT_EQ(audit_.notes[1].message,
            "cannot inspect container /ro: cannot reach the Docker engine at "
            "unix:///run/test/docker.sock: Recv failure");
}

TEST_F(AuditDockerEngineTest, AnEngineErrorOrNotJsonIsFatalWithOneClearLine) {
  struct Case {
    std::string target;
    int status;
    std::string body;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"/version", 500, R"({"message":"boom"})",
       "the engine at unix:///run/test/docker.sock answered /version with HTTP 500"},
      {"/version", 200, "<html>not an engine</html>",
       "the engine answered /version with something that is not JSON"},
      {"/version", 200, R"({"Version":"1.0","ApiVersion":"1.23"})",
       "the engine's API version 1.23 is too old: rootlock needs 1.24 or newer"},
      {"/version", 200, R"({"Version":"1.0"})",
       "the engine's API version (unknown) is too old: rootlock needs 1.24 or newer"},
      {"/v1.43/containers/json?all=1", 500, R"({"message":"boom"})",
       "the engine refused to list containers: HTTP 500"},
      {"/v1.43/containers/json?all=1", 200, "[{\"Id\":",
       "the engine answered /v1.43/containers/json?all=1 with something that is not JSON"},
      {"/v1.43/containers/json?all=1", 200, R"({"Id":"x"})",
       "the engine's container list is not a list"},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.target + " " + k.body);
    auto transport = std::make_unique<FakeTransport>();
    FakeTransport* fake = transport.get();
    DockerEndpoint endpoint;
    Diagnostic error;
    ASSERT_TRUE(ResolveDockerEndpoint("unix:///run/test/docker.sock", &endpoint, &error));
    DockerEngine engine(endpoint, std::move(transport));
    fake->Reply("GET", "/version", 200, kVersion144);
    fake->Reply("GET", "/v1.43/containers/json?all=1", 200, "[]");
    fake->Reply("GET", k.target, k.status, k.body);
    DockerAudit audit;
    Diagnostic fatal;
    EXPECT_FALSE(AuditDockerEngine(&engine, DockerAuditOptions{}, &audit, &fatal));
    EXPECT_EQ(fatal.message, k.message);
    EXPECT_EQ(fatal.where.file, "unix:///run/test/docker.sock");
    EXPECT_EQ(fatal.message.find('\n'), std::string::npos);
    EXPECT_TRUE(audit.workloads.empty());
  }
}

TEST_F(AuditDockerEngineTest, TransportFailuresGetTheDockerClisAdvice) {
  struct Case {
    HttpFailure kind;
    std::string transport_message;
    std::string message;
  };
  const std::string peer = "the Docker engine at unix:///run/test/docker.sock";
  const std::vector<Case> cases = {
      {HttpFailure::kNoSocket, "cannot reach " + peer + ": /run/test/docker.sock does not exist",
       "no Docker engine: /run/test/docker.sock does not exist (is the engine running? set "
       "DOCKER_HOST or --host)"},
      {HttpFailure::kPermissionDenied, "permission denied on " + peer,
       "permission denied on " + peer + " (add your user to the docker group, or run with sudo)"},
      {HttpFailure::kRefused, "cannot reach " + peer + ": connection refused",
       "cannot reach " + peer + ": connection refused (is the engine running?)"},
      {HttpFailure::kTimeout, "cannot reach " + peer + ": Operation timed out",
       "cannot reach " + peer + ": Operation timed out"},
      {HttpFailure::kTooLarge, "the answer to GET /version from " + peer + " is too large",
       "the answer to GET /version from " + peer + " is too large"},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.message);
    auto transport = std::make_unique<FakeTransport>();
    transport->Fail("GET", "/version", k.kind, k.transport_message);
    DockerEndpoint endpoint;
    Diagnostic error;
    ASSERT_TRUE(ResolveDockerEndpoint("unix:///run/test/docker.sock", &endpoint, &error));
    DockerEngine engine(endpoint, std::move(transport));
    DockerAudit audit;
    Diagnostic fatal;
    EXPECT_FALSE(AuditDockerEngine(&engine, DockerAuditOptions{}, &audit, &fatal));
    EXPECT_EQ(fatal.message, k.message);
  }
}

TEST_F(AuditDockerEngineTest, AnIdThatIsNotAnIdIsNeverSent) {
  fake_->Reply("GET", "/version", 200, kVersion144);
  ScriptTwoContainers();
  fake_->Reply("GET", "/v1.43/containers/json?all=1", 200,
               R"([{"Id":"../../version?x=","Names":["/odd"]},{"Id":"a b"},{"Id":""},{},
                   {"Id":")" +
                   kIdRo + R"(","Names":["/ro"]}])");
  ASSERT_TRUE(Audit()) << fatal_.message;
  EXPECT_EQ(fake_->Sent(), (std::vector<std::string>{
                               "GET /version",
                               "GET /v1.43/containers/json?all=1",
                               "GET /v1.43/containers/" + kIdRo + "/json",
                           }));
  EXPECT_EQ(audit_.workloads.size(), 1u);
}

}  // namespace
}  // namespace rootlock
