// rootlock fix: the command line around src/fix/.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <string_view>

#include "base/exit_status.h"
#include "base/text.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "engine/sources.h"
#include "fix/edit.h"
#include "fix/fix.h"
#include "fix/json_patch.h"

namespace rootlock {

namespace {

constexpr const char* kFixHelp = R"(usage: rootlock fix [options] PATH...

Writes the remedy into your own files, keeping comments, key order, quoting, indentation
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
It never touches passing, n/a or Windows containers, files that do not parse, or values a
template, variable or intrinsic function sets (it says why for each). Before writing, the
fixed text is parsed and scanned again: every container it touched must pass, or the file is
left as it was. Files are replaced atomically (temporary file, fsync, rename, mode kept).
Running fix twice changes nothing the second time.

options:
  --diff             print a unified diff and change nothing
  --json-patch       print the remedy for the one Kubernetes object in PATH as an RFC 6902
                     JSON Patch and change nothing (for kubectl patch on the live object;
                     see the README)
  --writable PATH    also make PATH writable in every container fixed (repeatable)
  --register-ready   for describe-task-definition output, also write FILE.register.json,
                     ready for aws ecs register-task-definition --cli-input-json
  --strict           fix stateful databases too
  --config FILE, --no-config, --no-peer-exemptions   as for scan: exempted containers are
                     never touched
  --param NAME=VALUE, --var NAME=VALUE, --var-file FILE, --max-file-size S, -j N
                     as for scan (fix works one file at a time; -j is accepted, as
                     every command takes the same input flags)
  -h, --help         this help

  PATH is a file, a folder (.yaml/.yml/.json/.tf, recursively), or - (read stdin, write the
  fixed text to stdout).

Exit status: 0 everything fixed (or nothing to fix), 1 a container that fails the gating rule
was left alone (one left alone only for tmp-writable is said, and does not fail), 2 usage
errors or files that could not be fixed.
)";

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
    {"--diff", nullptr, nullptr,
     [](CommandLine* cl, const std::string&) {
       cl->diff = true;
       return std::string();
     }},
    {"--json-patch", nullptr, nullptr,
     [](CommandLine* cl, const std::string&) {
       cl->json_patch = true;
       return std::string();
     }},
    {"--register-ready", nullptr, nullptr,
     [](CommandLine* cl, const std::string&) {
       cl->register_ready = true;
       return std::string();
     }},
    {"--writable", nullptr, "PATH",
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
};

int RunFix(int argc, char** argv) {
  CommandLine cl;
  if (std::string usage;
      !ParseFlags(argc, argv, {kFixFlags, InputFlags(), JudgeFlags()}, &cl, &usage)) {
    return Usage(usage);
  }
  if (cl.help) {
    std::fputs(kFixHelp, stdout);
    return kExitClean;
  }
  FixOptions options;
  options.scan = std::move(cl.scan);
  options.writable = cl.writable;
  const PolicyFlags& policy = cl.policy;
  const std::vector<std::string>& paths = cl.args;
  bool diff = cl.diff, register_ready = cl.register_ready, json_patch = cl.json_patch;
  if (paths.empty()) return Usage("no input: name files or folders to fix, or - for stdin");
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
  std::set<std::string> seen;
  for (const SourceRef& src : sources) {
    if (!seen.insert(src.path).second) continue;
    std::string text;
    Diagnostic error;
    if (!ReadSourceBytes(src, options.scan.max_file_bytes, &text, &error)) {
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
        if (!WriteFileAtomically(src.path, f.after, &werr)) {
          ErrorLine("%s: error: not written: %s", src.path.c_str(), werr.message.c_str());
          ++failures;
          continue;
        }
      }
      ErrorLine("%s %s: %s, %s", diff ? "would fix" : "fixed", src.path.c_str(),
                Plural(f.containers_fixed, "container").c_str(),
                Plural(f.mounts_added, "writable mount").c_str());
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

}  // namespace rootlock
