// rootlock: finds, explains and fixes containers whose root filesystem is writable.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
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
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "engine/scanner.h"
#include "engine/sources.h"
#include "fix/ecs_register.h"
#include "fix/fix.h"  // WriteFileAtomically

#include "live/aws_config.h"
#include "live/docker_engine.h"
#include "live/ecs_client.h"
#include "live/k8s_client.h"
#include "live/kubeconfig.h"
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

int RunScan(CommandLine& cl) {
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

const FlagSpec kDockerFlags[] = {
    {"--host", "-H", "URL",
     "the engine: unix:///path/docker.sock or tcp://host:port (default: DOCKER_HOST, else "
     "unix:///var/run/docker.sock). TLS as the docker CLI: DOCKER_TLS_VERIFY=1 verifies, "
     "DOCKER_CERT_PATH holds ca/cert/key.pem",
     [](CommandLine* cl, const std::string& v) {
       cl->host = v;
       return v.empty() ? std::string("--host needs an address such as unix:///var/run/docker.sock")
                        : std::string();
     },
     [] { return std::string("an address such as unix:///var/run/docker.sock"); }},
    {"--no-changes", nullptr, nullptr,
     "do not ask what writable containers wrote (no suggestions; faster)",
     [](CommandLine* cl, const std::string&) {
       cl->no_changes = true;
       return std::string();
     }},
};

int RunDocker(CommandLine& cl) {
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

const FlagSpec kEcsFlags[] = {
    {"--region", nullptr, "R",
     "a region to read (repeatable; default AWS_REGION, AWS_DEFAULT_REGION, else the profile's "
     "region)",
     [](CommandLine* cl, const std::string& v) {
       cl->regions.push_back(v);
       return v.empty() ? std::string("--region needs a region such as eu-west-1") : std::string();
     },
     [] { return std::string("a region such as eu-west-1"); }},
    {"--profile", nullptr, "P", "the shared files' profile (default AWS_PROFILE, else default)",
     [](CommandLine* cl, const std::string& v) {
       cl->profile = v;
       return v.empty() ? std::string("--profile needs a profile name") : std::string();
     },
     [] { return std::string("a profile name"); }},
    {"--family-prefix", nullptr, "X",
     "only families whose name starts with X (and with --deployed, services running them)",
     [](CommandLine* cl, const std::string& v) {
       cl->family_prefix = v;
       return std::string();
     },
     [] { return std::string("a family name prefix"); }},
    {"--endpoint-url", nullptr, "URL",
     "the ECS endpoint (default AWS_ENDPOINT_URL_ECS, AWS_ENDPOINT_URL, else "
     "https://ecs.REGION.amazonaws.com)",
     [](CommandLine* cl, const std::string& v) {
       cl->endpoint_url = v;
       return v.rfind("http://", 0) == 0 || v.rfind("https://", 0) == 0
                  ? std::string()
                  : "--endpoint-url takes an http:// or https:// URL, not " + QuoteForMessage(v);
     },
     [] { return std::string("an http:// or https:// URL"); }},
    {"--deployed", nullptr, nullptr,
     "also judge what runs: every cluster's services (kind Service, named CLUSTER/SERVICE), "
     "each by the revision its PRIMARY deployment runs",
     [](CommandLine* cl, const std::string&) {
       cl->deployed = true;
       return std::string();
     }},
    {"--emit-register", nullptr, "DIR",
     "write DIR/REGION/FAMILY.json for each failing family: its latest revision hardened as "
     "`fix --register-ready` does, ready for aws ecs register-task-definition --cli-input-json",
     [](CommandLine* cl, const std::string& v) {
       cl->emit_register = v;
       return v.empty() ? std::string("--emit-register needs a folder") : std::string();
     },
     [] { return std::string("a folder"); }},
};

int RunEcs(CommandLine& cl) {
  if (!cl.args.empty()) {
    return UsageError("ecs takes no paths, not " + QuoteForMessage(cl.args[0]), "ecs");
  }
  Config policy_config;  // outlives the run: cl.scan points at it
  Diagnostic policy_error;
  if (!ApplyPolicy(cl.policy, &policy_config, &cl.scan, &policy_error)) {
    ErrorLine("%s", policy_error.ToString().c_str());
    return kExitError;
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
    options.deployed = cl.deployed;
    options.keep_answers = !cl.emit_register.empty();
    EcsAudit audit;
    if (!AuditEcs(&client, options, &audit, &fatal)) {
      ErrorLine("rootlock: %s", fatal.message.c_str());
      return kExitError;
    }
    for (Workload& w : audit.workloads) workloads.push_back(std::move(w));
    for (Diagnostic& d : audit.errors) errors.push_back(std::move(d));
    if (!cl.emit_register.empty()) {
      // One folder per region: a family name means one family per region.
      std::string dir = cl.emit_register + "/" + SafeFileName(config.region);
      FixOptions fix_options;
      fix_options.scan = cl.scan;
      for (const EcsAnswer& answer : audit.answers) {
        std::string written;
        std::vector<Diagnostic> notes;
        Diagnostic werr;
        if (!EmitRegisterReady(dir, answer.family, answer.arn, answer.json, fix_options, &written,
                               &notes, &werr)) {
          errors.push_back(std::move(werr));
          continue;
        }
        for (const Diagnostic& n : notes)
          ErrorLine("%s: note: %s", n.where.file.c_str(), n.message.c_str());
        if (!written.empty()) {
          ErrorLine(
              "wrote %s (aws ecs register-task-definition --region %s --cli-input-json file://%s)",
              written.c_str(), config.region.c_str(), written.c_str());
        }
      }
    }
  }
  ScanResult result = JudgeReady(std::move(workloads), cl.scan);
  if (!FinishPolicy(cl.policy, &result, &policy_error)) {
    ErrorLine("%s", policy_error.ToString().c_str());
    return kExitError;
  }
  for (Diagnostic& d : errors) result.errors.push_back(std::move(d));
  int status = Emit(result, cl.report);
  return errors.empty() ? status : kExitError;
}

const FlagSpec kK8sFlags[] = {
    {"--kubeconfig", nullptr, "FILE",
     "this kubeconfig alone (default: KUBECONFIG's files merged, else ~/.kube/config, else the "
     "in-cluster service account)",
     [](CommandLine* cl, const std::string& v) {
       cl->kubeconfig = v;
       return v.empty() ? std::string("--kubeconfig needs a file") : std::string();
     },
     [] { return std::string("a file"); }},
    {"--context", nullptr, "NAME", "this context (default: current-context)",
     [](CommandLine* cl, const std::string& v) {
       cl->context = v;
       return v.empty() ? std::string("--context needs a context name") : std::string();
     },
     [] { return std::string("a context name"); }},
    {"--namespace", "-n", "NS", "only this namespace (repeatable)",
     [](CommandLine* cl, const std::string& v) {
       if (v.empty()) return std::string("--namespace needs a namespace");
       if (std::find(cl->namespaces.begin(), cl->namespaces.end(), v) == cl->namespaces.end()) {
         cl->namespaces.push_back(v);
       }
       return std::string();
     },
     [] { return std::string("a namespace"); }},
    {"--all-namespaces", "-A", nullptr, "every namespace (the default)",
     [](CommandLine* cl, const std::string&) {
       cl->all_namespaces = true;
       return std::string();
     }},
    {"--selector", "-l", "L", "only objects with these labels (app=web,tier!=db)",
     [](CommandLine* cl, const std::string& v) {
       cl->selector = v;
       return v.empty() ? std::string("--selector needs a label selector") : std::string();
     },
     [] { return std::string("a label selector such as app=web"); }},
};

int RunK8s(CommandLine& cl) {
  if (!cl.args.empty()) {
    return UsageError("k8s takes no paths, not " + QuoteForMessage(cl.args[0]), "k8s");
  }
  if (cl.all_namespaces && !cl.namespaces.empty()) {
    return UsageError("--all-namespaces and --namespace exclude each other", "k8s");
  }
  ScanOptions& options = cl.scan;
  Config config;
  Diagnostic policy_error;
  if (!ApplyPolicy(cl.policy, &config, &options, &policy_error)) {
    ErrorLine("%s", policy_error.ToString().c_str());
    return kExitError;
  }
  KubeOptions kube;
  kube.kubeconfig = cl.kubeconfig;
  kube.context = cl.context;
  KubeTarget target;
  Diagnostic fatal;
  if (!ResolveKubeTarget(kube, KubeEnvironment::Process(), &target, &fatal)) {
    ErrorLine("rootlock: %s",
              fatal.where.file.empty() ? fatal.message.c_str() : fatal.ToString().c_str());
    return kExitError;
  }
  HttpLimits limits;
  limits.max_response_bytes = cl.max_response_bytes;
  limits.deadline = HttpTransport::Clock::now() + cl.timeout;
  limits.deadline_name = "the " + FormatDuration(cl.timeout) + " deadline (--timeout)";
  K8sClient client(target, limits, options.jobs ? options.jobs : 8);
  K8sAuditOptions audit_options;
  audit_options.namespaces = cl.namespaces;
  audit_options.selector = cl.selector;
  K8sAudit audit;
  if (!AuditKubernetes(&client, audit_options, &audit, &fatal)) {
    ErrorLine("rootlock: %s", fatal.message.c_str());
    return kExitError;
  }
  for (const Diagnostic& note : audit.notes) Note(cl.report, note.where.file + ": " + note.message);
  ScanResult result = JudgeReady(std::move(audit.workloads), options);
  if (!FinishPolicy(cl.policy, &result, &policy_error)) {
    ErrorLine("%s", policy_error.ToString().c_str());
    return kExitError;
  }
  for (Diagnostic& d : audit.errors) result.errors.push_back(std::move(d));
  return Emit(result, cl.report);
}

const FlagSpec kRulesFlags[] = {
    {"--format", "-f", "FORMAT",
     "{values} (default: text); markdown is the same as docs/rules/ (scripts/gen-rule-docs.sh)",
     [](CommandLine* cl, const std::string& v) -> std::string {
       if (v != "text" && v != "markdown") {
         return "--format takes text or markdown, not " + QuoteForMessage(v);
       }
       cl->rules_format = v;
       return "";
     },
     [] { return std::string("a value: text or markdown"); }, nullptr,
     [] {
       return std::vector<std::string>{"text", "markdown"};
     }},
};

int RunRules(CommandLine& cl) {
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

int RunVersion(CommandLine&) {
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

// rootlock --version: the version line alone, as scripts parse it.
int RunVersionLine(CommandLine&) {
  std::printf("rootlock %s\n", ROOTLOCK_VERSION);
  return kExitClean;
}

std::span<const CommandSpec* const> Commands();

int RunMan(CommandLine&) {
  std::string page = ManPage(Commands());
  std::fwrite(page.data(), 1, page.size(), stdout);
  return kExitClean;
}

int RunCompletion(CommandLine& cl) {
  std::string script;
  if (cl.args.size() != 1 || !CompletionScript(cl.args[0], Commands(), &script)) {
    return UsageError("completion takes one shell: bash, zsh or fish", "completion");
  }
  std::fwrite(script.data(), 1, script.size(), stdout);
  return kExitClean;
}

const CommandSpec kScan = {
    "scan",
    "PATH...",
    "judge every container in Kubernetes manifests, ECS task definitions (JSON, "
    "CloudFormation, Terraform), Docker Compose files and docker inspect output: files, "
    "folders, - for stdin",
    R"(Judges every container it finds, recognising each source by its content:
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
)",
    [] {
      return std::vector<FlagGroup>{ReportFlagsGroup(), InputFlags(), JobsFlags(), JudgeFlags(),
                                    BaselineFlags()};
    },
    &RunScan,
    R"(  rootlock scan k8s/                                  a folder, recursively
  helm template ./chart | rootlock scan -             rendered charts from stdin
  rootlock scan --format json deploy.yaml > out.json  the JSON contract
  rootlock scan -o sarif=rootlock.sarif -o html=report.html .   GitHub code scanning + a page
  rootlock scan --min-ratio 1 --fail-on-any manifests/   strict CI gate
  aws ecs describe-task-definition --task-definition api | rootlock scan -
  rootlock scan --var-file prod.tfvars infra/            Terraform with its variables
)",
    R"(Each problem in the input is one line on stderr, file:line:col: error: message; the other
files are still scanned. Exit status: 0 clean, 1 the policy fails, 2 usage or input errors
(2 wins over 1).
)",
    true,
    nullptr,
    true,
};

const CommandSpec kDocker = {
    "docker",
    "",
    "audit every container of a live Docker engine, and say what each needs writable to run "
    "read-only",
    R"(Audits every container of a live Docker engine, stopped ones too (CIS Docker Benchmark
5.12: `docker ps --quiet --all | xargs docker inspect`), judging HostConfig.ReadonlyRootfs
with Tmpfs, Mounts and Binds as its writable paths. For each container whose root is
writable it asks the engine what the container has written (GET /containers/{id}/changes)
and prints the exact --tmpfs mounts that would let it run with --read-only, as a docker run
line and as compose. It only reads: nothing on the engine is ever changed.
)",
    [] {
      return std::vector<FlagGroup>{kDockerFlags, LiveFlags(), ReportFlagsGroup(), JudgeFlags()};
    },
    &RunDocker,
    R"(  rootlock docker                                   the local engine
  rootlock docker -H tcp://build-host:2376 --format json
  rootlock docker -H unix://$XDG_RUNTIME_DIR/podman/podman.sock   podman's Docker API
)",
    R"(Exit status: 0 clean, 1 the policy fails, 2 the engine cannot be used or the deadline passed
