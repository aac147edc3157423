// The policy flags at work: the config file, peer exemptions, baselines.
#include "base/text.h"
#include "cli/commands.h"
#include "fix/fix.h"
#include "policy/baseline.h"

namespace rootlock {

bool ApplyPolicy(const PolicyFlags& flags, Config* config, ScanOptions* options,
                 Diagnostic* error) {
  std::string path = flags.config;
  if (path.empty() && !flags.no_config) {
    path = FindConfig(options->paths.empty() ? "." : options->paths[0]);
  }
  if (!path.empty()) {
    if (!LoadConfig(path, config, error)) return false;
    options->config = config;
    if (config->min_ratio && !flags.min_ratio_set) options->min_ratio = *config->min_ratio;
    if (config->strict && !flags.strict_set) options->rules.strict = *config->strict;
    if (config->allow_empty && !options->allow_empty) options->allow_empty = *config->allow_empty;
    if (config->peer_exemptions) options->rules.peer_exemptions = *config->peer_exemptions;
    if (!flags.rules_set) {
      if (config->selected_rules) {
        for (const RuleInfo* r : AllRules()) options->rules.disabled.insert(r->id);
        for (const std::string& r : *config->selected_rules) options->rules.disabled.erase(r);
      }
      for (const std::string& r : config->disabled_rules) options->rules.disabled.insert(r);
    }
    if (config->fail_on_set && !flags.fail_on_set) {
      options->fail_on = config->fail_on;
      options->fail_on_severity = config->fail_on_severity;
    }
    for (const auto& [rule, sev] : config->severities) options->rules.severity[rule] = sev;
    options->rules.extra_databases = config->extra_databases;
    if (config->builtin_databases) options->rules.builtin_databases = *config->builtin_databases;
    options->rules.secret_env_names = config->secret_env_names;
  }
  if (flags.no_peer_exemptions) options->rules.peer_exemptions = false;
  return true;
}

bool FinishPolicy(const PolicyFlags& flags, ScanResult* result, Diagnostic* error) {
  if (!flags.baseline.empty()) {
    std::vector<BaselineEntry> entries;
    if (!ReadBaseline(flags.baseline, &entries, error)) return false;
    ApplyBaseline(entries, result);
  }
  if (!flags.write_baseline.empty()) {
    if (!WriteFileAtomically(flags.write_baseline, BaselineJson(*result), error)) return false;
  }
  return true;
}

}  // namespace rootlock
