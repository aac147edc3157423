#include "platforms/ecs/task.h"

#include <set>

#include "base/text.h"
#include "platforms/exemptions.h"

namespace rootlock::ecs {

namespace {

struct Names {
  FieldId id;
  const char* camel;
  const char* pascal;
  const char* snake;
};

constexpr Names kNames[] = {
    {FieldId::kName, "name", "Name", "name"},
    {FieldId::kImage, "image", "Image", "image"},
    {FieldId::kEssential, "essential", "Essential", "essential"},
    {FieldId::kReadonlyRootFilesystem, "readonlyRootFilesystem", "ReadonlyRootFilesystem",
     "read_only_root_filesystem"},
    {FieldId::kMountPoints, "mountPoints", "MountPoints", "mount_points"},
    {FieldId::kSourceVolume, "sourceVolume", "SourceVolume", "source_volume"},
    {FieldId::kContainerPath, "containerPath", "ContainerPath", "container_path"},
    {FieldId::kReadOnly, "readOnly", "ReadOnly", "read_only"},
    {FieldId::kLinuxParameters, "linuxParameters", "LinuxParameters", "linux_parameters"},
    {FieldId::kTmpfs, "tmpfs", "Tmpfs", "tmpfs"},
    {FieldId::kVolumes, "volumes", "Volumes", "volumes"},
    {FieldId::kRuntimePlatform, "runtimePlatform", "RuntimePlatform", "runtime_platform"},
    {FieldId::kOperatingSystemFamily, "operatingSystemFamily", "OperatingSystemFamily",
     "operating_system_family"},
    {FieldId::kFamily, "family", "Family", "family"},
    {FieldId::kContainerDefinitions, "containerDefinitions", "ContainerDefinitions",
     "container_definitions"},
    {FieldId::kPrivileged, "privileged", "Privileged", "privileged"},
    {FieldId::kUser, "user", "User", "user"},
    {FieldId::kPidMode, "pidMode", "PidMode", "pid_mode"},
    {FieldId::kEnvironment, "environment", "Environment", "environment"},
    {FieldId::kSecrets, "secrets", "Secrets", "secrets"},
    {FieldId::kEnvironmentFiles, "environmentFiles", "EnvironmentFiles", "environment_files"},
    {FieldId::kValue, "value", "Value", "value"},
    {FieldId::kValueFrom, "valueFrom", "ValueFrom", "value_from"},
    {FieldId::kLogConfiguration, "logConfiguration", "LogConfiguration", "log_configuration"},
    {FieldId::kLogDriver, "logDriver", "LogDriver", "log_driver"},
};

// A value that stood for something unresolvable inside embedded JSON (see terraform.cc).
constexpr std::string_view kUnresolvedMark = "\x01rootlock-unresolved:";

std::string Scalar(const Resolved& r) {
  return r.node && r.node->IsScalar() && !r.node->IsNull() ? std::string(r.node->value()) : "";
}

// The boolean a node denotes, if any: 1 true, 0 false, -1 neither.
int AsBoolean(const Reader& r, const Node* n) {
  switch (n->AsBool()) {
    case BoolValue::kTrue:
      return 1;
    case BoolValue::kFalse:
      return 0;
    default:
      break;
  }
  if (r.string_bools && n->IsScalar()) {
    if (EqualsIgnoreCase(n->value(), "true")) return 1;
    if (EqualsIgnoreCase(n->value(), "false")) return 0;
  }
  return -1;
}

void ReadFlag(const Reader& r, const Node* container, FieldId field, FlagSetting* s) {
  std::string_view key = FieldName(field, r.container_style);
  s->key = std::string(key);
  std::string_view written;
  const Node* raw = r.Lookup(container, key, r.container_style, &written);
  if (raw) s->key = std::string(written);  // as the file spells it
  if (!raw) {
    s->value = Flag::kUnset;
    s->detail = "not set";
    return;
  }
  s->where = r.At(raw);
  Resolved v = r.Follow(raw);
  if (!v.unresolved.empty()) {
    s->value = Flag::kUnresolved;
    s->detail = v.unresolved;
    return;
  }
  const Node* n = v.node;
  if (n->IsScalar() && StartsWith(n->value(), kUnresolvedMark)) {
    s->value = Flag::kUnresolved;
    s->detail =
        std::string(n->value().substr(kUnresolvedMark.size())) + " cannot be resolved statically";
    return;
  }
  if (n->IsNull()) {
    s->value = Flag::kUnset;
    s->detail = "set to null";
    return;
  }
  switch (AsBoolean(r, n)) {
    case 1:
      s->value = Flag::kTrue;
      return;
    case 0:
      s->value = Flag::kFalse;
      s->detail = "set to false";
      return;
    default:
      s->value = Flag::kInvalid;
      s->detail = n->IsScalar() ? (n->scalar_style == ScalarStyle::kPlain
                                       ? "set to " + QuoteForMessage(n->value())
                                       : "set to the string " + QuoteForMessage(n->value())) +
                                      ", not a boolean"
                                : "set to a collection, not a boolean";
  }
}

// A text field of a container definition (user).
void ReadText(const Reader& r, const Node* container, FieldId field, TextSetting* s) {
  std::string_view key = FieldName(field, r.container_style);
  s->key = std::string(key);
  std::string_view written;
  const Node* raw = r.Lookup(container, key, r.container_style, &written);
  if (!raw) {
    s->state = Given::kUnset;
    s->detail = "not set";
    return;
  }
  s->key = std::string(written);
  s->where = r.At(raw);
  Resolved v = r.Follow(raw);
  if (!v.unresolved.empty()) {
    s->state = Given::kUnresolved;
    s->detail = v.unresolved;
    return;
  }
  const Node* n = v.node;
  if (n->IsScalar() && StartsWith(n->value(), kUnresolvedMark)) {
    s->state = Given::kUnresolved;
    s->detail =
        std::string(n->value().substr(kUnresolvedMark.size())) + " cannot be resolved statically";
    return;
  }
  if (n->IsNull() || (n->IsScalar() && n->value().empty())) {
    s->state = Given::kUnset;
    s->detail = n->IsNull() ? "set to null" : "set to the empty string";
    return;
  }
  if (!n->IsScalar()) {
    s->state = Given::kInvalid;
    s->detail = "set to a collection, not a user";
    return;
  }
  // Terraform leaves an interpolation it cannot resolve inside a JSON string as written
  // ("${var.user}"): no user is named so, and what it stands for is unknown.
  if (n->value().find("${") != std::string_view::npos) {
    s->state = Given::kUnresolved;
    s->detail = "set to " + QuoteForMessage(n->value()) + ", a template that cannot be resolved";
    return;
  }
  s->state = Given::kSet;
  s->value = std::string(n->value());
}

// environmentFiles: S3 objects ECS reads when the task starts; no scan reads them, so the
// names they give are noted as not seen.
void ReadEnvironmentFiles(const Reader& r, const Node* container, Container* c) {
  std::string_view key = FieldName(FieldId::kEnvironmentFiles, r.container_style);
  std::string_view written = key;
  const Node* raw = r.Lookup(container, key, r.container_style, &written);
  if (!raw) return;
  Resolved files = r.Follow(raw);
  if (files.unresolved.empty() && (!files.node || files.node->IsNull())) return;
  if (files.node && files.node->IsSequence() && files.node->children().empty()) return;
  size_t n = files.unresolved.empty() && files.node && files.node->IsSequence()
                 ? files.node->children().size()
                 : 0;
  EnvImport import;
  import.key = std::string(written);
  import.where = r.At(raw);
  import.detail =
      std::string(written) + " names " +
      (n == 1  ? "an S3 object the scan cannot read, so the variables it gives"
       : n > 1 ? std::to_string(n) + " S3 objects the scan cannot read, so the variables they give"
               : "S3 objects the scan cannot read, so the variables they give") +
      " are not seen";
  c->env_imports.push_back(std::move(import));
}

// environment (name/value pairs) and secrets (name/valueFrom pairs): names and how each is
// given, never a value.
void ReadEnvironment(const Reader& r, const Node* container, Container* c) {
  ReadEnvironmentFiles(r, container, c);
  std::string_view env_key = FieldName(FieldId::kEnvironment, r.container_style);
  std::string_view written = env_key;
  const Node* raw = r.Lookup(container, env_key, r.container_style, &written);
  if (raw) {
    Resolved list = r.Follow(raw);
    const Node* n = list.node;
    if (!list.unresolved.empty() ||
        (n && n->IsScalar() && StartsWith(n->value(), kUnresolvedMark))) {
      c->env_known = false;
      c->env_where = r.At(raw);
      c->env_detail =
          std::string(written) + " " +
          (list.unresolved.empty() ? std::string(n->value().substr(kUnresolvedMark.size())) +
                                         " cannot be resolved statically"
                                   : list.unresolved);
    } else if (n && !n->IsNull() && !n->IsSequence()) {
      c->env_known = false;
      c->env_where = r.At(raw);
      c->env_detail = std::string(written) + " is not a list of name/value pairs";
    } else if (n && n->IsSequence()) {
      for (const Node* item : n->children()) {
        Resolved e = r.Follow(item);
        if (!e.node || !e.node->IsMapping()) continue;
        EnvVar var;
        var.key = std::string(written);
        var.where = r.At(item);
        var.name = Scalar(r.Get(e.node, FieldId::kName, r.container_style));
        std::string_view value_key = FieldName(FieldId::kValue, r.container_style);
        std::string_view value_written = value_key;
        const Node* vraw = r.Lookup(e.node, value_key, r.container_style, &value_written);
        if (vraw) var.where = r.At(vraw);
        Resolved v = vraw ? r.Follow(vraw) : Resolved{};
        if (!v.unresolved.empty()) {
          var.source = EnvSource::kVariable;
          var.detail = std::string(value_written) + " " + v.unresolved;
        } else if (!v.node || v.node->IsNull() || (v.node->IsScalar() && v.node->value().empty())) {
          var.source = EnvSource::kEmpty;
        } else if (v.node->IsScalar() && StartsWith(v.node->value(), kUnresolvedMark)) {
          var.source = EnvSource::kVariable;
          var.detail = std::string(value_written) + " is given by " +
                       std::string(v.node->value().substr(kUnresolvedMark.size()));
        } else if (v.node->IsScalar() && v.node->value().find("${") != std::string_view::npos) {
          var.source = EnvSource::kVariable;
          var.detail = std::string(value_written) + " is a template resolved when it is deployed";
        } else {
          var.source = EnvSource::kLiteral;
        }
        c->env.push_back(std::move(var));
      }
    }
  }
  std::string_view secrets_key = FieldName(FieldId::kSecrets, r.container_style);
  written = secrets_key;
  const Node* secrets_raw = r.Lookup(container, secrets_key, r.container_style, &written);
  const Node* secrets = secrets_raw ? r.Follow(secrets_raw).node : nullptr;
  if (!secrets || !secrets->IsSequence()) return;
  for (const Node* item : secrets->children()) {
    Resolved e = r.Follow(item);
    if (!e.node || !e.node->IsMapping()) continue;
    EnvVar var;
    var.key = std::string(written);
    var.where = r.At(item);
    var.name = Scalar(r.Get(e.node, FieldId::kName, r.container_style));
    var.source = EnvSource::kReference;
    c->env.push_back(std::move(var));
  }
}

// logConfiguration.logDriver: missing means the container's output goes nowhere (ECS.9).
void ReadLogDriver(const Reader& r, const Node* container, TextSetting* s) {
  std::string_view conf_key = FieldName(FieldId::kLogConfiguration, r.container_style);
  std::string_view driver_key = FieldName(FieldId::kLogDriver, r.container_style);
  std::string_view written = conf_key;
  const Node* raw = r.Lookup(container, conf_key, r.container_style, &written);
  s->key = std::string(conf_key) + "." + std::string(driver_key);
  if (!raw) {
    s->state = Given::kUnset;
    s->detail = std::string(conf_key) + " is not set";
    return;
  }
  s->where = r.At(raw);
  Resolved conf = r.Follow(raw);
  if (!conf.unresolved.empty()) {
    s->state = Given::kUnresolved;
    s->detail = std::string(written) + " " + conf.unresolved;
    return;
  }
  if (!conf.node || conf.node->IsNull()) {
    s->state = Given::kUnset;
    s->detail = std::string(written) + " is null";
    return;
  }
  if (conf.node->IsScalar() && StartsWith(conf.node->value(), kUnresolvedMark)) {
    s->state = Given::kUnresolved;
    s->detail = std::string(written) + " is given by " +
                std::string(conf.node->value().substr(kUnresolvedMark.size())) +
                ", which cannot be resolved statically";
    return;
  }
  if (!conf.node->IsMapping()) {
    s->state = Given::kInvalid;
    s->detail = std::string(written) + " is not a mapping";
    return;
  }
  TextSetting inner;
  ReadText(r, conf.node, FieldId::kLogDriver, &inner);
  s->key = std::string(written) + "." + inner.key;
  s->state = inner.state;
  s->value = std::move(inner.value);
  if (inner.where.line != 0) s->where = inner.where;
  s->detail =
      inner.detail == "not set" ? std::string(written) + " has no " + inner.key : inner.detail;
}

// The task's pidMode: "host" shares the host's PID namespace, "task" does not.
void ReadPidMode(const Reader& r, const TaskFacts& facts, FlagSetting* s) {
  s->key = facts.pid_mode_key.empty() ? std::string(FieldName(FieldId::kPidMode, r.task_style))
                                      : facts.pid_mode_key;
  if (!facts.pid_mode.unresolved.empty()) {
    s->value = Flag::kUnresolved;
    s->detail = facts.pid_mode.unresolved;
    s->where = facts.pid_mode_where;
    return;
  }
  const Node* n = facts.pid_mode.node;
  if (!n) {
    s->value = Flag::kUnset;
    s->detail = "not set";
    return;
  }
  s->where = facts.pid_mode_where;
  if (n->IsNull()) {
    s->value = Flag::kUnset;
    s->detail = "set to null";
  } else if (!n->IsScalar()) {
    s->value = Flag::kInvalid;
    s->detail = "set to a collection, not a PID mode";
  } else if (n->value() == "host") {
    s->value = Flag::kTrue;
  } else if (n->value() == "task") {
    s->value = Flag::kFalse;
    s->detail = "set to task";
  } else {
    s->value = Flag::kInvalid;
    s->detail = "set to " + QuoteForMessage(n->value()) + ", neither host nor task";
  }
}

// Sequence items, or the mapping itself when a source gives one where a list is usual.
std::vector<const Node*> Items(const Node* n) {
  if (!n) return {};
  if (n->IsSequence()) return {n->children().begin(), n->children().end()};
  if (n->IsMapping()) return {n};
  return {};
}

}  // namespace

std::string_view FieldName(FieldId f, KeyStyle style) {
  for (const Names& n : kNames) {
    if (n.id == f) {
      return style == KeyStyle::kCamel ? n.camel : style == KeyStyle::kPascal ? n.pascal : n.snake;
    }
  }
  return "";
}

const Node* Reader::Lookup(const Node* map, std::string_view key, KeyStyle style,
                           std::string_view* written) const {
  if (!map || !map->IsMapping()) return nullptr;
  const Node* key_node = nullptr;
  const Node* v = map->Get(key, &key_node);
  if (!v && fold_container_keys && style == container_style) {
    for (size_t i = 0; i < map->MappingSize(); ++i) {
      if (EqualsIgnoreCase(map->KeyAt(i)->Scalar(), key)) {
        key_node = map->KeyAt(i);
        v = map->ValueAt(i);
        break;
      }
    }
  }
  if (v && written) *written = key_node ? key_node->Scalar() : key;
  return v;
}

Resolved Reader::Get(const Node* map, FieldId f, KeyStyle style) const {
  const Node* v = Lookup(map, FieldName(f, style), style);
  if (!v) return {};
  return Follow(v);
}

const Node* MakeScalar(NodeTree* tree, std::string_view value, ScalarStyle style, const Node* at) {
  Node* n = tree->NewNode();
  n->type = NodeType::kScalar;
  n->scalar_style = style;
  tree->SetValue(n, value);
  if (at) n->start = at->start, n->end = at->end;
  return n;
}

void NameTask(Workload* w, std::string family, int64_t revision, std::string source_id) {
  w->family = family;
  w->revision = revision;
  std::string shown = family;
  if (!shown.empty() && revision > 0) shown += ":" + std::to_string(revision);
  w->name = family.empty() ? source_id : shown;  // "family:12", as ECS names a revision
  w->resource = source_id.empty() ? shown : source_id;
  if (shown.empty()) {
    w->display =
        source_id.empty() ? "Task definition (unnamed)" : "Task definition '" + source_id + "'";
  } else {
    w->display = "Task definition '" + shown + "'";
    if (!source_id.empty() && source_id != shown) w->display += " (" + source_id + ")";
  }
}

void ReadTask(const Reader& r, const TaskFacts& facts, Workload* w) {
  w->platform = Platform::kEcs;
  w->kind = "TaskDefinition";
  w->container_keys = r.container_style;
  w->task_keys = r.task_style;

  // Windows: ECS does not support a read-only root filesystem there.
  for (const Node* rp : Items(facts.runtime_platform)) {
    std::string os = Scalar(r.Get(rp, FieldId::kOperatingSystemFamily, r.task_style));
    if (StartsWith(ToLower(os), "windows_server")) {
      w->os = OsFamily::kWindows;
      w->os_detail =
          std::string(FieldName(FieldId::kOperatingSystemFamily, r.task_style)) + " is " + os;
    }
  }

  ReadPidMode(r, facts, &w->host_pid);

  std::set<std::string, std::less<>> volumes;
  for (const Node* v : Items(facts.volumes)) {
    Resolved vr = r.Follow(v);
    std::string name = Scalar(r.Get(vr.node, FieldId::kName, r.task_style));
    if (!name.empty()) volumes.insert(name);
  }

  auto unresolved_container = [&](uint32_t index, const Node* at, std::string why) {
    Container c;
    c.index = index;
    c.where = at ? r.At(at) : w->where;
    c.read_only_root.value = Flag::kUnresolved;
    c.read_only_root.key =
        std::string(FieldName(FieldId::kReadonlyRootFilesystem, r.container_style));
    c.read_only_root.detail = why;
    c.privileged = c.read_only_root;
    c.privileged.key = std::string(FieldName(FieldId::kPrivileged, r.container_style));
    c.user.state = Given::kUnresolved;
    c.user.key = std::string(FieldName(FieldId::kUser, r.container_style));
    c.user.detail = why;
    c.env_known = false;
    c.env_detail = why;
    c.env_where = c.where;
    c.log_driver.state = Given::kUnresolved;
    c.log_driver.key = std::string(FieldName(FieldId::kLogConfiguration, r.container_style));
    c.log_driver.detail = std::move(why);
    w->containers.push_back(std::move(c));
  };

  std::string_view defs_name = FieldName(FieldId::kContainerDefinitions, r.task_style);
  if (!facts.containers_unresolved.empty()) {
    unresolved_container(0, facts.containers,
                         std::string(defs_name) + " " + facts.containers_unresolved +
                             ", so its containers cannot be judged");
    return;
  }
  if (!facts.containers) return;
  if (!facts.containers->IsSequence()) {
    if (facts.containers->IsNull()) return;
    unresolved_container(0, facts.containers,
                         std::string(defs_name) + " is not a list of container definitions");
    return;
  }
  uint32_t index = 0;
  for (const Node* item : facts.containers->children()) {
    uint32_t this_index = index++;
    Resolved def = r.Follow(item);
    if (!def.unresolved.empty()) {
      unresolved_container(this_index, item, "the container definition " + def.unresolved);
      continue;
    }
    if (!def.node->IsMapping()) continue;
    const Node* d = def.node;
    Container c;
    c.index = this_index;
    c.where = r.At(item);
    c.name = Scalar(r.Get(d, FieldId::kName, r.container_style));
    c.image = Scalar(r.Get(d, FieldId::kImage, r.container_style));
    if (Resolved e = r.Get(d, FieldId::kEssential, r.container_style); e.node) {
      if (AsBoolean(r, e.node) == 0) c.role = ContainerRole::kSidecar;
    }
    ReadFlag(r, d, FieldId::kReadonlyRootFilesystem, &c.read_only_root);
    ReadFlag(r, d, FieldId::kPrivileged, &c.privileged);
    ReadText(r, d, FieldId::kUser, &c.user);
    ReadEnvironment(r, d, &c);
    ReadLogDriver(r, d, &c.log_driver);
    for (const Node* mp : Items(r.Get(d, FieldId::kMountPoints, r.container_style).node)) {
      Resolved m = r.Follow(mp);
      if (!m.node || !m.node->IsMapping()) continue;
      Mount mount;
      mount.path = Scalar(r.Get(m.node, FieldId::kContainerPath, r.container_style));
      mount.source = Scalar(r.Get(m.node, FieldId::kSourceVolume, r.container_style));
      mount.type = "volume";
      mount.where = r.At(mp);
      mount.writable = volumes.count(mount.source) > 0;
      if (!mount.writable) mount.type = "undeclared volume";
      if (Resolved ro = r.Get(m.node, FieldId::kReadOnly, r.container_style); ro.node) {
        if (AsBoolean(r, ro.node) == 1) mount.writable = false;
      }
      c.mounts.push_back(std::move(mount));
    }
    Resolved lp = r.Get(d, FieldId::kLinuxParameters, r.container_style);
    for (const Node* t : Items(r.Get(lp.node, FieldId::kTmpfs, r.container_style).node)) {
      Resolved tn = r.Follow(t);
      Mount mount;
      mount.path = Scalar(r.Get(tn.node, FieldId::kContainerPath, r.container_style));
      mount.type = "tmpfs";
      mount.where = r.At(t);
      c.mounts.push_back(std::move(mount));
    }
    w->containers.push_back(std::move(c));
  }
  // Exemptions: what the source declared, and comments on the task's or a container's line.
  std::vector<Exemption> all = facts.exemptions;
  CommentExemptions(*r.ctx, w->where.line, &all);
  AttachExemptions(all, facts.per_container, w);
  for (Container& c : w->containers) {
    if (c.where.file == r.ctx->file) CommentExemptions(*r.ctx, c.where.line, &c.exemptions);
  }
}

}  // namespace rootlock::ecs