(each problem one line).
)",
};

const CommandSpec kEcs = {
    "ecs",
    "",
    "judge an AWS account's ECS task definitions through the ECS API (the latest ACTIVE "
    "revision of each family, as Security Hub's ECS.5)",
    R"(Judges an AWS account's ECS task definitions through the ECS API, as Security Hub's ECS.5
and Datadog do: every ACTIVE family (ListTaskDefinitionFamilies, every page), its latest
ACTIVE revision with its tags (DescribeTaskDefinition), judged exactly as `rootlock scan`
judges the same JSON. Findings are located by the task definition's ARN. It only reads:
it calls nothing but List* and Describe*.

Credentials as the AWS SDKs find them: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
(AWS_SESSION_TOKEN); web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN); the profile
(--profile, AWS_PROFILE, else default) in ~/.aws/credentials and ~/.aws/config
(AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE): keys, role_arn with source_profile or
web_identity_token_file, credential_process; the container endpoint
(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI); EC2 instance metadata (IMDSv2).
Requests are signed with Signature V4; throttling and server errors are retried
(AWS_MAX_ATTEMPTS, default 3). Each finding carries its region.
)",
    [] {
      return std::vector<FlagGroup>{kEcsFlags,     LiveFlags(),  JobsFlags(),    ReportFlagsGroup(),
                                    ConfigFlags(), JudgeFlags(), BaselineFlags()};
    },
    &RunEcs,
    R"(  rootlock ecs --region eu-west-1
  rootlock ecs --profile prod --region us-east-1 --region eu-west-1 --format json
  rootlock ecs --family-prefix checkout- -o sarif=ecs.sarif
)",
    R"(Exit status: 0 clean, 1 the policy fails, 2 the API cannot be used, a family cannot be
