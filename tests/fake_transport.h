// A scripted HttpTransport for tests (only the test build has it): answers
// keyed by "METHOD target", every request kept in the order it came.
#ifndef ROOTLOCK_TESTS_FAKE_TRANSPORT_H_
#define ROOTLOCK_TESTS_FAKE_TRANSPORT_H_

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "live/http.h"

namespace rootlock {

class FakeTransport final : public HttpTransport {
 public:
  explicit FakeTransport(std::string peer = "the fake server") : HttpTransport(std::move(peer)) {}

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

  /// `method target` takes `delay` on the fake clock to answer: past the request's timeout it
  /// fails as CurlTransport's does (kTimeout, the clock moved by the timeout only).
  void Delay(const std::string& method, const std::string& target,
             std::chrono::milliseconds delay) {
    scripts_[method + " " + target].delay = delay;
  }

  /// Moves the fake clock that HttpTransport reads the deadline on.
  void Advance(std::chrono::milliseconds by) { now_ += by; }
  Clock::time_point Now() const override { return now_; }

  /// Every request sent, in order (as Send bounded it: its cap and timeout are the ones used).
  const std::vector<HttpRequest>& requests() const { return requests_; }

  /// "GET /version" for each request sent, in order: what tests compare.
  std::vector<std::string> Sent() const {
    std::vector<std::string> out;
    for (const HttpRequest& r : requests_) out.push_back(r.method + " " + r.target);
    return out;
  }

  /// A request nothing was scripted for fails (kOther) with a message that says so, and
  /// a body past the request's limit fails as CurlTransport's does (kTooLarge).
  bool Exchange(const HttpRequest& request, HttpResponse* response, HttpError* error) override {
    requests_.push_back(request);
    auto it = scripts_.find(request.method + " " + request.target);
    if (it == scripts_.end()) {
      *error = HttpError::Of(HttpFailure::kOther, "fake transport: nothing scripted for " +
                                                      request.method + " " + request.target);
      return false;
    }
    const Script& s = it->second;
    if (s.delay > request.timeout) {
      now_ += request.timeout;
      *error = HttpError::Of(HttpFailure::kTimeout, "fake transport: " + request.method + " " +
                                                        request.target + " timed out");
      return false;
    }
    now_ += s.delay;
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
    std::chrono::milliseconds delay{0};
  };
  std::map<std::string, Script> scripts_;
  std::vector<HttpRequest> requests_;
  Clock::time_point now_{};  // the fake clock: starts at its epoch, moves only when told
};

}  // namespace rootlock

#endif  // ROOTLOCK_TESTS_FAKE_TRANSPORT_H_
