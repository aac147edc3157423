// rootlock: finds, explains and fixes containers whose root filesystem is writable.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/text.h"
#include "live/docker_engine.h"
#include "parse/reader.h"
#include "report/report.h"
#include "rules/rules.h"
#include "scan/scanner.h"
#include "scan/sources.h"

namespace rootlock {
namespace {

/// ninja-style exit statuses.
enum ExitStatus : int { kExitClean = 0, kExitPolicy = 1, kExitError = 2 };

constexpr const char* kMainHelp =
    R"(rootlock — find, explain and fix containers whose root filesystem is writable

usage: rootlock <command> [options]

commands:
  scan PATH...    judge every container in Kubernetes manifests and ECS task definitions
                  (JSON, CloudFormation, Terraform): files, folders, - for stdin
  docker          audit every container of a live Docker engine, and say what each needs
                  writable to run read-only
  rules [ID]      list the rules, or explain one (IDs and aliases such as ECS.5 work)
  version         print the version

Run 'rootlock scan --help' or 'rootlock docker --help' for options and examples.
Exit status: 0 clean, 1 the policy fails, 2 usage or input errors.
)";

constexpr const char* kScanHelp = R"(usage: rootlock scan [options] PATH...

Judges every container it finds, recognising each source by its content:
  Kubernetes  every kind that carries a pod (Pod, Deployment, StatefulSet, DaemonSet,
              ReplicaSet, ReplicationController, Job, CronJob, PodTemplate, List, and any
              object with spec.template.spec); containers, initContainers, ephemeralContainers
  ECS         describe-task-definition output, register-task-definition input, bare
              containerDefinitions, CloudFormation AWS::ECS::TaskDefinition, Terraform
              aws_ecs_task_definition / awscc_ecs_task_definition (.tf, .tf.json, and
              terraform show -json); only the latest ACTIVE revision of a family is judged

  PATH            a file (any name), a folder (walked for .yaml/.yml/.json/.tf), or - for stdin

rules:
  read-only-root-fs  pass when the container's securityContext.readOnlyRootFilesystem is
                     true; false, missing or not a boolean fails. Windows pods and stateful
                     databases (StatefulSets running postgres, mysql, redis, ...) are n/a.
  tmp-writable       (low, does not gate) a read-only container with nothing writable at /tmp.

options:
  --format FORMAT    text (default) or json
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
  -h, --help         this help

examples:
  rootlock scan k8s/                                  a folder, recursively
  helm template ./chart | rootlock scan -             rendered charts from stdin
  rootlock scan --format json deploy.yaml > out.json  the JSON contract
  rootlock scan --min-ratio 1 --fail-on-any manifests/   strict CI gate
  aws ecs describe-task-definition --task-definition api | rootlock scan -
  rootlock scan --var-file prod.tfvars infra/            Terraform with its variables

Each problem in the input is one line on stderr, file:line:col: error: message; the other
files are still scanned. Exit status: 0 clean, 1 the policy fails, 2 usage or input errors
(2 wins over 1).
)";

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
  Diagnostic d;
  if (!ReadSourceBytes(SourceRef{path, InputFormat::kAuto, true}, 16 << 20, &text, &d)) {
    *error = "--var-file " + path + ": " + d.message;
    return false;
  }
  ParsedSource parsed =
      ReadSource(path, text, EndsWith(path, ".json") ? InputFormat::kJson : InputFormat::kHcl);
  if (parsed.has_error || parsed.documents.empty()) {
    *error = "--var-file " + (parsed.has_error ? parsed.error.ToString() : path + ": empty");
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
  std::string color = "auto";
  bool verbose = false;
};

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
    if (!a.missing().empty()) return fail(a.missing() + " needs a value: text or json");
    if (v != "text" && v != "json") {
      return fail("--format takes text or json, not " + QuoteForMessage(v));
    }
    flags->format = v;
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

