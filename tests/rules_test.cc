#include <gtest/gtest.h>

#include <set>
#include <string>

#include "rules/rules.h"

namespace rootlock {
namespace {

TEST(Rules, MetadataIsComplete) {
  std::set<std::string> ids;
  for (const RuleInfo* r : AllRules()) {
    EXPECT_TRUE(ids.insert(r->id).second) << "duplicate id " << r->id;
    EXPECT_GT(std::string(r->title).size(), 10u) << r->id;
    EXPECT_GT(std::string(r->rationale).size(), 20u) << r->id;
    for (const char* rem : r->remediation) {
      std::string s = rem;
      ASSERT_FALSE(s.empty()) << r->id;
      EXPECT_EQ(s.back(), '.') << r->id << ": remediation must end with '.'";
    }
  }
  EXPECT_TRUE(ids.count("read-only-root-fs"));
  EXPECT_TRUE(ids.count("tmp-writable"));
}

TEST(Rules, OnlyTheMainRuleGates) {
  EXPECT_TRUE(Rule(RuleId::kReadOnlyRootFs).gates);
  EXPECT_FALSE(Rule(RuleId::kTmpWritable).gates);
}

TEST(Rules, ComplianceIdsAndPeerIdsAreAliases) {
  EXPECT_EQ(FindRule("ECS.5"), &Rule(RuleId::kReadOnlyRootFs));
  EXPECT_EQ(FindRule("ckv_k8s_22"), &Rule(RuleId::kReadOnlyRootFs));
  EXPECT_EQ(FindRule("5.12"), &Rule(RuleId::kReadOnlyRootFs));
  EXPECT_EQ(FindRule("tmp-writable"), &Rule(RuleId::kTmpWritable));
  EXPECT_EQ(FindRule("nope"), nullptr);
}

TEST(Rules, DatabaseImagesByLastPathComponent) {
  EXPECT_EQ(DatabaseImage("postgres"), "postgres");
  EXPECT_EQ(DatabaseImage("postgres:16.4-alpine"), "postgres");
  EXPECT_EQ(DatabaseImage("docker.io/bitnami/mongodb:7.0"), "mongodb");
  EXPECT_EQ(DatabaseImage("registry:5000/team/MySQL@sha256:0123"), "mysql");
  EXPECT_EQ(DatabaseImage("quay.io/prometheuscommunity/postgres-exporter:v0.15.0"), "");
  EXPECT_EQ(DatabaseImage("nginx"), "");
  EXPECT_EQ(DatabaseImage(""), "");
}

}  // namespace
}  // namespace rootlock

namespace rootlock {
namespace {

TEST(SuggestWritableDirs, CollapsesToTheFoldersWrittenIntoLessWhatMountsCover) {
  Container c;
  c.written_paths = {"/var",
                     "/var/cache",
                     "/var/cache/nginx",
                     "/var/cache/nginx/client_temp",
                     "/var/cache/nginx/proxy_temp",
                     "/run",
                     "/run/nginx.pid",
                     "/etc",
                     "/etc/hostname",
                     "/data",
                     "/data/db/x",
                     "/app.lock",
                     "/var/cache/nginx/client_temp/0/1"};
  c.mounts.push_back(Mount{"/data", "vol", "volume", true, {}});
  std::vector<std::string> uncoverable;
  std::vector<std::string> dirs = SuggestWritableDirs(c, &uncoverable);
  // client_temp has a child: the leaf 1 is written in .../client_temp/0, which
  // /var/cache/nginx (where proxy_temp was created) covers; /data is a volume.
  EXPECT_EQ(dirs, (std::vector<std::string>{"/run", "/tmp", "/var/cache/nginx"}));
  EXPECT_EQ(uncoverable, std::vector<std::string>{"/app.lock"});
}

TEST(SuggestWritableDirs, AReadOnlyMountCoversNothingAndTmpIsAlwaysThere) {
  Container c;
  c.written_paths = {"/srv/cache/a"};
  c.mounts.push_back(Mount{"/srv", "", "bind", false, {}});
  c.mounts.push_back(Mount{"/tmp", "", "tmpfs", true, {}});
  std::vector<std::string> uncoverable;
  EXPECT_EQ(SuggestWritableDirs(c, &uncoverable), std::vector<std::string>{"/srv/cache"});
  Container empty;
  EXPECT_EQ(SuggestWritableDirs(empty, &uncoverable), std::vector<std::string>{"/tmp"});
}

}  // namespace
}  // namespace rootlock
