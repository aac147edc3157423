#include "rules/rules.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "base/text.h"

namespace rootlock {

std::string_view StatusName(Status s) {
  switch (s) {
    case Status::kPass:
      return "pass";
    case Status::kFail:
      return "fail";
    case Status::kNotApplicable:
      return "n/a";
    case Status::kSkipped:
      return "skipped";
    case Status::kError:
      return "error";
  }
  return "error";
}

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "low";
}

namespace {

// ---------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------
// read-only-root-fs

const RuleInfo kReadOnlyRootFsInfo = {
    .id = "read-only-root-fs",
    .name = "ReadOnlyRootFilesystem",
    .title = "Container root filesystem must be read-only",
    .severity = Severity::kHigh,
    .gates = true,
    .rationale =
        "A writable root filesystem lets an attacker who gains code execution drop tools, "
        "overwrite binaries and persist changes; a read-only root makes the foothold "
        "ephemeral. Writes go to explicit volumes instead.",
    .remediation =
        {
            "Set securityContext.readOnlyRootFilesystem: true on the container and mount an "
            "emptyDir volume at /tmp and at every other path the application writes.",
            "Set readonlyRootFilesystem: true in the container definition and add a task "
            "volume with a mountPoint at /tmp and at every other path the application writes.",
            "Run the container with --read-only and a --tmpfs (or volume) for /tmp and every "
            "other path the application writes.",
            "Set read_only: true on the service and list /tmp and every other path the "
            "application writes under tmpfs: or volumes:.",
        },
    .help_uri = "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-5",
    .compliance =
        {
            {"AWS Security Hub", "ECS.5", ComplianceKind::kSecurityHub,
             PlatformBit(Platform::kEcs)},
            {"AWS Config", "ecs-containers-readonly-access", ComplianceKind::kCheck,
             PlatformBit(Platform::kEcs)},
            {"CIS Docker Benchmark", "5.12", ComplianceKind::kStandard,
             PlatformBit(Platform::kDocker) | PlatformBit(Platform::kCompose)},
            {"CIS Kubernetes Benchmark", "5.2.3", ComplianceKind::kStandard,
             PlatformBit(Platform::kKubernetes)},
            {"NIST 800-53", "CM-7", ComplianceKind::kStandard, kAllPlatforms},
            {"Datadog", "def-000-qq2", ComplianceKind::kCheck, PlatformBit(Platform::kEcs)},
            {"Datadog", "byb-wyq-f3q", ComplianceKind::kCheck, PlatformBit(Platform::kDocker)},
        },
    .aliases = {"ECS.5", "ecs-containers-readonly-access", "CIS-Docker-5.12", "CKV_K8S_22",
                "CKV_AWS_336", "KSV014", "no-read-only-root-fs", "notReadOnlyRootFilesystem",
                "C-0017"},
    .tags = {"security", "containers", "hardening", "immutable-infrastructure"},
};

// tmp-writable

const RuleInfo kTmpWritableInfo = {
    .id = "tmp-writable",
    .name = "WritableTmp",
    .title = "A read-only container needs a writable /tmp",
    .severity = Severity::kLow,
    .gates = false,
    .rationale =
        "Most runtimes and frameworks write temporary files to /tmp; with a read-only root "
        "and nothing writable mounted there, the application fails at run time.",
    .remediation =
        {
            "Mount an emptyDir volume at /tmp (volumeMounts: [{name: tmp, mountPath: /tmp}], "
            "volumes: [{name: tmp, emptyDir: {}}]).",
            "Add a task volume (no host: task-scoped scratch space) and a mountPoint with "
            "containerPath /tmp.",
            "Add --tmpfs /tmp to the docker run command.",
            "Add tmpfs: [/tmp] to the service.",
        },
    .help_uri = "https://kubernetes.io/docs/concepts/storage/volumes/#emptydir",
    .compliance = {},
    .aliases = {},
    .tags = {"reliability", "containers"},
};

const RuleInfo* const kAllRules[] = {
#define ROOTLOCK_RULE(ident, slug) &k##ident##Info,
#include "rules/rules.def"
#undef ROOTLOCK_RULE
};

Finding Base(const RuleInfo& rule, const Workload& w, const Container& c,
             const RuleOptions& options) {
  Finding f;
  f.rule = &rule;
  auto sev = options.severity.find(rule.id);
  f.severity = sev != options.severity.end() ? sev->second : rule.severity;
  f.platform = w.platform;
  f.kind = w.kind;
  f.api_version = w.api_version;
  f.name = w.name;
  f.namespace_ = w.namespace_;
  f.resource = w.resource;
  f.container = ContainerId(c);
  f.image = c.image;
  f.where = c.where;
  return f;
}

void Suggest(const Container& c, Finding* f);

std::string Subject(const Workload& w, const Container& c) {
  return w.single_container ? w.display : w.display + " " + ContainerPhrase(c);
}

// Why a container is not judged at all, or "" when it is.
std::string NotApplicableReason(const Workload& w, const Container& c, const RuleOptions& options) {
  if (w.os == OsFamily::kWindows) {
    return "Windows workload, " + w.os_detail +
           ": the platform does not support a read-only root filesystem there";
  }
  if (w.stateful && !options.strict) {
    std::string_view db = DatabaseImage(c.image);
    if (!db.empty()) {
      std::string where = w.kind == "StatefulSet" ? " in a StatefulSet" : "";
      return "stateful database: " + std::string(db) + where +
             " legitimately writes to its root filesystem; --strict judges it";
    }
  }
  return "";
}

// Why `c` is exempt from `rule`, or "" when it is not. Exemptions that do not
// count (no reason, expired, unknown rule) are said in `notes`.
std::string Exempted(const RuleInfo& rule, const Container& c, const RuleOptions& options,
                     std::string* notes) {
  std::string today = options.today.empty() ? TodayUtc() : options.today;
  // rootlock's own exemptions first: they carry a reason; the peers' come after.
  std::vector<const Exemption*> order;
  for (const Exemption& e : c.exemptions) {
    if (e.peer.empty()) order.push_back(&e);
  }
  for (const Exemption& e : c.exemptions) {
    if (!e.peer.empty()) order.push_back(&e);
  }
  std::string found;
  for (const Exemption* ep : order) {
    const Exemption& e = *ep;
    const RuleInfo* named = e.rule == "*" ? &rule : FindRule(e.rule);
    std::string at = e.where.file + ":" + std::to_string(e.where.line);
    if (!named) {
      // Reported on the gating rule only, so each bad declaration is said once.
      if (rule.gates) {
        *notes +=
            "; the exemption at " + at + " is ignored: " +
            (e.problem.empty() ? "it names no rule called " + QuoteForMessage(e.rule) : e.problem);
      }
      continue;
    }
    if (named != &rule || !found.empty()) continue;
    if (!e.peer.empty() && !options.peer_exemptions) continue;
    if (!e.problem.empty()) {
      *notes += "; the exemption at " + at + " is ignored: " + e.problem;
      continue;
    }
    if (!e.until.empty() && e.until < today) {
      *notes += "; the exemption at " + at + " expired on " + e.until;
      continue;
    }
    std::string by = e.peer.empty() ? e.source : e.peer + "'s " + e.source;
    found = "exempted by " + by + " at " + at + (e.until.empty() ? "" : " until " + e.until) +
            ": " + (e.reason.empty() ? "no reason given" : e.reason);
  }
  return found;
}

Finding JudgeRootFs(const Workload& w, const Container& c, Finding f, const std::string& subject);

Finding CheckReadOnlyRootFs(const Workload& w, const Container& c, const RuleOptions& options) {
  Finding f = Base(kReadOnlyRootFsInfo, w, c, options);
  std::string subject = Subject(w, c);
  if (!w.skipped_reason.empty()) {
    f.status = Status::kSkipped;
    f.reason = w.skipped_reason;
    f.message = subject + " is not judged";
    return f;
  }
  std::string notes;
  if (std::string exempt = Exempted(kReadOnlyRootFsInfo, c, options, &notes); !exempt.empty()) {
    f.status = Status::kNotApplicable;
    f.reason = std::move(exempt);
    f.message = subject + " is not judged";
    return f;
  }
  if (std::string na = NotApplicableReason(w, c, options); !na.empty()) {
    f.status = Status::kNotApplicable;
    f.reason = std::move(na) + notes;
    f.message = subject + " is not judged";
    return f;
  }
  f = JudgeRootFs(w, c, std::move(f), subject);
  f.reason += notes;
  if (!notes.empty() && StartsWith(f.reason, "; ")) f.reason = f.reason.substr(2);
  return f;
}

// The verdict on the setting itself, once nothing exempts the container.
Finding JudgeRootFs(const Workload& w, const Container& c, Finding f, const std::string& subject) {
  if (c.root_fs == RootFs::kReadOnly) {
    f.status = Status::kPass;
    f.message = subject + " sets " + w.setting + ": true";
    return f;
  }
  f.status = Status::kFail;
  f.message = subject + " lacks " + w.setting + ": true";
  f.reason = c.root_fs_detail;
  if (c.role == ContainerRole::kSidecar)
    f.reason += "; a non-essential sidecar counts like any container";
  if (c.writes_known) Suggest(c, &f);
  return f;
}

bool Covers(std::string_view dir, std::string_view path) {
  while (dir.size() > 1 && dir.back() == '/') dir.remove_suffix(1);
  return path == dir || (StartsWith(path, dir) && path.size() > dir.size() &&
                         (path[dir.size()] == '/' || dir == "/"));
}

// Turns what a live container has written into a ready remedy.
void Suggest(const Container& c, Finding* f) {
  std::vector<std::string> uncoverable;
  f->writable_paths = SuggestWritableDirs(c, &uncoverable);
  std::string run = "docker run --read-only";
  std::string compose = "read_only: true\ntmpfs:";
  std::string written;
  for (const std::string& d : f->writable_paths) {
    run += " --tmpfs " + d;
    compose += "\n  - " + d;
    if (d != "/tmp") written += (written.empty() ? "" : ", ") + d;
  }
  f->suggestion = run + " [your other options] " + (c.image.empty() ? "IMAGE" : c.image);
  f->suggestion_compose = compose;
  if (!written.empty()) f->reason += "; it has written to " + written;
  if (!uncoverable.empty()) {
    f->reason += "; it also writes ";
    for (size_t i = 0; i < uncoverable.size(); ++i) f->reason += (i ? ", " : "") + uncoverable[i];
    f->reason += " directly under /, which no mount can cover";
  }
}

bool HasWritableTmp(const Container& c) {
  for (const Mount& m : c.mounts) {
    std::string_view p = m.path;
    while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
    if (p == "/tmp" && m.writable) return true;
  }
  return false;
}

Finding CheckTmpWritable(const Workload& w, const Container& c, const Finding& root_fs,
                         const RuleOptions& options) {
  Finding f = Base(kTmpWritableInfo, w, c, options);
  std::string subject = Subject(w, c);
  switch (root_fs.status) {
    case Status::kPass:
      break;
    case Status::kFail:
      f.status = Status::kNotApplicable;
      f.reason = "the root filesystem is writable, so /tmp is too";
      f.message = subject + " is not judged";
      return f;
    default:
      f.status = root_fs.status;
      f.reason = root_fs.reason;
      f.message = root_fs.message;
      return f;
  }
  if (HasWritableTmp(c)) {
    f.status = Status::kPass;
    f.message = subject + " has a writable volume at /tmp";
    return f;
  }
  f.status = Status::kFail;
  f.message = subject + " has a read-only root filesystem but nothing writable at /tmp";
  bool read_only_tmp = false;
  for (const Mount& m : c.mounts) {
    if (m.path == "/tmp" || m.path == "/tmp/") read_only_tmp = true;
  }
  f.reason =
      read_only_tmp ? "the volume mounted at /tmp is read-only" : "no volume is mounted at /tmp";
  return f;
}

}  // namespace

