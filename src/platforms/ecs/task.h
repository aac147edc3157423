// Internal to the ECS adapter: reading a task definition's containers, the
// same way whichever source spelled it.
#ifndef ROOTLOCK_PLATFORMS_ECS_TASK_H_
#define ROOTLOCK_PLATFORMS_ECS_TASK_H_

#include <functional>
#include <string>
#include <string_view>

#include "model/workload.h"
#include "platforms/adapter.h"

namespace rootlock::ecs {

/// How a source spells the API's field names (the model's, so that fix can write them).
using KeyStyle = rootlock::KeyStyle;

enum class FieldId {
  kName,
  kImage,
  kEssential,
  kReadonlyRootFilesystem,
  kMountPoints,
  kSourceVolume,
  kContainerPath,
  kReadOnly,
  kLinuxParameters,
  kTmpfs,
  kVolumes,
  kRuntimePlatform,
  kOperatingSystemFamily,
  kFamily,
  kContainerDefinitions,
  kPrivileged,
  kUser,
  kPidMode,
  kEnvironment,
  kSecrets,
  kEnvironmentFiles,
  kValue,
  kValueFrom,
  kLogConfiguration,
  kLogDriver,
};

/// The field's name in a style: kReadonlyRootFilesystem is readonlyRootFilesystem,
/// ReadonlyRootFilesystem, or read_only_root_filesystem.
std::string_view FieldName(FieldId f, KeyStyle style);

/// What a value resolver says about a node.
struct Resolved {
  const Node* node = nullptr;  // the value, after following references
  std::string unresolved;      // why it could not be followed ("" when it could)
};

/// How to read values from one source.
struct Reader {
  const DocumentContext* ctx = nullptr;
  KeyStyle container_style = KeyStyle::kCamel;
  KeyStyle task_style = KeyStyle::kCamel;
  /// CloudFormation and Terraform's typed attributes take "true"/"false" strings as booleans.
  bool string_bools = false;
  /// Container-definition keys match without regard to case, an exact match
  /// first: Terraform's AWS provider reads container_definitions with Go's JSON
  /// decoder, which does so ("ReadonlyRootFilesystem" is readonlyRootFilesystem).
  /// The ECS API itself (describe output, register input) is case-sensitive.
  bool fold_container_keys = false;
  /// Follows references (!Ref, var.x); identity when null.
  std::function<Resolved(const Node*)> resolve;
  /// Where a node is, for nodes read from embedded text; Where(ctx, n) when null.
  std::function<Location(const Node*)> where;

  Location At(const Node* n) const { return where ? where(n) : Where(*ctx, n); }
  Resolved Follow(const Node* n) const { return resolve ? resolve(n) : Resolved{n, ""}; }
  /// Looks a field up in a mapping and follows it; {nullptr, ""} when absent.
  Resolved Get(const Node* map, FieldId f, KeyStyle style) const;
  /// The value of `key` in `map` (a mapping), as this source's reader matches
  /// keys; `written` gets the key as written. nullptr when absent.
  const Node* Lookup(const Node* map, std::string_view key, KeyStyle style,
                     std::string_view* written = nullptr) const;
};

/// The task-level facts a source gives besides its containers.
struct TaskFacts {
  const Node* containers = nullptr;   // the containerDefinitions node (resolved or not)
  std::string containers_unresolved;  // why it could not be followed
  const Node* volumes = nullptr;      // sequence of volume mappings, or nullptr
  const Node* runtime_platform = nullptr;
  /// The task's pidMode as the source gives it, followed (pid.node nullptr when absent),
  /// where it is written and how it is spelled. The caller follows it: in Terraform it
  /// sits in HCL beside container definitions that may be embedded JSON.
  Resolved pid_mode;
  Location pid_mode_where;
  std::string pid_mode_key;
  /// Exemptions declared by the source: tags, CloudFormation Metadata...
  std::vector<Exemption> exemptions;
  std::vector<std::pair<std::string, Exemption>> per_container;
};

/// Fills `w` (kind, setting, OS, containers) from a task definition. The
/// caller sets names, resource, display and where.
void ReadTask(const Reader& r, const TaskFacts& facts, Workload* w);

/// Display text and names shared by every source: "Task definition 'family:12'".
void NameTask(Workload* w, std::string family, int64_t revision, std::string source_id);

/// A scalar node made by the adapter (a --param value, say).
const Node* MakeScalar(NodeTree* tree, std::string_view value, ScalarStyle style, const Node* at);

}  // namespace rootlock::ecs

#endif  // ROOTLOCK_PLATFORMS_ECS_TASK_H_
