// `rootlock webhook manifests`: what `kubectl apply -f -` installs to run the
// webhook highly available, and `rootlock webhook certs`' Secret.
#ifndef ROOTLOCK_SERVER_MANIFESTS_H_
#define ROOTLOCK_SERVER_MANIFESTS_H_

#include <string>

#include "server/certs.h"

namespace rootlock {

inline constexpr const char* kWebhookName = "rootlock-webhook";
inline constexpr const char* kWebhookTlsSecret = "rootlock-webhook-tls";

struct ManifestOptions {
  std::string namespace_ = "rootlock";
  int replicas = 3;
  std::string mode = "enforce";
  bool mutate = false;
  bool fail_closed = false;
  bool cert_manager = false;
  std::string image;
  /// PEM of the CA that signed the serving certificate (`webhook certs`); "" for none.
  std::string ca_bundle_pem;
  /// The periodic audit of what was admitted before (or before the webhook): a CronJob
  /// running `rootlock k8s` into PolicyReports that kubectl applies, with its RBAC.
  bool audit = true;
  std::string audit_schedule = "17 * * * *";
  std::string kubectl_image = "registry.k8s.io/kubectl:v1.31.0";
};

/// Namespace, ServiceAccount, PriorityClass, Deployment, PodDisruptionBudget,
/// Service, the webhook configurations, with cert_manager an Issuer and a
/// Certificate, and with audit the audit's ServiceAccount, ClusterRole, binding and
/// CronJob: one YAML stream.
std::string WebhookManifests(const ManifestOptions& options);

/// The kubernetes.io/tls Secret the Deployment mounts (tls.crt, tls.key, ca.crt).
std::string WebhookTlsSecret(const std::string& ns, const WebhookCerts& certs);

/// Whether `s` is a DNS label (RFC 1123): what a namespace name must be.
bool IsDnsLabel(const std::string& s);

}  // namespace rootlock

#endif  // ROOTLOCK_SERVER_MANIFESTS_H_
