#include "model/finding.h"

#include <cstdint>
#include <string_view>

namespace rootlock {

std::string_view StatusName(Status s) {
  switch (s) {
    case Status::kPass:
      return "pass";
    case Status::kFail:
      return "fail";
    case Status::kNotApplicable:
      return "n/a";
    case Status::kSkipped:
      return "skipped";
    case Status::kError:
      return "error";
  }
  return "error";
}

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "low";
}

namespace {

// 64-bit FNV-1a: small, fast, and the same bytes on every platform and run.
class Fnv1a64 {
 public:
  // Each field is hashed with its length first, so ("ab", "c") and ("a", "bc") differ.
  void Field(std::string_view s) {
    std::string size = std::to_string(s.size());
    Bytes(size);
    Bytes(":");
    Bytes(s);
  }
  uint64_t value() const { return hash_; }

 private:
  void Bytes(std::string_view s) {
    for (unsigned char c : s) {
      hash_ ^= c;
      hash_ *= 0x100000001b3ull;
    }
  }
  uint64_t hash_ = 0xcbf29ce484222325ull;
};

}  // namespace

std::string Fingerprint(const Finding& f) {
  Fnv1a64 h;
  h.Field("rootlock-fingerprint-v1");
  h.Field(f.rule ? f.rule->id : "");
  h.Field(PlatformName(f.platform));
  h.Field(f.where.file);
  h.Field(f.namespace_);
  h.Field(f.resource);
  h.Field(f.container);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  uint64_t v = h.value();
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<size_t>(i)] = kHex[v & 0xF];
  return out;
}

}  // namespace rootlock
