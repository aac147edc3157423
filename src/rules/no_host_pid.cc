// no-host-pid: the workload does not share the host's PID namespace (AWS Security
// Hub ECS.3, CIS Docker Benchmark 5.15, CIS Kubernetes 5.2.3, Pod Security Standards
// Baseline). The setting is the workload's; every container of it is judged by it.
#include "base/text.h"
#include "rules/rule.h"
#include "rules/rules.h"

namespace rootlock {

const RuleInfo kNoHostPidInfo = {
    .id = "no-host-pid",
    .name = "NoHostPidNamespace",
    .title = "Containers must not share the host's PID namespace",
    .summary =
        "(high, gates only with --fail-on) fail every container of a workload\n"
        "that shares the host's PID namespace: Kubernetes spec.hostPID true, ECS\n"
        "pidMode host, Docker HostConfig.PidMode host, compose pid: host. A value\n"
        "that cannot be read fails too. Missing, task or another container passes.\n"
        "Windows workloads are n/a.",
    .severity = Severity::kHigh,
    .gates = false,
    .rationale =
        "A container in the host's PID namespace sees every process on the host, and with "
        "ptrace or signals can read their memory and environment or stop them: process "
        "isolation between the host and the container is gone.",
    .remediation =
        {
            "Remove spec.hostPID from the pod template or set it to false.",
            "Remove pidMode from the task definition, or set it to task.",
            "Run the container without --pid=host.",
            "Remove pid: host from the service.",
        },
    .help_uri = "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-3",
    .compliance =
        {
            {"AWS Security Hub", "ECS.3", ComplianceKind::kSecurityHub, PlatformBit(Platform::kEcs),
             "AWS Security Hub user guide, Amazon ECS controls: [ECS.3] ECS task definitions "
             "should not share the host's process namespace",
             kAsffAwsBestPractices},
            {"AWS Config", "ecs-task-definition-pid-mode-check", ComplianceKind::kCheck,
             PlatformBit(Platform::kEcs),
             "AWS Config managed rule ecs-task-definition-pid-mode-check"},
            {"CIS Docker Benchmark", "5.15", ComplianceKind::kStandard,
             PlatformBit(Platform::kDocker) | PlatformBit(Platform::kCompose),
             "CIS Docker Benchmark v1.2.0 section 5.15: Ensure that the host's process namespace "
             "is not shared (5.16 from v1.6.0)",
             kAsffCisBenchmarks},
            {"CIS Kubernetes Benchmark", "5.2.3", ComplianceKind::kStandard,
             PlatformBit(Platform::kKubernetes),
             "CIS Kubernetes Benchmark v1.8.0 (as in the Kubernetes v1.24 edition) section 5.2.3: "
             "Minimize the admission of containers wishing to share the host process ID "
             "namespace (5.2.2 in the v1.20 edition)",
             kAsffCisBenchmarks},
            {"Kubernetes Pod Security Standards", "Baseline: Host Namespaces",
             ComplianceKind::kStandard, PlatformBit(Platform::kKubernetes),
             "Kubernetes Pod Security Standards, Baseline profile: Host Namespaces "
             "(spec.hostPID must be unset or false)"},
        },
    .aliases = {"CIS-Docker-5.15", "CKV_K8S_17", "host-pid", "hostPIDSet", "KSV010", "C-0038"},
    .tags = {"security", "containers", "hardening", "isolation"},
    .examples = {"spec:\n  hostPID: true\n  containers:\n  - name: monitor\n    image: monitor:1\n",
                 "{\"pidMode\": \"host\",\n \"containerDefinitions\": [{\"name\": \"monitor\", "
                 "\"image\": \"monitor:1\"}]}",
                 "docker run --pid=host monitor:1",
                 "services:\n  monitor:\n    image: monitor:1\n    pid: host\n"},
    .fixable = false,
};

Finding CheckNoHostPid(const RuleContext& ctx) {
  const Workload& w = ctx.workload;
  Finding f = NewFinding(kNoHostPidInfo, ctx);
  f.observed = FlagText(ctx.workload.host_pid);
  std::string notes;
  if (Prejudge(kNoHostPidInfo, ctx, &f, &notes)) return f;
  std::string subject = Subject(w, ctx.container);
  const FlagSetting& pid = w.host_pid;
  if (w.os == OsFamily::kWindows) {
    f.status = Status::kNotApplicable;
    f.message = subject + " is not judged";
    f.reason = "Windows workload, " + w.os_detail + ": Windows has no host PID namespace to share";
    AddNotes(notes, &f);
    return f;
  }
  switch (pid.value) {
    case Flag::kFalse:
    case Flag::kUnset:
      f.status = Status::kPass;
      f.message = subject + " has its own PID namespace";
      break;
    case Flag::kTrue:
      f.status = Status::kFail;
      f.message = subject + " shares the host's PID namespace";
      f.reason = (pid.detail.empty()
                      ? pid.key + " is " + (w.platform == Platform::kKubernetes ? "true" : "host")
                      : pid.key + " " + pid.detail) +
                 ": it sees and can signal every process on the host";
      PointAt(pid.where, &f);
      break;
    case Flag::kInvalid:
    case Flag::kUnresolved:
      f.status = Status::kFail;
      f.message = subject + " may share the host's PID namespace";
      f.reason = pid.key + " " + pid.detail + "; rootlock fails closed";
      PointAt(pid.where, &f);
      break;
  }
  AddNotes(notes, &f);
  return f;
}

}  // namespace rootlock
