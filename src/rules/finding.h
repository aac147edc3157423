// Findings: one verdict per container and rule. Every output reads these only.
#ifndef ROOTLOCK_RULES_FINDING_H_
#define ROOTLOCK_RULES_FINDING_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
#include "model/workload.h"

namespace rootlock {

enum class Status : uint8_t { kPass, kFail, kNotApplicable, kSkipped, kError };
/// "pass", "fail", "n/a", "skipped", "error".
std::string_view StatusName(Status s);

enum class Severity : uint8_t { kLow, kMedium, kHigh, kCritical };
/// "low", "medium", "high", "critical".
std::string_view SeverityName(Severity s);

struct ComplianceRef {
  const char* framework;  // "AWS Security Hub"
  const char* control;    // "ECS.5"
};

/// A rule's metadata: the single source for `rootlock rules`, docs and reports.
struct RuleInfo {
  const char* id;     // stable slug: "read-only-root-fs"
  const char* title;  // one line
  Severity severity;
  /// Whether the rule's failures count towards the read-only ratio and the gate.
  bool gates;
  const char* rationale;
  /// Remediation per platform, indexed by Platform.
  const char* remediation[4];
  std::vector<ComplianceRef> compliance;
  /// Other names users may type for it (compliance ids, peers' check ids).
  std::vector<const char*> aliases;
};

struct Finding {
  const RuleInfo* rule = nullptr;
  Status status = Status::kPass;
  Platform platform = Platform::kKubernetes;
  std::string kind;
  std::string api_version;  // Kubernetes only
  std::string name;
  std::string namespace_;
  std::string resource;
  std::string container;  // name, or "[index]" when unnamed
  std::string image;
  Location where;
  std::string message;  // one sentence naming workload and container
  std::string reason;   // why: the cause of a failure, the ground for n/a
  /// A ready remedy when the container's own writes are known (a live Docker
  /// container): the paths it needs writable, as a docker run line and as compose.
  std::vector<std::string> writable_paths;
  std::string suggestion;          // docker run --read-only --tmpfs /tmp ... IMAGE
  std::string suggestion_compose;  // read_only: true + tmpfs: [...]
};

}  // namespace rootlock

#endif  // ROOTLOCK_RULES_FINDING_H_