read, or the deadline passed (each problem one line).
)",
};

const CommandSpec kK8s = {
    "k8s",
    "",
    "judge what runs in a live Kubernetes cluster, each workload once by its top owner, with "
    "the user's own kubeconfig",
    R"(Judges what runs in a live Kubernetes cluster, with the user's own kubeconfig (as kubectl
reads it): every workload once, by its top owner (a Deployment, not its ReplicaSets or
pods; a CronJob, not its Jobs), StatefulSets, DaemonSets, standalone Jobs,
ReplicationControllers, bare Pods, and custom resources with a pod template
(spec.template.spec) found through discovery; containers, init and ephemeral containers.
The same rules as `rootlock scan` on the same objects; findings are located at
CONTEXT/NAMESPACE. Only GET requests: nothing in the cluster is changed.
)",
    [] {
      return std::vector<FlagGroup>{kK8sFlags,    LiveFlags(),     JobsFlags(),       ConfigFlags(),
                                    JudgeFlags(), BaselineFlags(), ReportFlagsGroup()};
    },
    &RunK8s,
    R"(  rootlock k8s                                  the current context, every namespace
  rootlock k8s --context prod -n payments --format json
  rootlock k8s --format policyreport | kubectl apply -f -
)",
    R"(Exit status: 0 clean, 1 the policy fails, 2 the cluster cannot be used, or a kind or
