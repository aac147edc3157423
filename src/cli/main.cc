// rootlock: finds, explains and fixes containers whose root filesystem is writable.
#include <malloc.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/exit_status.h"
#include "base/text.h"
#include "cli/commands.h"
#include "engine/scanner.h"
#include "engine/sources.h"
#include "fix/fix.h"  // WriteFileAtomically
#include "live/docker_engine.h"
#include "parse/reader.h"
#include "report/report.h"
#include "rules/rules.h"

namespace rootlock {
namespace {

constexpr const char* kMainHelp =
    R"(rootlock — find, explain and fix containers whose root filesystem is writable

usage: rootlock <command> [options]

commands:
  scan PATH...    judge every container in Kubernetes manifests and ECS task definitions
                  (JSON, CloudFormation, Terraform): files, folders, - for stdin
  docker          audit every container of a live Docker engine, and say what each needs
                  writable to run read-only
  fix PATH...     write the remedy into the files: the flag, and writable mounts for /tmp
                  and what the image needs; --diff shows it first
  rules [ID]      list the rules, or explain one (IDs and aliases such as ECS.5 work)
  version         print the version

Run 'rootlock scan --help' or 'rootlock docker --help' for options and examples.
Exit status: 0 clean, 1 the policy fails, 2 usage or input errors.
)";

constexpr const char* kScanHelpHead = R"(usage: rootlock scan [options] PATH...

Judges every container it finds, recognising each source by its content:
  Kubernetes  every kind that carries a pod (Pod, Deployment, StatefulSet, DaemonSet,
              ReplicaSet, ReplicationController, Job, CronJob, PodTemplate, List, and any
              object with spec.template.spec); containers, initContainers, ephemeralContainers
  ECS         describe-task-definition output, register-task-definition input, bare
              containerDefinitions, CloudFormation AWS::ECS::TaskDefinition, Terraform
              aws_ecs_task_definition / awscc_ecs_task_definition (.tf, .tf.json, and
              terraform show -json); only the latest ACTIVE revision of a family is judged
  Docker      docker inspect output (HostConfig.ReadonlyRootfs); live: rootlock docker
  Compose     any file with a top-level services: mapping (read_only, tmpfs, volumes)

  PATH            a file (any name), a folder (walked for .yaml/.yml/.json/.tf), or - for stdin

)";

constexpr const char* kScanHelpTail = R"(options:
  --format FORMAT    the report on stdout: text (default), json, sarif, junit, asff,
                     policyreport, markdown or html
  -o, --output FORMAT=FILE  also write FORMAT to FILE, atomically (repeatable); with
                     --output and no --format, stdout stays empty
  --aws-account-id ID, --aws-region R  asff: where the findings go (default AWS_ACCOUNT_ID,
                     AWS_REGION or AWS_DEFAULT_REGION, else 000000000000 and us-east-1)
  -q, --quiet        no progress line and no notes on stderr
  --min-ratio R      the share of read-only containers that passes, 0..1 or a percentage
                     (default 0.8); exit 1 below it
  --fail-on-any      also exit 1 when any container fails
  --strict           judge stateful databases too instead of calling them n/a
  --param NAME=VALUE CloudFormation parameter for !Ref (repeatable; beats its Default)
  --var NAME=VALUE   Terraform variable for var.NAME (repeatable; beats its default)
  --var-file FILE    Terraform variables from a .tfvars or .tfvars.json file
  -v, --verbose      text: list passing containers too
  --color WHEN       auto (default), always or never; NO_COLOR turns colour off
  -j, --jobs N       worker threads (default: one per core); output is identical for any N
  --max-file-size S  refuse larger inputs (default 16M; suffixes K, M, G)
  --config FILE      the .rootlock.yaml to use (default: found upward from the first PATH);
                     --no-config ignores it
  --no-peer-exemptions  do not honour kube-linter, Polaris, kube-score, Checkov and
                     Kubescape suppressions (rootlock.io/exempt and # rootlock:ignore still count)
  --write-baseline FILE  record today's failures (by fingerprint, not line)
  --baseline FILE    fail only on failures not in FILE; report those fixed since
  -h, --help         this help

examples:
  rootlock scan k8s/                                  a folder, recursively
  helm template ./chart | rootlock scan -             rendered charts from stdin
  rootlock scan --format json deploy.yaml > out.json  the JSON contract
  rootlock scan -o sarif=rootlock.sarif -o html=report.html .   GitHub code scanning + a page
  rootlock scan --min-ratio 1 --fail-on-any manifests/   strict CI gate
  aws ecs describe-task-definition --task-definition api | rootlock scan -
  rootlock scan --var-file prod.tfvars infra/            Terraform with its variables

Each problem in the input is one line on stderr, file:line:col: error: message; the other
files are still scanned. Exit status: 0 clean, 1 the policy fails, 2 usage or input errors
(2 wins over 1).
)";

