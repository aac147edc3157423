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
  std::string privileged;   // privileged / Privileged / privileged
  std::string user;         // user / User / user
  std::string log_conf;     // logConfiguration / LogConfiguration / log_configuration
  std::string log_driver;   // logDriver / LogDriver / log_driver
  std::string log_options;  // options / Options / options
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
           "",
           "",
           "",
           "",
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
           "",
           "",
           "",
           "",
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
           "",
           "",
           "",
           "",
           "",
           ""};
      break;
  }
  bool pascal_container = w.container_keys == KeyStyle::kPascal;
  bool snake = w.container_keys == KeyStyle::kSnake;
  n.privileged = pascal_container ? "Privileged" : "privileged";
  n.user = pascal_container ? "User" : "user";
  n.log_conf = pascal_container ? "LogConfiguration"
               : snake          ? "log_configuration"
                                : "logConfiguration";
  n.log_driver = pascal_container ? "LogDriver" : snake ? "log_driver" : "logDriver";
  n.log_options = pascal_container ? "Options" : "options";
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

// Where a container's edits go: its mapping, its task, the editor (the file's,
// or that of JSON text embedded in it) and the names of its source's spelling.
struct Site {
  const Node* cnode;
  const Node* task;  // where volumes are declared, or nullptr
  TreeEditor* editor;
  const EmbeddedJson* embedded;
  const Names& n;
  const std::string& who;
};

// Whether `n` is written by a ${...} of the embedded JSON text.
bool ByTemplate(Fixer& f, const Site& site, const Node* n) {
  return site.embedded && !site.embedded->TemplateAt(n, f.text()).empty();
}

// Why `key` of `m` cannot be written: a template of the embedded JSON, a variable,
// an intrinsic or an alias sets it; "" when it can.
std::string Blocked(Fixer& f, const Site& site, const Node* m, const std::string& key) {
  if (const Node* v = site.embedded ? m->Get(key) : nullptr) {
    if (std::string t = site.embedded->TemplateAt(v, f.text()); !t.empty()) {
      return key + " is set by the template " + QuoteForMessage(t) +
             "; rootlock fix does not rewrite what a template, variable or intrinsic sets: "
             "change it at its source";
    }
  }
  return Fixer::Unsettable(m, key);
}

// The key as the file spells it when `s` is written (Terraform's JSON matches any case).
std::string KeyOf(const std::string& written, const Location& where, const std::string& ours) {
  return where.line && !written.empty() ? written : ours;
}

