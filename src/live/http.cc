#include "live/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <string_view>

#include "base/file_system.h"
#include "base/text.h"

namespace rootlock {

namespace {

// What one transfer writes into while curl runs.
struct Transfer {
  HttpResponse* response;
  uint64_t max_bytes;
  bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  std::string& body = t->response->body;
  if (len > t->max_bytes - body.size()) {
    t->too_large = true;
    return 0;  // anything but len stops the transfer (CURLE_WRITE_ERROR)
  }
  // Grow by doubling, but never past the cap, and straight to the cap once past its half: the
  // last copy is then made from at most half the cap, so an answer that never ends costs about
  // the cap in memory, not twice it (doubling from just under the cap would copy it whole).
  if (body.size() + len > body.capacity()) {
    uint64_t want = std::max<uint64_t>(2 * uint64_t{body.capacity()}, body.size() + len);
    if (want > t->max_bytes / 2) want = t->max_bytes;
    body.reserve(static_cast<size_t>(want));
  }
  body.append(data, len);
  return len;
}

// One header line at a time, "Name: value\r\n"; a status line starts a new set
// (an interim 1xx answer has headers of its own).
size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (StartsWith(line, "HTTP/")) {
    t->response->headers.clear();
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return size * n;
  std::string name = ToLower(line.substr(0, colon));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  auto [it, inserted] = t->response->headers.emplace(name, value);
  if (!inserted) it->second.append(", ").append(value);
  return size * n;
}

// Header fields for one request, freed when it is done.
class HeaderList {
 public:
  HeaderList() = default;
  HeaderList(const HeaderList&) = delete;
  HeaderList& operator=(const HeaderList&) = delete;
  ~HeaderList() { curl_slist_free_all(list_); }
  void Add(const std::string& field) {
    if (curl_slist* list = curl_slist_append(list_, field.c_str())) list_ = list;
  }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

}  // namespace

std::string PercentEncodePathSegment(std::string_view segment) {
  static const char kHex[] = "0123456789ABCDEF";
  bool dots_only = !segment.empty() && segment.find_first_not_of('.') == std::string_view::npos;
  std::string out;
  out.reserve(segment.size());
  for (char ch : segment) {
    auto c = static_cast<unsigned char>(ch);
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '~' || (c == '.' && !dots_only);
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

bool HttpTransport::Send(const HttpRequest& request, HttpResponse* response, HttpError* error) {
  *error = HttpError{};
  const std::string what = request.method + " " + request.target;
  HttpRequest bounded = request;
  if (limits_.max_response_bytes != 0) bounded.max_response_bytes = limits_.max_response_bytes;
  bool deadline_shortens = false;
  if (limits_.deadline != Clock::time_point::max()) {
    // Rounded up, so a request cut by the deadline ends at it, not a moment before.
    auto left = std::chrono::ceil<std::chrono::milliseconds>(limits_.deadline - Now());
    if (left <= std::chrono::milliseconds(0)) {
      *error = HttpError::Of(HttpFailure::kDeadline, limits_.deadline_name + " passed before " +
                                                         what + " was sent to " + peer_);
      return false;
    }
    // A timeout of 0 is none at all: the deadline is then the only one.
    if (bounded.timeout <= std::chrono::milliseconds(0) || left < bounded.timeout) {
      bounded.timeout = left;
      deadline_shortens = true;
    }
  }
  if (Exchange(bounded, response, error)) return true;
  if (error->kind == HttpFailure::kTimeout && deadline_shortens && Now() >= limits_.deadline) {
    *error = HttpError::Of(HttpFailure::kDeadline, limits_.deadline_name + " passed waiting for " +
                                                       what + " from " + peer_);
  } else if (error->kind == HttpFailure::kTooLarge) {
    *error =
        HttpError::Of(HttpFailure::kTooLarge,
                      "the answer to " + what + " from " + peer_ + " is over the " +
                          FormatBytes(bounded.max_response_bytes) + " limit (--max-response-size)");
  }
  return false;
}

CurlTransport::CurlTransport(HttpEndpoint endpoint, HttpEndpointExtras extras)
    : HttpTransport(endpoint.peer), endpoint_(std::move(endpoint)), extras_(std::move(extras)) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  (void)initialised;
  curl_ = curl_easy_init();
}

CurlTransport::~CurlTransport() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

bool CurlTransport::Exchange(const HttpRequest& request, HttpResponse* response, HttpError* error) {
  CURL* c = static_cast<CURL*>(curl_);
  if (!c) {
    error->message = "cannot start the HTTP client";
    return false;
  }
  if (!StartsWith(endpoint_.base_url, "http://") && !StartsWith(endpoint_.base_url, "https://")) {
    error->message = "cannot reach " + endpoint_.peer + ": " + QuoteForMessage(endpoint_.base_url) +
                     " is not an http:// or https:// URL";
    return false;
  }
  *response = HttpResponse{};
  Transfer transfer{response, request.max_response_bytes};
  std::string url = endpoint_.base_url + request.target;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  // The target goes out as its client built it: "/a/../b" is not turned into "/b".
  curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
  if (request.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else {
    if (request.method != "POST") {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (request.method == "POST" || !request.body.empty()) {
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    }
  }
  HeaderList headers;
  for (const auto& [name, value] : request.headers) {
    // "Name;" is how curl is told to send a field with an empty value.
    headers.Add(value.empty() ? name + ";" : name + ": " + value);
  }
  if (!request.body.empty()) headers.Add("Expect:");  // no 100-continue round trip
  if (headers.get()) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &transfer);
  // A length announced past the limit stops the transfer before the body comes.
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(std::min<uint64_t>(
                       request.max_response_bytes, std::numeric_limits<curl_off_t>::max())));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::chrono::milliseconds(endpoint_.connect_timeout).count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "rootlock/" ROOTLOCK_VERSION);
  if (!endpoint_.socket_path.empty()) {
    curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, endpoint_.socket_path.c_str());
  }
  if (!endpoint_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, endpoint_.ca_file.c_str());
  if (!endpoint_.cert_file.empty()) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, endpoint_.cert_file.c_str());
  }
  if (!endpoint_.key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, endpoint_.key_file.c_str());
  // Not copied: the endpoint outlives every transfer.
  curl_blob ca_blob{extras_.ca_pem.data(), extras_.ca_pem.size(), CURL_BLOB_NOCOPY};
  curl_blob cert_blob{extras_.cert_pem.data(), extras_.cert_pem.size(), CURL_BLOB_NOCOPY};
  curl_blob key_blob{extras_.key_pem.data(), extras_.key_pem.size(), CURL_BLOB_NOCOPY};
  if (!extras_.ca_pem.empty()) curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &ca_blob);
  if (!extras_.cert_pem.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT_BLOB, &cert_blob);
  if (!extras_.key_pem.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY_BLOB, &key_blob);
  if (!extras_.proxy.empty()) curl_easy_setopt(c, CURLOPT_PROXY, extras_.proxy.c_str());
  curl_slist connect_to{const_cast<char*>(extras_.connect_to.c_str()), nullptr};
  if (!extras_.connect_to.empty()) curl_easy_setopt(c, CURLOPT_CONNECT_TO, &connect_to);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, endpoint_.verify ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, endpoint_.verify ? 2L : 0L);

  CURLcode rc = curl_easy_perform(c);
  long os_errno = 0, status = 0;
  curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  // Forget this request's options, which point into this frame; the open connection stays.
  curl_easy_reset(c);
  if (rc != CURLE_OK) {
    if (transfer.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
      error->kind = HttpFailure::kTooLarge;  // HttpTransport::Send says it
      return false;
    }
    // errno is the connect's: only a failed connect has one of its own.
    if (rc != CURLE_COULDNT_CONNECT) os_errno = 0;
    if (os_errno == EACCES) {
      error->kind = HttpFailure::kPermissionDenied;
      error->message = "permission denied on " + endpoint_.peer;
    } else if (os_errno == ENOENT && !endpoint_.socket_path.empty()) {
      error->kind = HttpFailure::kNoSocket;
      error->message =
          "cannot reach " + endpoint_.peer + ": " + endpoint_.socket_path + " does not exist";
    } else if (os_errno == ECONNREFUSED) {
      error->kind = HttpFailure::kRefused;
      error->message = "cannot reach " + endpoint_.peer + ": connection refused";
    } else {
      error->kind = rc == CURLE_OPERATION_TIMEDOUT ? HttpFailure::kTimeout : HttpFailure::kOther;
      error->message =
          "cannot reach " + endpoint_.peer + ": " + (errbuf[0] ? errbuf : curl_easy_strerror(rc));
    }
    return false;
  }
  response->status = static_cast<int>(status);
  return true;
}

}  // namespace rootlock
