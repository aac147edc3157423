#include "fix/json_patch.h"

#include <map>

#include "base/json_writer.h"
#include "fix/fixer.h"
#include "platforms/adapter.h"
#include "rules/rules.h"

namespace rootlock {

namespace {

using fixing::FindPath;
using fixing::Need;
using fixing::VolumeNames;

void WriteValue(JsonWriter* w, const Value& v) {
  switch (v.kind) {
    case Value::Kind::kBool:
      w->Bool(v.text == "true");
      break;
    case Value::Kind::kString:
      w->String(v.text);
      break;
    case Value::Kind::kNumber:
      w->Raw(v.text);
      break;
    case Value::Kind::kMap:
      w->BeginObject();
      for (const Value::Member& m : v.map) {
        w->Key(m.first);
        WriteValue(w, m.second);
      }
      w->EndObject();
      break;
    case Value::Kind::kList:
      w->BeginArray();
      for (const Value& item : v.list) WriteValue(w, item);
      w->EndArray();
      break;
  }
}

// The JSON Pointer of the last node of `path` (a chain from the root, as FindPath gives).
std::string PointerOf(const std::vector<const Node*>& path) {
  std::string out;
  for (size_t i = 1; i < path.size(); ++i) {
    const Node* parent = path[i - 1];
    if (parent->IsMapping()) {
      for (size_t k = 0; k < parent->MappingSize(); ++k) {
        if (parent->ValueAt(k) == path[i]) {
          out += "/" + JsonPointerToken(parent->KeyAt(k)->Scalar());
          break;
        }
      }
    } else {
      for (size_t k = 0; k < parent->children().size(); ++k) {
        if (parent->children()[k] == path[i]) {
          out += "/" + std::to_string(k);
          break;
        }
      }
    }
  }
  return out;
}

struct Op {
  std::string path;
  Value value;
};

class Patcher {
 public:
  Patcher(const std::string& name, const FixOptions& options, JsonPatch* out)
      : name_(name), options_(options), out_(out) {}

  void Run(std::string_view text);

 private:
  void LeaveAlone(const Location& where, const std::string& who, const std::string& why) {
    Diagnostic d;
    d.where = where;
    d.message = who + ": left alone: " + why;
    out_->left_alone.push_back(std::move(d));
  }
  void Patch(const Node* root, const Workload& w, const Container& c, const Need& need);

