#include "fix/fix.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <set>

#include "base/json_writer.h"
#include "base/test_hooks.h"
#include "base/text.h"
#include "fix/tree_edit.h"
#include "platforms/adapter.h"
#include "rules/rules.h"

namespace rootlock {

namespace {

// A volume name for a path: /var/cache/nginx -> var-cache-nginx.
std::string Slug(std::string_view path) {
  std::string out;
  for (char c : path) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a'), keep = true;
    if (keep) {
      out += c;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "scratch" : out.substr(0, 60);
}

std::string Normal(std::string_view p) {
  std::string s(p);
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

bool Covered(const Container& c, std::string_view path) {
  for (const Mount& m : c.mounts) {
    if (m.writable && Normal(m.path) == Normal(path)) return true;
  }
  return false;
}

// The chain of nodes from `root` down to the collection that starts at
// (offset, line): written nodes only, never through an alias.
bool FindPath(const Node* n, uint64_t offset, uint32_t line, std::vector<const Node*>* path,
              int depth = 0) {
  if (depth > 600) return false;
  path->push_back(n);
  if (!n->IsScalar() && n->start.offset == offset && n->start.line == line) return true;
  if (!n->IsScalar() && n->start.offset <= offset && offset < n->end.offset) {
    size_t stride = n->IsMapping() ? 2 : 1;
    size_t first = n->IsMapping() ? 1 : 0;
    for (size_t i = first; i < n->children.size(); i += stride) {
      const Node* child = n->children[i];
      if (!TreeEditor::Within(child, n)) continue;
      if (FindPath(child, offset, line, path, depth + 1)) return true;
    }
  }
  path->pop_back();
  return false;
}

struct Need {
  bool flag = false;               // set the read-only flag
  std::vector<std::string> paths;  // make these writable
};

// Spelling of one platform's fields.
struct Names {
  std::string flag;         // readOnlyRootFilesystem / readonlyRootFilesystem / ...
  std::string mounts;       // volumeMounts / mountPoints / MountPoints / mount_points
  std::string mount_name;   // name / sourceVolume / SourceVolume / source_volume
  std::string mount_path;   // mountPath / containerPath / ...
  std::string read_only;    // "" (k8s default), readOnly, ReadOnly, read_only
  std::string volumes;      // volumes / Volumes / volume (Terraform block)
  std::string volume_name;  // name / Name
};

class Fixer {
 public:
  Fixer(const std::string& name, std::string_view text, InputFormat format,
        const FixOptions& options, FileFix* out)
      : name_(name), text_(text), format_(format), options_(options), out_(out) {}

  void Run();

 private:
  void LeaveAlone(const Location& where, const std::string& who, const std::string& why) {
    Diagnostic d;
    d.where = where;
    d.message = who + ": left alone: " + why;
    out_->left_alone.push_back(std::move(d));
  }
  Syntax SyntaxOf() const {
    return format_ == InputFormat::kJson  ? Syntax::kJson
           : format_ == InputFormat::kHcl ? Syntax::kHcl
                                          : Syntax::kYaml;
  }
  void FixKubernetes(const Workload& w, const Container& c, const std::vector<const Node*>& path,
                     const Need& need);
  void FixEcs(const Workload& w, const Container& c, const std::vector<const Node*>& path,
              const Need& need);
  void FixCompose(const Workload& w, const Container& c, const Need& need);
  // Sets `flag: true` in `m` (replacing a written value, or adding the key).
  bool SetFlag(const Node* m, const std::string& key, const std::string& who, const Location& at);
  // Volume name for `path` in the volume list `volumes` (existing) of `owner`,
  // reusing one this fix already added there. A new name clashes neither with
  // a volume declared there nor with one a mount of `w` names without its
  // declaration (declaring it would change what that mount means).
  std::string PickVolume(const Workload& w, const Node* owner, const Node* volumes,
                         const std::string& name_key, const std::string& path, bool* is_new);

  const std::string& name_;
  std::string_view text_;
  InputFormat format_;
  const FixOptions& options_;
  FileFix* out_;
  std::unique_ptr<TreeEditor> editor_;
  const Node* root_ = nullptr;
  // How a platform declares a scratch volume.
  enum class VolumeStyle {
    kEmptyDir,  // Kubernetes: {name: N, emptyDir: {}}
    kTask,      // ECS JSON, CloudFormation, awscc: {name: N} / {Name: N}, no host
    kHclBlock,  // Terraform aws_ecs_task_definition: volume { name = N }
  };
  // Volumes to add per owner (pod spec, task, resource body), after the container edits.
  struct PendingVolumes {
    const Node* owner = nullptr;
    const Node* list = nullptr;  // the existing list, or nullptr
    VolumeStyle style = VolumeStyle::kEmptyDir;
    std::string key;       // volumes / Volumes / volume
    std::string name_key;  // name / Name
    std::vector<std::string> added;
    std::map<std::string, std::string> picked;  // path slug -> volume name chosen

    Value Volume(const std::string& name) const {
      if (style == VolumeStyle::kEmptyDir) {
        return Value::Map({{"name", Value::Str(name)}, {"emptyDir", Value::Map({})}});
      }
      return Value::Map({{name_key, Value::Str(name)}});
    }
  };
  std::map<const Node*, PendingVolumes> pending_;
  // Containers whose flag was set but whose mounts were left alone (resource, container).
  std::set<std::pair<std::string, std::string>> flag_only_;
};

bool Fixer::SetFlag(const Node* m, const std::string& key, const std::string& who,
                    const Location& at) {
  const Node* key_node = nullptr;
  const Node* value = m->Get(key, &key_node);
  if (value && TreeEditor::Within(key_node, m)) {
    if (!value->tag.empty() || !value->IsScalar() || !TreeEditor::Within(value, m)) {
      std::string by = value->tag == "!expr" ? "the expression " + QuoteForMessage(value->value)
                       : !value->tag.empty()
                           ? std::string(value->tag) + " " + std::string(value->Scalar())
                           : std::string("an alias or a function");
      LeaveAlone(at, who,
                 key + " is set by " + by + " at line " + std::to_string(key_node->start.line) +
                     "; rootlock fix does not rewrite what a template, variable or intrinsic "
                     "sets: change it at its source");
      return false;
    }
    editor_->Replace(value, Value::Bool(true));
    return true;
  }
  editor_->InsertMember(m, key, Value::Bool(true));
  return true;
}

std::string Fixer::PickVolume(const Workload& w, const Node* owner, const Node* volumes,
                              const std::string& name_key, const std::string& path, bool* is_new) {
  PendingVolumes& p = pending_[owner];
  std::string base = Slug(path);
  std::set<std::string> taken;
  for (const Container& other : w.containers) {
    for (const Mount& m : other.mounts) taken.insert(m.source);
  }
  if (volumes && volumes->IsSequence()) {
    for (const Node* v : volumes->children) {
      const Node* n = v->IsMapping() ? v->Get(name_key) : nullptr;
      if (!n) continue;
      std::string vname(n->Scalar());
      // An existing scratch volume of that name is reused as it is.
      bool scratch = v->Get("emptyDir") || (v->MappingSize() == 1);
      if (vname == base && scratch) {
        *is_new = false;
        return vname;
      }
      taken.insert(vname);
    }
  }
  if (auto it = p.picked.find(base); it != p.picked.end()) {
    *is_new = false;  // another container of this task or pod already got one
    return it->second;
  }
  for (const std::string& a : p.added) taken.insert(a);
  std::string pick = base;
  for (int i = 2; taken.count(pick); ++i) pick = base + "-" + std::to_string(i);
  *is_new = true;
  p.added.push_back(pick);
  p.picked[base] = pick;
  return pick;
}

void Fixer::FixKubernetes(const Workload& w, const Container& c,
                          const std::vector<const Node*>& path, const Need& need) {
  const Node* cnode = path.back();
  std::string who = w.display + " " + ContainerPhrase(c);
  if (path.size() < 3 || !path[path.size() - 3]->IsMapping()) {
    LeaveAlone(c.where, who, "its pod spec could not be located");
    return;
  }
  const Node* pod = path[path.size() - 3];
  // Whether the mounts can be added, before any edit: a container left alone is left untouched.
  const Node* mounts = nullptr;
  const Node* volumes = nullptr;
  if (!need.paths.empty()) {
    const Node* mounts_key = nullptr;
    mounts = cnode->Get("volumeMounts", &mounts_key);
    if (mounts && (!TreeEditor::Within(mounts_key, cnode) || !mounts->IsSequence() ||
                   !TreeEditor::Within(mounts, cnode))) {
      LeaveAlone(c.where, who, "its volumeMounts are not a list written here");
      return;
    }
    volumes = pod->Get("volumes");
    if (volumes && (!volumes->IsSequence() || !TreeEditor::Within(volumes, pod))) {
      LeaveAlone(c.where, who, "the pod's volumes are not a list written here");
      return;
    }
  }
  bool changed = false;
  if (need.flag) {
    const Node* sc_key = nullptr;
    const Node* sc = cnode->Get("securityContext", &sc_key);
    if (sc && !TreeEditor::Within(sc_key, cnode)) {
      LeaveAlone(c.where, who,
                 "its securityContext is merged in (<<) from line " +
                     std::to_string(sc->start.line) + "; set readOnlyRootFilesystem there");
      return;
    }
    if (sc && sc->IsMapping() && !TreeEditor::Within(sc, cnode)) {
      LeaveAlone(c.where, who,
                 "its securityContext is the alias of an anchor at line " +
                     std::to_string(sc->start.line) +
                     " shared with other containers; set readOnlyRootFilesystem there");
      return;
    } else if (sc && sc->IsMapping() && sc->anchored) {
      LeaveAlone(c.where, who,
                 "its securityContext is an anchor that aliases may share; set "
                 "readOnlyRootFilesystem in it by hand if every user of it should be read-only");
      return;
    } else if (sc && sc->IsMapping()) {
      if (!SetFlag(sc, "readOnlyRootFilesystem", who, c.where)) return;
    } else if (sc && sc->IsNull() && TreeEditor::Within(sc, cnode) &&
               sc->end.offset > sc->start.offset) {
      editor_->Replace(sc, Value::Map({{"readOnlyRootFilesystem", Value::Bool(true)}}));
    } else if (sc) {
      LeaveAlone(c.where, who, "its securityContext is not a mapping");
      return;
    } else {
      editor_->InsertMember(cnode, "securityContext",
                            Value::Map({{"readOnlyRootFilesystem", Value::Bool(true)}}));
    }
    changed = true;
  }
  if (!need.paths.empty()) {
    PendingVolumes& p = pending_[pod];
    p.owner = pod;
    p.list = volumes;
    p.style = VolumeStyle::kEmptyDir;
    p.key = "volumes";
    p.name_key = "name";
    std::vector<Value> items;
    for (const std::string& want : need.paths) {
      bool is_new = false;
      std::string vol = PickVolume(w, pod, volumes, "name", want, &is_new);
      items.push_back(Value::Map({{"name", Value::Str(vol)}, {"mountPath", Value::Str(want)}}));
      ++out_->mounts_added;
    }
    if (mounts) {
      for (const Value& item : items) editor_->AppendItem(mounts, item);
    } else {
      editor_->InsertMember(cnode, "volumeMounts", Value::List(items));
    }
    changed = true;
  }
  if (changed) ++out_->containers_fixed;
}

void Fixer::FixEcs(const Workload& w, const Container& c, const std::vector<const Node*>& path,
                   const Need& need) {
  const Node* cnode = path.back();
  std::string who = w.display + " " + ContainerPhrase(c);
  bool cfn = c.read_only_root.key == "ReadonlyRootFilesystem";
  bool awscc = c.read_only_root.key == "read_only_root_filesystem";
  bool tf = StartsWith(w.resource, "aws_ecs_task_definition.");
  Names n;
  if (cfn) {
    n = {"ReadonlyRootFilesystem",
         "MountPoints",
         "SourceVolume",
         "ContainerPath",
         "ReadOnly",
         "Volumes",
         "Name"};
  } else if (awscc) {
    n = {"read_only_root_filesystem",
         "mount_points",
         "source_volume",
         "container_path",
         "read_only",
         "volumes",
         "name"};
  } else {
    n = {"readonlyRootFilesystem",  "mountPoints", "sourceVolume", "containerPath", "readOnly",
         tf ? "volume" : "volumes", "name"};
  }
  if (c.read_only_root.value == Flag::kUnresolved && need.flag) {
    LeaveAlone(c.where, who,
               n.flag + " is " + c.read_only_root.detail +
                   "; rootlock fix does not rewrite what a template, variable or intrinsic sets");
    return;
  }
  // The task that holds the container list, where volumes are declared.
  const Node* task = nullptr;
  if (tf && path.size() >= 4 && path[path.size() - 3]->tag == "!call:jsonencode") {
    task = path[path.size() - 4];
  } else if (path.size() >= 3 && path[path.size() - 3]->IsMapping()) {
    task = path[path.size() - 3];
  }
  if (need.flag && !SetFlag(cnode, n.flag, who, c.where)) return;
  bool changed = need.flag;
  if (!need.paths.empty()) {
    if (!task) {
      LeaveAlone(c.where, who,
                 "a bare list of container definitions has no task to declare volumes in; "
                 "add a volume and mountPoints for " +
                     need.paths[0] + " by hand");
      // The flag is still set; the re-scan then proves that, not a writable /tmp.
      flag_only_.insert({w.resource, ContainerId(c)});
      if (changed) ++out_->containers_fixed;
      return;
    }
    const Node* mounts_key = nullptr;
    const Node* mounts = cnode->Get(n.mounts, &mounts_key);
    if (mounts && (!mounts->IsSequence() || !TreeEditor::Within(mounts, cnode))) {
      LeaveAlone(c.where, who, n.mounts + " is not a list written here");
      if (changed) ++out_->containers_fixed;
      return;
    }
    const Node* volumes = task->Get(n.volumes);
    if (volumes && !TreeEditor::Within(volumes, task)) volumes = nullptr;
    PendingVolumes& p = pending_[task];
    p.owner = task;
    p.list = volumes && volumes->IsSequence() && !tf ? volumes : nullptr;
    p.style = tf ? VolumeStyle::kHclBlock : VolumeStyle::kTask;
    p.key = n.volumes;
    p.name_key = n.volume_name;
    std::vector<Value> items;
    for (const std::string& want : need.paths) {
      bool is_new = false;
      std::string vol = PickVolume(w, task, volumes && volumes->IsSequence() ? volumes : nullptr,
                                   n.volume_name, want, &is_new);
      items.push_back(Value::Map({{n.mount_name, Value::Str(vol)},
                                  {n.mount_path, Value::Str(want)},
                                  {n.read_only, Value::Bool(false)}}));
      ++out_->mounts_added;
    }
    if (mounts) {
      for (const Value& item : items) editor_->AppendItem(mounts, item);
    } else {
      editor_->InsertMember(cnode, n.mounts, Value::List(items));
    }
    changed = true;
  }
  if (changed) ++out_->containers_fixed;
}

void Fixer::FixCompose(const Workload& w, const Container& c, const Need& need) {
  const Node* services = root_->Get("services");
  const Node* service = nullptr;
  for (size_t i = 0; services && i < services->MappingSize(); ++i) {
    if (services->KeyAt(i)->start.offset == c.where.offset) service = services->ValueAt(i);
  }
  std::string who = w.display;
  if (!service || !service->IsMapping() || !TreeEditor::Within(service, root_)) {
    LeaveAlone(c.where, who, "the service is not a mapping written here");
    return;
  }
  if (need.flag) {
    if (c.read_only_root.value == Flag::kUnresolved ||
        (c.read_only_root.value == Flag::kFalse &&
         c.read_only_root.detail.find("${") != std::string::npos)) {
      LeaveAlone(c.where, who,
                 "read_only is " + c.read_only_root.detail +
                     "; rootlock fix does not rewrite what an interpolated variable sets");
      return;
    }
    if (!SetFlag(service, "read_only", who, c.where)) return;
  }
  if (!need.paths.empty()) {
    const Node* key = nullptr;
    const Node* tmpfs = service->Get("tmpfs", &key);
    std::vector<Value> items;
    for (const std::string& p : need.paths) items.push_back(Value::Str(p));
    if (tmpfs && TreeEditor::Within(key, service) && tmpfs->IsSequence()) {
      for (const Value& item : items) editor_->AppendItem(tmpfs, item);
    } else if (tmpfs && TreeEditor::Within(key, service) && tmpfs->IsScalar()) {
      // `tmpfs: /run` keeps its path; an empty `tmpfs:` (null) has none to keep.
      if (!tmpfs->IsNull()) items.insert(items.begin(), Value::Str(std::string(tmpfs->value)));
      editor_->Replace(tmpfs, Value::List(items));
    } else {
      editor_->InsertMember(service, "tmpfs", Value::List(items));
    }
    out_->mounts_added += static_cast<int>(need.paths.size());
  }
  ++out_->containers_fixed;
}

void Fixer::Run() {
  ParsedSource parsed = ReadSource(name_, text_, format_, options_.scan.limits);
  if (parsed.has_error) {
    out_->error = "not fixed: it does not parse (" + parsed.error.ToString() + ")";
    return;
  }
  format_ = parsed.format;
  // One document at a time: each has its own tree root to edit against.
  std::vector<Workload> workloads;
  std::vector<const Node*> roots;
  ExtractAll(name_, text_, parsed, options_.scan, &workloads, &roots);
  std::vector<Workload*> all;
  for (Workload& w : workloads) {
    ApplyConfig(options_.scan, &w);  // the config's exemptions count: exempt means untouched
    all.push_back(&w);
  }
  ResolveAcrossSources(all);

  editor_ = std::make_unique<TreeEditor>(text_, SyntaxOf());
  const Node* learned = nullptr;
  // What was touched, to prove after the edits: (resource, container) pairs.
  std::set<std::pair<std::string, std::string>> touched;
  for (size_t wi = 0; wi < workloads.size(); ++wi) {
    const Workload& w = workloads[wi];
    root_ = roots[wi];
    if (root_ != learned) editor_->LearnStyle(learned = root_);
    std::vector<Finding> verdicts;
    for (size_t ci = 0; ci < w.containers.size(); ++ci) {
      const Container& c = w.containers[ci];
      // Every rule's verdict, whether or not the config switches it off.
      JudgeContainer(w, c, options_.scan.rules, &verdicts);
      const Finding& ro = verdicts[static_cast<size_t>(RuleId::kReadOnlyRootFs)];
      const Finding& tmp = verdicts[static_cast<size_t>(RuleId::kTmpWritable)];
      if (ro.status != Status::kFail &&
          !(ro.status == Status::kPass && tmp.status == Status::kFail)) {
        continue;  // passing, n/a, skipped: never touched
      }
      std::string who = w.single_container ? w.display : w.display + " " + ContainerPhrase(c);
      if (w.platform == Platform::kDocker) {
        LeaveAlone(c.where, who,
                   "a container's inspect output cannot be edited: re-create it with --read-only "
                   "and --tmpfs (rootlock docker prints the command)");
        continue;
      }
      if (c.where.file != name_) {
        LeaveAlone(c.where, who, "it is declared in another file; fix that file");
        continue;
      }
      Need need;
      need.flag = ro.status == Status::kFail;
      std::vector<std::string> wanted = {"/tmp"};
      for (const std::string& p : KnownWritablePaths(c.image)) wanted.push_back(p);
      for (const std::string& p : options_.writable) wanted.push_back(Normal(p));
      for (const std::string& p : wanted) {
        if (Covered(c, p)) continue;
        bool dup = false;
        for (const std::string& q : need.paths) dup |= q == p;
        bool blocked = false;
        for (const Mount& m : c.mounts) blocked |= !m.writable && Normal(m.path) == p;
        if (blocked) {
          LeaveAlone(c.where, who,
                     "a read-only volume is mounted at " + p +
                         "; make it writable (its volume must be, too) and run fix again");
          need.paths.clear();
          need.flag = false;
          break;
        }
        if (!dup) need.paths.push_back(p);
      }
      if (!need.flag && need.paths.empty()) continue;
      int fixed_before = out_->containers_fixed;
      if (w.platform == Platform::kCompose) {
        FixCompose(w, c, need);
      } else {
        std::vector<const Node*> path;
        if (!FindPath(root_, c.where.offset, c.where.line, &path) || !path.back()->IsMapping()) {
          LeaveAlone(c.where, who,
                     "its definition is text inside a string or heredoc, or a file() call; "
                     "rootlock fix edits YAML, JSON and jsonencode(...) directly");
          continue;
        }
        if (w.platform == Platform::kKubernetes) {
          FixKubernetes(w, c, path, need);
        } else {
          FixEcs(w, c, path, need);
        }
      }
      if (out_->containers_fixed > fixed_before) touched.insert({w.resource, ContainerId(c)});
    }
  }
  // Volumes, after every container edit (an insertion at the same place must follow them).
  for (auto& [owner, p] : pending_) {
    if (p.added.empty()) continue;
    if (p.style == VolumeStyle::kHclBlock) {
      for (const std::string& vol : p.added) {
        editor_->InsertHclBlock(owner, "volume", Value::Map({{"name", Value::Str(vol)}}));
      }
    } else if (p.list) {
      for (const std::string& vol : p.added) editor_->AppendItem(p.list, p.Volume(vol));
    } else {
      std::vector<Value> items;
      for (const std::string& vol : p.added) items.push_back(p.Volume(vol));
      editor_->InsertMember(owner, p.key, Value::List(items));
    }
  }
  if (editor_->edits().empty()) {
    out_->after = std::string(text_);
    return;
  }
  std::string fixed, error;
  if (!ApplyEdits(text_, editor_->edits(), &fixed, &error)) {
    out_->error = "internal error: " + error + "; file left unchanged";
    out_->after = std::string(text_);
    return;
  }
  // Prove it: the fixed text parses, and every container touched now passes both rules.
  SourceOutcome again;
  ScanText(name_, fixed, format_, options_.scan, &again);
  std::string broken;
  if (!again.errors.empty()) broken = again.errors[0].ToString();
  for (const Finding& f : again.findings) {
    bool expected = touched.count({f.resource, f.container}) &&
                    !(flag_only_.count({f.resource, f.container}) && !f.rule->gates);
    if (expected && f.status != Status::kPass && broken.empty()) {
      broken = f.message + " still fails " + f.rule->id + " (" + f.reason + ")";
    }
  }
  if (!broken.empty()) {
    out_->error = "internal error: the fix did not hold (" + broken + "); file left unchanged";
    out_->after = std::string(text_);
    out_->containers_fixed = out_->mounts_added = 0;
    return;
  }
  out_->after = std::move(fixed);
}

}  // namespace

FileFix FixText(const std::string& name, std::string_view text, InputFormat format,
                const FixOptions& options) {
  FileFix out;
  out.file = name;
  out.before = std::string(text);
  out.after = out.before;
  Fixer(name, text, format, options, &out).Run();
  return out;
}

bool WriteFileAtomically(const std::string& path, std::string_view content, std::string* error) {
  struct stat st;
  bool exists = stat(path.c_str(), &st) == 0;
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string tmpl = (slash == std::string::npos ? "" : dir) + "." + base + ".rootlock-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0) {
    *error = "cannot create a temporary file beside it: " + std::string(std::strerror(errno));
    return false;
  }
  auto fail = [&](const char* what) {
    *error = std::string(what) + ": " + std::strerror(errno);
    close(fd);
    unlink(name.data());
    return false;
  };
  // Test builds only: a crash after this many bytes of the temporary file.
  size_t stop_after = test_hooks::CrashAfterTempBytes();
  size_t written = 0;
  while (written < content.size()) {
    size_t chunk = std::min<size_t>(content.size() - written, 64 * 1024);
    if (stop_after != SIZE_MAX) chunk = std::min(chunk, std::max<size_t>(1, stop_after - written));
    ssize_t n = write(fd, content.data() + written, chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot write the temporary file");
    written += static_cast<size_t>(n);
    if (written >= stop_after) _exit(86);
  }
  if (!exists) {
    // A new file gets the mode any other program would give it, not mkstemp's 0600.
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) return fail("cannot set the file's mode");
  }
  if (exists) {
    if (fchmod(fd, st.st_mode & 07777) != 0) return fail("cannot keep the file's mode");
    if (fchown(fd, st.st_uid, st.st_gid) != 0 && errno != EPERM) {
      return fail("cannot keep the file's owner");
    }
  }
  if (fsync(fd) != 0) return fail("cannot flush the temporary file");
  if (close(fd) != 0) {
    *error = std::string("cannot close the temporary file: ") + std::strerror(errno);
    unlink(name.data());
    return false;
  }
  test_hooks::BeforeRename();
  if (rename(name.data(), path.c_str()) != 0) {
    *error = std::string("cannot replace the file: ") + std::strerror(errno);
    unlink(name.data());
    return false;
  }
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return true;
}

namespace {

void WriteNode(JsonWriter* w, const Node* n) {
  if (n->IsMapping()) {
    w->BeginObject();
    for (size_t i = 0; i < n->MappingSize(); ++i) {
      w->Key(n->KeyAt(i)->Scalar());
      WriteNode(w, n->ValueAt(i));
    }
    w->EndObject();
  } else if (n->IsSequence()) {
    w->BeginArray();
    for (const Node* item : n->children) WriteNode(w, item);
    w->EndArray();
  } else if (n->scalar_style == ScalarStyle::kPlain) {
    w->Raw(n->value);  // true, false, null and numbers, as the JSON wrote them
  } else {
    w->String(n->value);
  }
}

}  // namespace

std::string RegisterReadyJson(std::string_view text) {
  ParsedSource parsed = ReadJson("register", text);
  if (parsed.has_error || parsed.documents.empty()) return "";
  const Node* root = parsed.documents[0].root;
  if (root->IsSequence()) {
    // An array of describe outputs: the latest ACTIVE revision is the one to register.
    const Node* best = nullptr;
    long best_rev = -1;
    for (const Node* item : root->children) {
      const Node* t = item->IsMapping() ? item->Get("taskDefinition") : nullptr;
      if (!t || !t->IsMapping()) continue;
      const Node* st = t->Get("status");
      if (st && st->Scalar() != "ACTIVE") continue;
      const Node* rev = t->Get("revision");
      long r = rev ? std::strtol(std::string(rev->Scalar()).c_str(), nullptr, 10) : 0;
      if (r > best_rev) best = item, best_rev = r;
    }
    if (!best) return "";
    root = best;
  }
  const Node* td = root->IsMapping() ? root->Get("taskDefinition") : nullptr;
  if (!td || !td->IsMapping()) return "";
  static const std::set<std::string_view> kOutputOnly = {
      "taskDefinitionArn",  "revision",        "status",
      "requiresAttributes", "compatibilities", "registeredAt",
      "registeredBy",       "deregisteredAt",  "deleteRequestedAt"};
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  for (size_t i = 0; i < td->MappingSize(); ++i) {
    std::string_view key = td->KeyAt(i)->Scalar();
    if (kOutputOnly.count(key)) continue;
    w.Key(key);
    WriteNode(&w, td->ValueAt(i));
  }
  if (const Node* tags = root->Get("tags"); tags && tags->IsSequence() && !tags->children.empty()) {
    w.Key("tags");
    WriteNode(&w, tags);
  }
  w.EndObject();
  return out + "\n";
}

}  // namespace rootlock
