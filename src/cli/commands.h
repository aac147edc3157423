// Subcommands that live outside main.cc.
#ifndef ROOTLOCK_CLI_COMMANDS_H_
#define ROOTLOCK_CLI_COMMANDS_H_

#include <functional>
#include <string>
#include <string_view>

#include "engine/scanner.h"
#include "policy/config.h"

namespace rootlock {

/// rootlock fix PATH...: writes the remedy into the user's files.
int RunFix(int argc, char** argv);

/// The policy flags scan shares with fix: --config, --no-config,
/// --no-peer-exemptions, --baseline, --write-baseline.
struct PolicyFlags {
  std::string config;
  bool no_config = false;
  bool no_peer_exemptions = false;
  std::string baseline;
  std::string write_baseline;
  bool min_ratio_set = false;  // the command line beats the config
  bool strict_set = false;
};

/// Consumes `arg` if it is a policy flag (its value from `next` when needed).
/// Returns false when it is not one; sets `error` on a bad one.
bool ParsePolicyFlag(std::string_view arg, const std::function<std::string()>& next,
                     PolicyFlags* flags, std::string* error);

/// Loads the config (--config, or .rootlock.yaml found upward from the first
/// path) into `config` and applies it to `options`, flags first.
bool ApplyPolicy(const PolicyFlags& flags, Config* config, ScanOptions* options,
                 std::string* error);

/// After a scan: --baseline marks failures new or known, --write-baseline records them.
bool FinishPolicy(const PolicyFlags& flags, ScanResult* result, std::string* error);

}  // namespace rootlock

#endif  // ROOTLOCK_CLI_COMMANDS_H_
