// Where an AWS client gets its credentials, region and endpoint, in the order the SDKs
// look: the environment, then the shared config and credentials files (profiles). More
// sources (web identity, credential_process, assumed roles, container and instance
// metadata) come with rootlock ecs (issue 16); each is one more step of Resolve.
#ifndef ROOTLOCK_LIVE_AWS_CONFIG_H_
#define ROOTLOCK_LIVE_AWS_CONFIG_H_

#include <functional>
#include <map>
#include <string>

#include "base/diagnostic.h"
#include "live/aws_sigv4.h"

namespace rootlock {

/// What the SDKs read from outside the command line; tests give their own.
struct AwsEnvironment {
  /// The process environment: "" for an unset variable.
  std::function<std::string(const std::string&)> get;
  /// Reads a whole file; false when it cannot be read (absent, unreadable).
  std::function<bool(const std::string& path, std::string* text)> read_file;
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