  const std::string& name_;
  const FixOptions& options_;
  JsonPatch* out_;
  std::vector<Op> ops_;
  // Volumes to declare per pod spec, after every container's operations.
  struct PodVolumes {
    std::string pointer;
    const Node* list = nullptr;
    VolumeNames names;
  };
  std::map<const Node*, PodVolumes> pods_;
};

void Patcher::Patch(const Node* root, const Workload& w, const Container& c, const Need& need) {
  std::string who = w.display + " " + ContainerPhrase(c);
  std::vector<const Node*> path;
  if (!FindPath(root, c.where.offset, c.where.line, &path) || !path.back()->IsMapping() ||
      path.size() < 3 || !path[path.size() - 3]->IsMapping()) {
    LeaveAlone(c.where, who, "its pod spec could not be located");
    return;
  }
  const Node* cnode = path.back();
  const Node* pod = path[path.size() - 3];
  std::string at = PointerOf(path);
  const Node* mounts = nullptr;
  const Node* volumes = nullptr;
  if (!need.paths.empty()) {
    mounts = cnode->Get("volumeMounts");
    if (mounts && !mounts->IsSequence()) {
      LeaveAlone(c.where, who, "its volumeMounts are not a list");
      return;
    }
    volumes = pod->Get("volumes");
    if (volumes && !volumes->IsSequence()) {
      LeaveAlone(c.where, who, "the pod's volumes are not a list");
      return;
    }
  }
  std::vector<Op> ops;
  // The container's securityContext members, in order: the read-only flag,
  // privileged: false, and the user fix --user names.
  std::vector<Value::Member> members;
  if (need.flag) {
    if (c.read_only_root.value == Flag::kUnresolved) {
      LeaveAlone(c.where, who, "readOnlyRootFilesystem is " + c.read_only_root.detail);
      return;
    }
    members.push_back({"readOnlyRootFilesystem", Value::Bool(true)});
  }
  if (need.unprivileged) {
    if (c.privileged.value == Flag::kUnresolved) {
      LeaveAlone(c.where, who + " (no-privileged)", "privileged is " + c.privileged.detail);
    } else {
      members.push_back({"privileged", Value::Bool(false)});
    }
  }
  if (!need.user.empty()) {
    for (Value::Member& m : fixing::RunAsMembers(need)) members.push_back(std::move(m));
  }
  if (!members.empty()) {
    const Node* sc = cnode->Get("securityContext");
    // A patch works on the object's data, where a YAML alias or merge is a
    // mapping like any other: unlike fix's byte edits, it can change one user
    // of an anchor without the others.
    if (sc && sc->IsMapping()) {
      // "add" replaces a member that is there.
      for (Value::Member& m : members) {
        ops.push_back({at + "/securityContext/" + JsonPointerToken(m.first), std::move(m.second)});
      }
    } else if (!sc || sc->IsNull()) {
      ops.push_back({at + "/securityContext", Value::Map(std::move(members))});
    } else {
      LeaveAlone(c.where, who, "its securityContext is not a mapping");
      return;
    }
  }
  if (!need.paths.empty()) {
    PodVolumes& p = pods_[pod];
    std::vector<const Node*> pod_path(path.begin(), path.end() - 2);
    p.pointer = PointerOf(pod_path);
    p.list = volumes;
    std::vector<Value> items;
    for (const std::string& want : need.paths) {
      bool is_new = false;
      std::string vol = p.names.Pick(w, volumes, "name", want, &is_new);
      items.push_back(Value::Map({{"name", Value::Str(vol)}, {"mountPath", Value::Str(want)}}));
      ++out_->mounts_added;
    }
    if (mounts) {
      for (Value& item : items) ops.push_back({at + "/volumeMounts/-", std::move(item)});
    } else {
      ops.push_back({at + "/volumeMounts", Value::List(std::move(items))});
    }
  }
  for (Op& op : ops) ops_.push_back(std::move(op));
  ++out_->containers_fixed;
}

void Patcher::Run(std::string_view text) {
  ParsedSource parsed = ReadSource(name_, text, InputFormat::kAuto, options_.scan.limits);
  if (parsed.has_error) {
    out_->error = "no patch: it does not parse (" + parsed.error.ToString() + ")";
    return;
  }
  if (parsed.documents.size() != 1) {
    out_->error = "no patch: a JSON Patch applies to one object, and this holds " +
                  std::to_string(parsed.documents.size()) + " documents";
    return;
  }
  std::vector<Workload> workloads;
  std::vector<const Node*> roots;
  ExtractAll(name_, text, parsed, options_.scan, &workloads, &roots);
  for (size_t wi = 0; wi < workloads.size(); ++wi) {
    Workload& w = workloads[wi];
    if (w.platform != Platform::kKubernetes) {
      out_->error = "no patch: " + w.display + " is not a Kubernetes object";
      return;
    }
    if (w.namespace_.empty()) w.namespace_ = options_.default_namespace;
    ApplyConfig(options_.scan, &w);
    for (const Container& c : w.containers) {
      Remedy remedy = ContainerRemedy(w, c, options_.scan.rules);
      if (remedy.empty()) continue;
      if (!remedy.blocked.empty()) {
        LeaveAlone(c.where, w.display + " " + ContainerPhrase(c), remedy.blocked);
        continue;
      }
      Need need = Need::Of(remedy);
      if (need.Any()) Patch(roots[wi], w, c, need);
    }
  }
  for (auto& [pod, p] : pods_) {
    if (p.names.added.empty()) continue;
    if (p.list) {
      for (const std::string& vol : p.names.added) {
        ops_.push_back({p.pointer + "/volumes/-",
                        Value::Map({{"name", Value::Str(vol)}, {"emptyDir", Value::Map({})}})});
      }
    } else {
      std::vector<Value> items;
      for (const std::string& vol : p.names.added) {
        items.push_back(Value::Map({{"name", Value::Str(vol)}, {"emptyDir", Value::Map({})}}));
      }
      ops_.push_back({p.pointer + "/volumes", Value::List(std::move(items))});
    }
  }
  JsonWriter json(&out_->patch);
  json.BeginArray();
  for (const Op& op : ops_) {
    json.BeginObject();
    json.Field("op", "add");
    json.Field("path", op.path);
    json.Key("value");
    WriteValue(&json, op.value);
    json.EndObject();
  }
  json.EndArray();
}

}  // namespace

std::string JsonPointerToken(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

JsonPatch KubernetesJsonPatch(const std::string& name, std::string_view text,
                              const FixOptions& options) {
  JsonPatch out;
  FixOptions with_writable = options;
  for (const std::string& p : options.writable) with_writable.scan.rules.writable.push_back(p);
  Patcher(name, with_writable, &out).Run(text);
  if (!out.error.empty()) out.patch.clear();
  return out;
}

}  // namespace rootlock
