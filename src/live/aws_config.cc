#include "live/aws_config.h"

#include <cstdlib>
#include <sstream>
#include <vector>

#include "base/file_system.h"
#include "base/text.h"

namespace rootlock {
namespace {

constexpr uint64_t kMaxAwsFileBytes = 1024 * 1024;

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// The SDKs' variables for an endpoint of one service: AWS_ENDPOINT_URL_ECS.
std::string ServiceEnvName(const std::string& service) {
  std::string out = "AWS_ENDPOINT_URL_";
  for (char c : service) {
    out +=
        c == '-' || c == ' ' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

// "a; b; c".
std::string JoinTried(const std::vector<std::string>& tried) {
  std::string out;
  for (const std::string& t : tried) out += (out.empty() ? "" : "; ") + t;
  return out;
}

// The SDKs' rule for AWS_CONTAINER_CREDENTIALS_FULL_URI: https anywhere; http only to a
// loopback address or the ECS and EKS link-local endpoints.
bool ContainerEndpointAllowed(const std::string& url) {
  if (url.rfind("https://", 0) == 0) return true;
  if (url.rfind("http://", 0) != 0) return false;
  std::string authority = url.substr(7, url.find('/', 7) - 7);
  std::string host = authority[0] == '[' ? authority.substr(0, authority.find(']') + 1)
                                         : authority.substr(0, authority.find(':'));
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "[::1]" ||
         host == "169.254.170.2" || host == "169.254.170.23" || host == "[fd00:ec2::23]";
}

std::string HomeFile(const AwsEnvironment& env, const std::string& variable,
                     const std::string& default_name) {
  std::string set = env.get(variable);
  if (!set.empty()) return set;
  std::string home = env.get("HOME");
  return (home.empty() ? std::string(".") : home) + "/.aws/" + default_name;
}

}  // namespace

AwsEnvironment AwsEnvironment::Process() {
  AwsEnvironment env;
  env.get = [](const std::string& name) {
    const char* v = std::getenv(name.c_str());
    return std::string(v ? v : "");
  };
  // The shared files are small: a bounded read, like every other input.
  env.read_file = [](const std::string& path, std::string* text) {
    Diagnostic ignored;
    return ReadFileBytes(path, /*regular=*/false, kMaxAwsFileBytes, text, &ignored);
  };
  env.fetchers = AwsFetchers::Process();
  return env;
}

AwsIniFile ParseAwsIni(const std::string& text) {
  AwsIniFile out;
  std::istringstream in(text);
  std::string line, section, parent;
  while (std::getline(in, line)) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = Trim(t.substr(1, t.size() - 2));
      out[section];
      parent.clear();
      continue;
    }
    if (section.empty()) continue;
    bool nested = line[0] == ' ' || line[0] == '\t';
    size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    std::string key = ToLower(Trim(t.substr(0, eq)));
    std::string value = Trim(t.substr(eq + 1));
    if (nested && !parent.empty()) {
      out[section][parent + "." + key] = value;
    } else {
      out[section][key] = value;
      parent = value.empty() ? key : "";
    }
  }
  return out;
}

std::string AwsServiceEndpoint(const std::string& service, const std::string& region) {
  std::string suffix = region.rfind("cn-", 0) == 0 ? ".amazonaws.com.cn" : ".amazonaws.com";
  return "https://" + service + "." + region + suffix;
}

bool ResolveAwsConfig(const std::string& service, const AwsOptions& options,
                      const AwsEnvironment& env, AwsClientConfig* config, Diagnostic* error) {
  std::string profile = !options.profile.empty()          ? options.profile
                        : !env.get("AWS_PROFILE").empty() ? env.get("AWS_PROFILE")
                                                          : "default";
  config->profile = profile;
  std::string config_path = HomeFile(env, "AWS_CONFIG_FILE", "config");
  std::string credentials_path = HomeFile(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
  AwsIniFile config_file, credentials_file;
  std::string text;
  if (env.read_file(config_path, &text)) config_file = ParseAwsIni(text);
  text.clear();
  if (env.read_file(credentials_path, &text)) credentials_file = ParseAwsIni(text);
  // In the config file a profile is "[profile NAME]", except "[default]".
  const std::map<std::string, std::string>* from_config = nullptr;
  for (const std::string& name : {"profile " + profile, profile}) {
    auto it = config_file.find(name);
    if (it != config_file.end() && (name != profile || profile == "default")) {
      from_config = &it->second;
      break;
    }
  }
  auto setting = [&](const std::string& key) -> std::string {
    auto c = credentials_file.find(profile);
    if (c != credentials_file.end()) {
      auto v = c->second.find(key);
      if (v != c->second.end() && !v->second.empty()) return v->second;
    }
    if (from_config) {
      auto v = from_config->find(key);
      if (v != from_config->end()) return v->second;
    }
    return "";
  };

  config->region = !options.region.empty()                  ? options.region
                   : !env.get("AWS_REGION").empty()         ? env.get("AWS_REGION")
                   : !env.get("AWS_DEFAULT_REGION").empty() ? env.get("AWS_DEFAULT_REGION")
                                                            : setting("region");

  // Credentials: the environment (unless a profile was named on the command line, as the
  // CLI does), then the profile, then the container and instance endpoints.
  AwsCredentials& creds = config->credentials;
  creds = {};
  config->refreshing.reset();
  bool env_first = options.profile.empty();
  AwsFetchers fetchers = env.fetchers;
  if (!fetchers.now) fetchers.now = [] { return int64_t{0}; };
  std::string sts = !env.get("AWS_ENDPOINT_URL_STS").empty() ? env.get("AWS_ENDPOINT_URL_STS")
                    : !env.get("AWS_ENDPOINT_URL").empty()   ? env.get("AWS_ENDPOINT_URL")
                    : config->region.empty()                 ? "https://sts.amazonaws.com"
                                             : AwsServiceEndpoint("sts", config->region);
  while (!sts.empty() && sts.back() == '/') sts.pop_back();
  std::string session = !env.get("AWS_ROLE_SESSION_NAME").empty() ? env.get("AWS_ROLE_SESSION_NAME")
                        : !setting("role_session_name").empty()
                            ? setting("role_session_name")
                            : "rootlock-" + std::to_string(fetchers.now());
  AwsCredentialProvider provider;
  std::vector<std::string> tried;
  if (env_first) {
    tried.push_back("AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY");
    tried.push_back("AWS_WEB_IDENTITY_TOKEN_FILE/AWS_ROLE_ARN");
  }
  tried.push_back("profile '" + profile + "' in " + credentials_path + " and " + config_path);
  tried.push_back("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI");
  if (env_first && !env.get("AWS_ACCESS_KEY_ID").empty() &&
      !env.get("AWS_SECRET_ACCESS_KEY").empty()) {
    creds.access_key_id = env.get("AWS_ACCESS_KEY_ID");
    creds.secret_access_key = env.get("AWS_SECRET_ACCESS_KEY");
    creds.session_token = env.get("AWS_SESSION_TOKEN");
    config->credentials_source = "environment variables";
  } else if (env_first && !env.get("AWS_WEB_IDENTITY_TOKEN_FILE").empty() &&
             !env.get("AWS_ROLE_ARN").empty()) {
    provider = WebIdentityProvider(env.get("AWS_ROLE_ARN"), env.get("AWS_WEB_IDENTITY_TOKEN_FILE"),
                                   session, sts, env.read_file, fetchers);
    config->credentials_source = "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)";
  } else if (!setting("aws_access_key_id").empty() && !setting("aws_secret_access_key").empty()) {
    creds.access_key_id = setting("aws_access_key_id");
    creds.secret_access_key = setting("aws_secret_access_key");
    creds.session_token = setting("aws_session_token");
    config->credentials_source = "profile '" + profile + "'";
  } else if (!setting("role_arn").empty() && !setting("web_identity_token_file").empty()) {
    provider = WebIdentityProvider(setting("role_arn"), setting("web_identity_token_file"), session,
                                   sts, env.read_file, fetchers);
    config->credentials_source = "web identity of profile '" + profile + "'";
  } else if (!setting("role_arn").empty() && !setting("source_profile").empty()) {
    // The source profile's own keys sign the AssumeRole call (one hop, as written).
    std::string source = setting("source_profile");
    AwsCredentials from;
    auto c = credentials_file.find(source);
    if (c != credentials_file.end()) {
      from.access_key_id = c->second["aws_access_key_id"];
      from.secret_access_key = c->second["aws_secret_access_key"];
      from.session_token = c->second["aws_session_token"];
    }
    if (from.access_key_id.empty() || from.secret_access_key.empty()) {
      error->message = "profile '" + profile + "' assumes " + setting("role_arn") +
                       " from profile '" + source + "', which has no keys in " + credentials_path;
      return false;
    }
    provider = AssumeRoleProvider(setting("role_arn"), session, setting("external_id"), from,
                                  config->region, sts, fetchers);
    config->credentials_source = "role of profile '" + profile + "'";
  } else if (!setting("credential_process").empty()) {
    provider = ProcessProvider(setting("credential_process"), profile, fetchers);
    config->credentials_source = "credential_process of profile '" + profile + "'";
  } else if (!env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").empty() ||
             !env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI").empty()) {
    std::string url =
        !env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").empty()
            ? "http://169.254.170.2" + env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
            : env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (!ContainerEndpointAllowed(url)) {
      error->message =
          "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback address, "
          "169.254.170.2 or 169.254.170.23";
      return false;
    }
    provider = ContainerProvider(url, env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
                                 env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"), env.read_file,
                                 fetchers);
    config->credentials_source = "the container credentials endpoint";
  } else if (ToLower(env.get("AWS_EC2_METADATA_DISABLED")) != "true" && fetchers.http) {
    std::string imds = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (imds.empty()) imds = "http://169.254.169.254";
    while (!imds.empty() && imds.back() == '/') imds.pop_back();
    provider = ImdsProvider(imds, fetchers);
    config->credentials_source = "EC2 instance metadata";
  } else if (fetchers.http) {
    tried.push_back("not EC2 instance metadata (AWS_EC2_METADATA_DISABLED)");
  }
  if (provider) {
    config->refreshing = std::make_shared<RefreshingCredentials>(provider, fetchers.now);
    Diagnostic why;
    if (!config->refreshing->Get(&creds, &why)) {
      bool imds = config->credentials_source == "EC2 instance metadata";
      error->message =
          imds ? "no AWS credentials found: tried " + JoinTried(tried) + "; " + why.message
               : "no AWS credentials from " + config->credentials_source + ": " + why.message;
      return false;
    }
  } else if (creds.access_key_id.empty()) {
    error->message = "no AWS credentials found: tried " + JoinTried(tried);
    return false;
  }

  if (config->region.empty()) {
    error->message =
        "no AWS region: give --region, or set AWS_REGION, AWS_DEFAULT_REGION or the region of "
        "profile '" +
        profile + "' in " + config_path;
    return false;
  }
  std::string endpoint = !options.endpoint_url.empty() ? options.endpoint_url
                         : !env.get(ServiceEnvName(service)).empty()
                             ? env.get(ServiceEnvName(service))
                             : env.get("AWS_ENDPOINT_URL");
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  config->endpoint = endpoint.empty() ? AwsServiceEndpoint(service, config->region) : endpoint;
  return true;
}

}  // namespace rootlock
