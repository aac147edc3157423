// AWS Signature Version 4 (header signing), as the SDKs sign requests: the canonical
// request, the string to sign, the derived signing key and the Authorization header.
// Checked against AWS's own test suite and against botocore signing the same requests.
#ifndef ROOTLOCK_LIVE_AWS_SIGV4_H_
#define ROOTLOCK_LIVE_AWS_SIGV4_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rootlock {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials only
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

/// A request as it will be sent. `path` is as written on the request line (it may hold
/// spaces or UTF-8; each segment is percent-encoded for the canonical request), `query`
/// is what follows '?' ("" for none). `headers` must include Host.
struct SigV4Request {
  std::string method = "GET";
  std::string path = "/";
  std::string query;
  HttpHeaders headers;
  std::string body;
};

struct SigV4Options {
  std::string region;
  std::string service;
  int64_t time = 0;  // seconds since the epoch: X-Amz-Date
  /// Remove "." and ".." segments and empty ones from the path, as every service but S3.
  bool normalize_path = true;
  /// Also send (and sign) X-Amz-Content-Sha256, the body's hash.
  bool sign_body = false;
  /// Add X-Amz-Security-Token after signing rather than sign it (a few services, like
  /// IoT, want that); the SDKs sign it.
  bool omit_session_token = false;
};

struct SigV4Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // lowercase hex
  /// The headers to add to the request, in order: X-Amz-Date, X-Amz-Security-Token
  /// (with a session token), X-Amz-Content-Sha256 (with sign_body), Authorization.
  HttpHeaders headers;
};

/// Signs `request`. Never fails; the credentials are used, not copied anywhere the
/// result could print (the signature is a one-way function of the secret).
SigV4Signature SignV4(const SigV4Request& request, const AwsCredentials& credentials,
                      const SigV4Options& options);

/// "20150830T123600Z".
std::string AmzDate(int64_t seconds);

}  // namespace rootlock

#endif  // ROOTLOCK_LIVE_AWS_SIGV4_H_
