#include "platforms/k8s/k8s.h"

#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "base/text.h"
#include "platforms/exemptions.h"

namespace rootlock {

namespace {

constexpr uint32_t kMaxListDepth = 16;

struct VolumeInfo {
  std::string type;
  bool writable;
};

// Volume sources Kubernetes always mounts read-only.
bool AlwaysReadOnly(std::string_view type) {
  return type == "configMap" || type == "secret" || type == "downwardAPI" || type == "projected" ||
         type == "image" || type == "gitRepo";
}

std::unordered_map<std::string_view, VolumeInfo> PodVolumes(const Node* pod_spec) {
  std::unordered_map<std::string_view, VolumeInfo> volumes;
  const Node* list = pod_spec->Get("volumes");
  if (!list || !list->IsSequence()) return volumes;
  for (const Node* v : list->children()) {
    if (!v->IsMapping()) continue;
    std::string_view name = v->Get("name") ? v->Get("name")->Scalar() : std::string_view();
    VolumeInfo info{"volume", true};
    for (size_t i = 0; i < v->MappingSize(); ++i) {
      std::string_view key = v->KeyAt(i)->Scalar();
      if (key == "name") continue;
      info.type = std::string(key);
      info.writable = !AlwaysReadOnly(key);
      if (key == "emptyDir") {
        const Node* medium = v->ValueAt(i)->Get("medium");
        if (medium && medium->Scalar() == "Memory") info.type = "emptyDir (Memory)";
      }
      if (key == "persistentVolumeClaim") {
        const Node* ro = v->ValueAt(i)->Get("readOnly");
        if (ro && ro->AsBool() == BoolValue::kTrue) info.writable = false;
      }
      break;
    }
    volumes[name] = info;
  }
  return volumes;
}

// What a written yes/no node states.
void ReadBoolNode(const DocumentContext& ctx, const Node* v, FlagSetting* s) {
  s->where = Where(ctx, v);
  switch (v->AsBool()) {
    case BoolValue::kTrue:
      s->value = Flag::kTrue;
      s->detail = "set to " + QuoteForMessage(v->value());
      if (v->value() == "true") s->detail.clear();
      break;
    case BoolValue::kFalse:
      s->value = Flag::kFalse;
      s->detail = "set to false";
      break;
    case BoolValue::kNull:
      s->value = Flag::kUnset;
      s->detail = "set to null";
      break;
    case BoolValue::kNotBool:
      s->value = Flag::kInvalid;
      if (v->IsScalar()) {
        s->detail = (v->scalar_style == ScalarStyle::kPlain ? "set to " : "set to the string ") +
                    QuoteForMessage(v->value()) + ", not a boolean";
      } else {
        s->detail = "set to a collection, not a boolean";
      }
      break;
  }
}

// A yes/no field of a container's securityContext.
void ReadSecurityFlag(const DocumentContext& ctx, const Node* container, std::string_view key,
                      FlagSetting* s) {
  s->key = std::string(key);
  const Node* sc = container->Get("securityContext");
  if (!sc || sc->IsNull()) {
    s->value = Flag::kUnset;
    s->detail = "no securityContext";
    return;
  }
  if (!sc->IsMapping()) {
    s->value = Flag::kInvalid;
    s->detail = "securityContext is not a mapping";
    s->where = Where(ctx, sc);
    return;
  }
  const Node* v = sc->Get(key);
  if (!v) {
    s->value = Flag::kUnset;
    s->detail = "securityContext does not set it";
    return;
  }
  ReadBoolNode(ctx, v, s);
  if (s->value == Flag::kTrue && key == "readOnlyRootFilesystem") s->detail.clear();
}

// The node a field of the container's securityContext gives, else the pod's, with
// which of them gave it; nullptr when neither does.
const Node* Effective(const Node* container, const Node* pod_spec, std::string_view key,
                      bool* from_pod) {
  *from_pod = false;
  if (const Node* sc = container->Get("securityContext"); sc && sc->IsMapping()) {
    if (const Node* v = sc->Get(key)) return v;
  }
  if (const Node* sc = pod_spec->Get("securityContext"); sc && sc->IsMapping()) {
    if (const Node* v = sc->Get(key)) {
      *from_pod = true;
      return v;
    }
  }
  return nullptr;
}

// runAsNonRoot and runAsUser as they take effect: the container's, else the pod's.
void ReadRunAs(const DocumentContext& ctx, const Node* container, const Node* pod_spec,
               Container* c) {
  bool from_pod = false;
  c->run_as_non_root.key = "runAsNonRoot";
  if (const Node* v = Effective(container, pod_spec, "runAsNonRoot", &from_pod)) {
    ReadBoolNode(ctx, v, &c->run_as_non_root);
    if (from_pod) c->run_as_non_root.key = "spec.securityContext.runAsNonRoot";
  } else {
    c->run_as_non_root.value = Flag::kUnset;
    c->run_as_non_root.detail = "neither the container's nor the pod's securityContext sets it";
  }
  c->user.key = "runAsUser";
  const Node* v = Effective(container, pod_spec, "runAsUser", &from_pod);
  if (!v) {
    c->user.state = Given::kUnset;
    c->user.detail = "neither the container's nor the pod's securityContext sets runAsUser";
    return;
  }
  if (from_pod) c->user.key = "spec.securityContext.runAsUser";
  c->user.where = Where(ctx, v);
  if (v->IsNull()) {
    c->user.state = Given::kUnset;
    c->user.detail = "set to null";
    return;
  }
  bool number = v->IsScalar() && v->scalar_style == ScalarStyle::kPlain && !v->value().empty() &&
                v->value().size() <= 19;
  for (char ch : v->IsScalar() ? v->value() : std::string_view()) number &= ch >= '0' && ch <= '9';
  if (!number) {
    c->user.state = Given::kInvalid;
    c->user.detail = !v->IsScalar() ? "set to a collection, not a user id"
                     : v->scalar_style == ScalarStyle::kPlain
                         ? "set to " + QuoteForMessage(v->value()) + ", not a user id"
                         : "set to the string " + QuoteForMessage(v->value()) + ", not a number";
    return;
  }
  c->user.state = Given::kSet;
  c->user.value = std::string(v->value());
}

// env: names and how each is given (value or valueFrom), never a value.
void ReadEnv(const DocumentContext& ctx, const Node* container, Container* c) {
  const Node* env = container->Get("env");
  if (!env || env->IsNull()) return;
  if (!env->IsSequence()) {
    c->env_known = false;
    c->env_where = Where(ctx, env);
    c->env_detail = "env is not a list";
    return;
  }
  for (const Node* item : env->children()) {
    if (!item->IsMapping()) continue;
    EnvVar var;
    var.key = "env";
    var.where = Where(ctx, item);
    if (const Node* n = item->Get("name")) var.name = std::string(n->Scalar());
    const Node* value = item->Get("value");
    if (const Node* from = item->Get("valueFrom"); from && !from->IsNull()) {
      var.source = EnvSource::kReference;
      var.key = "env[].valueFrom";
      // A ConfigMap is no secret store: it is kept, and shown, in plaintext.
      if (const Node* ref = from->IsMapping() ? from->Get("configMapKeyRef") : nullptr;
          ref && ref->IsMapping()) {
        const Node* name = ref->Get("name");
        const Node* key = ref->Get("key");
        var.source = EnvSource::kLiteral;
        var.key = "env[].valueFrom.configMapKeyRef";
        var.detail = "ConfigMap " + QuoteForMessage(name ? name->Scalar() : "") +
                     (key ? " (key " + QuoteForMessage(key->Scalar()) + ")" : std::string()) +
                     ", which is stored and shown in plaintext";
        var.where = Where(ctx, ref);
      }
    } else if (!value || value->IsNull() || (value->IsScalar() && value->value().empty())) {
      var.source = EnvSource::kEmpty;
    } else {
      var.source = EnvSource::kLiteral;
      var.key = "env[].value";
      var.where = Where(ctx, value);
    }
    c->env.push_back(std::move(var));
  }
}

// envFrom: a secretRef's keys come from a Secret, which is where credentials belong (and
// their names are not seen); a configMapRef's are plaintext, and the pass across sources
// reads them when the ConfigMap is among the sources (ResolveKubernetesAcrossSources).
void ReadEnvFrom(const DocumentContext& ctx, const Node* container, Container* c) {
  const Node* from = container->Get("envFrom");
  if (!from || from->IsNull()) return;
  if (!from->IsSequence()) {
    c->env_known = false;
    c->env_where = Where(ctx, from);
    c->env_detail = "envFrom is not a list";
    return;
  }
  for (const Node* item : from->children()) {
    if (!item->IsMapping()) continue;
    const Node* ref = item->Get("configMapRef");
    if (!ref || !ref->IsMapping()) continue;
    EnvImport import;
    import.key = "envFrom[].configMapRef";
    import.where = Where(ctx, ref);
    if (const Node* p = item->Get("prefix"); p && p->IsScalar() && !p->IsNull()) {
      import.prefix = std::string(p->value());
    }
    const Node* name = ref->Get("name");
    if (name && name->IsScalar() && !name->IsNull() && !name->value().empty()) {
      import.config_map = std::string(name->value());
      import.detail = "envFrom configMapRef names ConfigMap '" + import.config_map +
                      "', which is not among the scanned sources, so the variables it gives "
                      "are not seen";
    } else {
      import.detail =
          "envFrom configMapRef names no ConfigMap, so the variables it gives are "
          "not seen";
    }
    c->env_imports.push_back(std::move(import));
  }
}

// A ConfigMap: its data keys, as envFrom gives them to a container (binaryData is not).
void ReadConfigMap(const DocumentContext& ctx, const Node* obj, Workload* w) {
  w->provides_env = true;
  const Node* data = obj->Get("data");
  if (!data || !data->IsMapping()) return;
  std::string where = "ConfigMap '" + w->name + "'";
  for (size_t i = 0; i < data->MappingSize(); ++i) {
    const Node* key = data->KeyAt(i);
    const Node* value = data->ValueAt(i);
    if (!key->IsScalar()) continue;
    EnvVar var;
    var.name = std::string(key->value());
    var.key = "envFrom[].configMapRef";
    var.where = Where(ctx, key);
    bool empty = value->IsNull() || (value->IsScalar() && value->value().empty());
    var.source = empty ? EnvSource::kEmpty : EnvSource::kLiteral;
    var.detail = where;
    w->env_keys.push_back(std::move(var));
  }
}

void ReadContainers(const DocumentContext& ctx, const Node* pod_spec, std::string_view key,
                    ContainerRole role,
                    const std::unordered_map<std::string_view, VolumeInfo>& volumes, Workload* w) {
  const Node* list = pod_spec->Get(key);
  if (!list || !list->IsSequence()) return;
  uint32_t index = 0;
  for (const Node* item : list->children()) {
    uint32_t this_index = index++;
    if (!item->IsMapping()) continue;
    Container c;
    c.index = this_index;
    c.role = role;
    c.where = Where(ctx, item);
    if (const Node* n = item->Get("name")) c.name = std::string(n->Scalar());
    if (const Node* n = item->Get("image")) c.image = std::string(n->Scalar());
    ReadSecurityFlag(ctx, item, "readOnlyRootFilesystem", &c.read_only_root);
    ReadSecurityFlag(ctx, item, "privileged", &c.privileged);
    ReadRunAs(ctx, item, pod_spec, &c);
    ReadEnv(ctx, item, &c);
    ReadEnvFrom(ctx, item, &c);
    if (const Node* mounts = item->Get("volumeMounts"); mounts && mounts->IsSequence()) {
      for (const Node* m : mounts->children()) {
        if (!m->IsMapping()) continue;
        Mount mount;
        if (const Node* p = m->Get("mountPath")) mount.path = std::string(p->Scalar());
        if (const Node* n = m->Get("name")) mount.source = std::string(n->Scalar());
        mount.where = Where(ctx, m);
        auto it = volumes.find(mount.source);
        if (it == volumes.end()) {
          mount.type = "undeclared volume";
          mount.writable = false;
        } else {
          mount.type = it->second.type;
          mount.writable = it->second.writable;
        }
        const Node* ro = m->Get("readOnly");
        if (ro && ro->AsBool() == BoolValue::kTrue) mount.writable = false;
        c.mounts.push_back(std::move(mount));
      }
    }
    w->containers.push_back(std::move(c));
  }
}

// Where a kind keeps its pod spec, or nullptr when it has none.
const Node* PodSpecOf(const Node* obj, std::string_view kind) {
  if (kind == kCustomResourceDefinition) return nullptr;  // the scan skims these unparsed
  if (kind == "Pod") return obj->Get("spec");
  if (kind == "CronJob") return obj->Path({"spec", "jobTemplate", "spec", "template", "spec"});
  if (kind == "PodTemplate") return obj->Path({"template", "spec"});
  return obj->Path({"spec", "template", "spec"});
}

void ExtractObject(const DocumentContext& ctx, const Node* obj, uint32_t depth,
                   std::vector<Workload>* out) {
  if (!obj->IsMapping()) return;
  const Node* kind_node = obj->Get("kind");
  if (!kind_node || !kind_node->IsScalar()) return;
  std::string_view kind = kind_node->value();
  if (kind == "List" || (EndsWith(kind, "List") && obj->Get("items"))) {
    const Node* items = obj->Get("items");
    if (!items || !items->IsSequence() || depth >= kMaxListDepth) return;
    for (const Node* item : items->children()) ExtractObject(ctx, item, depth + 1, out);
    return;
  }
  // An OpenShift Template holds its objects under `objects:`; `oc process` fills
  // its ${PARAMETERS}, which fail closed here as any unresolved value does.
  if (kind == "Template" && obj->Get("objects")) {
    const Node* objects = obj->Get("objects");
    if (!objects->IsSequence() || depth >= kMaxListDepth) return;
    for (const Node* item : objects->children()) ExtractObject(ctx, item, depth + 1, out);
    return;
  }
  // An AdmissionReview (a webhook payload, as test suites store them): its object.
  if (kind == "AdmissionReview") {
    const Node* object = obj->Path({"request", "object"});
    if (object && depth < kMaxListDepth) ExtractObject(ctx, object, depth + 1, out);
    return;
  }
  bool config_map = kind == "ConfigMap";
  const Node* pod_spec = config_map ? nullptr : PodSpecOf(obj, kind);
  if (!config_map && (!pod_spec || !pod_spec->IsMapping())) return;

  Workload w;
  w.platform = Platform::kKubernetes;
  w.kind = std::string(kind);
  if (const Node* api = obj->Get("apiVersion"); api && api->IsScalar()) {
    w.api_version = std::string(api->value());
  }
  w.where = Where(ctx, obj);
  if (const Node* meta = obj->Get("metadata"); meta && meta->IsMapping()) {
    if (const Node* n = meta->Get("name"); n && n->IsScalar() && !n->IsNull()) {
      w.name = std::string(n->value());
    } else if (const Node* g = meta->Get("generateName"); g && g->IsScalar() && !g->IsNull()) {
      w.name = std::string(g->value()) + "*";
    }
    if (const Node* ns = meta->Get("namespace"); ns && ns->IsScalar() && !ns->IsNull()) {
      w.namespace_ = std::string(ns->value());
    }
  }
  w.resource = w.kind + "/" + (w.name.empty() ? "(unnamed)" : w.name);
  w.display = w.name.empty() ? w.kind + " (unnamed)" : w.kind + " '" + w.name + "'";
  if (config_map) {
    // Not a workload: what envFrom reads, for the pass across sources.
    if (w.name.empty() || EndsWith(w.name, "*")) return;  // no envFrom can name it
    ReadConfigMap(ctx, obj, &w);
    out->push_back(std::move(w));
    return;
  }
  w.stateful = kind == "StatefulSet";
  if (const Node* os = pod_spec->Path({"os", "name"}); os && os->Scalar() == "windows") {
    w.os = OsFamily::kWindows;
    w.os_detail = "spec.os.name is windows";
  } else if (const Node* sel = pod_spec->Get("nodeSelector"); sel && sel->IsMapping()) {
    for (std::string_view label : {"kubernetes.io/os", "beta.kubernetes.io/os"}) {
      if (const Node* v = sel->Get(label); v && v->Scalar() == "windows") {
        w.os = OsFamily::kWindows;
        w.os_detail = "nodeSelector " + std::string(label) + " is windows";
        break;
      }
    }
  }
  w.host_pid.key = "hostPID";
  if (const Node* pid = pod_spec->Get("hostPID")) {
    ReadBoolNode(ctx, pid, &w.host_pid);
  } else {
    w.host_pid.value = Flag::kUnset;
    w.host_pid.detail = "not set";
  }
  auto volumes = PodVolumes(pod_spec);
  ReadContainers(ctx, pod_spec, "initContainers", ContainerRole::kInit, volumes, &w);
  ReadContainers(ctx, pod_spec, "containers", ContainerRole::kMain, volumes, &w);
  ReadContainers(ctx, pod_spec, "ephemeralContainers", ContainerRole::kEphemeral, volumes, &w);
  // Exemptions: annotations on the object and on its pod template, and comments.
  std::vector<Exemption> all;
  std::vector<std::pair<std::string, Exemption>> per_container;
  const Node* template_meta =
      kind == "CronJob"       ? obj->Path({"spec", "jobTemplate", "spec", "template", "metadata"})
      : kind == "Pod"         ? nullptr
      : kind == "PodTemplate" ? obj->Path({"template", "metadata"})
                              : obj->Path({"spec", "template", "metadata"});
  for (const Node* meta : {obj->Get("metadata"), template_meta}) {
    if (meta && meta->IsMapping()) {
      ExemptionsFromKeyValues(ctx, KeyValuesOf(meta->Get("annotations")), "annotation", &all,
                              &per_container);
    }
  }
  CommentExemptions(ctx, w.where.line, &all);
  AttachExemptions(all, per_container, &w);
  for (Container& c : w.containers) CommentExemptions(ctx, c.where.line, &c.exemptions);
  out->push_back(std::move(w));
}

// The ConfigMap an envFrom entry names, for a workload in `ns`: the same name in the same
// namespace as written (no namespace matches no namespace).
struct ConfigMapKey {
  std::string_view ns, name;
  auto operator<=>(const ConfigMapKey&) const = default;
};

}  // namespace

void ResolveKubernetesAcrossSources(const std::vector<Workload*>& workloads) {
  std::map<ConfigMapKey, const Workload*> maps;
  for (const Workload* w : workloads) {
    if (w->platform != Platform::kKubernetes || !w->provides_env) continue;
    // Two of one name: the first in file order, whatever order the sources were read in.
    auto [it, added] = maps.emplace(ConfigMapKey{w->namespace_, w->name}, w);
    if (!added && std::tie(w->where.file, w->where.offset) <
                      std::tie(it->second->where.file, it->second->where.offset)) {
      it->second = w;
    }
  }
  if (maps.empty()) return;
  for (Workload* w : workloads) {
    if (w->platform != Platform::kKubernetes) continue;
    for (Container& c : w->containers) {
      if (c.env_imports.empty()) continue;
      // env wins over envFrom, and a later envFrom entry over an earlier one: walk them last
      // first, keeping a name only the first time it is met.
      std::set<std::string, std::less<>> named;
      for (const EnvVar& e : c.env) named.insert(e.name);
      std::vector<std::vector<EnvVar>> given(c.env_imports.size());
      std::vector<bool> found(c.env_imports.size());
      for (size_t i = c.env_imports.size(); i-- > 0;) {
        const EnvImport& import = c.env_imports[i];
        if (import.config_map.empty()) continue;
        auto it = maps.find(ConfigMapKey{w->namespace_, import.config_map});
        if (it == maps.end()) continue;
        found[i] = true;
        for (const EnvVar& key : it->second->env_keys) {
          std::string name = import.prefix + key.name;
          if (!named.insert(name).second) continue;  // env, or a later envFrom entry, wins
          EnvVar var = key;
          var.name = std::move(name);
          given[i].push_back(std::move(var));
        }
      }
      std::vector<EnvImport> left;
      for (size_t i = 0; i < c.env_imports.size(); ++i) {
        if (!found[i]) left.push_back(std::move(c.env_imports[i]));
      }
      c.env_imports = std::move(left);
      for (std::vector<EnvVar>& g : given) {
        for (EnvVar& var : g) c.env.push_back(std::move(var));
      }
    }
  }
}

bool ExtractKubernetes(const DocumentContext& ctx, std::vector<Workload>* out) {
  const Node* root = ctx.doc.root;
  if (!root || !root->IsMapping()) return false;
  const Node* kind = root->Get("kind");
  if (!kind || !kind->IsScalar() || kind->value().empty()) return false;
  ExtractObject(ctx, root, 0, out);
  return true;
}

}  // namespace rootlock
