#include "live/aws_credentials.h"

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "parse/reader.h"

namespace rootlock {
namespace {

constexpr uint64_t kMaxCredentialBytes = 64 * 1024;
constexpr int64_t kRefreshWindow = 15 * 60;  // botocore's advisory refresh

// RFC 3986 encoding for a form value: unreserved characters kept.
std::string FormEncode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// "http://host:port/path?q" -> ("http://host:port", "/path?q").
void SplitUrl(const std::string& url, std::string* base, std::string* target) {
  size_t scheme = url.find("://");
  size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  *base = slash == std::string::npos ? url : url.substr(0, slash);
  *target = slash == std::string::npos ? "/" : url.substr(slash);
}

// The text of the first <tag>...</tag>, with XML's five entities decoded; "" if none.
std::string XmlText(const std::string& xml, const std::string& tag) {
  size_t b = xml.find("<" + tag + ">");
  if (b == std::string::npos) return "";
  b += tag.size() + 2;
  size_t e = xml.find("</" + tag + ">", b);
  if (e == std::string::npos) return "";
  std::string raw = xml.substr(b, e - b), out;
  static const std::pair<const char*, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  for (size_t i = 0; i < raw.size();) {
    bool decoded = false;
    for (const auto& [name, c] : kEntities) {
      if (raw.compare(i, std::char_traits<char>::length(name), name) == 0) {
        out += c;
        i += std::char_traits<char>::length(name);
        decoded = true;
        break;
      }
    }
    if (!decoded) out += raw[i++];
  }
  return out;
}

// A JSON object's keys as the container endpoint, IMDS and credential_process write them.
bool CredentialsFromJson(const std::string& json, const char* token_key, AwsCredentials* out,
                         int64_t* expires, std::string* why) {
  ParsedSource parsed = ReadJson("credentials", json);
  const Node* root = parsed.has_error ? nullptr : parsed.documents[0].root;
  if (!root || !root->IsMapping()) {
    *why = "the answer is not a JSON object";
    return false;
  }
  auto text = [&](const char* key) {
    const Node* n = root->Get(key);
    return n && n->IsScalar() ? std::string(n->Scalar()) : std::string();
  };
  if (std::string code = text("Code"); !code.empty() && code != "Success") {
    *why = "the answer's Code is " + code.substr(0, 64);
    return false;
  }
  out->access_key_id = text("AccessKeyId");
  out->secret_access_key = text("SecretAccessKey");
  out->session_token = text(token_key);
  if (out->access_key_id.empty() || out->secret_access_key.empty()) {
    *why = "the answer holds no AccessKeyId and SecretAccessKey";
    return false;
  }
  *expires = 0;
  if (std::string e = text("Expiration"); !e.empty()) {
    *expires = ParseIso8601(e);
    if (*expires < 0) {
      *why = "its Expiration is not an ISO 8601 time";
      return false;
    }
  }
  return true;
}

// One HTTP exchange for a provider: false with `why` (status, never the body).
bool Exchange(const AwsFetchers& f, const std::string& base, HttpRequest request,
              HttpResponse* response, std::string* why) {
  if (!f.http) {
    *why = "no HTTP transport";
    return false;
  }
  std::unique_ptr<HttpTransport> transport = f.http(base);
  request.max_response_bytes = kMaxCredentialBytes;
  request.timeout = std::chrono::seconds(5);
  HttpError error;
  if (!transport->Send(request, response, &error)) {
    *why = error.message;
    return false;
  }
  return true;
}

// STS's query protocol: POST a form, read <Credentials> from the XML.
bool StsCall(const AwsFetchers& f, const std::string& endpoint, const std::string& action,
             const std::string& form, const AwsCredentials* sign_with, const std::string& region,
             AwsCredentials* out, int64_t* expires, Diagnostic* error) {
  std::string base, target;
  SplitUrl(endpoint, &base, &target);
  HttpRequest request;
  request.method = "POST";
  request.target = target;
  request.body = form;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  if (sign_with) {
    std::string host = base.substr(base.find("://") + 3);
    SigV4Request r;
    r.method = "POST";
    r.path = target;
    r.body = form;
    r.headers = {{"Host", host}, request.headers[0]};
    SigV4Options o;
    o.region = region.empty() ? "us-east-1" : region;
    o.service = "sts";
    o.time = f.now();
    request.headers = r.headers;
    for (auto& h : SignV4(r, *sign_with, o).headers) request.headers.push_back(h);
  }
  HttpResponse response;
  std::string why;
  std::string where = action + " at " + base;
  if (!Exchange(f, base, request, &response, &why)) {
    error->message = where + ": " + why;
    return false;
  }
  if (response.status != 200) {
    std::string code = XmlText(response.body, "Code").substr(0, 64);
    error->message =
        where + ": HTTP " + std::to_string(response.status) + (code.empty() ? "" : " " + code);
    return false;
  }
  out->access_key_id = XmlText(response.body, "AccessKeyId");
  out->secret_access_key = XmlText(response.body, "SecretAccessKey");
  out->session_token = XmlText(response.body, "SessionToken");
  *expires = ParseIso8601(XmlText(response.body, "Expiration"));
  if (out->access_key_id.empty() || out->secret_access_key.empty() || *expires < 0) {
    error->message = where + ": the answer holds no Credentials with an Expiration";
    return false;
  }
  return true;
}

}  // namespace

int64_t ParseIso8601(const std::string& text) {
  std::tm tm{};
  int y, mo, d, h, mi, s;
  if (text.size() < 19 ||
      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) {
    return -1;
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm));
}

