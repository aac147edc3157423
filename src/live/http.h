// HTTP for the live sources: one small interface every client of a running
// system (the Docker engine now; the Kubernetes and AWS APIs next) sends its
// requests through, so size caps, deadlines, connection reuse and TLS live in
// one place, and tests can put a fake (tests/fake_transport.h) in its stead.
#ifndef ROOTLOCK_LIVE_HTTP_H_
#define ROOTLOCK_LIVE_HTTP_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/diagnostic.h"

namespace rootlock {

/// The most of an answer's body read by default: past it the transfer stops.
constexpr uint64_t kDefaultMaxResponseBytes = 64ull * 1024 * 1024;

struct HttpRequest {
  std::string method = "GET";
  /// The path and query, sent as is: "/v1.43/containers/json?all=1".
  /// REQUIRES: starts with '/', already percent-encoded, no CR or LF.
  std::string target;
  /// Extra header fields, in order ("Content-Type", "application/json"). REQUIRES: no CR or LF.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// A longer body is refused: the transfer stops and Send fails (kTooLarge).
  uint64_t max_response_bytes = kDefaultMaxResponseBytes;
  /// For the whole exchange, connecting included.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

struct HttpResponse {
  int status = 0;
  /// Field names lower-cased ("content-type"); a repeated field's values joined with ", ".
  std::map<std::string, std::string> headers;
  std::string body;
};

/// Why no answer came. Clients turn some into advice of their own ("is the engine running?").
enum class HttpFailure {
  kOther,             // TLS, name resolution, a reset connection, a bad endpoint…
  kNoSocket,          // the unix socket does not exist
  kPermissionDenied,  // EACCES connecting
  kRefused,           // nothing listening
  kTimeout,           // the request's timeout, or the endpoint's connect timeout, passed
  kTooLarge,          // the body is longer than the request's max_response_bytes
};

/// The one error type (base/Diagnostic: `message` is one line naming the peer, "cannot
/// reach the Docker engine at tcp://h:2376: connection refused"), with why, for callers
/// that advise on it.
struct HttpError : Diagnostic {
  HttpFailure kind = HttpFailure::kOther;

  static HttpError Of(HttpFailure k, std::string text) {
    HttpError e;
    e.kind = k;
    e.message = std::move(text);
    return e;
  }
};

/// Sends one request and waits for its answer. Implementations need not be thread-safe:
/// one transport per thread.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  /// True when an answer came, whatever its status: `response` holds it. False with `error`
  /// set when none did (cannot connect, TLS, timeout, the body over the request's limit);
  /// `response` is then unspecified. Redirects are not followed.
  virtual bool Send(const HttpRequest& request, HttpResponse* response, HttpError* error) = 0;
};

/// Where a CurlTransport connects, and how.
struct HttpEndpoint {
  /// What messages call the server: "the Docker engine at unix:///var/run/docker.sock".
  std::string peer;
  /// http:// or https:// and the authority, no trailing '/': a request's target is appended.
  std::string base_url;
  /// When set, connect to this unix socket instead of the base URL's host.
  std::string socket_path;
  /// PEM files; empty: the system's CAs, no client certificate.
  std::string ca_file, cert_file, key_file;
  /// Check the server's certificate and its name (https only).
  bool verify = true;
  std::chrono::seconds connect_timeout{10};
};

/// HTTP/1.1 over libcurl: one easy handle for the transport's life, so
/// consecutive requests reuse the connection. Not thread-safe.
class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(HttpEndpoint endpoint);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  bool Send(const HttpRequest& request, HttpResponse* response, HttpError* error) override;

  const HttpEndpoint& endpoint() const { return endpoint_; }

 private:
  HttpEndpoint endpoint_;
  void* curl_;  // CURL*; curl.h stays out of this header
};

}  // namespace rootlock

#endif  // ROOTLOCK_LIVE_HTTP_H_
