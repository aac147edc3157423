#include "server/webhook_server.h"

#include <openssl/ssl.h>
#include <sys/stat.h>

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cinttypes>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "base/text.h"

namespace rootlock {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// ---- metrics (Prometheus text exposition format) ----

constexpr std::array<double, 12> kLatencyBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                    0.05,   0.1,   0.25,   0.5,   1,    2.5};

std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

class Metrics {
 public:
  void Count(const std::string& endpoint, const AdmissionOutcome& o, double seconds) {
    std::lock_guard<std::mutex> lock(mu_);
    ++requests_[{endpoint, o.operation, o.decision}];
    for (const std::string& rule : o.rules) ++rules_[{endpoint, o.operation, o.decision, rule}];
    Histogram& h = latency_[endpoint];
    for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      if (seconds <= kLatencyBuckets[i]) ++h.buckets[i];
    }
    ++h.count;
    h.sum += seconds;
  }
  void Response(const std::string& endpoint, unsigned code) {
    std::lock_guard<std::mutex> lock(mu_);
    ++responses_[{endpoint, code}];
  }
  void Reload(const std::string& what, bool ok) {
    std::lock_guard<std::mutex> lock(mu_);
    ++reloads_[{what, ok ? "ok" : "error"}];
  }
  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> connections{0};
  std::atomic<bool> ready{true};

  std::string Text() {
    std::lock_guard<std::mutex> lock(mu_);
    std::string out;
    char line[512];
    out +=
        "# HELP rootlock_webhook_requests_total AdmissionReviews answered, by endpoint, "
        "operation and decision.\n# TYPE rootlock_webhook_requests_total counter\n";
    for (const auto& [k, v] : requests_) {
      std::snprintf(line, sizeof line,
                    "rootlock_webhook_requests_total{endpoint=\"%s\",operation=\"%s\",decision="
                    "\"%s\"} %" PRIu64 "\n",
                    Label(std::get<0>(k)).c_str(), Label(std::get<1>(k)).c_str(),
                    Label(std::get<2>(k)).c_str(), v);
      out += line;
    }
    out +=
        "# HELP rootlock_webhook_rule_failures_total AdmissionReviews in which a rule failed, by "
        "endpoint, operation, decision and rule.\n"
        "# TYPE rootlock_webhook_rule_failures_total counter\n";
    for (const auto& [k, v] : rules_) {
      std::snprintf(line, sizeof line,
                    "rootlock_webhook_rule_failures_total{endpoint=\"%s\",operation=\"%s\","
                    "decision=\"%s\",rule=\"%s\"} %" PRIu64 "\n",
                    Label(std::get<0>(k)).c_str(), Label(std::get<1>(k)).c_str(),
                    Label(std::get<2>(k)).c_str(), Label(std::get<3>(k)).c_str(), v);
      out += line;
    }
    out +=
        "# HELP rootlock_webhook_request_duration_seconds Time to answer an AdmissionReview, "
        "from its last byte read to the reply handed to TLS.\n"
        "# TYPE rootlock_webhook_request_duration_seconds histogram\n";
    for (const auto& [endpoint, h] : latency_) {
      std::string ep = Label(endpoint);
      for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
        std::snprintf(line, sizeof line,
                      "rootlock_webhook_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} "
                      "%" PRIu64 "\n",
                      ep.c_str(), kLatencyBuckets[i], h.buckets[i]);
        out += line;
      }
      std::snprintf(line, sizeof line,
                    "rootlock_webhook_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} "
                    "%" PRIu64
                    "\n"
                    "rootlock_webhook_request_duration_seconds_sum{endpoint=\"%s\"} %.9g\n"
                    "rootlock_webhook_request_duration_seconds_count{endpoint=\"%s\"} %" PRIu64
                    "\n",
                    ep.c_str(), h.count, ep.c_str(), h.sum, ep.c_str(), h.count);
      out += line;
    }
    out +=
        "# HELP rootlock_webhook_http_responses_total HTTP responses, by endpoint and status "
        "code.\n# TYPE rootlock_webhook_http_responses_total counter\n";
    for (const auto& [k, v] : responses_) {
      std::snprintf(line, sizeof line,
                    "rootlock_webhook_http_responses_total{endpoint=\"%s\",code=\"%u\"} %" PRIu64
                    "\n",
                    Label(k.first).c_str(), k.second, v);
      out += line;
    }
    out +=
        "# HELP rootlock_webhook_reloads_total Re-reads of the certificate and key (tls) and of "
        "the config (config) after their files changed.\n"
        "# TYPE rootlock_webhook_reloads_total counter\n";
    for (const auto& [k, v] : reloads_) {
      std::snprintf(line, sizeof line,
                    "rootlock_webhook_reloads_total{what=\"%s\",result=\"%s\"} %" PRIu64 "\n",
                    k.first.c_str(), k.second.c_str(), v);
      out += line;
    }
    std::snprintf(line, sizeof line,
                  "# HELP rootlock_webhook_in_flight_requests Requests being answered now.\n"
                  "# TYPE rootlock_webhook_in_flight_requests gauge\n"
                  "rootlock_webhook_in_flight_requests %" PRId64
                  "\n"
                  "# HELP rootlock_webhook_open_connections Client connections open now.\n"
                  "# TYPE rootlock_webhook_open_connections gauge\n"
                  "rootlock_webhook_open_connections %" PRId64
                  "\n"
                  "# HELP rootlock_webhook_ready 1 while ready, 0 once draining.\n"
                  "# TYPE rootlock_webhook_ready gauge\n"
                  "rootlock_webhook_ready %d\n",
                  in_flight.load(), connections.load(), ready.load() ? 1 : 0);
    out += line;
    return out;
  }

 private:
  struct Histogram {
    std::array<uint64_t, kLatencyBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  std::mutex mu_;
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> requests_;
  std::map<std::tuple<std::string, std::string, std::string, std::string>, uint64_t> rules_;
  std::map<std::string, Histogram> latency_;
  std::map<std::pair<std::string, unsigned>, uint64_t> responses_;
  std::map<std::pair<std::string, std::string>, uint64_t> reloads_;
};

