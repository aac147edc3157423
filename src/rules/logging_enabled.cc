// logging-enabled: the container's output goes to a log driver (AWS Security Hub ECS.9).
// ECS: a container definition without logConfiguration.logDriver fails; Docker and compose:
// the driver "none" fails (unset is the daemon's default). Kubernetes has no per-container
// log setting (the node's runtime keeps the logs): not applicable.
#include <string>

#include "base/text.h"
#include "rules/rule.h"
#include "rules/rules.h"

namespace rootlock {

const RuleInfo kLoggingEnabledInfo = {
    .id = "logging-enabled",
    .name = "LoggingEnabled",
    .title = "Container output must go to a log driver",
    .summary =
        "(medium, gates only with --fail-on) ECS: fail when a container definition\n"
        "has no logConfiguration.logDriver. Docker (HostConfig.LogConfig.Type) and\n"
        "compose (logging.driver): fail on the driver none; unset is the daemon's\n"
        "default and passes. Values that cannot be read fail. Kubernetes: n/a (no\n"
        "per-container log setting).",
    .severity = Severity::kMedium,
    .gates = false,
    .rationale =
        "Without a log driver a container's output is lost when the task stops or is "
        "discarded at once: no trail for an incident, no evidence of what ran.",
    .remediation =
        {
            "Nothing to set per container: the kubelet and the node's runtime keep container "
            "logs; ship them with a cluster log agent.",
            "Add logConfiguration with a logDriver to every container definition, e.g. "
            "awslogs with awslogs-group, awslogs-region and awslogs-stream-prefix options, or "
            "awsfirelens.",
            "Run the container without --log-driver none (or with a driver such as json-file, "
            "journald, awslogs).",
            "Remove logging.driver: none from the service, or name a driver that keeps logs.",
        },
    .help_uri = "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-9",
    .compliance =
        {
            {"AWS Security Hub", "ECS.9", ComplianceKind::kSecurityHub, PlatformBit(Platform::kEcs),
             "AWS Security Hub user guide, Amazon ECS controls: [ECS.9] ECS task definitions "
             "should have a logging configuration",
             kAsffAwsBestPractices},
            {"AWS Config", "ecs-task-definition-log-configuration", ComplianceKind::kCheck,
             PlatformBit(Platform::kEcs),
             "AWS Config managed rule ecs-task-definition-log-configuration: NON_COMPLIANT if "
             "logConfiguration is not defined or is null in at least one container definition"},
        },
    .aliases = {},
    .tags = {"security", "containers", "logging"},
    .examples = {nullptr, "{\"containerDefinitions\": [{\"name\": \"app\", \"image\": \"app:1\"}]}",
                 "docker run --log-driver none app:1",
                 "services:\n  app:\n    image: app:1\n    logging:\n      driver: none\n"},
    .fixable = true,
    .fix_needs = "--log-driver awslogs --log-group GROUP --log-region REGION",
};

Finding CheckLoggingEnabled(const RuleContext& ctx) {
  const Workload& w = ctx.workload;
  const Container& c = ctx.container;
  Finding f = NewFinding(kLoggingEnabledInfo, ctx);
  std::string notes;
  if (Prejudge(kLoggingEnabledInfo, ctx, &f, &notes)) return f;
  std::string subject = Subject(w, c);
  const TextSetting& d = c.log_driver;
  if (w.platform == Platform::kKubernetes) {
    f.status = Status::kNotApplicable;
    f.message = subject + " is not judged";
    f.reason = "Kubernetes has no per-container log setting: the node's runtime keeps the logs";
    AddNotes(notes, &f);
    return f;
  }
  switch (d.state) {
    case Given::kUnset:
      if (w.platform == Platform::kEcs) {
        f.status = Status::kFail;
        f.message = subject + " has no log driver (" + d.key + ")";
        f.reason = d.detail + ": its output is not kept";
      } else {
        f.status = Status::kPass;
        f.message = subject + " logs with the daemon's default driver";
        f.reason = d.key + " " + d.detail;
      }
      PointAt(d.where, &f);
      break;
    case Given::kInvalid:
    case Given::kUnresolved:
      f.status = Status::kFail;
      f.message = subject + " may keep no logs (" + d.key + " cannot be read)";
      f.reason = d.key + " " + d.detail + "; rootlock fails closed";
      PointAt(d.where, &f);
      break;
    case Given::kSet:
      if (d.value == "none") {
        f.status = Status::kFail;
        f.message = subject + " keeps no logs (" + d.key + ": none)";
        f.reason = d.key + " is none" + (d.detail.empty() ? "" : " (" + d.detail + ")") +
                   ": its output is discarded";
        PointAt(d.where, &f);
      } else {
        f.status = Status::kPass;
        f.message = subject + " logs with " + QuoteForMessage(d.value);
        f.reason = d.detail;
      }
      break;
  }
  // Where the logs should go is the user's to say (fix --log-driver).
  if (f.status == Status::kFail && !ctx.options.log_driver.empty()) {
    f.remedy.changes.push_back(
        Change::SetText(Setting::kLogDriver, ctx.options.log_driver, ctx.options.log_options));
  }
  AddNotes(notes, &f);
  return f;
}

}  // namespace rootlock
