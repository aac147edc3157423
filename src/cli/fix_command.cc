// rootlock fix: the command line around src/fix/.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <string_view>

#include "base/exit_status.h"
#include "base/file_system.h"
#include "base/text.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "engine/sources.h"
#include "fix/edit.h"
#include "fix/fix.h"
#include "fix/json_patch.h"
#include "fix/write.h"

namespace rootlock {

namespace {

int Usage(const std::string& message) {
  ErrorLine("rootlock: %s (see 'rootlock fix --help')", message.c_str());
  return kExitError;
}

std::string Plural(int n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

void PrintLeftAlone(const std::vector<Diagnostic>& left_alone) {
  for (const Diagnostic& d : left_alone) {
    ErrorLine("%s:%u:%u: %s", d.where.file.c_str(), d.where.line, d.where.column,
              d.message.c_str());
  }
}

// fix --json-patch PATH: the remedy of one Kubernetes object as a JSON Patch on stdout.
int PrintJsonPatch(const std::vector<std::string>& paths, const FixOptions& options,
                   bool other_mode) {
  if (other_mode)
    return Usage(
        "--json-patch changes nothing: it goes with neither --diff "
        "nor --register-ready");
  if (paths.size() != 1) return Usage("--json-patch takes one file (or -) holding one object");
  std::vector<Diagnostic> errors;
  std::vector<SourceRef> sources = DiscoverSources(paths, &errors);
  for (const Diagnostic& d : errors) ErrorLine("%s", d.ToString().c_str());
  if (!errors.empty()) return kExitError;
  if (sources.size() != 1) return Usage("--json-patch takes one file (or -), not a folder");
  std::string text;
  Diagnostic error;
  if (!ReadSourceBytes(sources[0], options.scan.max_file_bytes, &text, &error)) {
    ErrorLine("%s", error.ToString().c_str());
    return kExitError;
  }
  std::string name = sources[0].path == "-" ? "<stdin>" : sources[0].path;
  JsonPatch patch = KubernetesJsonPatch(name, text, options);
  PrintLeftAlone(patch.left_alone);
  if (!patch.error.empty()) {
    ErrorLine("%s: error: %s", name.c_str(), patch.error.c_str());
    return kExitError;
  }
  std::fputs((patch.patch + "\n").c_str(), stdout);
  ErrorLine("patch for %s: %s, %s; %s left alone", name.c_str(),
            Plural(patch.containers_fixed, "container").c_str(),
            Plural(patch.mounts_added, "writable mount").c_str(),
            std::to_string(patch.left_alone.size()).c_str());
  return patch.left_alone.empty() ? kExitClean : kExitPolicy;
}

}  // namespace

const FlagSpec kFixFlags[] = {
    {"--diff", nullptr, nullptr, "print a unified diff and change nothing",
     [](CommandLine* cl, const std::string&) {
       cl->diff = true;
       return std::string();
     }},
    {"--json-patch", nullptr, nullptr,
     "print the remedy for the one Kubernetes object in PATH as an RFC 6902 JSON Patch and change "
     "nothing (for kubectl patch on the live object; see the README)",
     [](CommandLine* cl, const std::string&) {
       cl->json_patch = true;
       return std::string();
     }},
    {"--register-ready", nullptr, nullptr,
     "for describe-task-definition output, also write FILE.register.json, ready for aws ecs "
     "register-task-definition --cli-input-json",
     [](CommandLine* cl, const std::string&) {
       cl->register_ready = true;
       return std::string();
     }},
    {"--force", nullptr, nullptr,
     "also write files that are read-only (mode 444), keeping their mode",
     [](CommandLine* cl, const std::string&) {
       cl->force = true;
       return std::string();
     }},
    {"--writable", nullptr, "PATH", "also make PATH writable in every container fixed (repeatable)",
     [](CommandLine* cl, const std::string& v) {
       if (v.empty() || v[0] != '/') {
         return std::string("--writable takes an absolute path, such as /var/cache/app");
       }
       if (HasControls(v)) {
         return "--writable takes a path without control characters, not " + QuoteForMessage(v);
       }
       cl->writable.push_back(v);
       return std::string();
     }},
    {"--user", nullptr, "UID[:GID]",
     "also make every container that may run as root run as UID (and GID): user in ECS and "
     "compose, runAsNonRoot, runAsUser and runAsGroup in Kubernetes (run-as-non-root)",
     [](CommandLine* cl, const std::string& v) {
       std::string_view uid = std::string_view(v).substr(0, v.find(':'));
       std::string_view gid = v.find(':') == std::string::npos
                                  ? std::string_view("0")
                                  : std::string_view(v).substr(v.find(':') + 1);
       auto number = [](std::string_view s) {
         return !s.empty() && s.size() <= 10 &&
                s.find_first_not_of("0123456789") == std::string_view::npos &&
                std::stoull(std::string(s)) <= 2147483647ULL;
       };
       if (!number(uid) || !number(gid) || uid.find_first_not_of('0') == std::string_view::npos) {
         return "--user takes UID[:GID], numbers with a UID other than 0 (1000 or 1000:1000), "
                "not " +
                QuoteForMessage(v);
       }
       cl->run_as = v;
       return std::string();
     }},
    {"--log-driver", nullptr, "DRIVER",
     "also give every container without a log driver (logging-enabled) DRIVER: awslogs, "
     "with --log-group and --log-region (ECS logConfiguration, compose logging)",
     [](CommandLine* cl, const std::string& v) {
       if (v != "awslogs") {
         return "--log-driver takes awslogs (CloudWatch Logs), not " + QuoteForMessage(v);
       }
       cl->log_driver = v;
       return std::string();
     }},
    {"--log-group", nullptr, "GROUP", "the CloudWatch Logs group --log-driver awslogs writes to",
     [](CommandLine* cl, const std::string& v) {
       if (v.empty() || v.size() > 512 ||
           v.find_first_not_of(
               "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/#") !=
               std::string::npos) {
         return "--log-group takes a log group name (letters, digits, . _ - / #), not " +
                QuoteForMessage(v);
       }
       cl->log_group = v;
       return std::string();
     }},
    {"--log-region", nullptr, "REGION", "the AWS region of --log-group (eu-west-1)",
     [](CommandLine* cl, const std::string& v) {
       if (v.empty() || v.size() > 32 ||
           v.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
         return "--log-region takes an AWS region such as eu-west-1, not " + QuoteForMessage(v);
       }
       cl->log_region = v;
       return std::string();
     }},
    {"--log-stream-prefix", nullptr, "PREFIX",
     "ECS only: awslogs-stream-prefix, which Fargate requires (default: ecs, as the console "
     "writes it)",
     [](CommandLine* cl, const std::string& v) {
       if (v.empty() || v.size() > 512 || v.find_first_of(":*") != std::string::npos ||
           HasControls(v)) {
         return "--log-stream-prefix takes a prefix without ':', '*' or control characters, "
                "not " +
                QuoteForMessage(v);
       }
       cl->log_stream_prefix = v;
       return std::string();
     }},
};

namespace {

std::string Folder(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

// Whether `path` is `root` or inside it (both absolute, resolved).
bool Inside(const std::string& path, const std::string& root) {
  if (root == "/") return true;
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                          path[root.size()] == '/');
}

std::string RealPath(const std::string& path) {
  char* real = realpath(path.c_str(), nullptr);
  if (!real) return "";
  std::string out = real;
  std::free(real);
  return out;
}

// The file fix reads and writes for `src`: itself, or a symlink's target. A
// walked symlink whose target lies outside the folder walked is skipped with
// a note (false, `error` empty); a symlink named on the command line is
// written through. False with `error` set when it cannot be resolved.
bool ResolveTarget(const SourceRef& src, std::string* target, std::string* shown,
                   Diagnostic* error) {
  struct stat st;
  if (lstat(src.path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return true;
  std::string real = RealPath(src.path);
  if (real.empty()) {
    struct stat to;
    if (stat(src.path.c_str(), &to) == 0) return true;  // /dev/fd/N: LockedFile says what it is
    error->where = Location{src.path};
    error->message = std::string("cannot resolve the symlink: ") + std::strerror(errno);
    return false;
  }
  char link[4096];
  ssize_t n = readlink(src.path.c_str(), link, sizeof link - 1);
  std::string to = n > 0 ? std::string(link, static_cast<size_t>(n)) : real;
  if (!src.explicit_path) {
    std::string root = RealPath(src.root.empty() ? "." : src.root);
    if (root.empty() || !Inside(real, root)) {
      ErrorLine(
          "%s: note: not fixed: a symlink to %s, outside %s (name it on the command "
          "line to fix its target)",
          src.path.c_str(), to.c_str(), src.root.c_str());
      return false;
    }
  }
  *target = real;
  *shown = src.path + " -> " + to;
  return true;
}

}  // namespace

int RunFix(CommandLine& cl) {
  FixOptions options;
  options.scan = std::move(cl.scan);
  options.writable = cl.writable;
  const PolicyFlags& policy = cl.policy;
  const std::vector<std::string>& paths = cl.args;
  bool diff = cl.diff, register_ready = cl.register_ready, json_patch = cl.json_patch;
  if (paths.empty()) return Usage("no input: name files or folders to fix, or - for stdin");
  options.scan.rules.run_as = cl.run_as;
  if (!cl.log_driver.empty()) {
    if (cl.log_group.empty() || cl.log_region.empty()) {
      return Usage("--log-driver awslogs needs --log-group GROUP and --log-region REGION");
    }
    options.scan.rules.log_driver = cl.log_driver;
    options.scan.rules.log_options = {
        {"awslogs-group", cl.log_group},
        {"awslogs-region", cl.log_region},
        {"awslogs-stream-prefix", cl.log_stream_prefix.empty() ? "ecs" : cl.log_stream_prefix}};
  } else if (!cl.log_group.empty() || !cl.log_region.empty() || !cl.log_stream_prefix.empty()) {
    return Usage("--log-group, --log-region and --log-stream-prefix go with --log-driver awslogs");
  }
  options.scan.paths = paths;
  Config config;
  Diagnostic policy_error;
  if (!ApplyPolicy(policy, &config, &options.scan, &policy_error)) {
    ErrorLine("%s", policy_error.ToString().c_str());
    return kExitError;
  }

  if (json_patch) return PrintJsonPatch(paths, options, diff || register_ready);

  std::vector<Diagnostic> errors;
  std::vector<SourceRef> sources = DiscoverSources(paths, &errors);
  for (const Diagnostic& d : errors) ErrorLine("%s", d.ToString().c_str());
  int failures = static_cast<int>(errors.size());
  int fixed = 0, mounts = 0, files_changed = 0, left_alone = 0, left_alone_failing = 0;
  std::set<std::string> seen, swept;
  for (const SourceRef& src : sources) {
    std::string text;
    Diagnostic error;
    std::string target = src.path;  // what is read and written: a symlink's target
    std::string shown = src.path;   // how messages name it
    LockedFile locked;
    if (src.path != "-") {
      if (!ResolveTarget(src, &target, &shown, &error)) {
        if (!error.message.empty()) {
          ErrorLine("%s", error.ToString().c_str());
          ++failures;
        }
        continue;
      }
      // One file fixed once, however many names it was reached by.
      std::string real = RealPath(target);
      if (!seen.insert(real.empty() ? target : real).second) continue;
      if (!diff) {
        std::string dir = Folder(target);
        if (swept.insert(dir).second) {
          for (const std::string& gone : RemoveStaleTempFiles(dir)) {
            ErrorLine("%s: note: removed a temporary file a stopped fix left", gone.c_str());
          }
        }
      }
      if (!locked.Open(target, &error)) {
        error.where.file = shown;
        ErrorLine("%s", error.ToString().c_str());
        ++failures;
        continue;
      }
      // Read under the lock: a fix that ran meanwhile is what this one builds on.
      if (!ReadOpenFile(locked.fd(), shown, options.scan.max_file_bytes, &text, &error)) {
        ErrorLine("%s", error.ToString().c_str());
        ++failures;
        continue;
      }
    } else if (!seen.insert("-").second) {
      continue;
    } else if (!ReadSourceBytes(src, options.scan.max_file_bytes, &text, &error)) {
      ErrorLine("%s", error.ToString().c_str());
      ++failures;
      continue;
    }
    if (!src.explicit_path && !MayHoldContainer(text)) continue;
    std::string name = src.path == "-" ? "<stdin>" : src.path;
    FileFix f = FixText(name, text, src.format, options);
    PrintLeftAlone(f.left_alone);
    PrintLeftAlone(f.notes);
    left_alone += static_cast<int>(f.left_alone.size());
    left_alone_failing += f.left_alone_failing;
    if (!f.error.empty()) {
      ErrorLine("%s: error: %s", name.c_str(), f.error.c_str());
      ++failures;
      // fix - <a.yaml >b.yaml never leaves an empty b.yaml: the input goes through.
      if (src.path == "-" && !diff) std::fwrite(text.data(), 1, text.size(), stdout);
      continue;
    }
    if (src.path == "-") {
      if (diff) {
        std::fputs(UnifiedDiff(name, f.before, f.after).c_str(), stdout);
      } else {
        std::fwrite(f.after.data(), 1, f.after.size(), stdout);
      }
    } else if (f.after != f.before) {
      if (diff) {
        std::fputs(UnifiedDiff(src.path, f.before, f.after).c_str(), stdout);
      } else {
        Diagnostic werr;
        std::vector<std::string> notes;
        if (std::string why = WhyNotReplaceable(locked.info(), cl.force); !why.empty()) {
          ErrorLine("%s: error: not written: %s", shown.c_str(), why.c_str());
          ++failures;
          continue;
        }
        if (!ReplaceFile(target, f.after, locked.fd(), &notes, &werr)) {
          ErrorLine("%s: error: not written: %s", shown.c_str(), werr.message.c_str());
          ++failures;
          continue;
        }
        for (const std::string& n : notes) {
          ErrorLine("%s: note: %s", shown.c_str(), n.c_str());
        }
      }
      ErrorLine("%s %s: %s, %s", diff ? "would fix" : "fixed", shown.c_str(),
                Plural(f.containers_fixed, "container").c_str(),
                Plural(f.mounts_added, "writable mount").c_str());
      if (f.after.size() > options.scan.max_file_bytes) {
        // The next scan would refuse what this fix wrote: say so now, not then.
        ErrorLine(
            "%s: warning: now %s, over the %s limit the next scan enforces (raise it "
            "with --max-file-size)",
            shown.c_str(), FormatBytes(f.after.size()).c_str(),
            FormatBytes(options.scan.max_file_bytes).c_str());
      }
    }
    if (f.after != f.before) {
      ++files_changed;
      fixed += f.containers_fixed;
      mounts += f.mounts_added;
    }
    if (register_ready && src.path != "-") {
      std::string reg = RegisterReadyJson(f.after);
      if (!reg.empty()) {
        std::string out =
            (EndsWith(src.path, ".json") ? src.path.substr(0, src.path.size() - 5) : src.path) +
            ".register.json";
        Diagnostic werr;
        if (diff) {
          ErrorLine("would write %s", out.c_str());
        } else if (WriteFileAtomically(out, reg, &werr)) {
          ErrorLine("wrote %s (aws ecs register-task-definition --cli-input-json file://%s)",
                    out.c_str(), out.c_str());
        } else {
          ErrorLine("%s", werr.ToString().c_str());
          ++failures;
        }
      }
    }
  }
  ErrorLine("%s %s in %s, %s added; %s left alone", diff ? "would fix" : "fixed",
            Plural(fixed, "container").c_str(), Plural(files_changed, "file").c_str(),
            Plural(mounts, "writable mount").c_str(), std::to_string(left_alone).c_str());
  if (failures) return kExitError;
  // 1 only when a container that fails a gating rule was left alone: a
  // tmp-writable warning left alone is said, but does not fail the run.
  return left_alone_failing ? kExitPolicy : kExitClean;
}

const CommandSpec kFixCommand = {
    "fix",
    "PATH...",
    "write the remedy into the files: the flag, and writable mounts for /tmp and what the "
    "image needs; --diff shows it first",
    R"(Writes the remedy into your own files, keeping comments, key order, quoting, indentation
and line endings. For every failing container, and every read-only container with nothing
writable at /tmp, it
  - sets the platform's flag: securityContext.readOnlyRootFilesystem: true (Kubernetes),
    readonlyRootFilesystem (ECS JSON, Terraform jsonencode), ReadonlyRootFilesystem
    (CloudFormation), read_only: true (Compose), creating what encloses it if missing;
  - makes /tmp writable, plus the paths its image is known to write (nginx: /var/cache/nginx
    and /var/run; see the README) and every --writable PATH: an emptyDir volume and a
    volumeMount (Kubernetes), a task volume with no host and a mountPoint (ECS,
    CloudFormation, Terraform), tmpfs (Compose). Mounts already there are reused, new
    volume names never clash.
Beside read-only, for the rules switched on:
  - no-privileged: sets privileged to false where it is true;
  - run-as-non-root, only with --user UID[:GID]: user (ECS, Compose), or runAsNonRoot: true,
    runAsUser and runAsGroup (Kubernetes);
  - logging-enabled, only with --log-driver awslogs --log-group G --log-region R:
    logConfiguration (ECS; awslogs-stream-prefix from --log-stream-prefix, default ecs),
    logging (Compose);
  - no-host-pid and no-secrets-in-env need a human: fix says what to change.
It never touches passing, n/a or Windows containers, files that do not parse, or values a
template, variable or intrinsic function sets (it says why for each). Before writing, the
fixed text is parsed and scanned again: every container it touched must pass, or the file is
left as it was. Files are replaced atomically (temporary file, fsync, rename) under a lock,
keeping mode, owner, ACLs and extended attributes. Read-only files, files with more than
one hard link, FIFOs and sockets are refused; a symlink found in a folder is fixed through
its target only when that lies inside the folder (docs/fix.md). Running fix twice changes
nothing the second time.

  PATH is a file, a folder (.yaml/.yml/.json/.tf, recursively), or - (read stdin, write the
  fixed text to stdout).
)",
    [] {
      return std::vector<FlagGroup>{kFixFlags, JudgeFlags(), InputFlags(), JobsFlags()};
    },
    &RunFix,
    R"(  rootlock fix --diff k8s/                 what it would write
  rootlock fix k8s/ compose.yaml           write it
  rootlock fix --writable /var/cache/app deploy.yaml
  rootlock fix --user 10001:10001 --log-driver awslogs --log-group /ecs/app \
      --log-region eu-west-1 taskdef.json
  kubectl get deploy api -o yaml | rootlock fix --json-patch -
)",
    R"(Exit status: 0 everything fixed (or nothing to fix), 1 a container that fails the gating rule
was left alone (one left alone only for tmp-writable is said, and does not fail), 2 usage
errors or files that could not be fixed.
)",
    true,
};

}  // namespace rootlock
