// The Kubernetes renderer: a remedy written into a pod template (or a pod) as
// the container's securityContext (readOnlyRootFilesystem; privileged: false;
// runAsNonRoot, runAsUser and runAsGroup for fix --user) and emptyDir volumes.
#include "base/text.h"
#include "fix/fixer.h"

namespace rootlock::fixing {

namespace {

// One rule's change to the securityContext: its members, written together or not at all.
struct ContextChange {
  Setting setting;
  std::vector<Value::Member> members;
};

// Whether `where` is written inside `n` (a setting of the container, not of its pod).
bool WrittenIn(const Location& where, const Node* n) {
  return where.line != 0 && where.offset >= n->start.offset && where.offset < n->end.offset;
}

// "readOnlyRootFilesystem", "privileged, runAsNonRoot, runAsUser": what a hand must set.
std::string KeysOf(const std::vector<ContextChange>& changes) {
  std::string out;
  for (const ContextChange& g : changes) {
    for (const Value::Member& m : g.members) out += (out.empty() ? "" : ", ") + m.first;
  }
  return out;
}

// The securityContext changes `need` asks of container `c` (node `cnode`): each rule's
// group, less those whose value a template sets in the container itself (said as notes).
std::vector<ContextChange> ContextChanges(Fixer& f, const Workload& w, const Container& c,
                                          const Node* cnode, const Need& need) {
  std::vector<ContextChange> out;
  if (need.flag)
    out.push_back({Setting::kReadOnlyRoot, {{"readOnlyRootFilesystem", Value::Bool(true)}}});
  const char* kTemplate = "; rootlock fix does not rewrite what a template or variable sets";
  if (need.unprivileged) {
    if (c.privileged.value == Flag::kUnresolved && WrittenIn(c.privileged.where, cnode)) {
      f.LeftAloneFor(w, c, Setting::kPrivileged,
                     "privileged is " + c.privileged.detail + kTemplate);
    } else {
      out.push_back({Setting::kPrivileged, {{"privileged", Value::Bool(false)}}});
    }
  }
  if (!need.user.empty()) {
    bool user_template = c.user.state == Given::kUnresolved && WrittenIn(c.user.where, cnode);
    bool flag_template =
        c.run_as_non_root.value == Flag::kUnresolved && WrittenIn(c.run_as_non_root.where, cnode);
    if (user_template || flag_template) {
      f.LeftAloneFor(w, c, Setting::kUser,
                     user_template ? "runAsUser is " + c.user.detail + kTemplate
                                   : "runAsNonRoot is " + c.run_as_non_root.detail + kTemplate);
    } else {
      out.push_back({Setting::kUser, RunAsMembers(need)});
    }
  }
  return out;
}

}  // namespace

void FixKubernetes(Fixer& f, const Workload& w, const Container& c, const Need& need) {
  std::vector<const Node*> path;
  if (!f.Locate(w, c, &path)) return;
  const Node* cnode = path.back();
  std::string who = w.display + " " + ContainerPhrase(c);
  if (path.size() < 3 || !path[path.size() - 3]->IsMapping()) {
    f.LeaveAlone(c.where, who, "its pod spec could not be located");
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
      f.LeaveAlone(c.where, who, "its volumeMounts are not a list written here");
      return;
    }
    volumes = pod->Get("volumes");
    if (volumes && (!volumes->IsSequence() || !TreeEditor::Within(volumes, pod))) {
      f.LeaveAlone(c.where, who, "the pod's volumes are not a list written here");
      return;
    }
  }
  std::vector<ContextChange> changes = ContextChanges(f, w, c, cnode, need);
  // When the securityContext cannot be edited here, the read-only flag's failure leaves the
  // whole container alone (its mounts alone mean nothing); the other rules' are notes.
  auto cannot = [&](const std::string& why) {
    if (need.flag) {
      f.LeaveAlone(c.where, who, why);
      return false;
    }
    for (const ContextChange& g : changes) f.LeftAloneFor(w, c, g.setting, why);
    changes.clear();
    return true;
  };
  if (!changes.empty()) {
    const Node* sc_key = nullptr;
    const Node* sc = cnode->Get("securityContext", &sc_key);
    std::string keys = KeysOf(changes);
    if (sc && !TreeEditor::Within(sc_key, cnode)) {
      if (!cannot("its securityContext is merged in (<<) from line " +
                  std::to_string(sc->start.line) + "; set " + keys + " there")) {
        return;
      }
    } else if (sc && sc->IsMapping() && !TreeEditor::Within(sc, cnode)) {
      if (!cannot("its securityContext is the alias of an anchor at line " +
                  std::to_string(sc->start.line) + " shared with other containers; set " + keys +
                  " there")) {
        return;
      }
    } else if (sc && sc->IsMapping() && sc->anchored) {
      if (!cannot("its securityContext is an anchor that aliases may share; set " + keys +
                  " in it by hand if every user of it should " +
                  (changes.size() == 1 && need.flag ? "be read-only" : "have them"))) {
        return;
      }
    } else if (sc && sc->IsMapping()) {
      // Each rule's members are written together or not at all.
      std::vector<ContextChange> settable;
      for (ContextChange& g : changes) {
        std::string why;
        for (const Value::Member& m : g.members) {
          if (why.empty()) why = Fixer::Unsettable(sc, m.first);
        }
        if (why.empty()) {
          settable.push_back(std::move(g));
        } else if (g.setting == Setting::kReadOnlyRoot) {
          f.LeaveAlone(c.where, who, why);
          return;
        } else {
          f.LeftAloneFor(w, c, g.setting, why);
        }
      }
      changes = std::move(settable);
      for (const ContextChange& g : changes) {
        for (const Value::Member& m : g.members) f.SetValue(sc, m.first, m.second);
      }
    } else if (sc && sc->IsNull() && TreeEditor::Within(sc, cnode) &&
               sc->end.offset > sc->start.offset) {
      std::vector<Value::Member> all;
      for (const ContextChange& g : changes)
        all.insert(all.end(), g.members.begin(), g.members.end());
      f.editor().Replace(sc, Value::Map(all));
    } else if (sc) {
      if (!cannot("its securityContext is not a mapping")) return;
    } else {
      std::vector<Value::Member> all;
      for (const ContextChange& g : changes)
        all.insert(all.end(), g.members.begin(), g.members.end());
      f.editor().InsertMember(cnode, "securityContext", Value::Map(all));
    }
    for (const ContextChange& g : changes) f.Wrote(w, c, g.setting);
  }
  if (!need.paths.empty()) {
    f.DeclareVolumesIn(pod, volumes, VolumeStyle::kEmptyDir, "volumes", "name");
    std::vector<Value> items;
    for (const std::string& want : need.paths) {
      bool is_new = false;
      std::string vol = f.PickVolume(w, pod, volumes, "name", want, &is_new);
      items.push_back(Value::Map({{"name", Value::Str(vol)}, {"mountPath", Value::Str(want)}}));
      ++f.out().mounts_added;
    }
    if (mounts) {
      for (const Value& item : items) f.editor().AppendItem(mounts, item);
    } else {
      f.editor().InsertMember(cnode, "volumeMounts", Value::List(items));
    }
    f.Wrote(w, c, Setting::kReadOnlyRoot);
  }
}

}  // namespace rootlock::fixing
