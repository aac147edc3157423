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
  if (len > t->max_bytes - t->response->body.size()) {
    t->too_large = true;
    return 0;  // anything but len stops the transfer (CURLE_WRITE_ERROR)
  }
  t->response->body.append(data, len);
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

CurlTransport::CurlTransport(HttpEndpoint endpoint) : endpoint_(std::move(endpoint)) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  (void)initialised;
  curl_ = curl_easy_init();
}

CurlTransport::~CurlTransport() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

bool CurlTransport::Send(const HttpRequest& request, HttpResponse* response, HttpError* error) {
  CURL* c = static_cast<CURL*>(curl_);
  *error = HttpError{};
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
      error->kind = HttpFailure::kTooLarge;
      error->message = "the answer to " + request.method + " " + request.target + " from " +
                       endpoint_.peer + " is larger than " +
                       FormatBytes(request.max_response_bytes) + "; not read";
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