std::span<const RuleInfo* const> AllRules() { return kAllRules; }

const RuleInfo& Rule(RuleId id) { return *kAllRules[static_cast<size_t>(id)]; }

const RuleInfo* FindRule(std::string_view id_or_alias) {
  for (const RuleInfo* r : kAllRules) {
    if (EqualsIgnoreCase(r->id, id_or_alias)) return r;
    for (const char* a : r->aliases) {
      if (EqualsIgnoreCase(a, id_or_alias)) return r;
    }
    for (const ComplianceRef& ref : r->compliance) {
      if (EqualsIgnoreCase(ref.control, id_or_alias)) return r;
    }
  }
  return nullptr;
}

std::vector<std::string> SuggestWritableDirs(const Container& c,
                                             std::vector<std::string>* uncoverable) {
  // Paths the engine itself manages, and kernel file systems: never the application's.
  static constexpr std::string_view kEngineManaged[] = {
      "/etc/hostname", "/etc/hosts",  "/etc/resolv.conf",
      "/etc/mtab",     "/.dockerenv", "/run/.containerenv",
      "/run/secrets",  "/proc",       "/sys",
      "/dev"};
  std::vector<std::string> paths;
  for (const std::string& raw : c.written_paths) {
    std::string p = raw;
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    if (p.empty() || p[0] != '/') continue;
    paths.push_back(p);
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  // A changed path with changes below it is a folder the engine lists on the
  // way down; the leaves are what was written, and their folders need writing.
  std::vector<std::string> dirs = {"/tmp"};
  for (size_t i = 0; i < paths.size(); ++i) {
    // Leaves are found before engine-managed paths are dropped: /etc is only
    // listed because the engine wrote /etc/hostname, not the application.
    bool has_child = i + 1 < paths.size() && Covers(paths[i], paths[i + 1]);
    if (has_child) continue;
    bool managed = false;
    for (std::string_view m : kEngineManaged) managed |= Covers(m, paths[i]);
    if (managed) continue;
    size_t slash = paths[i].rfind('/');
    if (slash == 0) {
      uncoverable->push_back(paths[i]);
      continue;
    }
    dirs.push_back(paths[i].substr(0, slash));
  }
  std::sort(dirs.begin(), dirs.end());
  dirs.erase(std::unique(dirs.begin(), dirs.end()), dirs.end());
  std::vector<std::string> out;
  for (const std::string& d : dirs) {
    bool covered = false;
    for (const std::string& kept : out) covered |= Covers(kept, d);
    for (const Mount& m : c.mounts) covered |= m.writable && Covers(m.path, d);
    if (!covered) out.push_back(d);
  }
  return out;
}

std::string_view DatabaseImage(std::string_view image) {
  std::string name = ImageName(image);
  for (std::string_view db : kDatabaseImages) {
    if (name == db) return db;
  }
  return "";
}

void CheckWorkload(const Workload& w, const RuleOptions& options, std::vector<Finding>* out) {
  bool root_fs_on = !options.disabled.count(kReadOnlyRootFsInfo.id);
  bool tmp_on = !options.disabled.count(kTmpWritableInfo.id);
  for (const Container& c : w.containers) {
    Finding root_fs = CheckReadOnlyRootFs(w, c, options);
    if (tmp_on) {
      Finding tmp = CheckTmpWritable(w, c, root_fs, options);
      if (root_fs_on) out->push_back(std::move(root_fs));
      out->push_back(std::move(tmp));
    } else if (root_fs_on) {
      out->push_back(std::move(root_fs));
    }
  }
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

std::string TodayUtc() {
  time_t now = time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) {
    now = static_cast<time_t>(std::strtoll(epoch, nullptr, 10));
  }
  struct tm t;
  gmtime_r(&now, &t);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday);
  return buf;
}

}  // namespace rootlock
