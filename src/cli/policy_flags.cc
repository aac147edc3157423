// The policy flags: config file, peer exemptions, baselines.
#include "base/text.h"
#include "cli/commands.h"
#include "fix/fix.h"
#include "policy/baseline.h"

namespace rootlock {

bool ParsePolicyFlag(std::string_view arg, const std::function<std::string()>& next,
                     PolicyFlags* flags, std::string* error) {
  auto value = [&](std::string_view name, std::string* out) {
    if (arg.size() > name.size() && StartsWith(arg, name) && arg[name.size()] == '=') {
      *out = std::string(arg.substr(name.size() + 1));
    } else if (arg == name) {
      *out = next();
    } else {
      return false;
    }
    if (out->empty()) *error = std::string(name) + " needs a file";
    return true;
  };
  if (arg == "--no-config") {
    flags->no_config = true;
  } else if (arg == "--no-peer-exemptions") {
    flags->no_peer_exemptions = true;
  } else if (value("--config", &flags->config) || value("--baseline", &flags->baseline) ||
             value("--write-baseline", &flags->write_baseline)) {
  } else {
    return false;
  }
  return true;
}

bool ApplyPolicy(const PolicyFlags& flags, Config* config, ScanOptions* options,
                 std::string* error) {
  std::string path = flags.config;
  if (path.empty() && !flags.no_config) {
    path = FindConfig(options->paths.empty() ? "." : options->paths[0]);
  }
  if (!path.empty()) {
    Diagnostic d;
    if (!LoadConfig(path, config, &d)) {
      *error = d.ToString();
      return false;
    }
    options->config = config;
    if (config->min_ratio && !flags.min_ratio_set) options->min_ratio = *config->min_ratio;
    if (config->strict && !flags.strict_set) options->rules.strict = *config->strict;
    if (config->peer_exemptions) options->rules.peer_exemptions = *config->peer_exemptions;
    for (const std::string& r : config->disabled_rules) options->rules.disabled.insert(r);
    for (const auto& [rule, sev] : config->severities) options->rules.severity[rule] = sev;
    options->rules.extra_databases = config->extra_databases;
    if (config->builtin_databases) options->rules.builtin_databases = *config->builtin_databases;
  }
  if (flags.no_peer_exemptions) options->rules.peer_exemptions = false;
  return true;
}

bool FinishPolicy(const PolicyFlags& flags, ScanResult* result, std::string* error) {
  if (!flags.baseline.empty()) {
    std::vector<BaselineEntry> entries;
    Diagnostic d;
    if (!ReadBaseline(flags.baseline, &entries, &d)) {
      *error = d.ToString();
      return false;
    }
    ApplyBaseline(entries, result);
  }
  if (!flags.write_baseline.empty()) {
    std::string werr;
    if (!WriteFileAtomically(flags.write_baseline, BaselineJson(*result), &werr)) {
      *error = flags.write_baseline + ": error: " + werr;
      return false;
    }
  }
  return true;
}

}  // namespace rootlock
