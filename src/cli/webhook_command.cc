// rootlock webhook: the admission webhook server, `webhook manifests` and
// `webhook certs` (src/server/, docs/webhook.md).
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "base/exit_status.h"
#include "base/file_system.h"
#include "base/text.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "fix/write.h"
#include "server/certs.h"
#include "server/manifests.h"
#include "server/webhook_server.h"

namespace rootlock {

namespace {

std::string Duration(const char* flag, const std::string& v, std::chrono::milliseconds* out) {
  if (!ParseDuration(v, out)) {
    return std::string(flag) + " takes a duration such as 10s, 500ms or 2m, not " +
           QuoteForMessage(v);
  }
  return "";
}

std::string WholeNumber(const char* flag, const std::string& v, int low, int high, int* out) {
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < low || n > high) {
    return std::string(flag) + " takes a whole number from " + std::to_string(low) + " to " +
           std::to_string(high) + ", not " + QuoteForMessage(v);
  }
  *out = static_cast<int>(n);
  return "";
}

const FlagSpec kWebhookFlags[] = {
    {"--listen", nullptr, "ADDR:PORT",
     "where to listen (default 0.0.0.0:8443; port 0: any free port)",
     [](CommandLine* cl, const std::string& v) {
       cl->webhook.listen = v;
       return std::string();
     }},
    {"--tls-cert", nullptr, "FILE", "the serving certificate (PEM, chain after it)",
     [](CommandLine* cl, const std::string& v) {
       cl->webhook.tls_cert = v;
       return std::string();
     }},
    {"--tls-key", nullptr, "FILE", "its private key (PEM)",
     [](CommandLine* cl, const std::string& v) {
       cl->webhook.tls_key = v;
       return std::string();
     }},
    {"--mode", nullptr, "enforce|warn",
     "enforce: deny on a failure of read-only-root-fs (and of the rules the config's fail_on "
     "names); warn: allow with warnings (default enforce). Other rules' failures are always "
     "warnings",
     [](CommandLine* cl, const std::string& v) {
       cl->webhook.mode = v;
       return v == "enforce" || v == "warn"
                  ? std::string()
                  : "--mode takes enforce or warn, not " + QuoteForMessage(v);
     }},
    {"--config", nullptr, "FILE",
     "a .rootlock.yaml: rules, severities, fail_on, exemptions (re-read when it changes)",
     [](CommandLine* cl, const std::string& v) {
       cl->policy.config = v;
       return std::string();
     }},
    {"--threads", nullptr, "N", "worker threads (default 4)",
     [](CommandLine* cl, const std::string& v) {
       int n = 0;
       std::string e = WholeNumber("--threads", v, 1, 256, &n);
       cl->webhook.threads = static_cast<unsigned>(n);
       return e;
     }},
    {"--max-body-size", nullptr, "SIZE", "larger requests get 413 (default 8M)",
     [](CommandLine* cl, const std::string& v) {
       return ParseSize(v, &cl->webhook.max_body_bytes)
                  ? std::string()
                  : "--max-body-size takes a size such as 8M, not " + QuoteForMessage(v);
     }},
    {"--idle-timeout", nullptr, "DURATION",
     "how long a connection may wait for a request (default 90s)",
     [](CommandLine* cl, const std::string& v) {
       return Duration("--idle-timeout", v, &cl->webhook.idle_timeout);
     }},
    {"--read-timeout", nullptr, "DURATION",
     "how long a request's body and a TLS handshake may take (default 10s)",
     [](CommandLine* cl, const std::string& v) {
       return Duration("--read-timeout", v, &cl->webhook.read_timeout);
     }},
    {"--drain", nullptr, "DURATION",
     "after SIGTERM, how long requests are still served (default 5s)",
     [](CommandLine* cl, const std::string& v) {
       return Duration("--drain", v, &cl->webhook.drain);
     }},
    {"--reload-interval", nullptr, "DURATION",
     "how often the certificate, key and config are looked at (default 2s)",
     [](CommandLine* cl, const std::string& v) {
       return Duration("--reload-interval", v, &cl->webhook.reload_interval);
     }},
};

const FlagSpec kManifestFlags[] = {
    {"--namespace", "-n", "N", "the namespace it runs in (default rootlock)",
     [](CommandLine* cl, const std::string& v) {
       cl->webhook.namespace_ = v;
       return IsDnsLabel(v)
                  ? std::string()
                  : "--namespace takes a namespace name (a DNS label), not " + QuoteForMessage(v);
     }},
    {"--replicas", nullptr, "N", "replicas of the Deployment (default 3)",
     [](CommandLine* cl, const std::string& v) {
       return WholeNumber("--replicas", v, 1, 100, &cl->webhook.replicas);
     }},
    {"--mode", nullptr, "enforce|warn", "the Deployment's --mode (default enforce)",
     [](CommandLine* cl, const std::string& v) {
       cl->webhook.mode = v;
       return v == "enforce" || v == "warn"
                  ? std::string()
                  : "--mode takes enforce or warn, not " + QuoteForMessage(v);
     }},
    {"--mutate", nullptr, nullptr, "also install the mutating webhook",
     [](CommandLine* cl, const std::string&) {
       cl->webhook.mutate = true;
       return std::string();
     }},
    {"--fail-closed", nullptr, nullptr,
     "failurePolicy Fail (default Ignore: the cluster admits when the webhook cannot answer)",
     [](CommandLine* cl, const std::string&) {
       cl->webhook.fail_closed = true;
       return std::string();
     }},
    {"--cert-manager", nullptr, nullptr,
     "TLS from cert-manager: an Issuer, a Certificate and cert-manager.io/inject-ca-from",
     [](CommandLine* cl, const std::string&) {
       cl->webhook.cert_manager = true;
       return std::string();
     }},
    {"--ca-bundle", nullptr, "FILE", "the CA (PEM) for the webhook configurations' caBundle",
     [](CommandLine* cl, const std::string& v) {
       cl->webhook.ca_bundle = v;
       return std::string();
     }},
    {"--audit-schedule", nullptr, "CRON",
     "when the periodic audit runs (default \"17 * * * *\", hourly): a CronJob in which "
     "rootlock k8s writes PolicyReports and kubectl applies them",
     [](CommandLine* cl, const std::string& v) {
       cl->webhook.audit_schedule = v;
       return v.empty() || HasControls(v) ? std::string("--audit-schedule takes a cron schedule")
                                          : std::string();
     }},
    {"--no-audit", nullptr, nullptr, "leave the periodic audit (CronJob and its RBAC) out",
     [](CommandLine* cl, const std::string&) {
       cl->webhook.audit = false;
       return std::string();
     }},
    {"--kubectl-image", nullptr, "IMAGE",
     "the image that applies the audit's PolicyReports (default "
     "registry.k8s.io/kubectl:v1.31.0)",
     [](CommandLine* cl, const std::string& v) {
       cl->webhook.kubectl_image = v;
       return v.empty() || HasControls(v) ? std::string("--kubectl-image takes an image reference")
                                          : std::string();
     }},
    {"--image", nullptr, "IMAGE", "the image to run (default rootlock:VERSION)",
     [](CommandLine* cl, const std::string& v) {
       cl->webhook.image = v;
       return v.empty() || HasControls(v) ? std::string("--image takes an image reference")
                                          : std::string();
     }},
};

const FlagSpec kCertFlags[] = {
    {"--namespace", "-n", "N", "the Service's namespace, for its DNS names (default rootlock)",
     [](CommandLine* cl, const std::string& v) {
       cl->webhook.namespace_ = v;
       return IsDnsLabel(v)
                  ? std::string()
                  : "--namespace takes a namespace name (a DNS label), not " + QuoteForMessage(v);
     }},
    {"--out-dir", nullptr, "DIR",
     "where ca.crt, tls.crt and tls.key go (default: the current folder)",
     [](CommandLine* cl, const std::string& v) {
       cl->webhook.out_dir = v;
       return std::string();
     }},
    {"--days", nullptr, "N", "validity in days (default 365)",
     [](CommandLine* cl, const std::string& v) {
       return WholeNumber("--days", v, 1, 3650, &cl->webhook.days);
     }},
};

int Usage(const std::string& message) {
  ErrorLine("rootlock webhook: %s (see 'rootlock webhook --help')", message.c_str());
  return kExitError;
}

int RunManifests(CommandLine& cl) {
  if (!cl.args.empty()) return Usage("manifests takes no arguments, not " + cl.args[0]);
  ManifestOptions o;
  o.namespace_ = cl.webhook.namespace_;
  o.replicas = cl.webhook.replicas;
  o.mode = cl.webhook.mode;
  o.mutate = cl.webhook.mutate;
  o.fail_closed = cl.webhook.fail_closed;
  o.cert_manager = cl.webhook.cert_manager;
  o.audit = cl.webhook.audit;
  o.audit_schedule = cl.webhook.audit_schedule;
  o.kubectl_image = cl.webhook.kubectl_image;
  o.image =
      cl.webhook.image.empty() ? std::string("rootlock:") + ROOTLOCK_VERSION : cl.webhook.image;
  if (!cl.webhook.ca_bundle.empty()) {
    if (o.cert_manager) return Usage("--ca-bundle and --cert-manager exclude each other");
    Diagnostic unread;
    if (!ReadFileBytes(cl.webhook.ca_bundle, false, 1 << 20, &o.ca_bundle_pem, &unread) ||
        o.ca_bundle_pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
      ErrorLine("rootlock webhook manifests: %s: not a readable PEM certificate",
                cl.webhook.ca_bundle.c_str());
      return kExitError;
    }
  }
  std::string out = WebhookManifests(o);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitClean;
}

int RunCerts(CommandLine& cl) {
  std::string error;
  if (!cl.args.empty()) return Usage("certs takes no arguments, not " + cl.args[0]);
  WebhookCerts certs;
  if (!MakeWebhookCerts(ServiceDnsNames(kWebhookName, cl.webhook.namespace_), cl.webhook.days,
                        &certs, &error)) {
    ErrorLine("rootlock webhook certs: %s", error.c_str());
    return kExitError;
  }
  std::string dir = cl.webhook.out_dir.empty() ? "." : cl.webhook.out_dir;
  if (!cl.webhook.out_dir.empty()) mkdir(dir.c_str(), 0700);
  for (const auto& [name, pem] :
       {std::pair<const char*, const std::string*>{"ca.crt", &certs.ca_pem},
        {"tls.crt", &certs.cert_pem},
        {"tls.key", &certs.key_pem}}) {
    Diagnostic d;
    if (!WriteFileAtomically(dir + "/" + name, *pem, &d)) {
      ErrorLine("rootlock webhook certs: %s", d.ToString().c_str());
      return kExitError;
    }
  }
  chmod((dir + "/tls.key").c_str(), 0600);
  std::string secret = WebhookTlsSecret(cl.webhook.namespace_, certs);
  std::fwrite(secret.data(), 1, secret.size(), stdout);
  ErrorLine(
      "rootlock webhook certs: wrote %s/ca.crt, tls.crt and tls.key; "
      "rootlock webhook manifests --ca-bundle %s/ca.crt puts the CA in the webhook "
      "configurations",
      dir.c_str(), dir.c_str());
  return kExitClean;
}

int RunServer(CommandLine& cl) {
  if (!cl.args.empty()) return Usage("unknown argument " + QuoteForMessage(cl.args[0]));
  if (cl.webhook.tls_cert.empty() || cl.webhook.tls_key.empty()) {
    return Usage("--tls-cert and --tls-key are needed (rootlock webhook certs makes a pair)");
  }
  WebhookServerOptions o;
  o.listen = cl.webhook.listen;
  o.tls_cert = cl.webhook.tls_cert;
  o.tls_key = cl.webhook.tls_key;
  o.threads = cl.webhook.threads;
  o.max_body_bytes = cl.webhook.max_body_bytes;
  o.idle_timeout = cl.webhook.idle_timeout;
  o.read_timeout = cl.webhook.read_timeout;
  o.drain = cl.webhook.drain;
  o.reload_interval = cl.webhook.reload_interval;
  if (!cl.policy.config.empty()) o.policy_files.push_back(cl.policy.config);
  // Only --config: the working folder's .rootlock.yaml means nothing to a server.
  cl.policy.no_config = cl.policy.config.empty();
  WebhookMode mode = cl.webhook.mode == "warn" ? WebhookMode::kWarn : WebhookMode::kEnforce;
  o.load_policy = [cl, mode](WebhookPolicy* out, std::string* err) {
    out->options.mode = mode;
    out->options.fix.scan = cl.scan;
    Diagnostic d;
    if (!ApplyPolicy(cl.policy, &out->config, &out->options.fix.scan, &d)) {
      *err = d.ToString();
      return false;
    }
    return true;
  };
  o.log = [](const std::string& line) { ErrorLine("rootlock webhook: %s", line.c_str()); };
  return RunWebhookServer(o);
}

const CommandSpec kWebhookManifests = {
    "manifests",
    "",
    "print what kubectl apply -f - installs",
    R"(Prints what `kubectl apply -f -` installs: Namespace, ServiceAccount, PriorityClass,
Deployment (3 replicas spread over nodes, itself read-only and non-root), PodDisruptionBudget,
Service, ValidatingWebhookConfiguration and, with --mutate, the MutatingWebhookConfiguration
(admissionReviewVersions v1, sideEffects None, failurePolicy Ignore unless --fail-closed;
kube-system, its own namespace and namespaces labelled rootlock.io/ignore are skipped).

Unless --no-audit, also the periodic audit of what was admitted before: a CronJob whose
init container runs `rootlock k8s` (in-cluster, read-only RBAC on the pod-carrying kinds)
into PolicyReports that kubectl then applies (the one write it may make: policyreports).
)",
    [] { return std::vector<FlagGroup>{kManifestFlags}; },
    &RunManifests,
    R"(  rootlock webhook manifests --ca-bundle certs/ca.crt | kubectl apply -f -
  rootlock webhook manifests --cert-manager --mutate | kubectl apply -f -
)",
};