AwsFetchers AwsFetchers::Process() {
  AwsFetchers f;
  f.http = [](const std::string& base_url) -> std::unique_ptr<HttpTransport> {
    return std::make_unique<CurlTransport>(HttpEndpoint{"the credentials endpoint " + base_url,
                                                        base_url, "", "", "", "", true,
                                                        std::chrono::seconds(2)});
  };
  f.run = [](const std::string& command, std::string* out, std::string* why) {
    std::FILE* p = ::popen(command.c_str(), "r");  // its stderr stays the user's
    if (!p) {
      *why = "it could not be started";
      return false;
    }
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, p)) > 0) {
      if (out->size() < kMaxCredentialBytes) out->append(buffer, n);
    }
    int status = ::pclose(p);
    if (status != 0) {
      *why = WIFEXITED(status) ? "it exited with status " + std::to_string(WEXITSTATUS(status))
                               : std::string("it did not exit normally");
      return false;
    }
    return true;
  };
  f.now = [] {
    return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
  };
  return f;
}

AwsCredentialProvider WebIdentityProvider(
    std::string role_arn, std::string token_file, std::string session_name,
    std::string sts_endpoint, std::function<bool(const std::string&, std::string*)> read_file,
    AwsFetchers fetchers) {
  return [=](AwsCredentials* out, int64_t* expires, Diagnostic* error) {
    std::string token;
    if (!read_file(token_file, &token) || token.empty()) {
      error->message = "cannot read the web identity token file " + token_file;
      return false;
    }
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    std::string form =
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=" + FormEncode(role_arn) +
        "&RoleSessionName=" + FormEncode(session_name) + "&WebIdentityToken=" + FormEncode(token);
    if (!StsCall(fetchers, sts_endpoint, "AssumeRoleWithWebIdentity", form, nullptr, "", out,
                 expires, error)) {
      error->message = "role " + role_arn + ": " + error->message;
      return false;
    }
    return true;
  };
}

AwsCredentialProvider AssumeRoleProvider(std::string role_arn, std::string session_name,
                                         std::string external_id, AwsCredentials source,
                                         std::string region, std::string sts_endpoint,
                                         AwsFetchers fetchers) {
  return [=](AwsCredentials* out, int64_t* expires, Diagnostic* error) {
    std::string form = "Action=AssumeRole&Version=2011-06-15&RoleArn=" + FormEncode(role_arn) +
                       "&RoleSessionName=" + FormEncode(session_name);
    if (!external_id.empty()) form += "&ExternalId=" + FormEncode(external_id);
    if (!StsCall(fetchers, sts_endpoint, "AssumeRole", form, &source, region, out, expires,
                 error)) {
      error->message = "role " + role_arn + ": " + error->message;
      return false;
    }
    return true;
  };
}

AwsCredentialProvider ProcessProvider(std::string command, std::string profile,
                                      AwsFetchers fetchers) {
  return [=](AwsCredentials* out, int64_t* expires, Diagnostic* error) {
    std::string where = "credential_process of profile '" + profile + "'";
    std::string json, why;
    if (!fetchers.run || !fetchers.run(command, &json, &why)) {
      error->message = where + ": " + (why.empty() ? "it cannot be run here" : why);
      return false;
    }
    if (!CredentialsFromJson(json, "SessionToken", out, expires, &why)) {
      error->message = where + ": " + why;
      return false;
    }
    return true;
  };
}

