// One flag parser for every subcommand. Each flag is declared once — its
// names, the name of its value, and what it does — in a group; a command
// lists the groups it takes, so `scan` and `fix` accept the same input and
// policy flags by construction. --name=value, --name value, -jN, `-` (stdin)
// and `--` (only paths after it) work the same everywhere.
#ifndef ROOTLOCK_CLI_FLAGS_H_
#define ROOTLOCK_CLI_FLAGS_H_

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/scanner.h"

namespace rootlock {

/// The report and the gate, for every command that judges.
struct ReportFlags {
  std::string format = "text";
  /// Whether --format was given: with --output alone, stdout stays empty.
  bool format_given = false;
  /// --output FORMAT=FILE, in order.
  std::vector<std::pair<std::string, std::string>> outputs;
  std::string color = "auto";
  bool verbose = false;
  /// No progress line and no notes on stderr (errors still).
  bool quiet = false;
  std::string aws_account_id;
  std::string aws_region;
};

/// The config file, peer exemptions and baselines.
struct PolicyFlags {
  std::string config;
  bool no_config = false;
  bool no_peer_exemptions = false;
  std::string baseline;
  std::string write_baseline;
  bool min_ratio_set = false;  // the command line beats the config
  bool strict_set = false;
  bool fail_on_set = false;  // --fail-on beats the config's fail_on
  bool rules_set = false;    // --rules beats the config's rules
};

/// rootlock webhook: the server, `webhook manifests` and `webhook certs`.
struct WebhookFlags {
  std::string listen = "0.0.0.0:8443";
  std::string tls_cert, tls_key;
  std::string mode = "enforce";
  unsigned threads = 4;
  uint64_t max_body_bytes = 8ull * 1024 * 1024;
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(90)};
  std::chrono::milliseconds read_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds drain{std::chrono::seconds(5)};
  std::chrono::milliseconds reload_interval{std::chrono::seconds(2)};
  // manifests, certs
  std::string namespace_ = "rootlock";
  int replicas = 3;
  bool mutate = false;
  bool fail_closed = false;
  bool cert_manager = false;
  bool audit = true;
  std::string audit_schedule = "17 * * * *";
  std::string kubectl_image = "registry.k8s.io/kubectl:v1.31.0";
  std::string image;
  std::string ca_bundle;  // a PEM file
  std::string out_dir;    // certs: where the PEM files go
  int days = 365;
};

/// How long a live run may take in all (--timeout).
constexpr std::chrono::minutes kDefaultLiveTimeout{5};

/// Everything a command line can say. Each command reads what its groups fill.
struct CommandLine {
  ScanOptions scan;
  ReportFlags report;
  PolicyFlags policy;
  /// Positional arguments: paths, `-`, a rule id.
  std::vector<std::string> args;
  bool help = false;
  // fix
  std::vector<std::string> writable;
  bool diff = false;
  bool register_ready = false;
  bool json_patch = false;
  bool force = false;  // fix --force: write read-only files too
  std::string run_as;  // fix --user UID[:GID]
  std::string log_driver, log_group, log_region, log_stream_prefix;  // fix --log-*
  // docker
  std::string host;
  bool no_changes = false;
  // ecs
  std::vector<std::string> regions;
  std::string profile, family_prefix, endpoint_url;
  bool deployed = false;      // ecs --deployed
  std::string emit_register;  // ecs --emit-register DIR
  // k8s
  std::string kubeconfig, context, selector;
  std::vector<std::string> namespaces;
  bool all_namespaces = false;
  // live sources (LiveFlags)
  std::chrono::milliseconds timeout{kDefaultLiveTimeout};
  uint64_t max_response_bytes = 0;  // 0: each answer's own cap (live/http.h)
  // rules
  std::string rules_format = "text";
  // webhook (cli/webhook_command.cc)
  WebhookFlags webhook;
};

/// One flag. `apply` gets the value ("" for a switch) and returns "" or the
/// usage error, a phrase such as "--jobs takes a whole number from 1 to 1024".
/// Its --help line, its entry in rootlock(1) and its shell completions are all
/// generated from this one declaration (cli/command.h).
struct FlagSpec {
  const char* name;        // "--jobs"
  const char* short_name;  // "-j", or nullptr
  /// The value's name in help ("N", "FILE"), nullptr for a switch. A name with FILE in it
  /// ("FILE", "FORMAT=FILE") completes to file names.
  const char* value;
  /// What it does, as --help says it: one paragraph, no newlines (it is wrapped).
  const char* help;
  std::string (*apply)(CommandLine* cl, const std::string& value);
  /// For a missing value, what it needs: "a file", "a value: text, json, ...";
  /// nullptr for "a value".
  std::string (*expects)() = nullptr;
  /// Another name that means the same (--colour), or nullptr.
  const char* alias = nullptr;
  /// The values it takes, for completions (--format's formats, --rules' rule ids);
  /// nullptr for free text.
  std::vector<std::string> (*values)() = nullptr;
};

using FlagGroup = std::span<const FlagSpec>;

/// What the input is and how it is read: --param, --var, --var-file, --max-file-size,
/// --config, --no-config, --no-peer-exemptions.
FlagGroup InputFlags();
/// The policy file alone (live sources): --config, --no-config, --no-peer-exemptions.
FlagGroup ConfigFlags();
/// How containers are judged: --strict, --rules.
FlagGroup JudgeFlags();
/// --baseline, --write-baseline (scan only: fix has nothing to compare).
FlagGroup BaselineFlags();
/// --format, --output, --quiet, --aws-account-id, --aws-region, --min-ratio,
/// --fail-on-any, --fail-on, --verbose, --color.
FlagGroup ReportFlagsGroup();
/// What a live source takes from a server: --timeout, --max-response-size.
FlagGroup LiveFlags();
/// How much runs at once: --jobs (files read and parsed; requests to a live API).
FlagGroup JobsFlags();

/// Parses argv (the arguments after the command's name) against `groups`.
/// -h/--help sets cl->help and stops. False with `error` set on a bad flag.
bool ParseFlags(int argc, char** argv, std::span<const FlagGroup> groups, CommandLine* cl,
                std::string* error);
inline bool ParseFlags(int argc, char** argv, std::initializer_list<FlagGroup> groups,
                       CommandLine* cl, std::string* error) {
  return ParseFlags(argc, argv, std::span<const FlagGroup>(groups.begin(), groups.size()), cl,
                    error);
}

/// The values of --format (ReportFormats), of --rules (every rule id) and of --fail-on
/// (rule ids, then severities): what completions offer.
std::vector<std::string> ReportFormatValues();
std::vector<std::string> RuleIdValues();
std::vector<std::string> FailOnValues();

/// Every name (long, short, alias) of the flags in `groups`, for help checks and completions.
std::vector<std::string> FlagNames(std::initializer_list<FlagGroup> groups);

/// A 12-digit AWS account id; an AWS region's shape ("eu-west-1").
bool IsAwsAccountId(std::string_view s);
bool IsAwsRegion(std::string_view s);

/// "16M", "500K", "1G", "123": bytes. False for anything else or 0.
bool ParseSize(std::string_view s, uint64_t* out);

/// "30s", "2m", "1h", "500ms", "90" (seconds): a duration from 1 ms to 24 h. False for
/// anything else.
bool ParseDuration(std::string_view s, std::chrono::milliseconds* out);
/// The largest whole unit: 180 s -> "3m", 90 s -> "90s", 1500 ms -> "1500ms".
std::string FormatDuration(std::chrono::milliseconds d);

}  // namespace rootlock

#endif  // ROOTLOCK_CLI_FLAGS_H_