const CommandSpec kWebhookCerts = {
    "certs",
    "",
    "make a CA and a serving certificate for the webhook's Service",
    R"(Makes a CA and a serving certificate for the Service's DNS names, prints the Secret
(rootlock-webhook-tls) to apply, and writes ca.crt, tls.crt and tls.key.
)",
    [] { return std::vector<FlagGroup>{kCertFlags}; },
    &RunCerts,
    R"(  rootlock webhook certs --out-dir certs | kubectl apply -f -
)",
};

const CommandSpec* const kWebhookSubcommands[] = {&kWebhookManifests, &kWebhookCerts};

}  // namespace

FlagGroup WebhookServerFlags() { return kWebhookFlags; }
FlagGroup WebhookManifestFlags() { return kManifestFlags; }
FlagGroup WebhookCertFlags() { return kCertFlags; }

const CommandSpec kWebhookCommand = {
    "webhook",
    "",
    "serve Kubernetes admission reviews (validate, mutate) with the rules of scan; "
    "'webhook manifests' and 'webhook certs' install it",
    R"(Serves the Kubernetes API server's AdmissionReview calls (admission.k8s.io/v1) over HTTPS
with the rules, exemptions and config of scan: POST /validate denies (--mode enforce) or
warns about (--mode warn) a pod-carrying object whose containers fail; POST /mutate answers
with the JSON Patch of fix --json-patch; GET /healthz, /readyz and /metrics (Prometheus).
CREATE and UPDATE are judged; DELETE, CONNECT and subresources are allowed unjudged. The
certificate, key and config are re-read when their files change. SIGTERM fails readiness,
serves for --drain more, then closes idle connections and finishes the requests in flight.
)",
    [] {
      return std::vector<FlagGroup>{kWebhookFlags, JudgeFlags()};
    },
    &RunServer,
    R"(  rootlock webhook certs --out-dir certs | kubectl apply -f -
  rootlock webhook manifests --ca-bundle certs/ca.crt | kubectl apply -f -
  rootlock webhook --listen 127.0.0.1:8443 --tls-cert certs/tls.crt --tls-key certs/tls.key
)",
    R"(Exit status: 0 after a drain, 2 on a usage error or when it cannot start.
)",
    false,
    nullptr,
    false,
    false,
    kWebhookSubcommands,
};

}  // namespace rootlock
