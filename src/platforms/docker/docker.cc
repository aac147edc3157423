#include "platforms/docker/docker.h"

#include "base/text.h"
#include "platforms/exemptions.h"

namespace rootlock {

namespace {

std::string ScalarOf(const Node* n) {
  return n && n->IsScalar() && !n->IsNull() ? std::string(n->value()) : "";
}

bool HasMount(const Container& c, std::string_view path) {
  for (const Mount& m : c.mounts) {
    if (m.path == path) return true;
  }
  return false;
}

// HostConfig.Privileged: --privileged.
void ReadPrivileged(const DocumentContext& ctx, const Node* host, Container* c) {
  c->privileged.key = "HostConfig.Privileged";
  const Node* p = host && host->IsMapping() ? host->Get("Privileged") : nullptr;
  if (!p || p->IsNull()) {
    c->privileged.value = Flag::kUnset;
    c->privileged.detail = "not set: the container was created without --privileged";
    return;
  }
  c->privileged.where = Where(ctx, p);
  switch (p->AsBool()) {
    case BoolValue::kTrue:
      c->privileged.value = Flag::kTrue;
      c->privileged.detail = "is true (created with --privileged)";
      break;
    case BoolValue::kFalse:
      c->privileged.value = Flag::kFalse;
      c->privileged.detail = "false";
      break;
    default:
      c->privileged.value = Flag::kInvalid;
      c->privileged.detail = "not a boolean";
  }
}

// Config.User: --user, or the image's USER; "" runs as root.
void ReadUser(const DocumentContext& ctx, const Node* d, Container* c) {
  c->user.key = "Config.User";
  const Node* u = d->Path({"Config", "User"});
  if (u) c->user.where = Where(ctx, u);
  if (!u || u->IsNull() || (u->IsScalar() && u->value().empty())) {
    c->user.state = Given::kUnset;
    c->user.detail =
        "is empty: neither --user nor the image's USER names a user, so it runs as root";
    return;
  }
  if (!u->IsScalar()) {
    c->user.state = Given::kInvalid;
    c->user.detail = "not a string";
    return;
  }
  c->user.state = Given::kSet;
  c->user.value = std::string(u->value());
}

// HostConfig.PidMode: "host" is --pid=host; "" the container's own namespace.
void ReadPidMode(const DocumentContext& ctx, const Node* host, Workload* w) {
  w->host_pid.key = "HostConfig.PidMode";
  const Node* p = host && host->IsMapping() ? host->Get("PidMode") : nullptr;
  if (!p || p->IsNull() || (p->IsScalar() && p->value().empty())) {
    w->host_pid.value = Flag::kUnset;
    w->host_pid.detail = "empty: the container has its own PID namespace";
    if (p) w->host_pid.where = Where(ctx, p);
    return;
  }
  w->host_pid.where = Where(ctx, p);
  if (!p->IsScalar()) {
    w->host_pid.value = Flag::kInvalid;
    w->host_pid.detail = "not a string";
  } else if (p->value() == "host") {
    w->host_pid.value = Flag::kTrue;
    w->host_pid.detail = "is host (created with --pid=host)";
  } else {
    w->host_pid.value = Flag::kFalse;
    w->host_pid.detail = "set to " + QuoteForMessage(p->value());
  }
}

// Config.Env: "NAME=VALUE" strings, as --env and the image's ENV set them. The value is
// never kept.
void ReadEnv(const DocumentContext& ctx, const Node* d, Container* c) {
  const Node* env = d->Path({"Config", "Env"});
  if (!env || env->IsNull()) return;
  if (!env->IsSequence()) {
    c->env_known = false;
    c->env_where = Where(ctx, env);
    c->env_detail = "Config.Env is not a list";
    return;
  }
  for (const Node* item : env->children()) {
    if (!item->IsScalar()) continue;
    std::string_view kv = item->value();
    size_t eq = kv.find('=');
    EnvVar var;
    var.key = "Config.Env";
    var.where = Where(ctx, item);
    var.name = std::string(kv.substr(0, eq));
    var.source = eq == std::string_view::npos || eq + 1 == kv.size() ? EnvSource::kEmpty
                                                                     : EnvSource::kLiteral;
    c->env.push_back(std::move(var));
  }
}

// HostConfig.LogConfig.Type: --log-driver; "none" keeps no log.
void ReadLogDriver(const DocumentContext& ctx, const Node* host, Container* c) {
  c->log_driver.key = "HostConfig.LogConfig.Type";
  const Node* conf = host && host->IsMapping() ? host->Get("LogConfig") : nullptr;
  const Node* t = conf && conf->IsMapping() ? conf->Get("Type") : nullptr;
  if (!t || t->IsNull() || (t->IsScalar() && t->value().empty())) {
    c->log_driver.state = Given::kUnset;
    c->log_driver.detail = "is empty: the daemon's default log driver applies";
    if (t) c->log_driver.where = Where(ctx, t);
    return;
  }
  c->log_driver.where = Where(ctx, t);
  if (!t->IsScalar()) {
    c->log_driver.state = Given::kInvalid;
    c->log_driver.detail = "not a string";
    return;
  }
  c->log_driver.state = Given::kSet;
  c->log_driver.value = std::string(t->value());
}

}  // namespace

bool IsInspectedContainer(const Node* n) {
  return n->IsMapping() && n->Get("HostConfig") && (n->Get("Id") || n->Get("Config"));
}

Workload DockerWorkload(const DocumentContext& ctx, const Node* d) {
  Workload w;
  w.platform = Platform::kDocker;
  w.kind = "Container";
  w.single_container = true;
  w.where = Where(ctx, d);
  std::string name = ScalarOf(d->Get("Name"));
  std::string id = ScalarOf(d->Get("Id"));
  std::string bare = StartsWith(name, "/") ? name.substr(1) : name;
  w.name = bare.empty() ? id.substr(0, 12) : bare;
  w.resource = name.empty() ? id.substr(0, 12) : name;
  w.display = "Container '" + (name.empty() ? id.substr(0, 12) : name) + "'";

  const Node* host = d->Get("HostConfig");
  std::string platform = ToLower(ScalarOf(d->Get("Platform")));
  if (platform == "windows") {
    w.os = OsFamily::kWindows;
    w.os_detail = "Platform is windows";
  }

  Container c;
  c.name = w.name;
  c.read_only_root.key = "HostConfig.ReadonlyRootfs";
  c.where = w.where;
  c.image = ScalarOf(d->Path({"Config", "Image"}));
  if (c.image.empty()) c.image = ScalarOf(d->Get("Image"));
  const Node* ro = host && host->IsMapping() ? host->Get("ReadonlyRootfs") : nullptr;
  if (!ro || ro->IsNull()) {
    c.read_only_root.value = Flag::kUnset;
    c.read_only_root.detail = "not set: the container was created without --read-only";
  } else {
    c.read_only_root.where = Where(ctx, ro);
    switch (ro->AsBool()) {
      case BoolValue::kTrue:
        c.read_only_root.value = Flag::kTrue;
        break;
      case BoolValue::kFalse:
        c.read_only_root.value = Flag::kFalse;
        c.read_only_root.detail = "false: the container was created without --read-only";
        break;
      default:
        c.read_only_root.value = Flag::kInvalid;
        c.read_only_root.detail = "not a boolean";
    }
  }
  ReadPrivileged(ctx, host, &c);
  ReadUser(ctx, d, &c);
  ReadEnv(ctx, d, &c);
  ReadLogDriver(ctx, host, &c);
  ReadPidMode(ctx, host, &w);
  // Writable paths: the engine's resolved Mounts first, then what HostConfig asked for.
  if (const Node* mounts = d->Get("Mounts"); mounts && mounts->IsSequence()) {
    for (const Node* m : mounts->children()) {
      if (!m->IsMapping()) continue;
      Mount mount;
      mount.path = ScalarOf(m->Get("Destination"));
      mount.source = ScalarOf(m->Get("Name"));
      if (mount.source.empty()) mount.source = ScalarOf(m->Get("Source"));
      mount.type = ScalarOf(m->Get("Type"));
      const Node* rw = m->Get("RW");
      mount.writable = !rw || rw->AsBool() != BoolValue::kFalse;
      mount.where = Where(ctx, m);
      c.mounts.push_back(std::move(mount));
    }
  }
  if (host && host->IsMapping()) {
    if (const Node* tmpfs = host->Get("Tmpfs"); tmpfs && tmpfs->IsMapping()) {
      for (size_t i = 0; i < tmpfs->MappingSize(); ++i) {
        std::string path(tmpfs->KeyAt(i)->Scalar());
        if (HasMount(c, path)) continue;
        std::string opts = "," + ScalarOf(tmpfs->ValueAt(i)) + ",";
        Mount mount{path, "", "tmpfs", opts.find(",ro,") == std::string::npos,
                    Where(ctx, tmpfs->KeyAt(i))};
        c.mounts.push_back(std::move(mount));
      }
    }
    if (const Node* binds = host->Get("Binds"); binds && binds->IsSequence()) {
      for (const Node* b : binds->children()) {
        // "source:target[:options]"
        std::string spec = ScalarOf(b);
        size_t first = spec.find(':');
        if (first == std::string::npos) continue;
        size_t second = spec.find(':', first + 1);
        std::string target = spec.substr(
            first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
        std::string opts = second == std::string::npos ? "" : "," + spec.substr(second + 1) + ",";
        if (HasMount(c, target)) continue;
        c.mounts.push_back(Mount{target, spec.substr(0, first), "bind",
                                 opts.find(",ro,") == std::string::npos, Where(ctx, b)});
      }
    }
    if (const Node* hm = host->Get("Mounts"); hm && hm->IsSequence()) {
      for (const Node* m : hm->children()) {
        std::string target = ScalarOf(m->Get("Target"));
        if (target.empty() || HasMount(c, target)) continue;
        const Node* r = m->Get("ReadOnly");
        c.mounts.push_back(Mount{target, ScalarOf(m->Get("Source")), ScalarOf(m->Get("Type")),
                                 !r || r->AsBool() != BoolValue::kTrue, Where(ctx, m)});
      }
    }
  }
  w.containers.push_back(std::move(c));
  std::vector<Exemption> all;
  std::vector<std::pair<std::string, Exemption>> per_container;
  ExemptionsFromKeyValues(ctx, KeyValuesOf(d->Path({"Config", "Labels"})), "label", &all,
                          &per_container);
  AttachExemptions(all, per_container, &w);
  return w;
}

bool ExtractDockerInspect(const DocumentContext& ctx, std::vector<Workload>* out) {
  const Node* root = ctx.doc.root;
  if (IsInspectedContainer(root)) {
    out->push_back(DockerWorkload(ctx, root));
    return true;
  }
  if (!root->IsSequence() || root->children().empty()) return false;
  for (const Node* item : root->children()) {
    if (!IsInspectedContainer(item)) return false;
  }
  for (const Node* item : root->children()) out->push_back(DockerWorkload(ctx, item));
  return true;
}

}  // namespace rootlock
