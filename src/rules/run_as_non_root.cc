// run-as-non-root: the container runs as a user other than root (AWS Security Hub
// ECS.20, CIS Docker Benchmark 4.1, CIS Kubernetes 5.2.7, Pod Security Standards
// Restricted). Windows workloads are n/a (ECS.21's non-admin user is another control).
#include <string_view>

#include "base/text.h"
#include "rules/rule.h"
#include "rules/rules.h"

namespace rootlock {

const RuleInfo kRunAsNonRootInfo = {
    .id = "run-as-non-root",
    .name = "RunAsNonRoot",
    .title = "Container must run as a non-root user",
    .summary =
        "(high, gates only with --fail-on) ECS, Docker and compose: pass when user\n"
        "(User, Config.User) names a user other than root or 0 (1000, 1000:1000,\n"
        "app); missing, empty, root, 0 and 0:GID fail. Kubernetes: pass when the\n"
        "effective runAsNonRoot is true or the effective runAsUser is above 0 (the\n"
        "container's securityContext beats the pod's); runAsUser 0 or nothing set\n"
        "fails. Values that cannot be read fail. Windows workloads are n/a.",
    .severity = Severity::kHigh,
    .gates = false,
    .rationale =
        "A process that runs as root in the container is root on the host's kernel: one "
        "kernel or runtime flaw, a mounted host path or an added capability away from the "
        "host. Most images do not name a user, so a container runs as root unless its "
        "definition says otherwise.",
    .remediation =
        {
            "Set securityContext.runAsNonRoot: true and runAsUser to a non-zero UID on the "
            "container (or on the pod's spec.securityContext), one the image can run as.",
            "Set user to a non-root user or UID (user: \"1000\" or \"1000:1000\") in the "
            "container definition.",
            "Run the container with --user UID[:GID] (not 0 or root), or set USER in the "
            "image.",
            "Set user: \"UID[:GID]\" (not 0 or root) on the service.",
        },
    .help_uri = "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-20",
    .compliance =
        {
            {"AWS Security Hub", "ECS.20", ComplianceKind::kSecurityHub,
             PlatformBit(Platform::kEcs),
             "AWS Security Hub user guide, Amazon ECS controls: [ECS.20] ECS Task Definitions "
             "should configure non-root users in Linux container definitions (Windows is "
             "ECS.21, non-admin users, which this rule does not judge)",
             kAsffAwsBestPractices},
            {"AWS Config", "ecs-task-definition-linux-user-non-root", ComplianceKind::kCheck,
             PlatformBit(Platform::kEcs),
             "AWS Config managed rule ecs-task-definition-linux-user-non-root: NON_COMPLIANT "
             "if the root user is specified or user configuration is absent"},
            {"CIS Docker Benchmark", "4.1", ComplianceKind::kStandard,
             PlatformBit(Platform::kDocker) | PlatformBit(Platform::kCompose),
             "CIS Docker Benchmark v1.2.0 section 4.1: Ensure that a user for the container has "
             "been created",
             kAsffCisBenchmarks},
            {"CIS Kubernetes Benchmark", "5.2.7", ComplianceKind::kStandard,
             PlatformBit(Platform::kKubernetes),
             "CIS Kubernetes Benchmark v1.8.0 (as in the Kubernetes v1.24 edition) section 5.2.7: "
             "Minimize the admission of root containers (MustRunAsNonRoot, or MustRunAs with "
             "UIDs not including 0)",
             kAsffCisBenchmarks},
            {"Kubernetes Pod Security Standards", "Restricted: Running as Non-root",
             ComplianceKind::kStandard, PlatformBit(Platform::kKubernetes),
             "Kubernetes Pod Security Standards, Restricted profile: Running as Non-root "
             "(runAsNonRoot true) and Running as Non-root user (runAsUser not 0)"},
        },
    .aliases = {"CIS-Docker-4.1", "CKV_K8S_23", "run-as-non-root-user", "runAsRootAllowed",
                "KSV012", "C-0013"},
    .tags = {"security", "containers", "hardening", "privilege"},
    .examples = {"containers:\n- name: app\n  image: app:1\n  securityContext:\n    runAsUser: 0\n",
                 "{\"containerDefinitions\": [{\"name\": \"app\", \"image\": \"app:1\",\n  "
                 "\"user\": \"root\"}]}",
                 "docker run --user 0:0 app:1",
                 "services:\n  app:\n    image: app:1\n    user: \"0\"\n"},
    .fixable = true,
    .fix_needs = "--user UID[:GID]",
};

namespace {

// "0", "00": the number zero.
bool IsZero(std::string_view s) {
  if (s.empty()) return false;
  for (char ch : s) {
    if (ch != '0') return false;
  }
  return true;
}

bool IsNumber(std::string_view s) {
  if (s.empty()) return false;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
  }
  return true;
}

// Kubernetes: runAsNonRoot and runAsUser as they take effect.
void JudgeKubernetes(const Container& c, const std::string& subject, Finding* f) {
  const FlagSetting& non_root = c.run_as_non_root;
  const TextSetting& user = c.user;
  if (user.state == Given::kSet && IsZero(user.value)) {
    f->status = Status::kFail;
    f->message = subject + " runs as root (" + user.key + ": 0)";
    f->reason = user.key + " is 0, which is root";
    if (non_root.value == Flag::kTrue) f->reason += ", and with runAsNonRoot: true it cannot start";
    PointAt(user.where, f);
    return;
  }
  if (user.state == Given::kInvalid || user.state == Given::kUnresolved) {
    f->status = Status::kFail;
    f->message = subject + " may run as root (" + user.key + " cannot be read)";
    f->reason = user.key + " " + user.detail + "; rootlock fails closed";
    PointAt(user.where, f);
    return;
  }
  if (non_root.value == Flag::kTrue) {
    f->status = Status::kPass;
    f->message = subject + " sets " + non_root.key + ": true";
    return;
  }
  if (user.state == Given::kSet) {
    f->status = Status::kPass;
    f->message = subject + " runs as user " + user.value + " (" + user.key + ")";
    return;
  }
  f->status = Status::kFail;
  f->message = subject + " may run as root";
  if (non_root.value == Flag::kUnset && non_root.where.line == 0) {
    f->reason =
        "neither the container's nor the pod's securityContext sets runAsNonRoot: true "
        "or a runAsUser above 0, so the image's USER decides";
  } else {
    f->reason = non_root.key + " " + non_root.detail + ", and no runAsUser above 0 is set";
    PointAt(non_root.where, f);
  }
}

// ECS, Docker, compose: the user as written, USER[:GROUP].
void JudgeUser(const Workload& w, const Container& c, const std::string& subject, Finding* f) {
  const TextSetting& user = c.user;
  switch (user.state) {
    case Given::kUnset:
      f->status = Status::kFail;
      // Docker's Config.User already holds the image's USER: empty is root.
      if (w.platform == Platform::kDocker) {
        f->message = subject + " runs as root (" + user.key + " is empty)";
        f->reason = user.key + " " + user.detail;
      } else {
        f->message = subject + " may run as root (no " + user.key + ")";
        f->reason = user.key + " " + user.detail + ", so the image's USER decides";
      }
      PointAt(user.where, f);
      return;
    case Given::kInvalid:
    case Given::kUnresolved:
      f->status = Status::kFail;
      f->message = subject + " may run as root (" + user.key + " cannot be read)";
      f->reason = user.key + " " + user.detail + "; rootlock fails closed";
      PointAt(user.where, f);
      return;
    case Given::kSet:
      break;
  }
  std::string_view name = std::string_view(user.value).substr(0, user.value.find(':'));
  if (name.empty() || name == "root" || IsZero(name)) {
    f->status = Status::kFail;
    f->message = subject + " runs as root (" + user.key + ": " + user.value + ")";
    f->reason = name.empty() ? user.key + " " + QuoteForMessage(user.value) + " names no user"
                             : user.key + " " + QuoteForMessage(user.value) + " is root";
    if (!user.detail.empty()) f->reason += " (" + user.detail + ")";
    PointAt(user.where, f);
    return;
  }
  f->status = Status::kPass;
  f->message = subject + " runs as " + (IsNumber(name) ? "UID " : "user ") + std::string(name);
  f->reason = user.detail;
}

// The user as the inventory shows it: as written, "root" for Docker's empty Config.User,
// "non-root" for Kubernetes' runAsNonRoot alone, "(image)" when the image's USER decides.
std::string UserText(const Workload& w, const Container& c) {
  switch (c.user.state) {
    case Given::kSet:
      return c.user.value;
    case Given::kInvalid:
      return "invalid";
    case Given::kUnresolved:
      return "unresolved";
    case Given::kUnset:
      break;
  }
  if (w.platform == Platform::kDocker) return "root";
  if (w.platform == Platform::kKubernetes && c.run_as_non_root.value == Flag::kTrue) {
    return "non-root";
  }
  return "(image)";
}

}  // namespace

Finding CheckRunAsNonRoot(const RuleContext& ctx) {
  const Workload& w = ctx.workload;
  const Container& c = ctx.container;
  Finding f = NewFinding(kRunAsNonRootInfo, ctx);
  f.observed = UserText(w, c);
  std::string notes;
  if (Prejudge(kRunAsNonRootInfo, ctx, &f, &notes)) return f;
  std::string subject = Subject(w, c);
  if (w.os == OsFamily::kWindows) {
    f.status = Status::kNotApplicable;
    f.message = subject + " is not judged";
    f.reason = "Windows workload, " + w.os_detail +
               ": there is no root user; a non-admin user (ECS.21) is another control";
  } else if (w.platform == Platform::kKubernetes) {
    JudgeKubernetes(c, subject, &f);
  } else {
    JudgeUser(w, c, subject, &f);
  }
  // Which user the application can run as is the user's to say (fix --user).
  if (f.status == Status::kFail && !ctx.options.run_as.empty()) {
    f.remedy.changes.push_back(Change::SetText(Setting::kUser, ctx.options.run_as));
  }
  AddNotes(notes, &f);
  return f;
}

}  // namespace rootlock