AwsCredentialProvider ContainerProvider(
    std::string url, std::string authorization, std::string token_file,
    std::function<bool(const std::string&, std::string*)> read_file, AwsFetchers fetchers) {
  return [=](AwsCredentials* out, int64_t* expires, Diagnostic* error) {
    std::string base, target;
    SplitUrl(url, &base, &target);
    // The path names the task's credentials: it is a secret of sorts, never shown.
    std::string where = "container credentials at " + base;
    HttpRequest request;
    request.target = target;
    std::string auth = authorization;
    if (!token_file.empty()) {
      auth.clear();
      if (!read_file(token_file, &auth)) {
        error->message =
            where + ": cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + token_file;
        return false;
      }
      while (!auth.empty() && (auth.back() == '\n' || auth.back() == '\r')) auth.pop_back();
    }
    if (auth.find_first_of("\r\n") != std::string::npos) {
      error->message = where + ": the authorization token holds a line break";
      return false;
    }
    if (!auth.empty()) request.headers.emplace_back("Authorization", auth);
    HttpResponse response;
    std::string why;
    if (!Exchange(fetchers, base, request, &response, &why)) {
      error->message = where + ": " + why;
      return false;
    }
    if (response.status != 200) {
      error->message = where + ": HTTP " + std::to_string(response.status);
      return false;
    }
    if (!CredentialsFromJson(response.body, "Token", out, expires, &why)) {
      error->message = where + ": " + why;
      return false;
    }
    return true;
  };
}

AwsCredentialProvider ImdsProvider(std::string endpoint, AwsFetchers fetchers) {
  return [=](AwsCredentials* out, int64_t* expires, Diagnostic* error) {
    std::string where = "instance metadata at " + endpoint;
    HttpRequest put;
    put.method = "PUT";
    put.target = "/latest/api/token";
    put.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}};
    HttpResponse token;
    std::string why;
    if (!Exchange(fetchers, endpoint, put, &token, &why) || token.status != 200) {
      error->message = where + ": no IMDSv2 token (" +
                       (why.empty() ? "HTTP " + std::to_string(token.status) : why) + ")";
      return false;
    }
    auto get = [&](const std::string& target, HttpResponse* r) {
      HttpRequest g;
      g.target = target;
      g.headers = {{"X-aws-ec2-metadata-token", token.body}};
      if (!Exchange(fetchers, endpoint, g, r, &why)) return false;
      if (r->status != 200) why = "HTTP " + std::to_string(r->status);
      return r->status == 200;
    };
    HttpResponse role, creds;
    const std::string base = "/latest/meta-data/iam/security-credentials/";
    if (!get(base, &role)) {
      error->message = where + ": no instance role (" + why + ")";
      return false;
    }
    std::string name = role.body.substr(0, role.body.find('\n'));
    if (name.empty()) {
      error->message = where + ": no instance role";
      return false;
    }
    if (!get(base + PercentEncodePathSegment(name), &creds) ||
        !CredentialsFromJson(creds.body, "Token", out, expires, &why)) {
      error->message = where + ": role " + name + ": " + why;
      return false;
    }
    return true;
  };
}

RefreshingCredentials::RefreshingCredentials(AwsCredentialProvider provider,
                                             std::function<int64_t()> now)
    : provider_(std::move(provider)), now_(std::move(now)) {}

bool RefreshingCredentials::Get(AwsCredentials* out, Diagnostic* error) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = now_();
  bool due = !have_ || (expires_ > 0 && now >= expires_ - kRefreshWindow);
  if (due) {
    AwsCredentials fresh;
    int64_t expires = 0;
    Diagnostic why;
    ++fetches_;
    if (provider_(&fresh, &expires, &why)) {
      current_ = std::move(fresh);
      expires_ = expires;
      have_ = true;
    } else if (!have_ || now >= expires_) {
      *error = std::move(why);
      return false;
    }  // else: the old ones still hold; try again at the next call
  }
  *out = current_;
  return true;
}

int RefreshingCredentials::fetches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetches_;
}

}  // namespace rootlock