// ---- files that are re-read when they change ----

// What tells a file's version apart: a Secret's mount swaps a symlink
// (..data), so the inode changes; an edit in place changes mtime or size.
struct FileStamp {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  int64_t mtime_ns = 0;
  off_t size = 0;
  bool operator==(const FileStamp&) const = default;
};

FileStamp Stamp(const std::string& path) {
  FileStamp s;
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return s;
  s.exists = true;
  s.dev = st.st_dev;
  s.ino = st.st_ino;
  s.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  s.size = st.st_size;
  return s;
}

std::vector<FileStamp> Stamps(const std::vector<std::string>& paths) {
  std::vector<FileStamp> out;
  for (const std::string& p : paths) out.push_back(Stamp(p));
  return out;
}

std::string OpenSslErrors() {
  std::string out;
  unsigned long e;
  char buf[256];
  while ((e = ERR_get_error()) != 0) {
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

// A TLS 1.2+ server context with the certificate chain and key of the files.
std::shared_ptr<ssl::context> MakeTlsContext(const std::string& cert, const std::string& key,
                                             std::string* error) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                   ssl::context::single_dh_use);
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(native, cert.c_str()) != 1) {
    *error = "the certificate " + cert + " cannot be used: " + OpenSslErrors();
    return nullptr;
  }
  if (SSL_CTX_use_PrivateKey_file(native, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    *error = "the key " + key + " cannot be used: " + OpenSslErrors();
    return nullptr;
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    *error = "the key " + key + " does not match the certificate " + cert;
    return nullptr;
  }
  return ctx;
}

bool ParseListen(const std::string& listen, tcp::endpoint* out, std::string* error) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    *error = "--listen takes ADDR:PORT, such as 0.0.0.0:8443";
    return false;
  }
  std::string host = listen.substr(0, colon);
  std::string port_text = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  char* end = nullptr;
  long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535) {
    *error = "--listen: the port of " + listen + " is not a number from 0 to 65535";
    return false;
  }
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) {
    *error = "--listen: " + host + " is not an IP address";
    return false;
  }
  *out = tcp::endpoint(address, static_cast<unsigned short>(port));
  return true;
}

class Server;

// One client connection: TLS handshake, then requests one after the other.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<ssl::context> ctx, Server* server)
      : ctx_(std::move(ctx)), stream_(std::move(socket), *ctx_), server_(server) {}
  ~Session();
  void Start();
  /// From any thread: closes the connection if it is waiting for a request.
  void CloseIfIdle();

 private:
  void ReadHeader();
  void OnHeader(beast::error_code ec);
  void OnBody(beast::error_code ec);
  void Answer();
  void Send(http::status status, std::string body, std::string content_type, bool close);
  void OnWritten(bool close, beast::error_code ec);
  void Discard();
  void Close();
  void Uncount();
  void TooLarge();

  std::shared_ptr<ssl::context> ctx_;  // the certificate this connection was made with
  beast::ssl_stream<beast::tcp_stream> stream_;
  Server* server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  std::vector<char> scratch_;
  uint64_t discarded_ = 0;
  bool waiting_ = false;  // for a request's first byte (on the strand)
  bool closed_ = false;
  bool registered_ = false;
  bool counted_ = false;  // in the in-flight gauge
  uint64_t served_ = 0;   // responses written
};

