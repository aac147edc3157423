// Well-known database images: the stateful databases the Kubernetes audit lets
// write to their root filesystem.
#include <string>
#include <string_view>

#include "base/text.h"
#include "rules/rule.h"
#include "rules/rules.h"

namespace rootlock {

namespace {

// Well-known databases: the audit standard's "skip when the application
// legitimately requires write access (database ...)". One table, matched
// against the image's last path component without tag or digest. Extend here.
constexpr std::string_view kDatabaseImages[] = {
    "postgres",       "postgresql",
    "postgis",        "timescaledb",
    "mysql",          "mariadb",
    "percona-server", "percona",
    "mongo",          "mongodb",
    "cassandra",      "scylla",
    "elasticsearch",  "opensearch",
    "redis",          "redis-cluster",
    "valkey",         "keydb",
    "etcd",           "couchdb",
    "couchbase",      "neo4j",
    "influxdb",       "cockroach",
    "cockroachdb",    "clickhouse-server",
    "clickhouse",     "zookeeper",
    "kafka",          "rabbitmq",
    "minio",          "solr",
    "arangodb",       "rethinkdb",
    "questdb",        "yugabyte",
    "tidb",           "memgraph",
    "dgraph",         "nats",
};

}  // namespace

std::string_view DatabaseImage(std::string_view image) {
  std::string name = ImageName(image);
  for (std::string_view db : kDatabaseImages) {
    if (name == db) return db;
  }
  return "";
}

std::string DatabaseImage(std::string_view image, const RuleOptions& options) {
  if (options.builtin_databases) {
    if (std::string_view db = DatabaseImage(image); !db.empty()) return std::string(db);
  }
  std::string name = ImageName(image);
  for (const std::string& db : options.extra_databases) {
    if (EqualsIgnoreCase(db, name)) return db;
  }
  return "";
}

}  // namespace rootlock
