// no-privileged: the container does not run privileged (AWS Security Hub ECS.4,
// CIS Docker Benchmark 5.4, CIS Kubernetes 5.2.2, Pod Security Standards Baseline).
// Reported beside read-only-root-fs; it does not gate unless --fail-on asks.
#include "base/text.h"
#include "rules/rule.h"
#include "rules/rules.h"

namespace rootlock {

const RuleInfo kNoPrivilegedInfo = {
    .id = "no-privileged",
    .name = "NoPrivilegedContainer",
    .title = "Container must not run privileged",
    .summary =
        "(critical, gates only with --fail-on) fail when the container's own\n"
        "setting is true (privileged, Privileged, HostConfig.Privileged); a value\n"
        "that is not a boolean or not resolvable fails too. Missing or false\n"
        "passes. Windows workloads are n/a.",
    .severity = Severity::kCritical,
    .gates = false,
    .rationale =
        "A privileged container has every Linux capability and the host's devices, and "
        "escapes the device cgroup and most of the seccomp and AppArmor limits: code that "
        "runs in it can do almost anything the host can.",
    .remediation =
        {
            "Remove securityContext.privileged from the container or set it to false; grant "
            "the single capability it needs under securityContext.capabilities.add instead.",
            "Remove privileged from the container definition or set it to false; add the "
            "single capability it needs under linuxParameters.capabilities.add instead.",
            "Run the container without --privileged; pass --cap-add for the single "
            "capability it needs instead.",
            "Remove privileged: true from the service; list the single capability it needs "
            "under cap_add: instead.",
        },
    .help_uri = "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-4",
    .compliance =
        {
            {"AWS Security Hub", "ECS.4", ComplianceKind::kSecurityHub, PlatformBit(Platform::kEcs),
             "AWS Security Hub user guide, Amazon ECS controls: [ECS.4] ECS containers should run "
             "as non-privileged",
             kAsffAwsBestPractices},
            {"AWS Config", "ecs-containers-nonprivileged", ComplianceKind::kCheck,
             PlatformBit(Platform::kEcs), "AWS Config managed rule ecs-containers-nonprivileged"},
            {"CIS Docker Benchmark", "5.4", ComplianceKind::kStandard,
             PlatformBit(Platform::kDocker) | PlatformBit(Platform::kCompose),
             "CIS Docker Benchmark v1.2.0 section 5.4: Ensure that privileged containers are not "
             "used (the number Datadog's cis-docker control 5.4 uses)",
             kAsffCisBenchmarks},
            {"CIS Kubernetes Benchmark", "5.2.2", ComplianceKind::kStandard,
             PlatformBit(Platform::kKubernetes),
             "CIS Kubernetes Benchmark v1.8.0 (as in the Kubernetes v1.24 edition) section 5.2.2: "
             "Minimize the admission of privileged containers (5.2.1 in the v1.20 edition)",
             kAsffCisBenchmarks},
            {"Kubernetes Pod Security Standards", "Baseline: Privileged Containers",
             ComplianceKind::kStandard, PlatformBit(Platform::kKubernetes),
             "Kubernetes Pod Security Standards, Baseline profile: Privileged Containers "
             "(securityContext.privileged must be unset or false)"},
        },
    .aliases = {"CIS-Docker-5.4", "CKV_K8S_16", "privileged-container", "runAsPrivileged", "KSV017",
                "C-0057"},
    .tags = {"security", "containers", "hardening", "privilege"},
    .examples =
        {"containers:\n- name: agent\n  image: agent:1\n  securityContext:\n    privileged: true\n",
         "{\"containerDefinitions\": [{\"name\": \"agent\", \"image\": \"agent:1\",\n  "
         "\"privileged\": true}]}",
         "docker run --privileged agent:1",
         "services:\n  agent:\n    image: agent:1\n    privileged: true\n"},
    .fixable = true,
};

Finding CheckNoPrivileged(const RuleContext& ctx) {
  const Container& c = ctx.container;
  Finding f = NewFinding(kNoPrivilegedInfo, ctx);
  f.observed = FlagText(ctx.container.privileged);
  std::string notes;
  if (Prejudge(kNoPrivilegedInfo, ctx, &f, &notes)) return f;
  std::string subject = Subject(ctx.workload, c);
  const FlagSetting& p = c.privileged;
  if (ctx.workload.os == OsFamily::kWindows) {
    f.status = Status::kNotApplicable;
    f.message = subject + " is not judged";
    f.reason = "Windows workload, " + ctx.workload.os_detail +
               ": Windows containers cannot run privileged";
    AddNotes(notes, &f);
    return f;
  }
  switch (p.value) {
    case Flag::kFalse:
    case Flag::kUnset:
      f.status = Status::kPass;
      f.message = subject + " does not run privileged";
      break;
    case Flag::kTrue:
      f.status = Status::kFail;
      f.message = subject + " runs privileged (" + p.key + ": true)";
      f.reason = (p.detail.empty() ? p.key + " is true" : p.key + " " + p.detail) +
                 ": it has every capability and the host's devices";
      PointAt(p.where, &f);
      f.remedy.changes.push_back(Change::ClearFlag(Setting::kPrivileged));
      break;
    case Flag::kInvalid:
    case Flag::kUnresolved:
      f.status = Status::kFail;
      f.message = subject + " may run privileged (" + p.key + " cannot be read as false)";
      f.reason = p.key + " " + p.detail + "; rootlock fails closed";
      PointAt(p.where, &f);
      f.remedy.changes.push_back(Change::ClearFlag(Setting::kPrivileged));
      break;
  }
  AddNotes(notes, &f);
  return f;
}

}  // namespace rootlock
