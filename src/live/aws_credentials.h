// Temporary AWS credentials from the places the SDKs' default chain looks beyond keys
// written down: STS AssumeRoleWithWebIdentity (EKS IRSA), a profile's credential_process,
// the container credentials endpoint (ECS tasks, EKS Pod Identity) and EC2 instance
// metadata (IMDSv2). Each is one function behind one type, AwsCredentialProvider;
// RefreshingCredentials keeps what one gave fresh. ResolveAwsConfig (aws_config.h) orders
// them. No message ever holds a key, a token or an endpoint's secret path.
#ifndef ROOTLOCK_LIVE_AWS_CREDENTIALS_H_
#define ROOTLOCK_LIVE_AWS_CREDENTIALS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "base/diagnostic.h"
#include "live/aws_sigv4.h"
#include "live/http.h"

namespace rootlock {

/// How providers reach the world; the binary's use libcurl, /bin/sh and the clock.
struct AwsFetchers {
  /// A transport to `base_url` ("http://169.254.169.254", "https://sts.amazonaws.com").
  std::function<std::unique_ptr<HttpTransport>(const std::string& base_url)> http;
  /// Runs a credential_process command line; its standard output in `out`. False when it
  /// cannot run or exits non-zero, with `why` (never its output).
  std::function<bool(const std::string& command, std::string* out, std::string* why)> run;
  /// Seconds since the epoch.
  std::function<int64_t()> now;
  static AwsFetchers Process();
};

/// Fetches credentials and when they expire (seconds since the epoch; 0: never). False
/// with one error line naming the source, never a secret.
using AwsCredentialProvider =
    std::function<bool(AwsCredentials* out, int64_t* expires, Diagnostic* error)>;

/// STS AssumeRoleWithWebIdentity (query protocol, unsigned): the token read from
/// `token_file` at each fetch (it rotates), as `role_arn`, at `sts_endpoint`.
AwsCredentialProvider WebIdentityProvider(
    std::string role_arn, std::string token_file, std::string session_name,
    std::string sts_endpoint, std::function<bool(const std::string&, std::string*)> read_file,
    AwsFetchers fetchers);
/// STS AssumeRole (query protocol, signed with `source`): a profile's role_arn.
AwsCredentialProvider AssumeRoleProvider(std::string role_arn, std::string session_name,
                                         std::string external_id, AwsCredentials source,
                                         std::string region, std::string sts_endpoint,
                                         AwsFetchers fetchers);
/// A profile's credential_process: its JSON (Version 1) on standard output.
AwsCredentialProvider ProcessProvider(std::string command, std::string profile,
                                      AwsFetchers fetchers);
/// The container endpoint: GET `url` ("http://169.254.170.2/v2/credentials/ID"), with
/// `authorization` (the token, or read from `token_file` at each fetch) when given.
AwsCredentialProvider ContainerProvider(
    std::string url, std::string authorization, std::string token_file,
    std::function<bool(const std::string&, std::string*)> read_file, AwsFetchers fetchers);
/// IMDSv2 at `endpoint` ("http://169.254.169.254"): a session token (PUT), the role's
/// name, then its credentials.
AwsCredentialProvider ImdsProvider(std::string endpoint, AwsFetchers fetchers);

/// "2026-11-30T00:15:00Z" (fraction and offset ignored: UTC) -> seconds; -1 if not one.
int64_t ParseIso8601(const std::string& text);

/// Credentials from a provider, kept fresh: fetched again when they expire within 15
/// minutes (the SDKs' advisory window); a failed refresh keeps the old ones while they
/// last. Thread-safe: every worker of a region shares one.
class RefreshingCredentials {
 public:
  RefreshingCredentials(AwsCredentialProvider provider, std::function<int64_t()> now);
  /// The current credentials, refreshed when due. False when there are none valid.
  bool Get(AwsCredentials* out, Diagnostic* error);
  /// How many times the provider was asked (tests).
  int fetches() const;

 private:
  AwsCredentialProvider provider_;
  std::function<int64_t()> now_;
  mutable std::mutex mu_;
  AwsCredentials current_;
  int64_t expires_ = 0;
  bool have_ = false;
  int fetches_ = 0;
};

}  // namespace rootlock

#endif  // ROOTLOCK_LIVE_AWS_CREDENTIALS_H_
