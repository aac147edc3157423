// `rootlock webhook certs`: a private CA and a serving certificate for the
// webhook's Service, made with OpenSSL, for clusters without cert-manager.
#ifndef ROOTLOCK_SERVER_CERTS_H_
#define ROOTLOCK_SERVER_CERTS_H_

#include <string>
#include <vector>

namespace rootlock {

struct WebhookCerts {
  std::string ca_pem;    // the CA certificate: the webhook configurations' caBundle
  std::string cert_pem;  // the serving certificate (tls.crt)
  std::string key_pem;   // its private key (tls.key), PKCS#8
};

/// The DNS names the API server may use for a Service: name, name.ns,
/// name.ns.svc, name.ns.svc.cluster.local.
std::vector<std::string> ServiceDnsNames(const std::string& service, const std::string& ns);

/// Makes a CA (ECDSA P-256, self-signed, CA:TRUE) and a serving certificate it
/// signs with `dns_names` as subjectAltNames (serverAuth), both valid for
/// `days` days from an hour ago. False with `error` when OpenSSL fails.
bool MakeWebhookCerts(const std::vector<std::string>& dns_names, int days, WebhookCerts* out,
                      std::string* error);

}  // namespace rootlock

#endif  // ROOTLOCK_SERVER_CERTS_H_
