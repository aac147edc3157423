// tmp-writable: a read-only container needs something writable at /tmp, or it
// breaks at run time. Reported beside read-only-root-fs; it does not gate.
#include "base/text.h"
#include "rules/rule.h"
#include "rules/rules.h"

namespace rootlock {

const RuleInfo kTmpWritableInfo = {
    .id = "tmp-writable",
    .name = "WritableTmp",
    .title = "A read-only container needs a writable /tmp",
    .summary = "(low, does not gate) a read-only container with nothing writable at /tmp.",
    .severity = Severity::kLow,
    .gates = false,
    .rationale =
        "Most runtimes and frameworks write temporary files to /tmp; with a read-only root "
        "and nothing writable mounted there, the application fails at run time.",
    .remediation =
        {
            "Mount an emptyDir volume at /tmp (volumeMounts: [{name: tmp, mountPath: /tmp}], "
            "volumes: [{name: tmp, emptyDir: {}}]).",
            "Add a task volume (no host: task-scoped scratch space) and a mountPoint with "
            "containerPath /tmp.",
            "Add --tmpfs /tmp to the docker run command.",
            "Add tmpfs: [/tmp] to the service.",
        },
    .help_uri = "https://kubernetes.io/docs/concepts/storage/volumes/#emptydir",
    .compliance = {},
    .aliases = {},
    .tags = {"reliability", "containers"},
    .examples = {"containers:\n- name: web\n  image: nginx\n  securityContext:\n    "
                 "readOnlyRootFilesystem: true\n",
                 "{\"containerDefinitions\": [{\"name\": \"web\", \"image\": \"nginx\",\n  "
                 "\"readonlyRootFilesystem\": true}]}",
                 "docker run --read-only nginx",
                 "services:\n  web:\n    image: nginx\n    read_only: true\n"},
};

namespace {

bool HasWritableTmp(const Container& c) {
  for (const Mount& m : c.mounts) {
    std::string_view p = m.path;
    while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
    if (p == "/tmp" && m.writable) return true;
  }
  return false;
}

}  // namespace

Finding CheckTmpWritable(const RuleContext& ctx) {
  const Workload& w = ctx.workload;
  const Container& c = ctx.container;
  const Finding& root_fs = ctx.Verdict(kReadOnlyRootFsInfo);
  Finding f = NewFinding(kTmpWritableInfo, ctx);
  std::string subject = Subject(w, c);
  switch (root_fs.status) {
    case Status::kPass:
      break;
    case Status::kFail:
      f.status = Status::kNotApplicable;
      f.reason = "the root filesystem is writable, so /tmp is too";
      f.message = subject + " is not judged";
      return f;
    default:
      f.status = root_fs.status;
      f.reason = root_fs.reason;
      f.message = root_fs.message;
      return f;
  }
  if (HasWritableTmp(c)) {
    f.status = Status::kPass;
    f.message = subject + " has a writable volume at /tmp";
    return f;
  }
  f.status = Status::kFail;
  f.message = subject + " has a read-only root filesystem but nothing writable at /tmp";
  bool read_only_tmp = false;
  for (const Mount& m : c.mounts) {
    if (m.path == "/tmp" || m.path == "/tmp/") read_only_tmp = true;
  }
  f.reason =
      read_only_tmp ? "the volume mounted at /tmp is read-only" : "no volume is mounted at /tmp";
  f.remedy = ReadOnlyRemedy(c, ctx.options, /*set_flag=*/false);
  return f;
}

}  // namespace rootlock