// The rules: section of --help, from the registry: each rule's id and its
// summary, continuation lines indented under the first.
std::string RulesHelp() {
  std::string out = "rules:\n";
  for (const RuleInfo* r : AllRules()) {
    char head[64];
    std::snprintf(head, sizeof head, "  %-18s ", r->id);
    std::string_view text = r->summary;
    bool first = true;
    while (!text.empty()) {
      size_t nl = text.find('\n');
      out += first ? std::string(head) : std::string(21, ' ');
      out += text.substr(0, nl);
      out += '\n';
      first = false;
      text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    }
  }
  return out;
}

int UsageError(const std::string& message, const char* command = "scan") {
  std::fprintf(stderr, "rootlock: %s (see 'rootlock %s --help')\n", message.c_str(), command);
  return kExitError;
}

bool ParseSize(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  uint64_t v = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + static_cast<uint64_t>(s[i] - '0');
  }
  if (i == 0) return false;
  std::string suffix = ToLower(s.substr(i));
  uint64_t mult = 1;
  if (suffix == "" || suffix == "b") {
    mult = 1;
  } else if (suffix == "k" || suffix == "kb" || suffix == "kib") {
    mult = 1024;
  } else if (suffix == "m" || suffix == "mb" || suffix == "mib") {
    mult = 1024 * 1024;
  } else if (suffix == "g" || suffix == "gb" || suffix == "gib") {
    mult = 1024ull * 1024 * 1024;
  } else {
    return false;
  }
  *out = v * mult;
  return v > 0;
}

bool ParseRatio(std::string_view s, double* out) {
  if (s.empty()) return false;
  bool percent = s.back() == '%';
  if (percent) s.remove_suffix(1);
  std::string text(s);
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (errno != 0 || end == text.c_str() || *end != '\0') return false;
  if (percent) v /= 100.0;
  if (!(v >= 0.0 && v <= 1.0)) return false;
  *out = v;
  return true;
}

// Reads a .tfvars (HCL) or .tfvars.json file: top-level NAME = scalar.
bool ReadVarFile(const std::string& path, std::map<std::string, std::string, std::less<>>* vars,
                 std::string* error) {
  std::string text;
  ParsedSource parsed;
  Diagnostic d;
  InputFormat format = EndsWith(path, ".json") ? InputFormat::kJson : InputFormat::kHcl;
  if (!ReadAndParse(path, format, 16 << 20, &text, &parsed, &d)) {
    *error = "--var-file " + (parsed.has_error ? d.ToString() : path + ": " + d.message);
    return false;
  }
  if (parsed.documents.empty()) {
    *error = "--var-file " + path + ": empty";
    return false;
  }
  const Node* root = parsed.documents[0].root;
  for (size_t i = 0; root->IsMapping() && i < root->MappingSize(); ++i) {
    const Node* value = root->ValueAt(i);
    if (value->IsScalar())
      (*vars)[std::string(root->KeyAt(i)->Scalar())] = std::string(value->value);
  }
  return true;
}