class Server {
 public:
  explicit Server(const WebhookServerOptions& options)
      : options_(options),
        ioc_(static_cast<int>(options.threads)),
        acceptor_(ioc_),
        signals_(ioc_, SIGTERM, SIGINT),
        reload_timer_(ioc_),
        drain_timer_(ioc_) {}

  int Run();

  const WebhookServerOptions& options() const { return options_; }
  Metrics& metrics() { return metrics_; }
  bool draining() const { return draining_.load(); }
  bool stopped() const { return stopped_.load(); }
  std::shared_ptr<const WebhookPolicy> policy() {
    std::lock_guard<std::mutex> lock(mu_);
    return policy_;
  }
  void Log(const std::string& line) {
    if (options_.log) options_.log(line);
  }
  void Register(const std::shared_ptr<Session>& s) {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_[s.get()] = s;
  }
  void Unregister(Session* s) {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.erase(s);
  }

 private:
  void Accept();
  void CheckFiles();
  void ScheduleReload();
  void OnSignal();
  void StopAccepting();

  const WebhookServerOptions& options_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer reload_timer_;
  asio::steady_timer drain_timer_;
  Metrics metrics_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> stopped_{false};  // the listener is closed
  std::mutex mu_;
  std::shared_ptr<ssl::context> tls_;                              // guarded by mu_
  std::shared_ptr<const WebhookPolicy> policy_;                    // guarded by mu_
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;  // guarded by mu_
  std::vector<FileStamp> tls_stamps_;                              // reload timer only
  std::vector<FileStamp> policy_stamps_;                           // reload timer only
};

Session::~Session() {
  if (registered_) {
    server_->Unregister(this);
    server_->metrics().connections.fetch_sub(1);
  }
}

void Session::Start() {
  registered_ = true;
  server_->Register(shared_from_this());
  server_->metrics().connections.fetch_add(1);
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    beast::get_lowest_layer(self->stream_).expires_after(self->server_->options().read_timeout);
    self->stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
      if (ec) return self->Close();
      self->ReadHeader();
    });
  });
}

void Session::CloseIfIdle() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    // Idle: between requests, nothing of the next one read. A connection that has not had
    // its first request yet is not idle: its client opened it to send one.
    if (self->waiting_ && self->buffer_.size() == 0 && self->served_ > 0) {
      self->closed_ = true;
      beast::get_lowest_layer(self->stream_).cancel();
    }
  });
}

void Session::ReadHeader() {
  if (closed_) return;
  parser_.emplace();
  parser_->header_limit(16 * 1024);
  parser_->body_limit(server_->options().max_body_bytes);
  // Past the drain, a connection accepted before the listener closed still gets its first
  // request answered (its client may be sending it now), but no idle wait.
  beast::get_lowest_layer(stream_).expires_after(
      server_->stopped() ? server_->options().read_timeout : server_->options().idle_timeout);
  waiting_ = true;
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            self->waiting_ = false;
                            self->OnHeader(ec);
                          });
}

void Session::OnHeader(beast::error_code ec) {
  if (ec == http::error::header_limit) {
    return Send(http::status::request_header_fields_too_large, "headers too large\n", "text/plain",
                true);
  }
  // A Content-Length over the limit fails here, before any of the body is read.
  if (ec == http::error::body_limit) return TooLarge();
  if (ec) return Close();  // the peer left, the idle deadline passed, or garbage
  counted_ = true;
  server_->metrics().in_flight.fetch_add(1);
  beast::get_lowest_layer(stream_).expires_after(server_->options().read_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code e, size_t) { self->OnBody(e); });
}

void Session::OnBody(beast::error_code ec) {
  if (ec == http::error::body_limit) return TooLarge();
  if (ec == beast::error::timeout || ec == asio::error::operation_aborted) return Close();
  if (ec && ec != http::error::end_of_stream) {
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) return Close();
    return Send(http::status::bad_request, "malformed HTTP request\n", "text/plain", true);
  }
  if (ec) return Close();
  Answer();
}

