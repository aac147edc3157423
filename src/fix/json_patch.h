// The Kubernetes remedy as an RFC 6902 JSON Patch: what an admission webhook
// returns to mutate an object, and what `kubectl patch --type json` applies to
// a live one. The same remedies fix writes as byte edits, rendered as
// operations on the object's JSON form.
#ifndef ROOTLOCK_FIX_JSON_PATCH_H_
#define ROOTLOCK_FIX_JSON_PATCH_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
#include "fix/fix.h"

namespace rootlock {

struct JsonPatch {
  /// A JSON array of operations ("add" only), "[]" when nothing needs changing.
  std::string patch;
  int containers_fixed = 0;
  int mounts_added = 0;
  /// Containers the patch leaves as they are, and why.
  std::vector<Diagnostic> left_alone;
  /// Set when no patch can be made at all (unparseable, not one Kubernetes object).
  std::string error;
};

/// The JSON Patch that applies the remedies of every failing container of the
/// one Kubernetes object in `text` (JSON or YAML; a Pod, a workload with a pod
/// template, a List): the read-only flag, and emptyDir volumes mounted at the
/// paths each container needs writable. Paths are JSON Pointers into the object
/// as written. Applying the patch and scanning the result passes every rule for
/// each container patched; patching a patched object gives "[]".
JsonPatch KubernetesJsonPatch(const std::string& name, std::string_view text,
                              const FixOptions& options);

/// `s` as one JSON Pointer reference token: "~" as "~0", "/" as "~1".
std::string JsonPointerToken(std::string_view s);

}  // namespace rootlock

#endif  // ROOTLOCK_FIX_JSON_PATCH_H_
