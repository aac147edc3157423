// The rules layer's public face: the registry (rules.def is the only list of
// rules; each rule is one file, src/rules/<slug>.cc, with its metadata and its
// check), the options every rule reads, and the tables rules share.
#ifndef ROOTLOCK_RULES_RULES_H_
#define ROOTLOCK_RULES_RULES_H_

#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/finding.h"
#include "model/workload.h"

namespace rootlock {

struct RuleOptions {
  /// Judge stateful databases too instead of calling them n/a.
  bool strict = false;
  /// Honour the peers' own suppressions (kube-linter, Polaris, kube-score,
  /// Checkov, Kubescape); --no-peer-exemptions turns this off.
  bool peer_exemptions = true;
  /// Today, "YYYY-MM-DD", against which exemptions expire; "" means the clock's.
  std::string today;
  /// Rules switched off (by slug): they report nothing.
  std::set<std::string, std::less<>> disabled;
  /// Severity per rule slug, where the config overrides the rule's own.
  std::map<std::string, Severity, std::less<>> severity;
  /// More images to treat as databases (last path component), and whether the
  /// built-in list counts.
  std::vector<std::string> extra_databases;
  bool builtin_databases = true;
  /// Paths every read-only container needs writable besides /tmp and its
  /// image's own (fix --writable): remedies add mounts for them.
  std::vector<std::string> writable;
  /// More environment variable names that hold credentials (config secret_env_names:),
  /// besides ECS.8's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and ECS_ENGINE_AUTH_DATA.
  std::vector<std::string> secret_env_names;
  /// What only the user can say, for remedies (fix --user, --log-driver): the user a
  /// container should run as ("UID[:GID]"; "" leaves run-as-non-root without a remedy),
  /// and the log driver with its options ("" leaves logging-enabled without one).
  std::string run_as;
  std::string log_driver;
  std::vector<std::pair<std::string, std::string>> log_options;
};

enum class RuleId : uint8_t {
#define ROOTLOCK_RULE(ident, slug) k##ident,
#include "rules/rules.def"
#undef ROOTLOCK_RULE
};

/// How many rules the registry holds.
constexpr size_t kRuleCount = 0
#define ROOTLOCK_RULE(ident, slug) +1
#include "rules/rules.def"
#undef ROOTLOCK_RULE
    ;

/// Every rule's metadata, in registry order.
std::span<const RuleInfo* const> AllRules();
const RuleInfo& Rule(RuleId id);
/// Finds a rule by slug or alias (case-insensitive); nullptr when unknown.
const RuleInfo* FindRule(std::string_view id_or_alias);

/// Runs every rule of the registry on each container of the workload, in registry order,
/// appending one finding per container and rule that is switched on.
void CheckWorkload(const Workload& w, const RuleOptions& options, std::vector<Finding>* out);

/// Every rule's verdict on one container, whether the rule is switched on or
/// not, in registry order: (*verdicts)[static_cast<size_t>(RuleId::kX)] is rule X's.
void JudgeContainer(const Workload& w, const Container& c, const RuleOptions& options,
                    std::vector<Finding>* verdicts);

/// Whether `rule` is one of the read-only rules (read-only-root-fs, and tmp-writable
/// beside it), whose remedy is one: the flag and the writable mounts.
bool IsReadOnlyRule(const RuleInfo& rule);

/// What a container needs changed so that every rule passes: the remedies of
/// the rules that fail on it, merged. The read-only rules' verdicts count switched
/// on or not (their remedy is one); a rule that does not gate and is switched off
/// adds nothing (fix --rules no-privileged writes that rule's remedy alone). Empty when nothing
/// fails or nothing can be said. `gating`, when given, says whether a rule that gates is among
/// them.
Remedy ContainerRemedy(const Workload& w, const Container& c, const RuleOptions& options,
                       bool* gating = nullptr);

/// The smallest set of folders that must be writable for a container to run
/// with a read-only root, from the paths it has written (Docker's /changes):
/// the folders written into, collapsed to their topmost, less what a writable
/// mount already covers, with /tmp always. Writes directly under / cannot be
/// covered by a mount: they are returned in `uncoverable`.
std::vector<std::string> SuggestWritableDirs(const Container& c,
                                             std::vector<std::string>* uncoverable);

/// The remedy that lets `c` run with a read-only root: its flag set (when
/// `set_flag`) and a writable mount at every path it needs that no writable
/// mount covers yet. Those paths are what it was seen writing when that is
/// known (SuggestWritableDirs), else /tmp, its image's known paths and
/// options.writable. A read-only volume at such a path blocks the remedy.
Remedy ReadOnlyRemedy(const Container& c, const RuleOptions& options, bool set_flag);

/// The paths an image is known to write besides /tmp ("nginx" -> /var/cache/nginx,
/// /var/run). One table (rules/writable_paths.cc); extend it there.
std::vector<std::string> KnownWritablePaths(std::string_view image);

/// The database image a container runs, when its image is a well-known
/// database ("postgres" for "docker.io/bitnami/postgresql:16"), else "".
std::string_view DatabaseImage(std::string_view image);
/// DatabaseImage under the options' database list (extra images, built-ins on or off).
std::string DatabaseImage(std::string_view image, const RuleOptions& options);

/// Today's date as "YYYY-MM-DD" (UTC; SOURCE_DATE_EPOCH when set, for reproducible runs).
std::string TodayUtc();

}  // namespace rootlock

#endif  // ROOTLOCK_RULES_RULES_H_
