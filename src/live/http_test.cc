#include "live/http.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/text.h"

namespace rootlock {
namespace {

// A real HTTP/1.1 server in a thread, on 127.0.0.1 or a unix socket: it reads
// each request (head, and a body of Content-Length bytes) and writes whatever
// `answer` returns, keeping the connection open between requests unless told.
class LoopbackServer {
 public:
  struct Reply {
    std::string bytes;   // written as is; empty: no answer, wait for the client to give up
    bool close = false;  // close the connection once written
  };
  using Answer = std::function<Reply(const std::string& head, const std::string& body)>;

  explicit LoopbackServer(Answer answer, std::string unix_path = "")
      : answer_(std::move(answer)), unix_path_(std::move(unix_path)) {
    if (unix_path_.empty()) {
      listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      addr.sin_port = 0;
      EXPECT_EQ(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
      socklen_t len = sizeof addr;
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
      port_ = ntohs(addr.sin_port);
    } else {
      listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_un addr{};
      addr.sun_family = AF_UNIX;
      std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", unix_path_.c_str());
      unlink(unix_path_.c_str());
      EXPECT_EQ(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    }
    EXPECT_EQ(listen(listen_fd_, 8), 0);
    thread_ = std::thread([this] { Run(); });
  }

  ~LoopbackServer() {
    stop_ = true;
    thread_.join();
    close(listen_fd_);
    if (!unix_path_.empty()) unlink(unix_path_.c_str());
  }

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }
  /// The head of every request read, in order ("GET /x HTTP/1.1\r\nHost: …").
  std::vector<std::string> heads() const {
    std::lock_guard<std::mutex> lock(mu_);
    return heads_;
  }
  std::vector<std::string> bodies() const {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_;
  }

 private:
  // Waits up to 50 ms for `fd` to be readable; false when stopping.
  bool Wait(int fd, bool* ready) {
    pollfd p{fd, POLLIN, 0};
    *ready = poll(&p, 1, 50) > 0;
    return !stop_;
  }

  void Run() {
    bool ready = false;
    while (Wait(listen_fd_, &ready)) {
      if (!ready) continue;
      int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++connections_;
      Serve(fd);
      close(fd);
    }
  }

  void Serve(int fd) {
    std::string in;
    for (;;) {
      size_t end;
      while ((end = in.find("\r\n\r\n")) == std::string::npos) {
        if (!Read(fd, &in)) return;
      }
      std::string head = in.substr(0, end);
      size_t length = 0;
      std::string lower = ToLower(head);
      if (size_t at = lower.find("\r\ncontent-length:"); at != std::string::npos) {
        length = std::strtoul(lower.c_str() + at + 17, nullptr, 10);
      }
      while (in.size() < end + 4 + length) {
        if (!Read(fd, &in)) return;
      }
      std::string body = in.substr(end + 4, length);
      in.erase(0, end + 4 + length);
      {
        std::lock_guard<std::mutex> lock(mu_);
        heads_.push_back(head);
        bodies_.push_back(body);
      }
      Reply reply = answer_(head, body);
      if (reply.bytes.empty()) {
        while (Read(fd, &in)) {
        }
        return;
      }
      for (size_t sent = 0; sent < reply.bytes.size();) {
        ssize_t n = send(fd, reply.bytes.data() + sent, reply.bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;  // the client hung up: it stopped reading
        sent += static_cast<size_t>(n);
      }
      if (reply.close) return;
    }
  }

  // Appends what `fd` has to `in`; false when the peer closed or the server stops.
  bool Read(int fd, std::string* in) {
    bool ready = false;
    while (Wait(fd, &ready)) {
      if (!ready) continue;
      char buf[4096];
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return false;
      in->append(buf, static_cast<size_t>(n));
      return true;
    }
    return false;
  }

  Answer answer_;
  std::string unix_path_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mu_;
  std::vector<std::string> heads_, bodies_;
  std::thread thread_;
};

// An answer with Content-Length, kept alive.
LoopbackServer::Reply Sized(int status, const std::string& body, const std::string& extra = "") {
  return {"HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " +
              std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body,
          false};
}

// An answer in 1000-byte chunks: its length is not known until its end.
LoopbackServer::Reply Chunked(const std::string& body) {
  std::string out = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (size_t i = 0; i < body.size(); i += 1000) {
    std::string chunk = body.substr(i, 1000);
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    out += size + chunk + "\r\n";
  }
  return {out + "0\r\n\r\n", false};
}

std::string RequestLine(const std::string& head) { return head.substr(0, head.find("\r\n")); }

HttpEndpoint TestEndpoint(const LoopbackServer& server) {
  HttpEndpoint e;
  e.peer = "the test server";
  e.base_url = server.base_url();
  return e;
}

TEST(CurlTransport, RefusesAnAnswerOverTheLimitAndStopsReadingIt) {
  const std::string big(100 * 1000, 'x');
  LoopbackServer server([&](const std::string& head, const std::string&) {
    std::string line = RequestLine(head);
    if (line == "GET /announced HTTP/1.1") return Sized(200, big);  // Content-Length: 100000
    if (line == "GET /chunked HTTP/1.1") return Chunked(big);       // no length up front
    if (line == "GET /exact HTTP/1.1") return Chunked(big.substr(0, 4096));
    return Sized(200, "small");
  });
  CurlTransport transport(TestEndpoint(server));
  for (const std::string target : {"/announced", "/chunked"}) {
    SCOPED_TRACE(target);
    HttpRequest request;
    request.target = target;
    request.max_response_bytes = 4096;
    HttpResponse response;
    HttpError error;
    EXPECT_FALSE(transport.Send(request, &response, &error));
    EXPECT_EQ(error.kind, HttpFailure::kTooLarge);
    EXPECT_EQ(error.message, "the answer to GET " + target +
                                 " from the test server is over the 4.0 KiB limit "
                                 "(--max-response-size)");
    EXPECT_LE(response.body.size(), 4096u);
  }
  // Up to the limit is read whole, and the transport is still usable after a refusal.
  HttpRequest request;
  request.target = "/exact";
  request.max_response_bytes = 4096;
  HttpResponse response;
  HttpError error;
  ASSERT_TRUE(transport.Send(request, &response, &error)) << error.message;
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, big.substr(0, 4096));
  // Doubling never takes the buffer past the cap: the cap is all an answer can cost.
  EXPECT_LE(response.body.capacity(), 4096u);
  request.target = "/small";
  ASSERT_TRUE(transport.Send(request, &response, &error)) << error.message;
  EXPECT_EQ(response.body, "small");
}

TEST(CurlTransport, SendsTheRequestAsGivenAndReadsTheWholeAnswer) {
  LoopbackServer server([](const std::string&, const std::string&) {
    return Sized(201, R"({"ok":true})",
                 "Content-Type: application/json\r\nX-Multi: a\r\nx-multi:  b \r\n");
  });
  CurlTransport transport(TestEndpoint(server));
  HttpRequest request;
  request.method = "POST";
  request.target = "/v1/things?dry=1&x=%2F";
  request.headers = {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", "A.B"}};
  request.body = R"({"family":"web"})";
  HttpResponse response;
  HttpError error;
  ASSERT_TRUE(transport.Send(request, &response, &error)) << error.message;
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body, R"({"ok":true})");
  EXPECT_EQ(response.headers["content-type"], "application/json");
  EXPECT_EQ(response.headers["x-multi"], "a, b");
  EXPECT_EQ(response.headers["content-length"], "11");

  ASSERT_EQ(server.heads().size(), 1u);
  std::string head = server.heads()[0];
  EXPECT_EQ(RequestLine(head), "POST /v1/things?dry=1&x=%2F HTTP/1.1");
  EXPECT_NE(head.find("\r\nContent-Type: application/x-amz-json-1.1"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\nX-Amz-Target: A.B"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\nUser-Agent: rootlock/"), std::string::npos) << head;
  EXPECT_EQ(head.find("Expect:"), std::string::npos) << head;
  EXPECT_EQ(server.bodies()[0], request.body);
}

TEST(CurlTransport, ReusesOneConnectionForConsecutiveRequests) {
  LoopbackServer server(
      [](const std::string& head, const std::string&) { return Sized(200, RequestLine(head)); });
  CurlTransport transport(TestEndpoint(server));
  for (const std::string target : {"/version", "/containers/json?all=1", "/version"}) {
    HttpRequest request;
    request.target = target;
    HttpResponse response;
    HttpError error;
    ASSERT_TRUE(transport.Send(request, &response, &error)) << error.message;
    EXPECT_EQ(response.body, "GET " + target + " HTTP/1.1");
  }
  EXPECT_EQ(server.connections(), 1);
}

TEST(CurlTransport, SpeaksOverAUnixSocket) {
  std::string path = "/tmp/rootlock-http-test-" + std::to_string(getpid()) + ".sock";
  LoopbackServer server(
      [](const std::string& head, const std::string&) { return Sized(404, RequestLine(head)); },
      path);
  HttpEndpoint endpoint;
  endpoint.peer = "the test server";
  endpoint.base_url = "http://localhost";
  endpoint.socket_path = path;
  CurlTransport transport(endpoint);
  HttpRequest request;
  request.target = "/_ping";
  HttpResponse response;
  HttpError error;
  ASSERT_TRUE(transport.Send(request, &response, &error)) << error.message;
  EXPECT_EQ(response.status, 404);  // any status is an answer
  EXPECT_EQ(response.body, "GET /_ping HTTP/1.1");
  EXPECT_NE(server.heads()[0].find("\r\nHost: localhost"), std::string::npos);
}

TEST(CurlTransport, SaysWhyNoAnswerCame) {
  HttpRequest request;
  request.target = "/version";
  HttpResponse response;
  HttpError error;

  HttpEndpoint missing;
  missing.peer = "the test server";
  missing.base_url = "http://localhost";
  missing.socket_path = "/tmp/rootlock-http-test-nothing-here.sock";
  EXPECT_FALSE(CurlTransport(missing).Send(request, &response, &error));
  EXPECT_EQ(error.kind, HttpFailure::kNoSocket);
  EXPECT_EQ(error.message,
            "cannot reach the test server: " + missing.socket_path + " does not exist");

  // A port bound but not listening refuses connections, and no one else can take it meanwhile.
  int bound = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(bound, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(bound, reinterpret_cast<sockaddr*>(&addr), &len);
  HttpEndpoint refused;
  refused.peer = "the test server";
  refused.base_url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  EXPECT_FALSE(CurlTransport(refused).Send(request, &response, &error));
  close(bound);
  EXPECT_EQ(error.kind, HttpFailure::kRefused);
  EXPECT_EQ(error.message, "cannot reach the test server: connection refused");

  HttpEndpoint not_http;
  not_http.peer = "the test server";
  not_http.base_url = "file:///etc";
  EXPECT_FALSE(CurlTransport(not_http).Send(request, &response, &error));
  EXPECT_EQ(error.kind, HttpFailure::kOther);
  EXPECT_EQ(error.message,
            "cannot reach the test server: \"file:///etc\" is not an http:// or https:// URL");
}

TEST(CurlTransport, GivesUpAtTheRequestsTimeout) {
  LoopbackServer server([](const std::string&, const std::string&) {
    return LoopbackServer::Reply{};  // never answers
  });
  CurlTransport transport(TestEndpoint(server));
  HttpRequest request;
  request.target = "/slow";
  request.timeout = std::chrono::milliseconds(300);
  HttpResponse response;
  HttpError error;
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(transport.Send(request, &response, &error));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(error.kind, HttpFailure::kTimeout);
  EXPECT_TRUE(StartsWith(error.message, "cannot reach the test server: ")) << error.message;
}

TEST(CurlTransport, SendsDotSegmentsAsTheyAre) {
  LoopbackServer server(
      [](const std::string& head, const std::string&) { return Sized(404, RequestLine(head)); });
  CurlTransport transport(TestEndpoint(server));
  for (const std::string target :
       {"/v1.43/containers/../json", "/v1.43/containers/./x/json", "/a/%2E%2E/b"}) {
    HttpRequest request;
    request.target = target;
    HttpResponse response;
    HttpError error;
    ASSERT_TRUE(transport.Send(request, &response, &error)) << error.message;
    EXPECT_EQ(response.body, "GET " + target + " HTTP/1.1");  // not "GET /v1.43/json"
  }
}

TEST(PercentEncodePathSegment, KeepsOnlyWhatCannotChangeThePath) {
  EXPECT_EQ(PercentEncodePathSegment("web-1_a.b~C9"), "web-1_a.b~C9");
  EXPECT_EQ(PercentEncodePathSegment("a/b"), "a%2Fb");
  EXPECT_EQ(PercentEncodePathSegment("a%2Fb"), "a%252Fb");
  EXPECT_EQ(PercentEncodePathSegment("x?all=1#f"), "x%3Fall%3D1%23f");
  EXPECT_EQ(PercentEncodePathSegment("a b\r\n\x1b"), "a%20b%0D%0A%1B");
  EXPECT_EQ(PercentEncodePathSegment("caf\xc3\xa9"), "caf%C3%A9");
  EXPECT_EQ(PercentEncodePathSegment(".."), "%2E%2E");
  EXPECT_EQ(PercentEncodePathSegment("."), "%2E");
  EXPECT_EQ(PercentEncodePathSegment("..."), "%2E%2E%2E");
  EXPECT_EQ(PercentEncodePathSegment("..a"), "..a");
  EXPECT_EQ(PercentEncodePathSegment(""), "");
}

TEST(CurlTransport, TheRunsCapReplacesEachRequestsOwn) {
  const std::string body(10000, 'x');
  LoopbackServer server([&](const std::string&, const std::string&) { return Chunked(body); });
  CurlTransport transport(TestEndpoint(server));
  HttpLimits limits;
  limits.max_response_bytes = 20000;  // --max-response-size raises it
  transport.SetLimits(limits);
  HttpRequest request;
  request.target = "/list";
  request.max_response_bytes = 4096;
  HttpResponse response;
  HttpError error;
  ASSERT_TRUE(transport.Send(request, &response, &error)) << error.message;
  EXPECT_EQ(response.body, body);
  limits.max_response_bytes = 2048;  // or lowers it
  transport.SetLimits(limits);
  EXPECT_FALSE(transport.Send(request, &response, &error));
  EXPECT_EQ(error.kind, HttpFailure::kTooLarge);
  EXPECT_EQ(error.message,
            "the answer to GET /list from the test server is over the 2.0 KiB limit "
            "(--max-response-size)");
}

TEST(CurlTransport, TheRunsDeadlineCutsARequestShortAndStopsTheNext) {
  LoopbackServer server([](const std::string& head, const std::string&) {
    if (RequestLine(head) == "GET /fast HTTP/1.1") return Sized(200, "fast");
    return LoopbackServer::Reply{};  // never answers
  });
  CurlTransport transport(TestEndpoint(server));
  HttpLimits limits;
  limits.deadline = HttpTransport::Clock::now() + std::chrono::milliseconds(500);
  limits.deadline_name = "the 500ms deadline (--timeout)";
  transport.SetLimits(limits);
  HttpRequest request;
  request.target = "/fast";  // before the deadline: answered as ever
  HttpResponse response;
  HttpError error;
  ASSERT_TRUE(transport.Send(request, &response, &error)) << error.message;
  EXPECT_EQ(response.body, "fast");

  request.target = "/slow";  // no timeout of its own: the deadline ends it
  request.timeout = std::chrono::milliseconds(0);
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(transport.Send(request, &response, &error));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_GE(HttpTransport::Clock::now(), limits.deadline);
  EXPECT_EQ(error.kind, HttpFailure::kDeadline);
  EXPECT_EQ(error.message,
            "the 500ms deadline (--timeout) passed waiting for GET /slow from the test server");

  request.target = "/fast";  // after it: refused at once, never sent
  start = std::chrono::steady_clock::now();
  EXPECT_FALSE(transport.Send(request, &response, &error));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
  EXPECT_EQ(error.kind, HttpFailure::kDeadline);
  EXPECT_EQ(error.message,
            "the 500ms deadline (--timeout) passed before GET /fast was sent to the test server");
  EXPECT_EQ(server.heads().size(), 2u);
}

// A request that times out on its own, well before the deadline, is a timeout, not the deadline.
TEST(CurlTransport, ARequestsOwnTimeoutIsNotTheDeadline) {
  LoopbackServer server([](const std::string&, const std::string&) {
    return LoopbackServer::Reply{};  // never answers
  });
  CurlTransport transport(TestEndpoint(server));
  HttpLimits limits;
  limits.deadline = HttpTransport::Clock::now() + std::chrono::minutes(5);
  transport.SetLimits(limits);
  HttpRequest request;
  request.target = "/slow";
  request.timeout = std::chrono::milliseconds(300);
  HttpResponse response;
  HttpError error;
  EXPECT_FALSE(transport.Send(request, &response, &error));
  EXPECT_EQ(error.kind, HttpFailure::kTimeout);
}

}  // namespace
}  // namespace rootlock
