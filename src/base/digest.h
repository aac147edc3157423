// Digests and encodings: SHA-256 (OpenSSL's libcrypto), hex and base64. Shared by the HTML
// report's Content-Security-Policy hashes and, next, AWS request signing.
#ifndef ROOTLOCK_BASE_DIGEST_H_
#define ROOTLOCK_BASE_DIGEST_H_

#include <string>
#include <string_view>

namespace rootlock {

/// The SHA-256 digest of `data`: 32 raw bytes.
std::string Sha256(std::string_view data);

/// HMAC-SHA256 of `data` under `key`: 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view data);

/// Lowercase hexadecimal: "9f86d0...".
std::string HexLower(std::string_view bytes);

/// Standard base64 (RFC 4648 section 4) with padding.
std::string Base64(std::string_view bytes);

}  // namespace rootlock

#endif  // ROOTLOCK_BASE_DIGEST_H_
