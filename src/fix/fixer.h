// Internal to fix/: what the platform renderers share. A renderer turns one
// container's remedy (model terms: set the flag, make paths writable) into
// byte edits on the user's own text, in that platform's spelling. Adding a
// platform is one file, fix/fix_<platform>.cc, and one line in fix.cc's table.
#ifndef ROOTLOCK_FIX_FIXER_H_
#define ROOTLOCK_FIX_FIXER_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fix/fix.h"
#include "fix/tree_edit.h"
#include "model/finding.h"
#include "model/remedy.h"
#include "model/workload.h"
#include "parse/node.h"
#include "parse/reader.h"

namespace rootlock::fixing {

/// A remedy as a renderer applies it: whether to set the read-only flag, the
/// paths to make writable, and the settings of the rules beside read-only.
struct Need {
  bool flag = false;
  std::vector<std::string> paths;
  bool unprivileged = false;  // no-privileged: privileged false
  std::string user;           // run-as-non-root: "UID[:GID]" (fix --user)
  std::string log_driver;     // logging-enabled: "awslogs" (fix --log-driver), with:
  std::vector<std::pair<std::string, std::string>> log_options;

  static Need Of(const Remedy& r);
  bool ReadOnly() const { return flag || !paths.empty(); }
  bool Any() const { return ReadOnly() || unprivileged || !user.empty() || !log_driver.empty(); }
  /// The user part and the group part of `user` ("1000:50" -> "1000", "50").
  std::string Uid() const { return user.substr(0, user.find(':')); }
  std::string Gid() const {
    size_t colon = user.find(':');
    return colon == std::string::npos ? "" : user.substr(colon + 1);
  }
};

/// Kubernetes: the securityContext members that run a container as need.user
/// (runAsNonRoot: true, runAsUser, and runAsGroup when a group is given).
std::vector<Value::Member> RunAsMembers(const Need& need);

/// A volume name for a path: /var/cache/nginx -> var-cache-nginx.
std::string Slug(std::string_view path);

/// The chain of nodes from `root` down to the collection that starts at
/// (offset, line): written nodes only, never through an alias.
bool FindPath(const Node* root, uint64_t offset, uint32_t line, std::vector<const Node*>* path);

/// FindPath for many containers of one tree: a collection with many children
/// (a Terraform file's resources) is indexed by offset once, so that finding
/// each of N containers costs log N there, not N (fix stays linear in size).
class PathFinder {
 public:
  bool Find(const Node* root, uint64_t offset, uint32_t line, std::vector<const Node*>* path);

 private:
  struct Index {
    std::vector<uint64_t> starts;   // of the written collections among the children, sorted
    std::vector<uint64_t> max_end;  // the furthest end of those up to each
    std::vector<uint64_t> ends;
    std::vector<size_t> child;  // their place in the node's children
  };
  const Index& IndexOf(const Node* n);
  bool From(const Node* n, uint64_t offset, uint32_t line, std::vector<const Node*>* path,
            int depth);
  std::unordered_map<const Node*, Index> index_;
};

/// The scratch volumes one pod spec or task gets, named so that they clash with
/// nothing declared or mounted there.
struct VolumeNames {
  std::vector<std::string> added;             // in the order they were picked
  std::map<std::string, std::string> picked;  // path slug -> volume name chosen

  /// Volume name for `path` among the declared `volumes` (a sequence, or
  /// nullptr) of `w`, reusing a scratch volume of that name or one picked
  /// before; `is_new` when it must be declared.
  std::string Pick(const Workload& w, const Node* volumes, const std::string& name_key,
                   const std::string& path, bool* is_new);
};

/// How a platform declares a scratch volume.
enum class VolumeStyle {
  kEmptyDir,  // Kubernetes: {name: N, emptyDir: {}}
  kTask,      // ECS JSON, CloudFormation, awscc: {name: N} / {Name: N}, no host
  kHclBlock,  // Terraform aws_ecs_task_definition: volume { name = N }
};

/// Container definitions written as JSON text in a .tf file (a heredoc or a
/// quoted string), read so that fix edits them where they are written.
struct EmbeddedJson {
  /// The JSON as read: HCL's escapes decoded, each ${...} blanked to a JSON
  /// string (or string content) spanning as many bytes, so it parses as JSON.
  std::string text;
  std::vector<uint64_t> at;  // the file offset of each byte of `text`, and of its end
  bool quoted = false;       // a "..." string: what is written needs HCL's string escapes
  std::vector<std::pair<uint64_t, uint64_t>> templates;  // each ${...}: [begin, end) in text
  std::unique_ptr<ParsedSource> parsed;
  std::unique_ptr<TreeEditor> editor;  // edits on `text`, mapped back to the file at the end
  std::string unfit;                   // why it cannot be edited in place, or ""

  /// The ${...} `n` was written as, or "" when `n` is JSON of its own.
  std::string TemplateAt(const Node* n, std::string_view file_text) const;
};

/// The editing session on one file, shared by the renderers.
class Fixer {
 public:
  Fixer(const std::string& name, std::string_view text, InputFormat format,
        const FixOptions& options, FileFix* out)
      : name_(name), text_(text), format_(format), options_(options), out_(out) {}