// Walks argv: positional arguments, flags and --name=value / --name value / -jN.
class Args {
 public:
  Args(int argc, char** argv) : argc_(argc), argv_(argv) {}
  bool Next() {
    if (++i_ >= argc_) return false;
    arg_ = argv_[i_];
    return true;
  }
  std::string_view arg() const { return arg_; }
  bool Is(std::string_view name) const { return arg_ == name; }
  // Matches an option that takes a value. A missing value is a usage error.
  bool Value(std::string_view name, std::string* out) {
    if (arg_.size() > name.size() && arg_.substr(0, name.size()) == name &&
        arg_[name.size()] == '=' && name.size() > 2) {
      *out = std::string(arg_.substr(name.size() + 1));
      return true;
    }
    if (name.size() == 2 && arg_.size() > 2 && arg_.substr(0, 2) == name) {
      *out = std::string(arg_.substr(2));  // short option with its value attached: -j4
      return true;
    }
    if (arg_ != name) return false;
    if (i_ + 1 >= argc_) {
      missing_ = std::string(name);
      *out = "";
      return true;
    }
    *out = argv_[++i_];
    return true;
  }
  // The option whose value was missing, or "".
  const std::string& missing() const { return missing_; }

 private:
  int argc_;
  char** argv_;
  int i_ = -1;
  std::string_view arg_;
  std::string missing_;
};

// Flags every judging command shares: the report and the gate.
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

std::string FormatList() {
  std::string out;
  for (std::string_view f : ReportFormats()) out += (out.empty() ? "" : ", ") + std::string(f);
  return out;
}