// Prints the report for a finished run and returns the exit status.
int Emit(const ScanResult& result, const ReportFlags& flags) {
  for (const Diagnostic& d : result.errors) {
    std::fprintf(stderr, "%s\n", d.ToString().c_str());
  }
  std::string out;
  if (flags.format == "json") {
    out = JsonReport(result);
  } else {
    TextOptions text;
    text.verbose = flags.verbose;
    if (flags.color == "always") {
      text.color = true;
    } else if (flags.color == "auto") {
      const char* no_color = std::getenv("NO_COLOR");
      const char* term = std::getenv("TERM");
      text.color = isatty(STDOUT_FILENO) && !(no_color && *no_color) &&
                   !(term && std::strcmp(term, "dumb") == 0);
    }
    out = TextReport(result, text);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (std::fflush(stdout) != 0) {
    std::fprintf(stderr, "rootlock: cannot write the report: %s\n", std::strerror(errno));
    return kExitError;
  }
  if (!result.errors.empty()) return kExitError;
  return result.summary.passed ? kExitClean : kExitPolicy;
}

int RunScan(int argc, char** argv) {
  ScanOptions options;
  ReportFlags flags;
  bool only_paths = false;
  Args a(argc, argv);
  while (a.Next()) {
    std::string_view arg = a.arg();
    std::string v;
    int code = 0;
    if (only_paths || arg == "-" || arg.empty() || arg[0] != '-') {
      options.paths.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      only_paths = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      std::fputs(kScanHelp, stdout);
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
  return Emit(Scan(options), flags);
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
  --format FORMAT    text (default) or json
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
  ScanResult result;
  JudgeWorkloads(audit.workloads, options, &result.findings);
  for (const Diagnostic& note : audit.notes) {
    std::fprintf(stderr, "%s: note: %s\n", note.where.file.c_str(), note.message.c_str());
  }
  result.skipped_files = audit.notes;
  result.summary = Summarize(result.findings, options);
  return Emit(result, flags);
}

int RunRules(int argc, char** argv) {
  if (argc > 0 && (std::strcmp(argv[0], "-h") == 0 || std::strcmp(argv[0], "--help") == 0)) {
    std::fputs(
        "usage: rootlock rules [ID]\n\nLists every rule; with an ID (a slug such as "
        "read-only-root-fs, or an alias such as ECS.5 or CKV_K8S_22), explains one.\n",
        stdout);
    return kExitClean;
  }
  if (argc == 0) {
    for (const RuleInfo* r : AllRules()) {
      std::printf("%-20s %-8s %s\n", r->id, std::string(SeverityName(r->severity)).c_str(),
                  r->title);
    }
    return kExitClean;
  }
  const RuleInfo* r = FindRule(argv[0]);
  if (!r) return UsageError("no rule called " + QuoteForMessage(argv[0]), "rules");
  std::printf("%s: %s\nseverity: %s%s\n\n%s\n\nremediation:\n", r->id, r->title,
              std::string(SeverityName(r->severity)).c_str(),
              r->gates ? "" : " (reported; does not move the ratio or the gate)", r->rationale);
  const char* platforms[] = {"kubernetes", "ecs", "docker", "compose"};
  for (int p = 0; p < 4; ++p) std::printf("  %-11s %s\n", platforms[p], r->remediation[p]);
  if (!r->compliance.empty()) {
    std::printf("\ncompliance:\n");
    for (const ComplianceRef& c : r->compliance) std::printf("  %s %s\n", c.framework, c.control);
  }
  if (!r->aliases.empty()) {
    std::printf("\naliases:");
    for (const char* a : r->aliases) std::printf(" %s", a);
    std::printf("\n");
  }
  return kExitClean;
}

int Main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kMainHelp, stderr);
    return kExitError;
  }
  std::string_view command = argv[1];
  if (command == "scan") return RunScan(argc - 2, argv + 2);
  if (command == "rules") return RunRules(argc - 2, argv + 2);
  if (command == "docker") return RunDocker(argc - 2, argv + 2);
  if (command == "version" || command == "--version") {
    std::printf("rootlock %s\n", ROOTLOCK_VERSION);
    return kExitClean;
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

int main(int argc, char** argv) { return rootlock::Main(argc, argv); }