std::string_view PathOf(beast::string_view t) {
  std::string_view target(t.data(), t.size());
  size_t q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

void Session::Answer() {
  const auto& req = parser_->get();
  std::string_view path = PathOf(req.target());
  bool close = !req.keep_alive() || server_->draining();
  Metrics& m = server_->metrics();
  auto is = [&](std::string_view p, http::verb v) { return path == p && req.method() == v; };
  if (path == "/validate" || path == "/mutate") {
    if (req.method() != http::verb::post) {
      return Send(http::status::method_not_allowed, "POST an AdmissionReview\n", "text/plain",
                  close);
    }
    Clock::time_point start = Clock::now();
    std::shared_ptr<const WebhookPolicy> policy = server_->policy();
    AdmissionEndpoint endpoint =
        path == "/validate" ? AdmissionEndpoint::kValidate : AdmissionEndpoint::kMutate;
    AdmissionOutcome out = Review(endpoint, req.body(), policy->options);
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    m.Count(std::string(path.substr(1)), out, seconds);
    if (out.http_status == 400) {
      server_->Log("400 on " + std::string(path) + ": " +
                   EscapeControls(out.body.substr(0, out.body.find('\n'))));
    }
    return Send(static_cast<http::status>(out.http_status), std::move(out.body), out.content_type,
                close);
  }
  if (is("/healthz", http::verb::get) || is("/livez", http::verb::get)) {
    return Send(http::status::ok, "ok\n", "text/plain", close);
  }
  if (is("/readyz", http::verb::get)) {
    if (server_->draining()) {
      return Send(http::status::service_unavailable, "draining\n", "text/plain", close);
    }
    return Send(http::status::ok, "ok\n", "text/plain", close);
  }
  if (is("/metrics", http::verb::get)) {
    return Send(http::status::ok, m.Text(), "text/plain; version=0.0.4; charset=utf-8", close);
  }
  Send(http::status::not_found, "not found\n", "text/plain", close);
}

void Session::Send(http::status status, std::string body, std::string content_type, bool close) {
  response_ = {};
  response_.version(11);
  response_.result(status);
  response_.set(http::field::server, "rootlock");
  response_.set(http::field::content_type, content_type);
  response_.keep_alive(!close);
  response_.body() = std::move(body);
  response_.prepare_payload();
  std::string endpoint = "other";
  if (parser_ && parser_->is_header_done()) {
    std::string_view p = PathOf(parser_->get().target());
    for (std::string_view known : {"/validate", "/mutate", "/healthz", "/readyz", "/metrics"}) {
      if (p == known) endpoint = std::string(p.substr(1));
    }
  }
  server_->metrics().Response(endpoint, static_cast<unsigned>(status));
  beast::get_lowest_layer(stream_).expires_after(server_->options().read_timeout);
  http::async_write(stream_, response_,
                    [self = shared_from_this(), close](beast::error_code ec, size_t) {
                      self->OnWritten(close, ec);
                    });
}

void Session::OnWritten(bool close, beast::error_code ec) {
  bool answered = parser_ && parser_->is_done();
  ++served_;
  Uncount();
  if (ec) return Close();
  if (!close) return ReadHeader();
  // A request refused before its body was read (413): read the rest and
  // throw it away, so that the client, still sending, gets to read the answer
  // rather than a reset.
  if (!answered) {
    scratch_.resize(64 * 1024);
    beast::get_lowest_layer(stream_).expires_after(server_->options().read_timeout);
    return Discard();
  }
  Close();
}

void Session::Discard() {
  // What the buffer holds already counts.
  discarded_ += buffer_.size();
  buffer_.consume(buffer_.size());
  stream_.async_read_some(
      asio::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, size_t n) {
        self->discarded_ += n;
        // At most eight times the limit more, then the connection goes.
        if (ec || self->discarded_ > 8 * self->server_->options().max_body_bytes) {
          return self->Close();
        }
        self->Discard();
      });
}

void Session::TooLarge() {
  Send(http::status::payload_too_large,
       "the body is larger than the limit of " + std::to_string(server_->options().max_body_bytes) +
           " bytes\n",
       "text/plain", true);
}

void Session::Uncount() {
  if (counted_) server_->metrics().in_flight.fetch_sub(1);
  counted_ = false;
}

void Session::Close() {
  Uncount();
  closed_ = true;
  beast::error_code ignored;
  beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(stream_).close();
}