  void Run();

  // For renderers.
  void LeaveAlone(const Location& where, const std::string& who, const std::string& why);
  /// The container's flag is set, but `rest` is left to do by hand; the re-scan
  /// then proves read-only-root-fs, not tmp-writable.
  void FixedInPart(const Workload& w, const Container& c, const std::string& who,
                   const std::string& rest);
  /// The change of `setting` was written into the container: the re-scan must find
  /// the rule it remedies passing (both read-only rules for kReadOnlyRoot).
  void Wrote(const Workload& w, const Container& c, Setting setting);
  /// The change of `setting` is not written, and why; the container's other changes
  /// stand. Said as a note ("left alone for no-privileged: ...").
  void LeftAloneFor(const Workload& w, const Container& c, Setting setting, const std::string& why);
  /// Sets `flag: true` in `m` (replacing a written value, or adding the key).
  /// `editor`: where the edit goes, when not this file's own editor (embedded JSON).
  bool SetFlag(const Node* m, const std::string& key, const std::string& who, const Location& at,
               TreeEditor* editor = nullptr);
  /// Why `key` of `m` cannot be set by fix (a template, variable, alias or
  /// function sets it), or "" when it can.
  static std::string Unsettable(const Node* m, const std::string& key);
  /// Sets `key` of `m` to `value`, replacing a written scalar or adding the key;
  /// Unsettable(m, key) must be "".
  void SetValue(const Node* m, const std::string& key, const Value& value,
                TreeEditor* editor = nullptr);
  /// Volume name for `path` in the volume list `volumes` (existing) of `owner`,
  /// reusing one this fix already added there. A new name clashes neither with
  /// a volume declared there nor with one a mount of `w` names without its
  /// declaration (declaring it would change what that mount means).
  std::string PickVolume(const Workload& w, const Node* owner, const Node* volumes,
                         const std::string& name_key, const std::string& path, bool* is_new);
  /// Records that `owner` (a pod spec, a task) gets the volumes PickVolume adds
  /// there, declared after every container edit.
  void DeclareVolumesIn(const Node* owner, const Node* list, VolumeStyle style,
                        const std::string& key, const std::string& name_key);
  /// Locates the container's mapping; false, leaving it alone with the reason,
  /// when it is not written as one here.
  bool Locate(const Workload& w, const Container& c, std::vector<const Node*>* path);
  /// Locate without leaving alone: false when it is not written as a mapping here.
  bool Find(const Container& c, std::vector<const Node*>* path);

  /// The JSON text `value` holds (a heredoc or quoted string of this .tf file),
  /// read once for editing; its edits join the file's after every container.
  EmbeddedJson& Embedded(const Node* value);

  TreeEditor& editor() { return *editor_; }
  const Node* root() const { return root_; }
  std::string_view text() const { return text_; }
  FileFix& out() { return *out_; }

 private:
  Syntax SyntaxOf() const;
  // Hands one container's remedy to its platform's renderer, or leaves it alone.
  void FixContainer(const Workload& w, const Container& c, const Remedy& remedy);
  void DeclareVolumes();
  void MergeEmbedded();
  std::string Prove(const std::string& fixed);

  struct PendingVolumes {
    const Node* owner = nullptr;
    const Node* list = nullptr;  // the existing list, or nullptr
    VolumeStyle style = VolumeStyle::kEmptyDir;
    std::string key;       // volumes / Volumes / volume
    std::string name_key;  // name / Name
    VolumeNames names;

    Value Volume(const std::string& name) const;
  };

  const std::string& name_;
  std::string_view text_;
  InputFormat format_;
  const FixOptions& options_;
  FileFix* out_;
  std::unique_ptr<TreeEditor> editor_;
  const Node* root_ = nullptr;
  PathFinder finder_;
  // Volumes to add per owner (pod spec, task, resource body), after the container edits.
  std::map<const Node*, PendingVolumes> pending_;
  std::map<const Node*, std::unique_ptr<EmbeddedJson>> embedded_;
  // What was written, to prove after the edits: the rules each (resource, container)
  // must pass.
  std::map<std::pair<std::string, std::string>, std::set<const RuleInfo*>> expect_;
  // Containers fixed in part: the flag set, mounts left to do (resource, container).
  std::set<std::pair<std::string, std::string>> flag_only_;
};

/// A platform's renderer: applies `need` to container `c` of `w`, or leaves it
/// alone with the reason. Counts what it did in f.out().
using RenderFn = void (*)(Fixer& f, const Workload& w, const Container& c, const Need& need);

void FixKubernetes(Fixer& f, const Workload& w, const Container& c, const Need& need);
void FixEcs(Fixer& f, const Workload& w, const Container& c, const Need& need);
void FixCompose(Fixer& f, const Workload& w, const Container& c, const Need& need);

}  // namespace rootlock::fixing

#endif  // ROOTLOCK_FIX_FIXER_H_
