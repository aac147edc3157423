// AdmissionReview (admission.k8s.io/v1) in, AdmissionReview out: the webhook's
// decisions, with no network in sight. The same pipeline as scan judges the
// object (adapters, the config's exemptions, every rule); /mutate renders the
// same remedies as `fix --json-patch`. The reply is what the API server accepts
// (docs/webhook.md): the request's uid echoed, apiVersion and kind exact,
// `allowed` a boolean, 403 with every failing container and rule on a deny,
// warnings of at most 120 characters, a patch only from /mutate. A body that
// cannot be read as a review is refused (HTTP 400), never allowed.
#ifndef ROOTLOCK_SERVER_ADMISSION_H_
#define ROOTLOCK_SERVER_ADMISSION_H_

#include <string>
#include <string_view>
#include <vector>

#include "fix/fix.h"

namespace rootlock {

enum class WebhookMode { kEnforce, kWarn };
enum class AdmissionEndpoint { kValidate, kMutate };

struct AdmissionOptions {
  WebhookMode mode = WebhookMode::kEnforce;
  /// Rules, limits and the config in force (fix.scan.config, or nullptr);
  /// --writable paths for /mutate.
  FixOptions fix;
};

/// What one review decided: the HTTP reply and what metrics count.
struct AdmissionOutcome {
  int http_status = 200;
  std::string content_type = "application/json";
  std::string body;
  /// CREATE, UPDATE, DELETE, CONNECT; "" when the body could not be read.
  std::string operation;
  /// "allowed", "denied", "warned" (allowed with warnings), "patched",
  /// "skipped" (not judged: DELETE, CONNECT, a subresource, a Pod's UPDATE on
  /// /mutate), "invalid" (400).
  std::string decision;
  /// The rules that failed, by slug, each once, in registry order.
  std::vector<std::string> rules;
};

/// Most characters the API server shows of one warning.
inline constexpr size_t kMaxWarningLength = 120;

/// Answers one AdmissionReview body. Thread-safe as long as `options` is not
/// changed meanwhile.
AdmissionOutcome Review(AdmissionEndpoint endpoint, std::string_view body,
                        const AdmissionOptions& options);

/// `s` cut to at most `max` bytes on a UTF-8 boundary, "..." marking a cut,
/// control characters escaped.
std::string ShortWarning(std::string_view s, size_t max = kMaxWarningLength);

}  // namespace rootlock

#endif  // ROOTLOCK_SERVER_ADMISSION_H_