namespace could not be read (each problem one line; the rest is judged).
)",
};

const CommandSpec kRules = {
    "rules",
    "[ID]",
    "list the rules, or explain one (IDs and aliases such as ECS.5 work)",
    R"(Lists every rule; with an ID (a slug such as read-only-root-fs, or an alias such as ECS.5
or CKV_K8S_22), explains one.
)",
    [] { return std::vector<FlagGroup>{kRulesFlags}; },
    &RunRules,
    R"(  rootlock rules                        every rule, its severity and title
  rootlock rules ECS.5                  what a rule checks, why, and the remedy
  rootlock rules --format markdown      the same as docs/rules/
)",
    nullptr,
    false,
    RuleIdValues,
};

const CommandSpec kVersion = {
    "version",
    "",
    "print the version, the commit, the compiler and the libraries",
    R"(Prints rootlock's version, the commit it was built from, the compiler
and the versions of the libraries it uses (libyaml, libcurl, OpenSSL): what a bug
report needs. The first line alone is what 'rootlock --version' prints.
)",
    nullptr,
    &RunVersion,
};

const CommandSpec kVersionLine = {"--version", "",      "print the version line",
                                  nullptr,     nullptr, &RunVersionLine,
                                  nullptr,     nullptr, false,
                                  nullptr,     false,   true};

