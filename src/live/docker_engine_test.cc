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
const std::string kPeer = "the Docker engine at unix:///run/test/docker.sock";
const std::string kChangesWeb =
    R"([{"Path":"/var","Kind":0},{"Path":"/var/cache/nginx","Kind":1}])";

class AuditDockerEngineTest : public ::testing::Test {
 protected:
  AuditDockerEngineTest() {
    auto transport = std::make_unique<FakeTransport>(kPeer);
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
  }
}

// A list may be long; one object may not: each answer has the cap of what it holds
// (docs/limits.md), and --max-response-size sets one cap for all.
// The settings beside read-only come from the same inspect answer and, like it, are
// located at the container: a live container has no line.
TEST_F(AuditDockerEngineTest, PrivilegedUserAndPidModeAreReadAndLocatedAtTheContainer) {
  fake_->Reply("GET", "/version", 200, kVersion144);
  ScriptTwoContainers();
  fake_->Reply("GET", "/v1.43/containers/" + kIdWeb + "/json", 200,
               R"({"Id":")" + kIdWeb + R"(","Name":"/web","Platform":"linux",
  "Config":{"Image":"nginx:1.25","User":""},
  "HostConfig":{"ReadonlyRootfs":false,"Privileged":true,
    "PidMode":"host"},"Mounts":[]})");
  ASSERT_TRUE(Audit()) << fatal_.message;
  ASSERT_EQ(audit_.workloads.size(), 2u);
  const Workload& web = audit_.workloads[0];
  const Container& c = web.containers[0];
  EXPECT_EQ(c.privileged.value, Flag::kTrue);
  EXPECT_EQ(c.user.state, Given::kUnset);
  EXPECT_EQ(web.host_pid.value, Flag::kTrue);
  for (const Location* at : {&c.privileged.where, &c.user.where, &web.host_pid.where}) {
    EXPECT_EQ(at->file, "docker:aaaaaaaaaaaa");
    EXPECT_EQ(at->line, 0u);
  }
  const Container& ro = audit_.workloads[1].containers[0];
  EXPECT_EQ(ro.privileged.value, Flag::kUnset);
  EXPECT_EQ(audit_.workloads[1].host_pid.value, Flag::kUnset);
}

TEST_F(AuditDockerEngineTest, EachAnswerIsCappedByWhatItHolds) {
  fake_->Reply("GET", "/version", 200, kVersion144);
  ScriptTwoContainers();
  ASSERT_TRUE(Audit()) << fatal_.message;
  std::vector<uint64_t> caps;
  for (const HttpRequest& r : fake_->requests()) caps.push_back(r.max_response_bytes);
  const uint64_t MiB = 1024 * 1024;
  EXPECT_EQ(caps, (std::vector<uint64_t>{16 * MiB, 256 * MiB, 16 * MiB, 64 * MiB, 16 * MiB}));

  HttpLimits limits;
  limits.max_response_bytes = 3 * 1024 * MiB;
  fake_->SetLimits(limits);
  audit_ = DockerAudit{};
  ASSERT_TRUE(Audit()) << fatal_.message;
  for (size_t i = caps.size(); i < fake_->requests().size(); ++i) {
    EXPECT_EQ(fake_->requests()[i].max_response_bytes, 3 * 1024 * MiB);
  }
}

TEST_F(AuditDockerEngineTest, AListOverItsCapIsOneLine) {
  fake_->Reply("GET", "/version", 200, kVersion144);
  ScriptTwoContainers();
  HttpLimits limits;
  limits.max_response_bytes = 200;  // kList is longer; /version is not
  fake_->SetLimits(limits);
  EXPECT_FALSE(Audit());
  EXPECT_EQ(fatal_.message, "the answer to GET /v1.43/containers/json?all=1 from " + kPeer +
                                " is over the 0.2 KiB limit (--max-response-size)");
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
  // /web is judged, not skipped: that it was judged blind is said apart.
  ASSERT_EQ(audit_.unknown_writes.size(), 1u);
  EXPECT_EQ(audit_.unknown_writes[0].where.file, "docker:aaaaaaaaaaaa");
  EXPECT_EQ(audit_.unknown_writes[0].message,
            "cannot tell what Container '/web' wrote: cannot reach the Docker engine at "
            "unix:///run/test/docker.sock: Recv failure; judged without it");
}

