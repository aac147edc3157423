// rootlock: finds, explains and fixes containers whose root filesystem is writable.
#include <malloc.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <yaml.h>
#include "base/exit_status.h"
#include "base/text.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "engine/scanner.h"
#include "engine/sources.h"
#include "fix/fix.h"  // WriteFileAtomically

#include "live/aws_config.h"
#include "live/docker_engine.h"
#include "live/ecs_client.h"
#include "parse/reader.h"
#include "report/report.h"
#include "rules/rules.h"

namespace rootlock {

void ErrorLine(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list again;
  va_copy(again, args);
  int n = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  std::string line(n > 0 ? static_cast<size_t>(n) : 0, '\0');
  if (n > 0) std::vsnprintf(line.data(), line.size() + 1, format, again);
  va_end(again);
  line = EscapeControls(line) + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

namespace {

constexpr const char* kMainHelp =
    R"(rootlock — find, explain and fix containers whose root filesystem is writable

usage: rootlock <command> [options]

commands:
  scan PATH...    judge every container in Kubernetes manifests, ECS task definitions
                  (JSON, CloudFormation, Terraform), Docker Compose files and docker inspect
                  output: files, folders, - for stdin
  docker          audit every container of a live Docker engine, and say what each needs
                  writable to run read-only
  ecs             judge an AWS account's ECS task definitions through the ECS API (the
                  latest ACTIVE revision of each family, as Security Hub's ECS.5)
  fix PATH...     write the remedy into the files: the flag, and writable mounts for /tmp
                  and what the image needs; --diff shows it first
  rules [ID]      list the rules, or explain one (IDs and aliases such as ECS.5 work)
  webhook         serve Kubernetes admission reviews (validate, mutate); 'webhook manifests'
                  and 'webhook certs' install it
  version         print the version

Each command has its own page: 'rootlock scan --help', 'rootlock docker --help',
'rootlock ecs --help', 'rootlock fix --help', 'rootlock rules --help',
'rootlock version --help', 'rootlock webhook --help'.
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
  --min-ratio R      the share of read-only containers that passes: 0..1, or a percentage
                     (80 and 80% both mean 80%; default 0.8); exit 1 below it
  --fail-on-any      also exit 1 when any container fails
  --fail-on RULE|SEVERITY  also exit 1 on any failure of RULE (an id or alias), or of every
                     rule of SEVERITY or above (low, medium, high, critical); repeatable; the
                     read-only headline and --min-ratio do not move
  --allow-empty      pass when no container was found at all (default: exit 1, so that a
                     wrong path or unrendered templates never pass a CI gate on nothing)
  --strict           judge stateful databases too instead of calling them n/a
  --rules ID,...     run only these rules (default: all of rootlock rules; repeatable)
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
  ErrorLine("rootlock: %s (see 'rootlock %s --help')", message.c_str(), command);
  return kExitError;
}

void Note(const ReportFlags& flags, const std::string& note) {
  if (!flags.quiet) ErrorLine("rootlock: note: %s", note.c_str());
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
    ErrorLine("rootlock: AWS_ACCOUNT_ID must be a 12-digit account id, not %s",
              QuoteForMessage(account).c_str());
    return false;
  }
  if (!region.empty() && !IsAwsRegion(region)) {
    ErrorLine("rootlock: the AWS region must look like eu-west-1, not %s",
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
    ErrorLine("%s", d.ToString().c_str());
  }
  bool to_stdout = flags.format_given || flags.outputs.empty();
  ReportContext context;
  context.time = ReportTime();
  // SARIF URIs are relative to the repository root (the nearest folder above the
  // working directory holding .git), else to the working directory.
  std::error_code ec;
  std::filesystem::path cwd = std::filesystem::current_path(ec);
  if (!ec) {
    context.working_dir = cwd.string();
    context.source_root = cwd.string();
    for (std::filesystem::path p = cwd; p != p.parent_path(); p = p.parent_path()) {
      if (std::filesystem::exists(p / ".git", ec)) {
        context.source_root = p.string();
        break;
      }
    }
  }
  context.text.verbose = flags.verbose;
  std::set<std::string> notes;  // each once, however many outputs raise it
  context.note = [&notes](const std::string& note) { notes.insert(note); };
  bool asff = to_stdout && flags.format == "asff";
  for (const auto& [format, file] : flags.outputs) asff |= format == "asff";
  if (asff && !ResolveAws(flags, &context)) return kExitError;
  bool failed = false;
  std::string out;
  Diagnostic error;
  for (const auto& [format, file] : flags.outputs) {
    if (!RenderReport(format, result, context, &out, &error) ||
        !WriteFileAtomically(file, out, &error)) {
      ErrorLine("rootlock: cannot write %s: %s", file.c_str(), error.message.c_str());
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
        ErrorLine("rootlock: cannot write the report: %s", std::strerror(errno));
        return kExitError;
      }
    } else if (!RenderReport(flags.format, result, context, &out, &error)) {
      ErrorLine("rootlock: %s", error.message.c_str());
      return kExitError;
    } else {
      std::fwrite(out.data(), 1, out.size(), stdout);
    }
    if (std::fflush(stdout) != 0) {
      ErrorLine("rootlock: cannot write the report: %s", std::strerror(errno));
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
  CommandLine cl;
  std::string error;
  if (!ParseFlags(argc, argv,
                  {InputFlags(), JobsFlags(), JudgeFlags(), BaselineFlags(), ReportFlagsGroup()},
                  &cl, &error)) {
    return UsageError(error);
  }
  if (cl.help) {
    std::string help = kScanHelpHead + RulesHelp() + "\n" + kScanHelpTail;
    std::fputs(help.c_str(), stdout);
    return kExitClean;
  }
  ScanOptions& options = cl.scan;
  const ReportFlags& flags = cl.report;
  const PolicyFlags& policy = cl.policy;
  Config config;
  options.paths = cl.args;
  if (options.paths.empty()) {
    if (isatty(STDIN_FILENO)) {
      return UsageError("no input: name files or folders to scan, or - for stdin");
    }
    options.paths.push_back("-");
  }
  Diagnostic policy_error;
  if (!ApplyPolicy(policy, &config, &options, &policy_error)) {
    ErrorLine("%s", policy_error.ToString().c_str());
    return kExitError;
  }
  ProgressLine progress(flags);
  options.progress = progress.Callback();
  ScanResult result = Scan(options);
  progress.Clear();
  if (!FinishPolicy(policy, &result, &policy_error)) {
    ErrorLine("%s", policy_error.ToString().c_str());
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
  --timeout DURATION  the whole audit's deadline: 30s, 2m, 1h or seconds (default 5m);
                     past it the run stops with exit 2 (each request also gives up after 60s)
  --max-response-size SIZE  the most read of any one answer from the engine (default 256M
                     for the container list, 64M for what a container wrote, 16M for one
                     container; suffixes K, M, G)
  --format FORMAT    the report on stdout: text (default), json, sarif, junit, asff,
                     policyreport, markdown or html
  -o, --output FORMAT=FILE  also write FORMAT to FILE, atomically (repeatable); with
                     --output and no --format, stdout stays empty
  --aws-account-id ID, --aws-region R  asff: where the findings go (default AWS_ACCOUNT_ID,
                     AWS_REGION or AWS_DEFAULT_REGION, else 000000000000 and us-east-1)
  -q, --quiet        no notes from the report formats on stderr
  --min-ratio R      the read-only share that passes: 0..1, or a percentage (80 or 80%;
                     default 0.8); exit 1 below it
  --fail-on-any      also exit 1 when any container fails
  --fail-on RULE|SEVERITY  also exit 1 on any failure of RULE, or of every rule of SEVERITY
                     or above (repeatable); the read-only headline does not move
  --allow-empty      pass when the engine has no container (default: exit 1)
  --strict           judge database containers too
  --rules ID,...     run only these rules (default: all)
  -v, --verbose      list passing containers too
  --color WHEN       auto, always or never

examples:
  rootlock docker                                   the local engine
  rootlock docker -H tcp://build-host:2376 --format json
  rootlock docker -H unix://$XDG_RUNTIME_DIR/podman/podman.sock   podman's Docker API

Exit status: 0 clean, 1 the policy fails, 2 the engine cannot be used or the deadline passed
(each problem one line).
)";

const FlagSpec kDockerFlags[] = {
    {"--host", "-H", "URL",
     [](CommandLine* cl, const std::string& v) {
       cl->host = v;
       return v.empty() ? std::string("--host needs an address such as unix:///var/run/docker.sock")
                        : std::string();
     },
     [] { return std::string("an address such as unix:///var/run/docker.sock"); }},
    {"--no-changes", nullptr, nullptr,
     [](CommandLine* cl, const std::string&) {
       cl->no_changes = true;
       return std::string();
     }},
};

int RunDocker(int argc, char** argv) {
  CommandLine cl;
  std::string error;
  if (!ParseFlags(argc, argv, {kDockerFlags, LiveFlags(), JudgeFlags(), ReportFlagsGroup()}, &cl,
                  &error)) {
    return UsageError(error, "docker");
  }
  if (cl.help) {
    std::fputs(kDockerHelp, stdout);
    return kExitClean;
  }
  if (!cl.args.empty()) {
    return UsageError("docker takes no paths, not " + QuoteForMessage(cl.args[0]), "docker");
  }
  const ScanOptions& options = cl.scan;
  const ReportFlags& flags = cl.report;
  DockerAuditOptions audit_options;
  audit_options.changes = !cl.no_changes;
  const std::string& host = cl.host;
  DockerEndpoint endpoint;
  if (Diagnostic bad_host; !ResolveDockerEndpoint(host, &endpoint, &bad_host)) {
    ErrorLine("rootlock: %s", bad_host.message.c_str());
    return kExitError;
  }
  HttpLimits limits;
  limits.max_response_bytes = cl.max_response_bytes;
  limits.deadline = HttpTransport::Clock::now() + cl.timeout;
  limits.deadline_name = "the " + FormatDuration(cl.timeout) + " deadline (--timeout)";
  DockerEngine engine(endpoint, limits);
  DockerAudit audit;
  Diagnostic fatal;
  if (!AuditDockerEngine(&engine, audit_options, &audit, &fatal)) {
    ErrorLine("rootlock: %s", fatal.message.c_str());
    return kExitError;
  }
  ScanResult result = JudgeReady(std::move(audit.workloads), options);
  // Refused ids are counted among the skipped (JSON's summary.skipped_files).
  for (const Diagnostic& refused : audit.refused) {
    ErrorLine("%s: warning: %s", refused.where.file.c_str(), refused.message.c_str());
    result.skipped_files.push_back(refused);
  }
  for (const Diagnostic& note : audit.notes) {
    ErrorLine("%s: note: %s", note.where.file.c_str(), note.message.c_str());
    result.skipped_files.push_back(note);
  }
  for (const Diagnostic& note : audit.unknown_writes) {
    ErrorLine("%s: note: %s", note.where.file.c_str(), note.message.c_str());
  }
  return Emit(result, flags);
}

constexpr const char* kEcsHelp = R"(usage: rootlock ecs [options]

Judges an AWS account's ECS task definitions through the ECS API, as Security Hub's ECS.5
and Datadog do: every ACTIVE family (ListTaskDefinitionFamilies, every page), its latest
ACTIVE revision with its tags (DescribeTaskDefinition), judged exactly as `rootlock scan`
judges the same JSON. Findings are located by the task definition's ARN. It only reads:
it calls nothing but List* and Describe*.

Credentials as the AWS SDKs find them: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
(AWS_SESSION_TOKEN), else the profile (--profile, AWS_PROFILE, else default) in
~/.aws/credentials and ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE).
Requests are signed with Signature V4; throttling and server errors are retried
(AWS_MAX_ATTEMPTS, default 3).

options:
  --region R         a region to read (repeatable; default AWS_REGION, AWS_DEFAULT_REGION,
                     else the profile's region)
  --profile P        the shared files' profile
  --family-prefix X  only families whose name starts with X
  --endpoint-url URL the ECS endpoint (default AWS_ENDPOINT_URL_ECS, AWS_ENDPOINT_URL,
                     else https://ecs.REGION.amazonaws.com)
  -j, --jobs N       requests in flight at once (default: 8)
  --timeout DURATION  the whole run's deadline: 30s, 2m, 1h or seconds (default 5m)
  --max-response-size SIZE  the most read of any one answer (suffixes K, M, G)
  --format FORMAT    the report on stdout: text (default), json, sarif, junit, asff,
                     policyreport, markdown or html
  -o, --output FORMAT=FILE  also write FORMAT to FILE, atomically (repeatable)
  -q, --quiet        no notes from the report formats on stderr
  --min-ratio R      the read-only share that passes (default 0.8); exit 1 below it
  --fail-on-any      also exit 1 when any container fails
  --allow-empty      pass when the account has no task definition (default: exit 1)

examples:
  rootlock ecs --region eu-west-1
  rootlock ecs --profile prod --region us-east-1 --region eu-west-1 --format json
  rootlock ecs --family-prefix checkout- -o sarif=ecs.sarif

Exit status: 0 clean, 1 the policy fails, 2 the API cannot be used, a family cannot be
read, or the deadline passed (each problem one line).
)";

const FlagSpec kEcsFlags[] = {
    {"--region", nullptr, "R",
     [](CommandLine* cl, const std::string& v) {
       cl->regions.push_back(v);
       return v.empty() ? std::string("--region needs a region such as eu-west-1") : std::string();
     },
     [] { return std::string("a region such as eu-west-1"); }},
    {"--profile", nullptr, "P",
     [](CommandLine* cl, const std::string& v) {
       cl->profile = v;
       return v.empty() ? std::string("--profile needs a profile name") : std::string();
     },
     [] { return std::string("a profile name"); }},
    {"--family-prefix", nullptr, "X",
     [](CommandLine* cl, const std::string& v) {
       cl->family_prefix = v;
       return std::string();
     },
     [] { return std::string("a family name prefix"); }},
    {"--endpoint-url", nullptr, "URL",
     [](CommandLine* cl, const std::string& v) {
       cl->endpoint_url = v;
       return v.rfind("http://", 0) == 0 || v.rfind("https://", 0) == 0
                  ? std::string()
                  : "--endpoint-url takes an http:// or https:// URL, not " + QuoteForMessage(v);
     },
     [] { return std::string("an http:// or https:// URL"); }},
};

int RunEcs(int argc, char** argv) {
  CommandLine cl;
  std::string error;
  if (!ParseFlags(argc, argv,
                  {kEcsFlags, LiveFlags(), JobsFlags(), JudgeFlags(), ReportFlagsGroup()}, &cl,
                  &error)) {
    return UsageError(error, "ecs");
  }
  if (cl.help) {
    std::fputs(kEcsHelp, stdout);
    return kExitClean;
  }
  if (!cl.args.empty()) {
    return UsageError("ecs takes no paths, not " + QuoteForMessage(cl.args[0]), "ecs");
  }
  HttpLimits limits;
  limits.max_response_bytes = cl.max_response_bytes;
  limits.deadline = HttpTransport::Clock::now() + cl.timeout;
  limits.deadline_name = "the " + FormatDuration(cl.timeout) + " deadline (--timeout)";
  std::vector<std::string> regions = cl.regions;
  if (regions.empty()) regions.push_back("");  // the environment's or the profile's
  std::vector<Workload> workloads;
  std::vector<Diagnostic> errors;
  for (const std::string& region : regions) {
    AwsOptions aws;
    aws.profile = cl.profile;
    aws.region = region;
    aws.endpoint_url = cl.endpoint_url;
    AwsClientConfig config;
    Diagnostic fatal;
    if (!ResolveAwsConfig("ecs", aws, AwsEnvironment::Process(), &config, &fatal)) {
      ErrorLine("rootlock: %s", fatal.message.c_str());
      return kExitError;
    }
    EcsClient client(config, limits);
    EcsAuditOptions options;
    options.family_prefix = cl.family_prefix;
    options.jobs = cl.scan.jobs ? cl.scan.jobs : 8;
    options.more_clients = [&] { return std::make_unique<EcsClient>(config, limits); };
    EcsAudit audit;
    if (!AuditEcs(&client, options, &audit, &fatal)) {
      ErrorLine("rootlock: %s", fatal.message.c_str());
      return kExitError;
    }
    for (Workload& w : audit.workloads) workloads.push_back(std::move(w));
    for (Diagnostic& d : audit.errors) errors.push_back(std::move(d));
  }
  ScanResult result = JudgeReady(std::move(workloads), cl.scan);
  for (Diagnostic& d : errors) result.errors.push_back(std::move(d));
  int status = Emit(result, cl.report);
  return errors.empty() ? status : kExitError;
}

const FlagSpec kRulesFlags[] = {
    {"--format", "-f", "FORMAT",
     [](CommandLine* cl, const std::string& v) -> std::string {
       if (v != "text" && v != "markdown") {
         return "--format takes text or markdown, not " + QuoteForMessage(v);
       }
       cl->rules_format = v;
       return "";
     },
     [] { return std::string("a value: text or markdown"); }},
};

int RunRules(int argc, char** argv) {
  CommandLine cl;
  std::string error;
  if (!ParseFlags(argc, argv, {kRulesFlags}, &cl, &error)) return UsageError(error, "rules");
  if (cl.help) {
    std::fputs(
        "usage: rootlock rules [--format text|markdown] [ID]\n\nLists every rule; with an ID "
        "(a slug such as read-only-root-fs, or an alias such as ECS.5 or CKV_K8S_22), explains "
        "one.\n\noptions:\n"
        "  -f, --format FORMAT  text (default), or markdown: the same as docs/rules/\n"
        "                       (scripts/gen-rule-docs.sh)\n"
        "  -h, --help           this help\n",
        stdout);
    return kExitClean;
  }
  const std::string& format = cl.rules_format;
  const std::vector<std::string>& ids = cl.args;
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
    std::fputs(
        "usage: rootlock version\n\nPrints rootlock's version, the commit it was built from, "
        "the compiler\nand the versions of the libraries it uses (libyaml, libcurl, OpenSSL): "
        "what a bug\nreport needs. The first line alone is what 'rootlock --version' prints.\n",
        stdout);
    return kExitClean;
  }
  std::printf("rootlock %s\n", ROOTLOCK_VERSION);
  {
#if defined(__clang__)
    const char* compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
    const char* compiler = "g++ " __VERSION__;
#else
    const char* compiler = "unknown";
#endif
    const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
    std::printf(
        "commit:   %s\ncompiler: %s, C++%ld\nlibyaml:  %s\nlibcurl:  %s (%s)\n"
        "OpenSSL:  %s\n",
        ROOTLOCK_COMMIT, compiler, __cplusplus / 100 % 100, yaml_get_version_string(),
        curl->version, curl->ssl_version ? curl->ssl_version : "no TLS",
        OpenSSL_version(OPENSSL_VERSION));
  }
  return kExitClean;
}

// Every command, as ninja lists its tools: the one place a new one is added.
struct Command {
  const char* name;
  int (*run)(int argc, char** argv);  // gets the arguments after the command's name
};
// rootlock --version: the version line alone, as scripts parse it.
int RunVersionLine(int, char**) {
  std::printf("rootlock %s\n", ROOTLOCK_VERSION);
  return kExitClean;
}

constexpr Command kCommands[] = {
    {"scan", &RunScan},       {"docker", &RunDocker},         {"ecs", &RunEcs},
    {"fix", &RunFix},         {"webhook", &RunWebhook},       {"rules", &RunRules},
    {"version", &RunVersion}, {"--version", &RunVersionLine},
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
  ErrorLine("rootlock: unknown command '%s' (see 'rootlock --help')", argv[1]);
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
