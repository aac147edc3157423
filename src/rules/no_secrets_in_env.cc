// no-secrets-in-env: no AWS credential (or another name the config lists) is handed to
// the container as a plaintext environment variable (AWS Security Hub ECS.8). The rule
// reads names and how each is given; the model never holds a value, so no report can
// print one.
#include <string>
#include <string_view>
#include <vector>

#include "base/text.h"
#include "rules/rule.h"
#include "rules/rules.h"

namespace rootlock {

const RuleInfo kNoSecretsInEnvInfo = {
    .id = "no-secrets-in-env",
    .name = "NoSecretsInEnvironment",
    .title = "Credentials must not be passed as plaintext environment variables",
    .summary =
        "(high, gates only with --fail-on) fail when an environment variable\n"
        "named AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or ECS_ENGINE_AUTH_DATA\n"
        "(more with the config's secret_env_names) is given a value in the\n"
        "definition, or by a variable that becomes one when deployed (var.,\n"
        "!Ref, ${X}); from a secret store (ECS secrets valueFrom, Kubernetes\n"
        "valueFrom) or empty passes. An environment that cannot be read fails.\n"
        "Names from a compose env_file or from a scanned ConfigMap (envFrom) count\n"
        "as written; what the scan cannot read (ECS environmentFiles on S3, a\n"
        "ConfigMap not among the sources) is noted. The value is never printed.",
    .severity = Severity::kHigh,
    .gates = false,
    .rationale =
        "An environment variable written in a definition is plaintext to everyone who may "
        "read the definition (DescribeTaskDefinition, kubectl get, docker inspect, the "
        "repository) and to every process in the container; an AWS key there is a key "
        "anyone with read access can use.",
    .remediation =
        {
            "Put the value in a Kubernetes Secret and read it with env[].valueFrom.secretKeyRef "
            "(for a ConfigMap that envFrom reads, a Secret read with envFrom[].secretRef; or "
            "mount the Secret as a file); better, give the pod an IAM role (IRSA, Pod "
            "Identity) and no key at all.",
            "Move the variable from environment to secrets, with valueFrom the ARN of an AWS "
            "Secrets Manager secret or an SSM Parameter Store parameter; for AWS keys, give the "
            "task a task role instead.",
            "Do not pass the key with --env; use a Docker secret (a file under /run/secrets) "
            "or an instance role.",
            "Move the variable from environment: (or the env_file: that sets it) to a compose "
            "secrets: entry (a file under /run/secrets), or an instance or task role.",
        },
    .help_uri = "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-8",
    .compliance =
        {
            {"AWS Security Hub", "ECS.8", ComplianceKind::kSecurityHub, PlatformBit(Platform::kEcs),
             "AWS Security Hub user guide, Amazon ECS controls: [ECS.8] Secrets should not be "
             "passed as container environment variables (AWS_ACCESS_KEY_ID, "
             "AWS_SECRET_ACCESS_KEY, ECS_ENGINE_AUTH_DATA)",
             kAsffAwsBestPractices},
            {"AWS Config", "ecs-no-environment-secrets", ComplianceKind::kCheck,
             PlatformBit(Platform::kEcs),
             "AWS Config managed rule ecs-no-environment-secrets: NON_COMPLIANT if an "
             "environment variable key matches one listed in its secretKeys parameter"},
            {"tfsec", "aws-ecs-no-plaintext-secrets", ComplianceKind::kCheck,
             PlatformBit(Platform::kEcs),
             "tfsec / Trivy AVD-AWS-0036: Task definition defines sensitive environment "
             "variable(s)"},
            {"kube-linter", "env-var-secret", ComplianceKind::kCheck,
             PlatformBit(Platform::kKubernetes),
             "kube-linter check env-var-secret: objects use a secret in an environment "
             "variable"},
        },
    .aliases = {"AVD-AWS-0036", "env-var-secret"},
    .tags = {"security", "containers", "secrets"},
    .examples = {"containers:\n- name: app\n  image: app:1\n  env:\n  - name: "
                 "AWS_SECRET_ACCESS_KEY\n    value: \"...\"\n",
                 "{\"containerDefinitions\": [{\"name\": \"app\", \"image\": \"app:1\",\n  "
                 "\"environment\": [{\"name\": \"AWS_ACCESS_KEY_ID\", \"value\": \"...\"}]}]}",
                 "docker run --env AWS_SECRET_ACCESS_KEY=... app:1",
                 "services:\n  app:\n    image: app:1\n    environment:\n      "
                 "AWS_SECRET_ACCESS_KEY: ${AWS_SECRET_ACCESS_KEY}\n"},
    .fixable = false,
};

namespace {

constexpr std::string_view kBuiltinNames[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                              "ECS_ENGINE_AUTH_DATA"};

bool IsSecretName(std::string_view name, const RuleOptions& options) {
  for (std::string_view n : kBuiltinNames) {
    if (n == name) return true;
  }
  for (const std::string& n : options.secret_env_names) {
    if (n == name) return true;
  }
  return false;
}

// The platform's way to pass a secret, for the message ("it", or "them" for several).
std::string Replacement(Platform p, const std::string& it) {
  switch (p) {
    case Platform::kEcs:
      return "move " + it +
             " to secrets, its valueFrom an AWS Secrets Manager or SSM Parameter Store ARN";
    case Platform::kKubernetes:
      return "read " + it + " from a Secret with valueFrom.secretKeyRef";
    case Platform::kDocker:
      return "pass " + it + " as a Docker secret, not --env";
    case Platform::kCompose:
      return "move " + it + " to a compose secrets: entry";
  }
  return "";
}

}  // namespace

Finding CheckNoSecretsInEnv(const RuleContext& ctx) {
  const Workload& w = ctx.workload;
  const Container& c = ctx.container;
  Finding f = NewFinding(kNoSecretsInEnvInfo, ctx);
  std::string notes;
  if (Prejudge(kNoSecretsInEnvInfo, ctx, &f, &notes)) return f;
  // Environment given from elsewhere that no source shows: said, never failed on.
  std::string unseen;
  for (const EnvImport& i : c.env_imports) unseen += "; " + i.detail;
  notes = unseen + notes;
  std::string subject = Subject(w, c);
  if (!c.env_known) {
    f.status = Status::kFail;
    f.message = subject + " may pass credentials in its environment (it cannot be read)";
    f.reason = c.env_detail + "; rootlock fails closed";
    PointAt(c.env_where, &f);
    AddNotes(notes, &f);
    return f;
  }
  std::vector<const EnvVar*> bad;
  size_t from_store = 0;
  for (const EnvVar& e : c.env) {
    if (!IsSecretName(e.name, ctx.options)) continue;
    if (e.source == EnvSource::kLiteral || e.source == EnvSource::kVariable) {
      bad.push_back(&e);
    } else if (e.source == EnvSource::kReference) {
      ++from_store;
    }
  }
  if (bad.empty()) {
    f.status = Status::kPass;
    f.message = subject + " passes no credential in plaintext environment variables";
    if (from_store > 0) {
      f.reason = std::to_string(from_store) + " credential variable" +
                 (from_store == 1 ? " comes" : "s come") + " from a secret store";
    }
    AddNotes(notes, &f);
    return f;
  }
  std::vector<std::string_view> names;
  for (const EnvVar* e : bad) {
    bool have = false;
    for (std::string_view n : names) have |= n == e->name;
    if (!have) names.push_back(e->name);
  }
  std::string listed;
  for (std::string_view n : names) listed += (listed.empty() ? "" : ", ") + std::string(n);
  f.status = Status::kFail;
  f.message = subject + " passes " + listed +
              (names.size() == 1 ? " as a plaintext environment variable: "
                                 : " as plaintext environment variables: ") +
              Replacement(w.platform, names.size() == 1 ? "it" : "them");
  const EnvVar& first = *bad.front();
  f.reason = first.key + " gives " + first.name +
             (first.source != EnvSource::kLiteral ? " a value when deployed (" + first.detail + ")"
              : first.detail.empty()              ? " a value written in the definition"
                                                  : " a value written in " + first.detail);
  if (bad.size() > 1) f.reason += ", and " + std::to_string(bad.size() - 1) + " more";
  f.reason += "; the value is not shown";
  PointAt(first.where, &f);
  AddNotes(notes, &f);
  return f;
}

}  // namespace rootlock