TEST_F(AuditDockerEngineTest, WhatAContainerWroteOverItsCapIsOneLineAndItIsStillJudged) {
  fake_->Reply("GET", "/version", 200, kVersion144);
  ScriptTwoContainers();
  std::string many = "[";
  for (int i = 0; i < 100000; ++i)
    many += R"({"Path":"/var/cache/f)" + std::to_string(i) + R"("},)";
  many += R"({"Path":"/x"}])";
  ASSERT_GT(many.size(), 2u * 1024 * 1024);
  fake_->Reply("GET", "/v1.43/containers/" + kIdWeb + "/changes", 200, many);
  HttpLimits limits;
  limits.max_response_bytes = 2 * 1024 * 1024;
  fake_->SetLimits(limits);
  ASSERT_TRUE(Audit()) << fatal_.message;
  EXPECT_EQ(audit_.workloads.size(), 2u);
  EXPECT_TRUE(audit_.notes.empty());
  ASSERT_EQ(audit_.unknown_writes.size(), 1u);
  EXPECT_EQ(audit_.unknown_writes[0].message,
            "cannot tell what Container '/web' wrote: the answer to GET /v1.43/containers/" +
                kIdWeb + "/changes from " + kPeer +
                " is over the 2.0 MiB limit (--max-response-size); judged without it");
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
      {HttpFailure::kTooLarge, "whatever the transport said",
       "the answer to GET /version from " + peer +
           " is over the 16.0 MiB limit (--max-response-size)"},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.message);
    auto transport = std::make_unique<FakeTransport>(peer);
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

TEST(IsContainerRef, IdsAsTheEngineGivesThemAndNamesByDockersRule) {
  for (const char* good :
       {"0123456789ab", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "web",
        "w", "web_1.blue-2", "Web9"}) {
    EXPECT_TRUE(IsContainerRef(good)) << good;
  }
  for (const char* bad : {"", "..", ".", ".hidden", "-x", "_x", "a/b", "a%2Fb", "a b", "web\n",
                          "a?b", "\x1b]0;pwned\x07", "/web"}) {
    EXPECT_FALSE(IsContainerRef(bad)) << bad;
  }
}

TEST_F(AuditDockerEngineTest, AnIdThatIsNotAnIdIsNeverSentAndIsNamed) {
  fake_->Reply("GET", "/version", 200, kVersion144);
  ScriptTwoContainers();
  fake_->Reply("GET", "/v1.43/containers/json?all=1", 200,
               R"([{"Id":"..","Names":["/dots"]},{"Id":"a/b"},{"Id":"a%2Fb"},
                   {"Id":"../../version?x="},{"Id":"a b"},{"Id":""},{},
                   {"Id":")" +
                   kIdRo + R"(","Names":["/ro"]}])");
  ASSERT_TRUE(Audit()) << fatal_.message;
  EXPECT_EQ(fake_->Sent(), (std::vector<std::string>{
                               "GET /version",
                               "GET /v1.43/containers/json?all=1",
                               "GET /v1.43/containers/" + kIdRo + "/json",
                           }));
  EXPECT_EQ(audit_.workloads.size(), 1u);
  EXPECT_TRUE(audit_.notes.empty());
  std::vector<std::string> refused;
  for (const Diagnostic& d : audit_.refused) {
    EXPECT_EQ(d.where.file, "unix:///run/test/docker.sock");
    refused.push_back(d.message);
  }
  auto line = [](const std::string& quoted) {
    return "container id " + quoted + " refused: not an id or name the engine gives; skipped";
  };
  EXPECT_EQ(refused, (std::vector<std::string>{line(R"("..")"), line(R"("a/b")"),
                                               line(R"("a%2Fb")"), line(R"("../../version?x=")"),
                                               line(R"("a b")"), line(R"("")"), line(R"("")")}));
}

