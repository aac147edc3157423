// read-only-root-fs: the container's root filesystem is mounted read-only
// (AWS Security Hub ECS.5, CIS Docker Benchmark 5.12, NIST 800-53 CM-7). The
// rule that gates: the headline and --min-ratio count its verdicts.
#include "base/text.h"
#include "rules/rule.h"
#include "rules/rules.h"

namespace rootlock {

const RuleInfo kReadOnlyRootFsInfo = {
    .id = "read-only-root-fs",
    .name = "ReadOnlyRootFilesystem",
    .title = "Container root filesystem must be read-only",
    .summary =
        "pass when the container's own setting is the boolean true\n"
        "(readOnlyRootFilesystem, readonlyRootFilesystem, ReadonlyRootFilesystem,\n"
        "read_only); false, missing, not a boolean or not resolvable fails.\n"
        "Windows workloads, stateful databases (StatefulSets running postgres,\n"
        "mysql, redis, ...) and exempted containers are n/a, with the reason.",
    .severity = Severity::kHigh,
    .gates = true,
    .rationale =
        "A writable root filesystem lets an attacker who gains code execution drop tools, "
        "overwrite binaries and persist changes; a read-only root makes the foothold "
        "ephemeral. Writes go to explicit volumes instead.",
    .remediation =
        {
            "Set securityContext.readOnlyRootFilesystem: true on the container and mount an "
            "emptyDir volume at /tmp and at every other path the application writes.",
            "Set readonlyRootFilesystem: true in the container definition and add a task "
            "volume with a mountPoint at /tmp and at every other path the application writes.",
            "Run the container with --read-only and a --tmpfs (or volume) for /tmp and every "
            "other path the application writes.",
            "Set read_only: true on the service and list /tmp and every other path the "
            "application writes under tmpfs: or volumes:.",
        },
    .help_uri = "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-5",
    .compliance =
        {
            {"AWS Security Hub", "ECS.5", ComplianceKind::kSecurityHub, PlatformBit(Platform::kEcs),
             "AWS Security Hub user guide, Amazon ECS controls: [ECS.5] ECS containers should be "
             "limited to read-only access to root filesystems",
             kAsffAwsBestPractices},
            {"AWS Config", "ecs-containers-readonly-access", ComplianceKind::kCheck,
             PlatformBit(Platform::kEcs), "AWS Config managed rule ecs-containers-readonly-access"},
            {"CIS Docker Benchmark", "5.12", ComplianceKind::kStandard,
             PlatformBit(Platform::kDocker) | PlatformBit(Platform::kCompose),
             "CIS Docker Benchmark v1.2.0 section 5.12: Ensure that the container's root "
             "filesystem "
             "is mounted as read only (the number docker-bench-security and Datadog's "
             "cis-docker-1.2.0-5.12 use)",
             kAsffCisBenchmarks},
            // No CIS Kubernetes recommendation names readOnlyRootFilesystem: 5.2.3 is the
            // host IPC (v1.5.1) or host PID (v1.6.0 on) admission control, not this one.
            // 5.7.3 is the general recommendation that asks for security contexts.
            {"CIS Kubernetes Benchmark", "5.7.3", ComplianceKind::kStandard,
             PlatformBit(Platform::kKubernetes),
             "CIS Kubernetes Benchmark v1.5.1 to v1.9.0 section 5.7.3: Apply Security Context to "
             "Your Pods and Containers (general, Manual; no recommendation names "
             "readOnlyRootFilesystem, and section 5.2.3 is host PID/IPC admission)",
             kAsffCisBenchmarks},
            {"NSA/CISA Kubernetes Hardening Guidance", "Immutable container file systems",
             ComplianceKind::kStandard, PlatformBit(Platform::kKubernetes),
             "NSA/CISA Kubernetes Hardening Guidance v1.2 (August 2022), Kubernetes Pod "
             "security: Immutable container file systems"},
            {"NIST 800-53", "CM-7", ComplianceKind::kStandard, kAllPlatforms,
             "NIST SP 800-53 Rev. 5 CM-7: Least Functionality", kAsffNist80053},
            {"Datadog", "def-000-qq2", ComplianceKind::kCheck, PlatformBit(Platform::kEcs),
             "Datadog CSPM rule def-000-qq2: ECS containers should be limited to read-only "
             "access to root filesystems"},
            {"Datadog", "byb-wyq-f3q", ComplianceKind::kCheck, PlatformBit(Platform::kDocker),
             "Datadog runtime rule byb-wyq-f3q (CIS Docker 1.2.0 5.12)"},
        },
    .aliases = {"ECS.5", "ecs-containers-readonly-access", "CIS-Docker-5.12", "CKV_K8S_22",
                "CKV_AWS_336", "KSV014", "no-read-only-root-fs", "notReadOnlyRootFilesystem",
                "C-0017"},
    .tags = {"security", "containers", "hardening", "immutable-infrastructure"},
    .examples = {"containers:\n- name: web\n  image: nginx\n  securityContext:\n    "
                 "readOnlyRootFilesystem: false\n",
                 "{\"containerDefinitions\": [{\"name\": \"web\", \"image\": \"nginx\"}]}",
                 "docker run nginx", "services:\n  web:\n    image: nginx\n"},
};

namespace {

// Why a container is not judged at all, or "" when it is.
std::string NotApplicableReason(const Workload& w, const Container& c, const RuleOptions& options) {
  if (w.os == OsFamily::kWindows) {
    return "Windows workload, " + w.os_detail +
           ": the platform does not support a read-only root filesystem there";
  }
  // The Kubernetes audit's exception (a StatefulSet running a database), for a
  // database that would fail: a read-only one passes, always. CIS Docker 5.12
  // and ECS.5 have no such exception, and their adapters mark nothing stateful.
  if (w.stateful && !options.strict && c.read_only_root.value != Flag::kTrue) {
    std::string db = DatabaseImage(c.image, options);
    if (!db.empty()) {
      std::string where = w.kind == "StatefulSet" ? " in a StatefulSet" : "";
      return "stateful database: " + db + where +
             " legitimately writes to its root filesystem; --strict judges it";
    }
  }
  return "";
}

// Says what a live container has written, from which its remedy's paths come.
void SayWhatItWrote(const Container& c, Finding* f) {
  std::vector<std::string> uncoverable;
  std::string written;
  for (const std::string& d : SuggestWritableDirs(c, &uncoverable)) {
    if (d != "/tmp") written += (written.empty() ? "" : ", ") + d;
  }
  if (!written.empty()) f->reason += "; it has written to " + written;
  if (!uncoverable.empty()) {
    f->reason += "; it also writes ";
    for (size_t i = 0; i < uncoverable.size(); ++i) f->reason += (i ? ", " : "") + uncoverable[i];
    f->reason += " directly under /, which no mount can cover";
  }
}

// The verdict on the setting itself, once nothing exempts the container.
Finding JudgeRootFs(const Container& c, Finding f, const std::string& subject,
                    const RuleOptions& options) {
  if (c.read_only_root.value == Flag::kTrue) {
    f.status = Status::kPass;
    f.message = subject + " sets " + c.read_only_root.key + ": true";
    return f;
  }
  f.status = Status::kFail;
  f.message = subject + " lacks " + c.read_only_root.key + ": true";
  f.reason = c.read_only_root.detail;
  if (c.role == ContainerRole::kSidecar)
    f.reason += "; a non-essential sidecar counts like any container";
  if (c.writes_known) SayWhatItWrote(c, &f);
  f.remedy = ReadOnlyRemedy(c, options, /*set_flag=*/true);
  return f;
}

}  // namespace

Finding CheckReadOnlyRootFs(const RuleContext& ctx) {
  const Workload& w = ctx.workload;
  const Container& c = ctx.container;
  Finding f = NewFinding(kReadOnlyRootFsInfo, ctx);
  f.observed = FlagText(ctx.container.read_only_root);
  std::string subject = Subject(w, c);
  if (!w.skipped_reason.empty()) {
    f.status = Status::kSkipped;
    f.reason = w.skipped_reason;
    f.message = subject + " is not judged";
    return f;
  }
  std::string notes;
  if (std::string exempt = Exempted(kReadOnlyRootFsInfo, ctx, &notes); !exempt.empty()) {
    f.status = Status::kNotApplicable;
    f.reason = std::move(exempt);
    f.message = subject + " is not judged";
    return f;
  }
  if (std::string na = NotApplicableReason(w, c, ctx.options); !na.empty()) {
    f.status = Status::kNotApplicable;
    f.reason = std::move(na) + notes;
    f.message = subject + " is not judged";
    return f;
  }
  f = JudgeRootFs(c, std::move(f), subject, ctx.options);
  f.reason += notes;
  if (!notes.empty() && StartsWith(f.reason, "; ")) f.reason = f.reason.substr(2);
  return f;
}

}  // namespace rootlock
