// The Kubernetes renderer: a remedy written into a pod template (or a pod) as
// securityContext.readOnlyRootFilesystem and emptyDir volumes.
#include "base/text.h"
#include "fix/fixer.h"

namespace rootlock::fixing {

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
  bool changed = false;
  if (need.flag) {
    const Node* sc_key = nullptr;
    const Node* sc = cnode->Get("securityContext", &sc_key);
    if (sc && !TreeEditor::Within(sc_key, cnode)) {
      f.LeaveAlone(c.where, who,
                   "its securityContext is merged in (<<) from line " +
                       std::to_string(sc->start.line) + "; set readOnlyRootFilesystem there");
      return;
    }
    if (sc && sc->IsMapping() && !TreeEditor::Within(sc, cnode)) {
      f.LeaveAlone(c.where, who,
                   "its securityContext is the alias of an anchor at line " +
                       std::to_string(sc->start.line) +
                       " shared with other containers; set readOnlyRootFilesystem there");
      return;
    } else if (sc && sc->IsMapping() && sc->anchored) {
      f.LeaveAlone(c.where, who,
                   "its securityContext is an anchor that aliases may share; set "
                   "readOnlyRootFilesystem in it by hand if every user of it should be read-only");
      return;
    } else if (sc && sc->IsMapping()) {
      if (!f.SetFlag(sc, "readOnlyRootFilesystem", who, c.where)) return;
    } else if (sc && sc->IsNull() && TreeEditor::Within(sc, cnode) &&
               sc->end.offset > sc->start.offset) {
      f.editor().Replace(sc, Value::Map({{"readOnlyRootFilesystem", Value::Bool(true)}}));
    } else if (sc) {
      f.LeaveAlone(c.where, who, "its securityContext is not a mapping");
      return;
    } else {
      f.editor().InsertMember(cnode, "securityContext",
                              Value::Map({{"readOnlyRootFilesystem", Value::Bool(true)}}));
    }
    changed = true;
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
    changed = true;
  }
  if (changed) ++f.out().containers_fixed;
}

}  // namespace rootlock::fixing
