// Where an AWS client gets its credentials, region and endpoint, in the order the SDKs
// look: the environment's keys, web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN),
// the shared config and credentials files (a profile's keys, role_arn with source_profile
// or web_identity_token_file, credential_process), the container credentials endpoint,
// then EC2 instance metadata (IMDSv2). The temporary ones come from aws_credentials.h.
#ifndef ROOTLOCK_LIVE_AWS_CONFIG_H_
#define ROOTLOCK_LIVE_AWS_CONFIG_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "base/diagnostic.h"
#include "live/aws_credentials.h"
#include "live/aws_sigv4.h"

namespace rootlock {

/// What the SDKs read from outside the command line; tests give their own.
struct AwsEnvironment {
  /// The process environment: "" for an unset variable.
  std::function<std::string(const std::string&)> get;
  /// Reads a whole file; false when it cannot be read (absent, unreadable).
  std::function<bool(const std::string& path, std::string* text)> read_file;
  /// HTTP, commands and the clock for temporary credentials; without `http` (as in
  /// tests of the files alone) no endpoint is asked and instance metadata is not tried.
  AwsFetchers fetchers;
  /// The real environment and file system.
  static AwsEnvironment Process();
};

/// An INI file as the AWS CLI reads it: sections of key = value, '#' and ';' comments.
/// Keys are lower-cased; a repeated key keeps its last value. Nested (indented) settings
/// are kept as "parent.child".
using AwsIniFile = std::map<std::string, std::map<std::string, std::string>>;
AwsIniFile ParseAwsIni(const std::string& text);

/// What the command line says (empty: not said).
struct AwsOptions {
  std::string profile;
  std::string region;
  std::string endpoint_url;
};

/// The settings of one client: where to send, as whom.
struct AwsClientConfig {
  AwsCredentials credentials;
  /// Temporary credentials (web identity, a role, a process, the container or instance
  /// metadata): where to get them fresh; `credentials` holds the first ones. Null for keys
  /// written down. Shared by every client of the region.
  std::shared_ptr<RefreshingCredentials> refreshing;
  /// Where the credentials came from, for messages: "environment variables",
  /// "profile 'prod' in ~/.aws/credentials". Never the credentials themselves.
  std::string credentials_source;
  std::string region;
  /// "https://ecs.eu-west-1.amazonaws.com", or the endpoint override.
  std::string endpoint;
  std::string profile;
};

/// Resolves credentials, region and the endpoint of `service` ("ecs"). False with one
/// error line when something is missing, naming every place that was tried.
bool ResolveAwsConfig(const std::string& service, const AwsOptions& options,
                      const AwsEnvironment& env, AwsClientConfig* config, Diagnostic* error);

/// "https://ecs.eu-west-1.amazonaws.com"; ".amazonaws.com.cn" in the China regions.
std::string AwsServiceEndpoint(const std::string& service, const std::string& region);

}  // namespace rootlock

#endif  // ROOTLOCK_LIVE_AWS_CONFIG_H_
