// A scripted HttpTransport for tests (only the test build has it): answers
// keyed by "METHOD target", every request kept in the order it came.
#ifndef ROOTLOCK_TESTS_FAKE_TRANSPORT_H_
#define ROOTLOCK_TESTS_FAKE_TRANSPORT_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "live/http.h"

namespace rootlock {

class FakeTransport final : public HttpTransport {
 public:
  /// Answers `method target` with `status` and `body` (every time it is asked).
  void Reply(const std::string& method, const std::string& target, int status, std::string body,
             std::map<std::string, std::string> headers = {}) {
    Script& s = scripts_[method + " " + target];
    s.failure.reset();
    s.response = HttpResponse{status, std::move(headers), std::move(body)};
  }

  /// Fails `method target` as a transport would: no answer at all.
  void Fail(const std::string& method, const std::string& target, HttpFailure kind,
            std::string message) {
    scripts_[method + " " + target].failure = HttpError::Of(kind, std::move(message));
  }

  /// Every request sent, in order.
  const std::vector<HttpRequest>& requests() const { return requests_; }

  /// "GET /version" for each request sent, in order: what tests compare.
  std::vector<std::string> Sent() const {
    std::vector<std::string> out;
    for (const HttpRequest& r : requests_) out.push_back(r.method + " " + r.target);
    return out;
  }

  /// A request nothing was scripted for fails (kOther) with a message that says so, and
  /// a body past the request's limit fails as CurlTransport's does (kTooLarge).
  bool Send(const HttpRequest& request, HttpResponse* response, HttpError* error) override {
    requests_.push_back(request);
    auto it = scripts_.find(request.method + " " + request.target);
    if (it == scripts_.end()) {
      *error = HttpError::Of(HttpFailure::kOther, "fake transport: nothing scripted for " +
                                                      request.method + " " + request.target);
      return false;
    }
    const Script& s = it->second;
    if (s.failure) {
      *error = *s.failure;
      return false;
    }
    if (s.response.body.size() > request.max_response_bytes) {
      *error = HttpError::Of(HttpFailure::kTooLarge, "fake transport: the answer to " +
                                                         request.method + " " + request.target +
                                                         " is over the request's limit");
      return false;
    }
    *response = s.response;
    return true;
  }

 private:
  struct Script {
    HttpResponse response;
    std::optional<HttpError> failure;
  };
  std::map<std::string, Script> scripts_;
  std::vector<HttpRequest> requests_;
};

}  // namespace rootlock

#endif  // ROOTLOCK_TESTS_FAKE_TRANSPORT_H_