const CommandSpec kMan = {
    "man",
    "",
    "print the man page rootlock(1) (roff)",
    R"(Prints the man page rootlock(1), generated from the same registry as every --help:
  rootlock man | man -l -
)",
    nullptr,
    &RunMan,
    nullptr,
    nullptr,
    false,
    nullptr,
    false,
    true};

const CommandSpec kCompletion = {
    "completion",
    "SHELL",
    "print the completion script for bash, zsh or fish",
    R"(Prints the completion script for SHELL (bash, zsh or fish), generated from the same
registry as every --help. The package installs them; by hand:
  source <(rootlock completion bash)
  rootlock completion zsh > ~/.zfunc/_rootlock
  rootlock completion fish > ~/.config/fish/completions/rootlock.fish
)",
    nullptr,
    &RunCompletion,
    nullptr,
    nullptr,
    false,
    [] { return std::vector<std::string>(CompletionShells().begin(), CompletionShells().end()); },
    false,
    true,
};

// Every command, as ninja lists its tools: the one place a new one is added. Its --help,
// its section of rootlock(1) and its completions come from its entry (cli/command.h).
const CommandSpec* const kCommands[] = {
    &kScan,  &kDocker,  &kEcs,         &kK8s, &kFixCommand, &kWebhookCommand,
    &kRules, &kVersion, &kVersionLine, &kMan, &kCompletion,
};

std::span<const CommandSpec* const> Commands() { return kCommands; }

// Parses what follows a command's name (descending into its subcommands), prints its help
// or runs it.
int Dispatch(const CommandSpec& command, const std::string& path, int argc, char** argv) {
  if (!command.subcommands.empty() && argc > 0) {
    for (const CommandSpec* sub : command.subcommands) {
      if (std::string_view(argv[0]) == sub->name) {
        return Dispatch(*sub, path + " " + sub->name, argc - 1, argv + 1);
      }
    }
  }
  CommandLine cl;
  std::string error;
  std::vector<FlagGroup> groups;
  if (command.flags) groups = command.flags();
  if (!ParseFlags(argc, argv, groups, &cl, &error)) return UsageError(error, path.c_str());
  if (cl.help) {
    std::string help = CommandHelp(command, path);
    std::fwrite(help.data(), 1, help.size(), stdout);
    return kExitClean;
  }
  return command.run(cl);
}

// Invoked as kubectl-rootlock (kubectl's plugin discovery: `kubectl rootlock ...`), rootlock
// is `rootlock k8s` with kubectl's own spelling of its flags (-A).
constexpr const char* kKubectlPlugin = "kubectl-rootlock";

int Main(int argc, char** argv) {
  std::vector<char*> plugin_args;
  if (argc > 0 && std::filesystem::path(argv[0]).filename() == kKubectlPlugin) {
    static char command[] = "k8s";  // the live Kubernetes command
    static char all_namespaces[] = "--all-namespaces";
    plugin_args.push_back(argv[0]);
    plugin_args.push_back(command);
    for (int i = 1; i < argc; ++i) {
      plugin_args.push_back(std::strcmp(argv[i], "-A") == 0 ? all_namespaces : argv[i]);
    }
    plugin_args.push_back(nullptr);
    argc = static_cast<int>(plugin_args.size()) - 1;
    argv = plugin_args.data();
  }
  if (argc < 2) {
    std::string help = MainHelp(Commands());
    std::fputs(help.c_str(), stderr);
    return kExitError;
  }
  std::string_view name = argv[1];
  for (const CommandSpec* c : Commands()) {
    if (name == c->name) return Dispatch(*c, c->name, argc - 2, argv + 2);
  }
  if (name == "-h" || name == "--help" || name == "help") {
    std::string help = MainHelp(Commands());
    std::fputs(help.c_str(), stdout);
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