// A name stands for a container in a path as well as an id does (Docker takes both).
TEST_F(AuditDockerEngineTest, ANameIsAcceptedAndSentAsOneSegment) {
  fake_->Reply("GET", "/version", 200, kVersion144);
  fake_->Reply("GET", "/v1.43/containers/json?all=1", 200, R"([{"Id":"web.1_b-2"}])");
  fake_->Reply("GET", "/v1.43/containers/web.1_b-2/json", 200, kInspectRo);
  ASSERT_TRUE(Audit()) << fatal_.message;
  EXPECT_EQ(audit_.workloads.size(), 1u);
  EXPECT_TRUE(audit_.refused.empty());
}

// Five containers that each take 4 s to inspect, and a 10 s deadline: the third is cut at the
// deadline and the run stops there, saying how far it got (the fake's clock: no real waiting).
TEST_F(AuditDockerEngineTest, TheDeadlineStopsTheRunWithHowFarItGot) {
  fake_->Reply("GET", "/version", 200, kVersion144);
  std::string list = "[";
  std::vector<std::string> ids;
  for (char c : std::string("cdefa")) {
    ids.push_back(std::string(64, c));
    list += std::string(list.size() > 1 ? "," : "") + R"({"Id":")" + ids.back() + R"("})";
    fake_->Reply("GET", "/v1.43/containers/" + ids.back() + "/json", 200, kInspectRo);
    fake_->Delay("GET", "/v1.43/containers/" + ids.back() + "/json", std::chrono::seconds(4));
  }
  fake_->Reply("GET", "/v1.43/containers/json?all=1", 200, list + "]");
  HttpLimits limits;
  limits.deadline = fake_->Now() + std::chrono::seconds(10);
  limits.deadline_name = "the 10s deadline (--timeout)";
  fake_->SetLimits(limits);
  EXPECT_FALSE(Audit());
  EXPECT_EQ(fatal_.message,
            "stopped: the 10s deadline (--timeout) passed waiting for GET "
            "/v1.43/containers/" +
                ids[2] + "/json from " + kPeer + "; 2 of 5 containers read");
  EXPECT_EQ(fatal_.message.find('\n'), std::string::npos);
  ASSERT_EQ(fake_->requests().size(), 5u);
  // Each request got the time left when it was shorter than its own 60 s.
  EXPECT_EQ(fake_->requests()[2].timeout, std::chrono::milliseconds(10000));
  EXPECT_EQ(fake_->requests()[4].timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(fake_->Now(), limits.deadline);
}

TEST_F(AuditDockerEngineTest, NoRequestStartsAfterTheDeadline) {
  fake_->Reply("GET", "/version", 200, kVersion144);
  ScriptTwoContainers();
  fake_->Delay("GET", "/v1.43/containers/" + kIdWeb + "/changes", std::chrono::seconds(10));
  HttpLimits limits;
  limits.deadline = fake_->Now() + std::chrono::seconds(10);  // met exactly by /changes
  limits.deadline_name = "the 10s deadline (--timeout)";
  fake_->SetLimits(limits);
  EXPECT_FALSE(Audit());
  EXPECT_EQ(fatal_.message,
            "stopped: the 10s deadline (--timeout) passed before GET "
            "/v1.43/containers/" +
                kIdRo + "/json was sent to " + kPeer + "; 1 of 2 containers read");
  EXPECT_EQ(fake_->Sent().back(), "GET /v1.43/containers/" + kIdWeb + "/changes");

  // Before the list, nothing was read.
  audit_ = DockerAudit{};
  fake_->Advance(std::chrono::seconds(1));
  EXPECT_FALSE(Audit());
  EXPECT_EQ(fatal_.message,
            "stopped: the 10s deadline (--timeout) passed before GET /version was sent to " +
                kPeer + "; no container read");
}

}  // namespace
}  // namespace rootlock