// The read-only flag and the writable mounts; false when the container is left alone.
bool ReadOnly(Fixer& f, const Workload& w, const Container& c, const Need& need, const Site& site) {
  const Node* cnode = site.cnode;
  const Node* task = site.task;
  TreeEditor* editor = site.editor;
  const Names& n = site.n;
  const std::string& who = site.who;
  bool tf = w.volume_blocks;
  // The key as the file spells it when it is there (Terraform's JSON matches any case).
  std::string flag_key = KeyOf(c.read_only_root.key, c.read_only_root.where, n.flag);
  if (need.flag) {
    if (std::string why = Blocked(f, site, cnode, flag_key); !why.empty()) {
      f.LeaveAlone(c.where, who, why);
      return false;
    }
    f.SetValue(cnode, flag_key, Value::Bool(true), editor);
  }
  bool changed = need.flag;
  if (!need.paths.empty()) {
    if (!task) {
      std::string why =
          "a bare list of container definitions has no task to declare volumes in; "
          "add a volume and mountPoints for " +
          need.paths[0] + " by hand";
      if (!changed) {
        f.LeaveAlone(c.where, who, why);
        return false;
      }
      f.FixedInPart(w, c, who, why);
      return true;
    }
    const Node* mounts_key = nullptr;
    const Node* mounts = cnode->Get(n.mounts, &mounts_key);
    if (mounts && (!mounts->IsSequence() || !TreeEditor::Within(mounts, cnode) ||
                   ByTemplate(f, site, mounts))) {
      std::string why = n.mounts + " is not a list written here";
      if (!changed) {
        f.LeaveAlone(c.where, who, why);
        return false;
      }
      f.FixedInPart(w, c, who, why);
      return true;
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
  f.Wrote(w, c, Setting::kReadOnlyRoot);
  return true;
}

// logConfiguration with the driver and its options (fix --log-driver): added whole, or
// into the container's own logConfiguration (options it names already are kept).
void SetLogging(Fixer& f, const Workload& w, const Container& c, const Need& need,
                const Site& site) {
  const Names& n = site.n;
  std::string written = c.log_driver.key;
  size_t dot = written.find('.');
  std::string conf_key =
      KeyOf(dot == std::string::npos ? "" : written.substr(0, dot), c.log_driver.where, n.log_conf);
  std::string driver_key = dot == std::string::npos ? n.log_driver : written.substr(dot + 1);
  std::vector<Value::Member> options;
  for (const auto& [k, v] : need.log_options) options.push_back({k, Value::Str(v)});
  const Node* key = nullptr;
  const Node* conf = site.cnode->Get(conf_key, &key);
  auto whole = [&] {
    Value v = Value::Map({{n.log_driver, Value::Str(need.log_driver)}});
    if (!options.empty()) v.map.push_back({n.log_options, Value::Map(options)});
    return v;
  };
  if (!conf || !TreeEditor::Within(key, site.cnode)) {
    site.editor->InsertMember(site.cnode, conf_key, whole());
    f.Wrote(w, c, Setting::kLogDriver);
    return;
  }
  bool written_here =
      conf->tag().empty() && TreeEditor::Within(conf, site.cnode) && !ByTemplate(f, site, conf);
  if (written_here && conf->IsNull() && conf->end.offset > conf->start.offset) {
    site.editor->Replace(conf, whole());
    f.Wrote(w, c, Setting::kLogDriver);
    return;
  }
  std::string why;
  if (!written_here || !conf->IsMapping()) {
    why = Blocked(f, site, site.cnode, conf_key);
    if (why.empty()) why = conf_key + " is not a mapping written here";
  }
  if (why.empty()) why = Blocked(f, site, conf, driver_key);
  const Node* opts_key = nullptr;
  const Node* opts = why.empty() ? conf->Get(n.log_options, &opts_key) : nullptr;
  bool opts_here = opts && TreeEditor::Within(opts_key, conf);
  if (why.empty() && opts_here && !options.empty() &&
      (!opts->IsMapping() || !opts->tag().empty() || !TreeEditor::Within(opts, conf) ||
       ByTemplate(f, site, opts))) {
    why = conf_key + "." + n.log_options + " is not a mapping written here";
  }
  if (!why.empty()) {
    f.LeftAloneFor(w, c, Setting::kLogDriver, why);
    return;
  }
  f.SetValue(conf, driver_key, Value::Str(need.log_driver), site.editor);
  if (opts_here && !options.empty()) {
    for (const Value::Member& m : options) {
      if (!opts->Get(m.first)) site.editor->InsertMember(opts, m.first, m.second);
    }
  } else if (!options.empty()) {
    site.editor->InsertMember(conf, n.log_options, Value::Map(options));
  }
  f.Wrote(w, c, Setting::kLogDriver);
}

// The rules beside read-only, each on its own: one left alone leaves the others.
void Others(Fixer& f, const Workload& w, const Container& c, const Need& need, const Site& site) {
  if (need.unprivileged) {
    std::string key = KeyOf(c.privileged.key, c.privileged.where, site.n.privileged);
    if (std::string why = Blocked(f, site, site.cnode, key); !why.empty()) {
      f.LeftAloneFor(w, c, Setting::kPrivileged, why);
    } else {
      f.SetValue(site.cnode, key, Value::Bool(false), site.editor);
      f.Wrote(w, c, Setting::kPrivileged);
    }
  }
  if (!need.user.empty()) {
    std::string key = KeyOf(c.user.key, c.user.where, site.n.user);
    if (std::string why = Blocked(f, site, site.cnode, key); !why.empty()) {
      f.LeftAloneFor(w, c, Setting::kUser, why);
    } else {
      f.SetValue(site.cnode, key, Value::Str(need.user), site.editor);
      f.Wrote(w, c, Setting::kUser);
    }
  }
  if (!need.log_driver.empty()) SetLogging(f, w, c, need, site);
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
  if (need.ReadOnly() && !ReadOnly(f, w, c, need, {cnode, task, editor, embedded, n, who})) {
    return;
  }
  Others(f, w, c, need, {cnode, task, editor, embedded, n, who});
}

}  // namespace rootlock::fixing
