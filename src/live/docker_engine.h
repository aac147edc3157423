// The Docker Engine API over HTTP (live/http.h): unix socket, tcp, and TLS as
// the docker CLI configures them. Read-only: rootlock only ever sends GET.
#ifndef ROOTLOCK_LIVE_DOCKER_ENGINE_H_
#define ROOTLOCK_LIVE_DOCKER_ENGINE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
#include "live/http.h"
#include "model/workload.h"
#include "parse/reader.h"

namespace rootlock {

struct DockerEndpoint {
  std::string address;      // as given: unix:///var/run/docker.sock, tcp://10.0.0.5:2376
  std::string socket_path;  // for unix://
  std::string base_url;     // http://localhost, or http(s)://host:port for tcp://
  bool tls = false;
  bool verify = false;
  std::string cert_dir;  // ca.pem, cert.pem, key.pem
};

/// Where the engine is, as the docker CLI decides: `host` (--host) if given,
/// else DOCKER_HOST, else unix:///var/run/docker.sock; TLS when
/// DOCKER_TLS_VERIFY is set (verifying) or DOCKER_CERT_PATH is (not verifying),
/// certificates from DOCKER_CERT_PATH or ~/.docker.
bool ResolveDockerEndpoint(const std::string& host, DockerEndpoint* out, Diagnostic* error);

/// One HTTP connection to an engine. Not thread-safe.
class DockerEngine {
 public:
  /// Over libcurl (CurlTransport) to `endpoint`, keeping to `limits` (--timeout,
  /// --max-response-size) from now on.
  explicit DockerEngine(DockerEndpoint endpoint, HttpLimits limits = {});
  /// Over `transport` (tests pass a FakeTransport, with its own limits); `endpoint` names
  /// the engine in messages.
  DockerEngine(DockerEndpoint endpoint, std::unique_ptr<HttpTransport> transport);

  /// GETs `path` ("/version"), reading at most `max_bytes` of its answer unless the
  /// transport's limits say otherwise. False with a one-line `error` when no answer came (its
  /// kind the transport's, its message with the docker CLI's advice); otherwise `response` is
  /// the engine's answer.
  bool Get(const std::string& path, uint64_t max_bytes, HttpResponse* response, HttpError* error);

  const DockerEndpoint& endpoint() const { return endpoint_; }

 private:
  DockerEndpoint endpoint_;
  std::unique_ptr<HttpTransport> transport_;
};

struct DockerAuditOptions {
  /// Ask each container with a writable root what it has written (GET /changes).
  bool changes = true;
};

struct DockerAudit {
  std::vector<Workload> workloads;
  /// Containers skipped on the way (removed during the scan): one line each.
  std::vector<Diagnostic> notes;
  /// Containers whose id is not one the engine can give (`..`, `a/b`): never sent to the
  /// engine, one warning line each, naming the id.
  std::vector<Diagnostic> refused;
  /// Containers judged without knowing what they wrote (/changes failed or was over its cap):
  /// one line each; they are judged, not skipped.
  std::vector<Diagnostic> unknown_writes;
  std::string engine;  // "Docker Engine 27.1.1 (API 1.46)"
};

/// What may stand for a container in a request's path: an id as the engine gives it
/// (`[0-9a-f]{12,64}`) or a name by Docker's rule (`[a-zA-Z0-9][a-zA-Z0-9_.-]*`).
bool IsContainerRef(std::string_view ref);

/// Lists every container, stopped ones too, inspects each and builds its
/// workload. False with `fatal` set when the engine cannot be used at all (not
/// there, permission denied, API too old, the list over its cap) or the run's
/// deadline passed ("stopped: the 3s deadline (--timeout) passed waiting for GET …
/// from …; 2 of 5 containers read").
bool AuditDockerEngine(DockerEngine* engine, const DockerAuditOptions& options, DockerAudit* out,
                       Diagnostic* fatal);

}  // namespace rootlock

#endif  // ROOTLOCK_LIVE_DOCKER_ENGINE_H_
