// Subcommands that live outside main.cc.
#ifndef ROOTLOCK_CLI_COMMANDS_H_
#define ROOTLOCK_CLI_COMMANDS_H_

#include <string>
#include <string_view>

#include "cli/command.h"
#include "cli/flags.h"
#include "engine/scanner.h"
#include "policy/config.h"

namespace rootlock {

/// Prints one line on stderr: `format` as printf does, then every control
/// character in it escaped (EscapeControls: ESC as \u001b) so that nothing an
/// input holds (a file name, a container name, a message) drives the terminal or
/// forges another line; then a newline. Every error, warning and note goes here.
void ErrorLine(const char* format, ...) __attribute__((format(printf, 1, 2)));

/// rootlock fix PATH...: writes the remedy into the user's files.
extern const CommandSpec kFixCommand;

/// rootlock webhook [manifests|certs]: the admission webhook (cli/webhook_command.cc).
extern const CommandSpec kWebhookCommand;
/// The flags of `webhook` (with JudgeFlags()), `webhook manifests` and `webhook certs`,
/// for help checks and completions.
FlagGroup WebhookServerFlags();
FlagGroup WebhookManifestFlags();
FlagGroup WebhookCertFlags();

/// Loads the config (--config, or .rootlock.yaml found upward from the first
/// path) into `config` and applies it to `options`, flags first.
bool ApplyPolicy(const PolicyFlags& flags, Config* config, ScanOptions* options, Diagnostic* error);

/// After a scan: --baseline marks failures new or known, --write-baseline records them.
bool FinishPolicy(const PolicyFlags& flags, ScanResult* result, Diagnostic* error);

}  // namespace rootlock

#endif  // ROOTLOCK_CLI_COMMANDS_H_