int Server::Run() {
  std::string error;
  auto policy = std::make_shared<WebhookPolicy>();
  if (options_.load_policy && !options_.load_policy(policy.get(), &error)) {
    Log(error);
    return 2;
  }
  policy_ = policy;
  policy_stamps_ = Stamps(options_.policy_files);
  tls_stamps_ = Stamps({options_.tls_cert, options_.tls_key});
  tls_ = MakeTlsContext(options_.tls_cert, options_.tls_key, &error);
  if (!tls_) {
    Log(error);
    return 2;
  }
  tcp::endpoint endpoint;
  if (!ParseListen(options_.listen, &endpoint, &error)) {
    Log(error);
    return 2;
  }
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    Log("cannot listen on " + options_.listen + ": " + ec.message());
    return 2;
  }
  tcp::endpoint bound = acceptor_.local_endpoint();
  std::string where = bound.address().to_string();
  if (bound.address().is_v6()) where = "[" + where + "]";
  Log("listening on " + where + ":" + std::to_string(bound.port()) + " (" +
      std::to_string(options_.threads) + " threads, " +
      (policy_->options.mode == WebhookMode::kEnforce ? "enforce" : "warn") + " mode)");
  signals_.async_wait([this](beast::error_code e, int) {
    if (!e) OnSignal();
  });
  Accept();
  ScheduleReload();
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < options_.threads; ++i) threads.emplace_back([this] { ioc_.run(); });
  ioc_.run();
  for (std::thread& t : threads) t.join();
  Log("stopped");
  return 0;
}

void Server::Accept() {
  acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket s) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      std::shared_ptr<ssl::context> ctx;
      {
        std::lock_guard<std::mutex> lock(mu_);
        ctx = tls_;
      }
      beast::error_code ignored;
      s.set_option(tcp::no_delay(true), ignored);
      std::make_shared<Session>(std::move(s), std::move(ctx), this)->Start();
    }
    Accept();
  });
}

void Server::ScheduleReload() {
  reload_timer_.expires_after(options_.reload_interval);
  reload_timer_.async_wait([this](beast::error_code ec) {
    if (ec || draining_) return;
    CheckFiles();
    ScheduleReload();
  });
}

void Server::CheckFiles() {
  std::vector<FileStamp> tls_now = Stamps({options_.tls_cert, options_.tls_key});
  if (tls_now != tls_stamps_) {
    std::string error;
    auto ctx = MakeTlsContext(options_.tls_cert, options_.tls_key, &error);
    // A half-written pair (the certificate new, the key not yet) fails the key
    // check: the old pair stays, and the next look tries again.
    if (ctx) {
      std::lock_guard<std::mutex> lock(mu_);
      tls_ = std::move(ctx);
      tls_stamps_ = tls_now;
    }
    metrics_.Reload("tls", ctx == nullptr && !error.empty() ? false : true);
    Log(error.empty() ? "reloaded the certificate and key: new connections use them"
                      : "kept the previous certificate: " + error);
  }
  std::vector<FileStamp> policy_now = Stamps(options_.policy_files);
  if (policy_now != policy_stamps_ && options_.load_policy) {
    policy_stamps_ = policy_now;
    auto policy = std::make_shared<WebhookPolicy>();
    std::string error;
    bool ok = options_.load_policy(policy.get(), &error);
    if (ok) {
      std::lock_guard<std::mutex> lock(mu_);
      policy_ = std::move(policy);
    }
    metrics_.Reload("config", ok);
    Log(ok ? "reloaded the config" : "kept the previous config: " + error);
  }
}

void Server::OnSignal() {
  draining_ = true;
  metrics_.ready = false;
  reload_timer_.cancel();
  Log("SIGTERM: readiness fails; serving for " + std::to_string(options_.drain.count()) +
      " ms more, then closing");
  drain_timer_.expires_after(options_.drain);
  drain_timer_.async_wait([this](beast::error_code) { StopAccepting(); });
  // A second signal stops at once (after in-flight requests).
  signals_.async_wait([this](beast::error_code e, int) {
    if (!e) {
      drain_timer_.cancel();
    }
  });
}

void Server::StopAccepting() {
  stopped_ = true;
  beast::error_code ignored;
  acceptor_.close(ignored);
  signals_.cancel();
  std::vector<std::shared_ptr<Session>> open;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [ptr, weak] : sessions_) {
      if (auto s = weak.lock()) open.push_back(std::move(s));
    }
  }
  Log("drained: closing " + std::to_string(open.size()) + " connections as their requests finish");
  for (auto& s : open) s->CloseIfIdle();
  // The io_context returns once the last connection has ended.
}

}  // namespace

int RunWebhookServer(const WebhookServerOptions& options) {
  Server server(options);
  return server.Run();
}

}  // namespace rootlock
