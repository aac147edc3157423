// The ECS renderer: a remedy written into a task definition in the spelling of
// its source (the API's JSON, CloudFormation, Terraform's jsonencode, awscc).
#include "base/text.h"
#include "fix/fixer.h"

namespace rootlock::fixing {

namespace {

// Spelling of the fields fix writes.
struct Names {
  std::string flag;         // readonlyRootFilesystem / ReadonlyRootFilesystem / ...
  std::string mounts;       // mountPoints / MountPoints / mount_points
  std::string mount_name;   // sourceVolume / SourceVolume / source_volume
  std::string mount_path;   // containerPath / ContainerPath / container_path
  std::string read_only;    // readOnly / ReadOnly / read_only
  std::string volumes;      // volumes / Volumes / volume (Terraform block)
  std::string volume_name;  // name / Name
};

Names NamesFor(const Workload& w) {
  Names n;
  switch (w.container_keys) {
    case KeyStyle::kPascal:
      n = {"ReadonlyRootFilesystem",
           "MountPoints",
           "SourceVolume",
           "ContainerPath",
           "ReadOnly",
           "",
           ""};
      break;
    case KeyStyle::kSnake:
      n = {"read_only_root_filesystem",
           "mount_points",
           "source_volume",
           "container_path",
           "read_only",
           "",
           ""};
      break;
    case KeyStyle::kCamel:
      n = {"readonlyRootFilesystem",
           "mountPoints",
           "sourceVolume",
           "containerPath",
           "readOnly",
           "",
           ""};
      break;
  }
  bool pascal = w.task_keys == KeyStyle::kPascal;
  n.volumes = w.volume_blocks ? "volume" : pascal ? "Volumes" : "volumes";
  n.volume_name = pascal ? "Name" : "name";
  return n;
}

}  // namespace

namespace {

// The body of the Terraform resource `w` was read from.
const Node* ResourceBody(const Node* root, const Workload& w) {
  const Node* resources = root && root->IsMapping() ? root->Get("resource") : nullptr;
  if (!resources || !resources->IsMapping()) return nullptr;
  for (size_t i = 0; i < resources->MappingSize(); ++i) {
    const Node* named = resources->ValueAt(i);
    if (!named->IsMapping()) continue;
    for (size_t k = 0; k < named->MappingSize(); ++k) {
      if (named->KeyAt(k)->start.offset != w.where.offset) continue;
      const Node* body = named->ValueAt(k);
      if (body->IsSequence() && !body->children().empty()) body = body->children()[0];
      return body->IsMapping() ? body : nullptr;
    }
  }
  return nullptr;
}

// The mapping of container `c` in the JSON array `list`: the same place among
// the mappings as among w's containers, and the same name.
const Node* ContainerIn(const Node* list, const Workload& w, const Container& c) {
  if (!list || !list->IsSequence()) return nullptr;
  size_t want = static_cast<size_t>(&c - w.containers.data());
  size_t seen = 0;
  for (const Node* item : list->children()) {
    if (!item->IsMapping()) continue;
    if (seen++ != want) continue;
    for (size_t i = 0; i < item->MappingSize(); ++i) {
      if (ToLower(item->KeyAt(i)->Scalar()) == "name") {
        return item->ValueAt(i)->Scalar() == c.name ? item : nullptr;
      }
    }
    return c.name.empty() ? item : nullptr;
  }
  return nullptr;
}

}  // namespace

void FixEcs(Fixer& f, const Workload& w, const Container& c, const Need& need) {
  std::string who = w.display + " " + ContainerPhrase(c);
  bool tf = w.volume_blocks;
  Names n = NamesFor(w);
  if (c.read_only_root.value == Flag::kUnresolved && need.flag) {
    f.LeaveAlone(c.where, who,
                 n.flag + " is " + c.read_only_root.detail +
                     "; rootlock fix does not rewrite what a template, variable or intrinsic sets");
    return;
  }
  std::vector<const Node*> path;
  TreeEditor* editor = &f.editor();
  const EmbeddedJson* embedded = nullptr;
  const Node* cnode = nullptr;
  // The task that holds the container list, where volumes are declared.
  const Node* task = nullptr;
  if (f.Find(c, &path)) {
    cnode = path.back();
    if (tf && path.size() >= 4 && path[path.size() - 3]->tag() == "!call:jsonencode") {
      task = path[path.size() - 4];
    } else if (path.size() >= 3 && path[path.size() - 3]->IsMapping()) {
      task = path[path.size() - 3];
    }
  } else {
    // Terraform: container definitions as JSON in a heredoc or a string.
    const Node* body = tf ? ResourceBody(f.root(), w) : nullptr;
    const Node* defs = body ? body->Get("container_definitions") : nullptr;
    if (!defs || !defs->IsScalar() || !defs->tag().empty() || !TreeEditor::Within(defs, body)) {
      f.LeaveAlone(c.where, who,
                   "its definition is text inside a file() call or a variable; rootlock fix "
                   "edits YAML, JSON, jsonencode(...) and JSON written in the resource itself");
      return;
    }
    EmbeddedJson& e = f.Embedded(defs);
    if (!e.unfit.empty()) {
      f.LeaveAlone(c.where, who, "its container definitions are JSON text that " + e.unfit);
      return;
    }
    cnode = ContainerIn(e.parsed->documents[0].root, w, c);
    if (!cnode) {
      f.LeaveAlone(c.where, who, "it was not found again in the JSON text");
      return;
    }
    editor = e.editor.get();
    embedded = &e;
    task = body;
  }
  // The key as the file spells it when it is there (Terraform's JSON matches any case).
  std::string flag_key = c.read_only_root.where.line ? c.read_only_root.key : n.flag;
  if (need.flag && embedded) {
    const Node* value = cnode->Get(flag_key);
    if (std::string t = value ? embedded->TemplateAt(value, f.text()) : ""; !t.empty()) {
      f.LeaveAlone(c.where, who,
                   flag_key + " is set by the template " + QuoteForMessage(t) +
                       "; rootlock fix does not rewrite what a template, variable or intrinsic "
                       "sets: change it at its source");
      return;
    }
  }
  if (need.flag && !f.SetFlag(cnode, flag_key, who, c.where, editor)) return;
  bool changed = need.flag;
  if (!need.paths.empty()) {
    if (!task) {
      std::string why =
          "a bare list of container definitions has no task to declare volumes in; "
          "add a volume and mountPoints for " +
          need.paths[0] + " by hand";
      changed ? f.FixedInPart(w, c, who, why) : f.LeaveAlone(c.where, who, why);
      return;
    }
    const Node* mounts_key = nullptr;
    const Node* mounts = cnode->Get(n.mounts, &mounts_key);
    if (mounts && (!mounts->IsSequence() || !TreeEditor::Within(mounts, cnode) ||
                   (embedded && !embedded->TemplateAt(mounts, f.text()).empty()))) {
      std::string why = n.mounts + " is not a list written here";
      changed ? f.FixedInPart(w, c, who, why) : f.LeaveAlone(c.where, who, why);
      return;
    }
    const Node* volumes = task->Get(n.volumes);
    if (volumes && !TreeEditor::Within(volumes, task)) volumes = nullptr;
    f.DeclareVolumesIn(task, volumes && volumes->IsSequence() && !tf ? volumes : nullptr,
                       tf ? VolumeStyle::kHclBlock : VolumeStyle::kTask, n.volumes, n.volume_name);
    std::vector<Value> items;
    for (const std::string& want : need.paths) {
      bool is_new = false;
      std::string vol = f.PickVolume(w, task, volumes && volumes->IsSequence() ? volumes : nullptr,
                                     n.volume_name, want, &is_new);
      items.push_back(Value::Map({{n.mount_name, Value::Str(vol)},
                                  {n.mount_path, Value::Str(want)},
                                  {n.read_only, Value::Bool(false)}}));
      ++f.out().mounts_added;
    }
    if (mounts) {
      for (const Value& item : items) editor->AppendItem(mounts, item);
    } else {
      editor->InsertMember(cnode, n.mounts, Value::List(items));
    }
    changed = true;
  }
  if (changed) ++f.out().containers_fixed;
}

}  // namespace rootlock::fixing
