// The admission webhook's HTTPS server (Boost.Beast over Asio, TLS by OpenSSL):
// POST /validate and /mutate answer AdmissionReviews (server/admission.h),
// GET /healthz, /readyz and /metrics (Prometheus text) tell the kubelet and the
// monitoring how it is. HTTP/1.1 keep-alive, a body limit answered with 413, a
// deadline for slow clients, a fixed number of worker threads; the certificate,
// the key and the config are re-read when their files change, and SIGTERM drains
// (docs/webhook.md).
#ifndef ROOTLOCK_SERVER_WEBHOOK_SERVER_H_
#define ROOTLOCK_SERVER_WEBHOOK_SERVER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "policy/config.h"
#include "server/admission.h"

namespace rootlock {

/// The judging state one request uses: a config and the options made from it
/// (options.fix.scan.config points into `config`). Replaced whole on a reload.
struct WebhookPolicy {
  Config config;
  AdmissionOptions options;
};

struct WebhookServerOptions {
  /// ADDR:PORT: "0.0.0.0:8443", "127.0.0.1:0" (any free port), "[::1]:8443", ":8443".
  std::string listen = "0.0.0.0:8443";
  std::string tls_cert;  // PEM: the serving certificate, then its chain
  std::string tls_key;   // PEM
  /// Files whose change means load_policy is called again (the config file).
  std::vector<std::string> policy_files;
  /// Makes the policy; called at start and on a change of policy_files. False
  /// with `error` when it cannot (at start: the server does not start; later:
  /// the previous policy stays).
  std::function<bool(WebhookPolicy* out, std::string* error)> load_policy;
  unsigned threads = 4;
  uint64_t max_body_bytes = 8ull * 1024 * 1024;
  /// How long a connection may wait for a request's headers (idle keep-alive
  /// included), and how long reading its body and the TLS handshake may take.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(90)};
  std::chrono::milliseconds read_timeout{std::chrono::seconds(10)};
  /// After SIGTERM: readiness fails at once; requests are still served (with
  /// Connection: close) for this long, then the listener closes, idle
  /// connections are closed and in-flight requests finish.
  std::chrono::milliseconds drain{std::chrono::seconds(5)};
  /// How often the certificate, key and policy files are looked at.
  std::chrono::milliseconds reload_interval{std::chrono::seconds(2)};
  /// One line of log (no newline), from any thread.
  std::function<void(const std::string&)> log;
};

/// Serves until SIGTERM or SIGINT, then drains and returns 0; returns 2 with a
/// log line when it cannot start (the address, the certificate, the policy).
int RunWebhookServer(const WebhookServerOptions& options);

}  // namespace rootlock

#endif  // ROOTLOCK_SERVER_WEBHOOK_SERVER_H_
