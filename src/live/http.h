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
#include <string_view>
#include <utility>
#include <vector>

#include "base/diagnostic.h"

namespace rootlock {

/// The most of an answer's body read, by what it holds: past it the transfer stops
/// (docs/limits.md). One object (a container's inspect) is small; a list of thousands is not.
constexpr uint64_t kMaxObjectResponseBytes = 16ull * 1024 * 1024;
constexpr uint64_t kMaxListResponseBytes = 256ull * 1024 * 1024;
/// A request's cap unless its client says otherwise.
constexpr uint64_t kDefaultMaxResponseBytes = kMaxObjectResponseBytes;

/// "%2F" for '/': a value made safe to be one segment of a request's path. Only RFC 3986's
/// unreserved characters (A-Z a-z 0-9 - . _ ~) stay as they are; a segment of dots only
/// ("." or "..") is encoded whole ("%2E%2E"), so it can never be read as a dot segment.
std::string PercentEncodePathSegment(std::string_view segment);

struct HttpRequest {
  std::string method = "GET";
  /// The path and query, sent as is: "/v1.43/containers/json?all=1".
  /// REQUIRES: starts with '/', already percent-encoded (PercentEncodePathSegment for each
  /// value put into it), no CR or LF. Sent as is: dot segments are not resolved.
  std::string target;
  /// Extra header fields, in order ("Content-Type", "application/json"). REQUIRES: no CR or LF.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// A longer body is refused: the transfer stops and Send fails (kTooLarge).
  uint64_t max_response_bytes = kDefaultMaxResponseBytes;
  /// For the whole exchange, connecting included (0: none); the transport's deadline may
  /// shorten it.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

/// What a whole run accepts from a server, set once on its transport (HttpTransport::SetLimits)
/// from the command line (--max-response-size, --timeout): every request sent through it keeps
/// to them, whichever client sends it.
struct HttpLimits {
  /// When not 0, the cap of every answer in place of each request's own max_response_bytes.
  uint64_t max_response_bytes = 0;
  /// No request runs past it: each gets the time left, if shorter than its own timeout, and
  /// one that would start after it fails at once (kDeadline). The default: none.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  /// What messages call the deadline: "the 3s deadline (--timeout)".
  std::string deadline_name = "the deadline";
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
  kDeadline,          // the run's deadline (HttpLimits::deadline) passed
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
  using Clock = std::chrono::steady_clock;

  virtual ~HttpTransport() = default;

  /// True when an answer came, whatever its status: `response` holds it. False with `error`
  /// set when none did (cannot connect, TLS, timeout, the body over its cap, the deadline
  /// passed); `response` is then unspecified. Redirects are not followed. Every transport
  /// keeps to its limits() here, before and after its Exchange, so their messages are one:
  /// "the answer to GET /x from PEER is over the 16.0 MiB limit (--max-response-size)",
  /// "the 3s deadline (--timeout) passed waiting for GET /x from PEER".
  bool Send(const HttpRequest& request, HttpResponse* response, HttpError* error);

  /// For every request from now on.
  void SetLimits(HttpLimits limits) { limits_ = std::move(limits); }
  const HttpLimits& limits() const { return limits_; }
  /// What messages call the server: "the Docker engine at unix:///var/run/docker.sock".
  const std::string& peer() const { return peer_; }

 protected:
  explicit HttpTransport(std::string peer) : peer_(std::move(peer)) {}
  /// One exchange, `request` already bounded: its max_response_bytes and timeout are the ones
  /// to keep. A body past the cap fails as kTooLarge, the timeout as kTimeout.
  virtual bool Exchange(const HttpRequest& request, HttpResponse* response, HttpError* error) = 0;
  /// The clock the deadline is read on (tests give a fake one).
  virtual Clock::time_point Now() const { return Clock::now(); }

 private:
  std::string peer_;
  HttpLimits limits_;
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

/// What some endpoints need beyond HttpEndpoint (a kubeconfig's): apart, so that the
/// callers that fill HttpEndpoint by position stay as they are.
struct HttpEndpointExtras {
  /// PEM bytes in memory (a kubeconfig's -data keys); each wins over its file.
  std::string ca_pem, cert_pem, key_pem;
  /// A proxy for every request ("http://proxy:3128"); empty: libcurl's own choice from
  /// HTTPS_PROXY, HTTP_PROXY and NO_PROXY.
  std::string proxy;
  /// "HOST:PORT:CONNECT-HOST:CONNECT-PORT": send to the base URL's name (its TLS name and
  /// certificate check) while connecting elsewhere (a kubeconfig's tls-server-name).
  std::string connect_to;
};

/// HTTP/1.1 over libcurl: one easy handle for the transport's life, so
/// consecutive requests reuse the connection. Not thread-safe.
class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(HttpEndpoint endpoint, HttpEndpointExtras extras = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  const HttpEndpoint& endpoint() const { return endpoint_; }

 protected:
  bool Exchange(const HttpRequest& request, HttpResponse* response, HttpError* error) override;

 private:
  HttpEndpoint endpoint_;
  HttpEndpointExtras extras_;
  void* curl_;  // CURL*; curl.h stays out of this header
};

}  // namespace rootlock

#endif  // ROOTLOCK_LIVE_HTTP_H_
