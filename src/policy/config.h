// .rootlock.yaml: rules on or off and their severity, the gate, exemptions by
// path, namespace, kind, name, container and image, the database list. Every
// key is checked: an unknown one is an error with file:line:col, not ignored.
#ifndef ROOTLOCK_POLICY_CONFIG_H_
#define ROOTLOCK_POLICY_CONFIG_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "model/workload.h"
#include "rules/rules.h"

namespace rootlock {

/// One exemption from the config: every field given must match.
struct ConfigExemption {
  std::string rule = "read-only-root-fs";  // a rule id or alias, or "*"
  std::string reason;
  std::string until;
  std::string path;  // glob relative to the config's folder: * within a folder, ** across
  std::string namespace_;
  std::string kind;
  std::string name;
  std::string container;
  std::string image;  // glob: "quay.io/vendor/*"
  Location where;     // the entry in the config file
};

struct Config {
  std::string file;  // where it was read from
  std::string dir;   // its folder: exemption paths are relative to it
  std::optional<double> min_ratio;
  std::optional<bool> strict;
  /// Whether a scan that judged no container passes (allow_empty: true).
  std::optional<bool> allow_empty;
  std::optional<bool> peer_exemptions;
  std::vector<std::string> disabled_rules;
  /// rules: as a list: only these run (slugs), the rest are switched off.
  std::optional<std::vector<std::string>> selected_rules;
  /// fail_on: rules (slugs) and a severity whose failures fail the run.
  bool fail_on_set = false;
  std::set<std::string, std::less<>> fail_on;
  std::optional<Severity> fail_on_severity;
  std::vector<std::pair<std::string, Severity>> severities;
  std::vector<std::string> extra_databases;
  std::optional<bool> builtin_databases;
  /// secret_env_names: environment variable names no-secrets-in-env treats as credentials
  /// besides ECS.8's three.
  std::vector<std::string> secret_env_names;
  std::vector<ConfigExemption> exemptions;
};

/// One --fail-on (or fail_on:) value: a rule id or alias (added to `rules` as its
/// slug), or a severity meaning that severity and above (the lowest one given wins).
/// False when it is neither.
bool ParseFailOn(std::string_view value, std::set<std::string, std::less<>>* rules,
                 std::optional<Severity>* severity);

/// Reads and validates a config file. False with `error` (file:line:col) on any problem.
bool LoadConfig(const std::string& path, Config* out, Diagnostic* error);

/// The .rootlock.yaml (or .rootlock.yml) that governs `path`: in its folder or
/// the nearest one above. "" when there is none.
std::string FindConfig(const std::string& path);

/// Whether `text` matches the glob `pattern` (* ? and, when `paths`, ** across '/').
bool GlobMatch(std::string_view pattern, std::string_view text, bool paths);

/// Adds the config's matching exemptions to the containers of `w`.
void ApplyConfigExemptions(const Config& config, Workload* w);

}  // namespace rootlock

#endif  // ROOTLOCK_POLICY_CONFIG_H_