bool IsAwsAccountId(std::string_view s) {
  return s.size() == 12 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

bool IsAwsRegion(std::string_view s) {
  return !s.empty() && s.size() <= 32 &&
         s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
}

enum class Parsed { kNotMine, kOk, kExit };

// Handles one shared flag. On kExit, *code is the exit status.
Parsed ParseReportFlag(Args& a, ScanOptions* options, ReportFlags* flags, const char* command,
                       int* code) {
  std::string v;
  auto fail = [&](const std::string& message) {
    *code = UsageError(message, command);
    return Parsed::kExit;
  };
  if (a.Value("--format", &v) || a.Value("-f", &v)) {
    if (!a.missing().empty()) return fail(a.missing() + " needs a value: " + FormatList());
    if (!IsReportFormat(v)) {
      return fail("--format takes " + FormatList() + ", not " + QuoteForMessage(v));
    }
    flags->format = v;
    flags->format_given = true;
  } else if (a.Value("--output", &v) || a.Value("-o", &v)) {
    size_t eq = v.find('=');
    std::string format = v.substr(0, eq == std::string::npos ? 0 : eq);
    std::string file = eq == std::string::npos ? "" : v.substr(eq + 1);
    if (!a.missing().empty() || !IsReportFormat(format) || file.empty() || file == "-") {
      return fail("--output takes FORMAT=FILE with FORMAT one of " + FormatList() +
                  " (stdout is --format's), not " + QuoteForMessage(v));
    }
    for (const auto& [f, earlier] : flags->outputs) {
      if (earlier == file) return fail("--output names " + QuoteForMessage(file) + " twice");
    }
    flags->outputs.emplace_back(format, file);
  } else if (a.Is("-q") || a.Is("--quiet")) {
    flags->quiet = true;
  } else if (a.Value("--aws-account-id", &v)) {
    if (!IsAwsAccountId(v)) {
      return fail("--aws-account-id takes a 12-digit AWS account id, not " + QuoteForMessage(v));
    }
    flags->aws_account_id = v;
  } else if (a.Value("--aws-region", &v)) {
    if (!IsAwsRegion(v)) {
      return fail("--aws-region takes a region such as eu-west-1, not " + QuoteForMessage(v));
    }
    flags->aws_region = v;
  } else if (a.Value("--min-ratio", &v)) {
    if (!ParseRatio(v, &options->min_ratio)) {
      return fail("--min-ratio takes a number from 0 to 1 or a percentage, not " +
                  QuoteForMessage(v));
    }
  } else if (a.Is("--fail-on-any")) {
    options->fail_on_any = true;
  } else if (a.Is("--strict")) {
    options->rules.strict = true;
  } else if (a.Is("-v") || a.Is("--verbose")) {
    flags->verbose = true;
  } else if (a.Value("--color", &v) || a.Value("--colour", &v)) {
    if (v != "auto" && v != "always" && v != "never") {
      return fail("--color takes auto, always or never, not " + QuoteForMessage(v));
    }
    flags->color = v;
  } else {
    return Parsed::kNotMine;
  }
  return Parsed::kOk;
}

// One note on stderr, unless --quiet.
void Note(const ReportFlags& flags, const std::string& note) {
  if (!flags.quiet) std::fprintf(stderr, "rootlock: note: %s\n", note.c_str());
}

// Where asff findings go: the flags, else the environment, else placeholders (with a note).
bool ResolveAws(const ReportFlags& flags, ReportContext* context) {
  const char* env_account = std::getenv("AWS_ACCOUNT_ID");
  const char* env_region = std::getenv("AWS_REGION");
  if (!env_region || !*env_region) env_region = std::getenv("AWS_DEFAULT_REGION");
  std::string account = !flags.aws_account_id.empty() ? flags.aws_account_id
                        : env_account && *env_account ? env_account
                                                      : "";
  std::string region = !flags.aws_region.empty()   ? flags.aws_region
                       : env_region && *env_region ? env_region
                                                   : "";
  if (!account.empty() && !IsAwsAccountId(account)) {
    std::fprintf(stderr, "rootlock: AWS_ACCOUNT_ID must be a 12-digit account id, not %s\n",
                 QuoteForMessage(account).c_str());
    return false;
  }
  if (!region.empty() && !IsAwsRegion(region)) {
    std::fprintf(stderr, "rootlock: the AWS region must look like eu-west-1, not %s\n",
                 QuoteForMessage(region).c_str());
    return false;
  }
  if (account.empty() || region.empty()) {
    Note(flags,
         "asff: no AWS account or region given (--aws-account-id, --aws-region, "
         "AWS_ACCOUNT_ID, AWS_REGION): using placeholders " +
             std::string(account.empty() ? "000000000000" : account) + " / " +
             (region.empty() ? "us-east-1" : region));
  }
  if (!account.empty()) context->aws_account_id = account;
  if (!region.empty()) context->aws_region = region;
  return true;
}

// Prints the report for a finished run, writes every --output file, and returns the exit
// status. Stdout gets --format's report unless only --output was given.
int Emit(const ScanResult& result, const ReportFlags& flags) {
  for (const Diagnostic& d : result.errors) {
    std::fprintf(stderr, "%s\n", d.ToString().c_str());
  }
  bool to_stdout = flags.format_given || flags.outputs.empty();
  ReportContext context;
  context.time = ReportTime();
  context.text.verbose = flags.verbose;
  std::set<std::string> notes;  // each once, however many outputs raise it
  context.note = [&notes](const std::string& note) { notes.insert(note); };
  bool asff = to_stdout && flags.format == "asff";
  for (const auto& [format, file] : flags.outputs) asff |= format == "asff";
  if (asff && !ResolveAws(flags, &context)) return kExitError;
  bool failed = false;
  std::string out, error;
  for (const auto& [format, file] : flags.outputs) {
    if (!RenderReport(format, result, context, &out, &error) ||
        !WriteFileAtomically(file, out, &error)) {
      std::fprintf(stderr, "rootlock: cannot write %s: %s\n", file.c_str(), error.c_str());
      failed = true;
    }
  }
  if (to_stdout) {
    if (flags.color == "always") {
      context.text.color = true;
    } else if (flags.color == "auto") {
      const char* no_color = std::getenv("NO_COLOR");
      const char* term = std::getenv("TERM");
      context.text.color = isatty(STDOUT_FILENO) && !(no_color && *no_color) &&
                           !(term && std::strcmp(term, "dumb") == 0);
    }
    if (flags.format == "json" || flags.format == "text") {
      // Streamed: a fleet's report never sits whole in memory.
      bool written = flags.format == "json" ? WriteJsonReport(result, stdout)
                                            : WriteTextReport(result, context.text, stdout);
      if (!written) {
        std::fprintf(stderr, "rootlock: cannot write the report: %s\n", std::strerror(errno));
        return kExitError;
      }
    } else if (!RenderReport(flags.format, result, context, &out, &error)) {
      std::fprintf(stderr, "rootlock: %s\n", error.c_str());
      return kExitError;
    } else {
      std::fwrite(out.data(), 1, out.size(), stdout);
    }
    if (std::fflush(stdout) != 0) {
      std::fprintf(stderr, "rootlock: cannot write the report: %s\n", std::strerror(errno));
      return kExitError;
    }
  }
  for (const std::string& note : notes) Note(flags, note);
  if (failed || !result.errors.empty()) return kExitError;
  return result.summary.passed ? kExitClean : kExitPolicy;
}

// One line on stderr, rewritten in place while a scan runs: files, MB, MB/s. Only on a
// terminal, and never with --quiet; Clear() wipes it before the report.
class ProgressLine {
 public:
  explicit ProgressLine(const ReportFlags& flags)
      : enabled_(!flags.quiet && isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()) {}

  // The callback for ScanOptions::progress, or an empty one when disabled.
  std::function<void(uint64_t, uint64_t, uint64_t)> Callback() {
    if (!enabled_) return nullptr;
    return [this](uint64_t files, uint64_t total, uint64_t bytes) { Show(files, total, bytes); };
  }

  void Clear() {
    if (shown_) std::fputs("\r\033[K", stderr);
    shown_ = false;
  }

 private:
  void Show(uint64_t files, uint64_t total, uint64_t bytes) {
    auto now = std::chrono::steady_clock::now();
    if (files != total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    double seconds = std::chrono::duration<double>(now - start_).count();
    double mb = static_cast<double>(bytes) / (1024.0 * 1024.0);
    // The total is 0 until the walk is over.
    std::string of = total ? " of " + std::to_string(total) : std::string();
    std::fprintf(stderr, "\r\033[Kscanning: %llu%s files, %.1f MB, %.1f MB/s",
                 static_cast<unsigned long long>(files), of.c_str(), mb,
                 seconds > 0 ? mb / seconds : 0.0);
    std::fflush(stderr);
    shown_ = true;
  }

  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

int RunScan(int argc, char** argv) {
  ScanOptions options;
  ReportFlags flags;
  PolicyFlags policy;
  Config config;
  bool only_paths = false;
  Args a(argc, argv);
  while (a.Next()) {
    std::string_view arg = a.arg();
    std::string v;
    int code = 0;
    std::string policy_error;
    if (!only_paths &&
        ParsePolicyFlag(
            arg, [&] { return a.Next() ? std::string(a.arg()) : ""; }, &policy, &policy_error)) {
      if (!policy_error.empty()) return UsageError(policy_error);
      continue;
    }
    policy.min_ratio_set |= StartsWith(arg, "--min-ratio");
    policy.strict_set |= arg == "--strict";
    if (only_paths || arg == "-" || arg.empty() || arg[0] != '-') {
      options.paths.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      only_paths = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      std::string help = kScanHelpHead + RulesHelp() + "\n" + kScanHelpTail;
      std::fputs(help.c_str(), stdout);
      return kExitClean;
    }
    Parsed p = ParseReportFlag(a, &options, &flags, "scan", &code);
    if (p == Parsed::kExit) return code;
    if (p == Parsed::kOk) continue;
    if (a.Value("--jobs", &v) || a.Value("-j", &v)) {
      uint64_t n = 0;
      if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos ||
          !ParseSize(v, &n) || n > 1024) {
        return UsageError("--jobs takes a whole number from 1 to 1024, not " + QuoteForMessage(v));
      }
      options.jobs = static_cast<unsigned>(n);
    } else if (a.Value("--param", &v) || a.Value("--var", &v)) {
      size_t eq = v.find('=');
      std::string name(arg.substr(0, arg.find('=')));
      if (eq == std::string::npos || eq == 0) {
        return UsageError(name + " takes NAME=VALUE, not " + QuoteForMessage(v));
      }
      auto& into = name == "--param" ? options.resolve.cfn_params : options.resolve.tf_vars;
      into[v.substr(0, eq)] = v.substr(eq + 1);
    } else if (a.Value("--var-file", &v)) {
      std::string error;
      if (!ReadVarFile(v, &options.resolve.tf_vars, &error)) return UsageError(error);
    } else if (a.Value("--max-file-size", &v)) {
      if (!ParseSize(v, &options.max_file_bytes)) {
        return UsageError("--max-file-size takes a size such as 16M or 500K, not " +
                          QuoteForMessage(v));
      }
    } else {
      return UsageError("unknown option " + QuoteForMessage(arg));
    }
    if (!a.missing().empty()) return UsageError(a.missing() + " needs a value");
  }
  if (options.paths.empty()) {
    if (isatty(STDIN_FILENO)) {
      return UsageError("no input: name files or folders to scan, or - for stdin");
    }
    options.paths.push_back("-");
  }
  std::string policy_error;
  if (!ApplyPolicy(policy, &config, &options, &policy_error)) {
    std::fprintf(stderr, "%s\n", policy_error.c_str());
    return kExitError;
  }
  ProgressLine progress(flags);
  options.progress = progress.Callback();
  ScanResult result = Scan(options);
  progress.Clear();
  if (!FinishPolicy(policy, &result, &policy_error)) {
    std::fprintf(stderr, "%s\n", policy_error.c_str());
    return kExitError;
  }
  return Emit(result, flags);
}

constexpr const char* kDockerHelp = R"(usage: rootlock docker [options]

Audits every container of a live Docker engine, stopped ones too (CIS Docker Benchmark
5.12: `docker ps --quiet --all | xargs docker inspect`), judging HostConfig.ReadonlyRootfs
with Tmpfs, Mounts and Binds as its writable paths. For each container whose root is
writable it asks the engine what the container has written (GET /containers/{id}/changes)
and prints the exact --tmpfs mounts that would let it run with --read-only, as a docker run
line and as compose. It only reads: nothing on the engine is ever changed.

options:
  -H, --host URL     the engine: unix:///path/docker.sock or tcp://host:port (default:
                     DOCKER_HOST, else unix:///var/run/docker.sock). TLS as the docker CLI:
                     DOCKER_TLS_VERIFY=1 verifies, DOCKER_CERT_PATH holds ca/cert/key.pem
  --no-changes       do not ask what writable containers wrote (no suggestions; faster)
  --format FORMAT    the report on stdout: text (default), json, sarif, junit, asff,
                     policyreport, markdown or html
  -o, --output FORMAT=FILE  also write FORMAT to FILE, atomically (repeatable); with
                     --output and no --format, stdout stays empty
  --aws-account-id ID, --aws-region R  asff: where the findings go (default AWS_ACCOUNT_ID,
                     AWS_REGION or AWS_DEFAULT_REGION, else 000000000000 and us-east-1)
  -q, --quiet        no notes from the report formats on stderr
  --min-ratio R      the read-only share that passes (default 0.8); exit 1 below it
  --fail-on-any      also exit 1 when any container fails
  --strict           judge database containers too
  -v, --verbose      list passing containers too
  --color WHEN       auto, always or never

examples:
  rootlock docker                                   the local engine
  rootlock docker -H tcp://build-host:2376 --format json
  rootlock docker -H unix://$XDG_RUNTIME_DIR/podman/podman.sock   podman's Docker API

Exit status: 0 clean, 1 the policy fails, 2 the engine cannot be used (each problem one line).
)";

int RunDocker(int argc, char** argv) {
  ScanOptions options;
  ReportFlags flags;
  DockerAuditOptions audit_options;
  std::string host;
  Args a(argc, argv);
  while (a.Next()) {
    std::string v;
    int code = 0;
    if (a.Is("-h") || a.Is("--help")) {
      std::fputs(kDockerHelp, stdout);
      return kExitClean;
    }
    Parsed p = ParseReportFlag(a, &options, &flags, "docker", &code);
    if (p == Parsed::kExit) return code;
    if (p == Parsed::kOk) continue;
    if (a.Value("--host", &v) || a.Value("-H", &v)) {
      if (!a.missing().empty() || v.empty()) {
        return UsageError("--host needs an address such as unix:///var/run/docker.sock", "docker");
      }
      host = v;
    } else if (a.Is("--no-changes")) {
      audit_options.changes = false;
    } else {
      return UsageError("unknown option " + QuoteForMessage(a.arg()), "docker");
    }
  }
  DockerEndpoint endpoint;
  std::string error;
  if (!ResolveDockerEndpoint(host, &endpoint, &error)) {
    std::fprintf(stderr, "rootlock: %s\n", error.c_str());
    return kExitError;
  }
  DockerEngine engine(endpoint);
  DockerAudit audit;
  Diagnostic fatal;
  if (!AuditDockerEngine(&engine, audit_options, &audit, &fatal)) {
    std::fprintf(stderr, "rootlock: %s\n", fatal.message.c_str());
    return kExitError;
  }
  ScanResult result = JudgeReady(std::move(audit.workloads), options);
  for (const Diagnostic& note : audit.notes) {
    std::fprintf(stderr, "%s: note: %s\n", note.where.file.c_str(), note.message.c_str());
  }
  result.skipped_files = audit.notes;
  return Emit(result, flags);
}

int RunRules(int argc, char** argv) {
  std::string format = "text";
  std::vector<std::string> ids;
  Args a(argc, argv);
  while (a.Next()) {
    std::string v;
    if (a.Is("-h") || a.Is("--help")) {
      std::fputs(
          "usage: rootlock rules [--format text|markdown] [ID]\n\nLists every rule; with an ID "
          "(a slug such as read-only-root-fs, or an alias such as ECS.5 or CKV_K8S_22), explains "
          "one.\n--format markdown writes the same as docs/rules/ (scripts/gen-rule-docs.sh).\n",
          stdout);
      return kExitClean;
    }
    if (a.Value("--format", &v) || a.Value("-f", &v)) {
      if (v != "text" && v != "markdown") {
        return UsageError("--format takes text or markdown, not " + QuoteForMessage(v), "rules");
      }
      format = v;
    } else if (a.arg().size() > 1 && a.arg()[0] == '-') {
      return UsageError("unknown option " + QuoteForMessage(a.arg()), "rules");
    } else {
      ids.emplace_back(a.arg());
    }
  }
  if (ids.size() > 1) return UsageError("one rule at a time", "rules");
  std::string out;
  if (ids.empty() && format == "markdown") {
    out = RulesIndexMarkdown();
  } else if (ids.empty()) {
    for (const RuleInfo* r : AllRules()) {
      char line[256];
      std::snprintf(line, sizeof line, "%-20s %-8s ", r->id,
                    std::string(SeverityName(r->severity)).c_str());
      out += line + std::string(r->title) + "\n";
    }
  } else {
    const RuleInfo* r = FindRule(ids[0]);
    if (!r) return UsageError("no rule called " + QuoteForMessage(ids[0]), "rules");
    out = format == "markdown" ? RuleMarkdown(*r) : RuleText(*r);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitClean;
}

int RunVersion(int argc, char** argv) {
  if (argc > 0 && (std::strcmp(argv[0], "-h") == 0 || std::strcmp(argv[0], "--help") == 0)) {
    std::fputs("usage: rootlock version\n\nPrints rootlock's version.\n", stdout);
    return kExitClean;
  }
  std::printf("rootlock %s\n", ROOTLOCK_VERSION);
  return kExitClean;
}

// Every command, as ninja lists its tools: the one place a new one is added.
struct Command {
  const char* name;
  int (*run)(int argc, char** argv);  // gets the arguments after the command's name
};
constexpr Command kCommands[] = {
    {"scan", &RunScan},   {"docker", &RunDocker},   {"fix", &RunFix},
    {"rules", &RunRules}, {"version", &RunVersion}, {"--version", &RunVersion},
};

int Main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kMainHelp, stderr);
    return kExitError;
  }
  std::string_view command = argv[1];
  for (const Command& c : kCommands) {
    if (command == c.name) return c.run(argc - 2, argv + 2);
  }
  if (command == "-h" || command == "--help" || command == "help") {
    std::fputs(kMainHelp, stdout);
    return kExitClean;
  }
  std::fprintf(stderr, "rootlock: unknown command '%s' (see 'rootlock --help')\n", argv[1]);
  return kExitError;
}

}  // namespace
}  // namespace rootlock

int main(int argc, char** argv) {
  // Fixed thresholds. glibc would otherwise raise the mapping threshold each
  // time a large block is freed, after which a large file's parse tree (arena
  // blocks that grow to megabytes, parse/node.h) stays behind in the heap of
  // whichever worker parsed it, and the workers' peaks add up: blocks of 1 MiB
  // and more are mapped, and go back to the system with their tree. Up to
  // 16 MiB free at a heap's top is kept rather than returned and faulted in
  // again for the next file.
  mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 16 * 1024 * 1024);
  return rootlock::Main(argc, argv);
}
