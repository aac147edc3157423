#include "live/aws_sigv4.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <string_view>

#include "base/digest.h"
#include "base/text.h"

namespace rootlock {
namespace {

bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

// RFC 3986 percent-encoding of everything but the unreserved characters (and '/' when
// `keep_slash`), uppercase hex, as SigV4 wants.
std::string UriEncode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (Unreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding; a '%' not followed by two hex digits stays as it is.
std::string UriDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The path without "." and ".." segments (RFC 3986 section 5.2.4) and without empty
// segments, keeping a trailing slash.
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view seg = path.substr(start, slash - start);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    start = slash + 1;
  }
  std::string out;
  for (std::string_view seg : segments) {
    out += '/';
    out += seg;
  }
  bool trailing = !path.empty() && (path.back() == '/' || path.ends_with("/.") ||
                                    path.ends_with("/..") || path == "." || path == "..");
  if (out.empty() || (trailing && !segments.empty())) out += '/';
  return out;
}

std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t start = 0;
  while (start < query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(start, amp - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string_view key = pair.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
      params.emplace_back(UriEncode(UriDecode(key), false), UriEncode(UriDecode(value), false));
    }
    start = amp + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

// A header value as SigV4 canonicalizes it: trimmed, runs of spaces (and the line breaks
// of a folded value) collapsed to one space.
std::string CanonicalValue(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

std::string AmzDate(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

SigV4Signature SignV4(const SigV4Request& request, const AwsCredentials& credentials,
                      const SigV4Options& options) {
  SigV4Signature out;
  std::string date = AmzDate(options.time);
  std::string day = date.substr(0, 8);
  std::string payload_hash = HexLower(Sha256(request.body));

  out.headers.emplace_back("X-Amz-Date", date);
  bool token = !credentials.session_token.empty();
  if (token && !options.omit_session_token) {
    out.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  if (options.sign_body) out.headers.emplace_back("X-Amz-Content-Sha256", payload_hash);

  // Headers: lowercase names, in order; repeated ones joined with ',' in the order sent.
  std::map<std::string, std::string> canonical;
  auto add = [&](std::string_view name, std::string_view value) {
    std::string key = ToLower(name);
    std::string v = CanonicalValue(value);
    auto [it, fresh] = canonical.emplace(key, v);
    if (!fresh) it->second += "," + v;
  };
  for (const auto& [name, value] : request.headers) add(name, value);
  for (const auto& [name, value] : out.headers) add(name, value);
  std::string canonical_headers, signed_headers;
  for (const auto& [name, value] : canonical) {
    canonical_headers += name + ":" + value + "\n";
    signed_headers += (signed_headers.empty() ? "" : ";") + name;
  }

  std::string path = options.normalize_path ? NormalizePath(request.path) : request.path;
  out.canonical_request = request.method + "\n" + UriEncode(path, true) + "\n" +
                          CanonicalQuery(request.query) + "\n" + canonical_headers + "\n" +
                          signed_headers + "\n" + payload_hash;
  std::string scope = day + "/" + options.region + "/" + options.service + "/aws4_request";
  out.string_to_sign =
      "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + HexLower(Sha256(out.canonical_request));
  std::string key = HmacSha256("AWS4" + credentials.secret_access_key, day);
  key = HmacSha256(key, options.region);
  key = HmacSha256(key, options.service);
  key = HmacSha256(key, "aws4_request");
  out.signature = HexLower(HmacSha256(key, out.string_to_sign));
  if (token && options.omit_session_token) {
    out.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  out.headers.emplace_back(
      "Authorization", "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
                           ", SignedHeaders=" + signed_headers + ", Signature=" + out.signature);
  return out;
}

}  // namespace rootlock
