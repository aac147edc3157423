// Findings: one verdict per container and rule. Every output reads these only.
#ifndef ROOTLOCK_MODEL_FINDING_H_
#define ROOTLOCK_MODEL_FINDING_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
#include "model/remedy.h"
#include "model/workload.h"

namespace rootlock {

enum class Status : uint8_t { kPass, kFail, kNotApplicable, kSkipped, kError };
/// "pass", "fail", "n/a", "skipped", "error".
std::string_view StatusName(Status s);

enum class Severity : uint8_t { kLow, kMedium, kHigh, kCritical };
/// "low", "medium", "high", "critical".
std::string_view SeverityName(Severity s);

/// A set of platforms, for metadata: PlatformBit(p) | ..., or kAllPlatforms.
using PlatformSet = uint8_t;
constexpr PlatformSet PlatformBit(Platform p) {
  return static_cast<PlatformSet>(1u << static_cast<unsigned>(p));
}
constexpr PlatformSet kAllPlatforms = 0x0F;

/// What a compliance mapping names.
enum class ComplianceKind : uint8_t {
  kStandard,     // a requirement of a published standard: CIS, NIST (ASFF RelatedRequirements)
  kSecurityHub,  // an AWS Security Hub control (ASFF Compliance.SecurityControlId)
  kCheck,        // another product's rule for the same control: AWS Config, Datadog
};

/// ASFF finding types (the Security Hub types taxonomy) that compliance mappings use.
inline constexpr const char* kAsffAwsBestPractices =
    "Software and Configuration Checks/AWS Security Best Practices";
inline constexpr const char* kAsffCisBenchmarks =
    "Software and Configuration Checks/Industry and Regulatory Standards/CIS Host Hardening "
    "Benchmarks";
inline constexpr const char* kAsffNist80053 =
    "Software and Configuration Checks/Industry and Regulatory Standards/NIST 800-53 Controls "
    "(USA)";

struct ComplianceRef {
  const char* framework;  // "AWS Security Hub"
  const char* control;    // "ECS.5"
  ComplianceKind kind;
  /// The platforms the mapping is about: ECS.5 judges ECS task definitions only.
  PlatformSet platforms;
  /// Where the mapping comes from: edition, section and title, as a reader
  /// would look it up ("CIS Docker Benchmark v1.2.0 §5.12 ..."). Rule docs show it.
  const char* source = nullptr;
  /// The AWS Security Finding Format type it puts a finding under, from the
  /// ASFF types taxonomy ("Software and Configuration Checks/..."); nullptr: none.
  const char* asff_type = nullptr;
};

/// A rule's metadata: the single source for `rootlock rules`, docs and reports.
struct RuleInfo {
  const char* id;     // stable slug: "read-only-root-fs"
  const char* name;   // the same in CamelCase, for formats that want one (SARIF rule name)
  const char* title;  // one line
  /// What passes and fails, for --help: lines of at most 74 characters, "\n" between them.
  const char* summary;
  Severity severity;
  /// Whether the rule's failures count towards the read-only ratio and the gate.
  bool gates;
  const char* rationale;
  /// Remediation per platform, indexed by Platform.
  const char* remediation[4];
  /// A public page that explains the control (SARIF helpUri, ASFF Remediation URL).
  const char* help_uri;
  std::vector<ComplianceRef> compliance;
  /// Other names users may type for it (compliance ids, peers' check ids).
  std::vector<const char*> aliases;
  /// Keywords for code-scanning UIs (SARIF properties.tags).
  std::vector<const char*> tags;
  /// A short failing example per platform, indexed by Platform, as its source would be
  /// written (rule docs show them); nullptr where the rule does not apply or has none.
  const char* examples[4] = {};
  /// Whether `rootlock fix` can write this rule's remedy (no-host-pid and
  /// no-secrets-in-env: never, they need a human).
  bool fixable = true;
  /// What fix must be told before it writes the remedy ("--user UID[:GID]"), or
  /// nullptr when it needs nothing.
  const char* fix_needs = nullptr;
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
  std::string region;     // live ECS: the workload's AWS region; "" elsewhere
  std::string container;  // name, or "[index]" when unnamed
  std::string image;
  Location where;
  std::string message;  // one sentence naming workload and container
  std::string reason;   // why: the cause of a failure, the ground for n/a
  /// What the rule read, for the inventory: "yes", "no", "unresolved", a user ("1000:1000").
  /// Never a value a rule must not print (no-secrets-in-env leaves it empty).
  std::string observed;
  /// The rule's severity, or the config's override of it.
  Severity severity = Severity::kHigh;
  /// With --baseline: "new" or "known" for a gating failure; "" otherwise.
  std::string baseline;
  /// What to change so that the finding passes (failures only): the flag to
  /// set and the paths to make writable. Rendered by fix/ and report/.
  Remedy remedy;
};

/// A stable identity for what a finding is about: a hash of rule, platform, file, namespace,
/// resource and container, as 16 lowercase hex digits. Independent of line, column, message,
/// status and formatting, so it survives edits around the container, reformatting and a change
/// of verdict (SARIF partialFingerprints, ASFF Id, baselines). It changes when the file is
/// renamed or the workload or container is renamed.
std::string Fingerprint(const Finding& f);

}  // namespace rootlock

#endif  // ROOTLOCK_MODEL_FINDING_H_
