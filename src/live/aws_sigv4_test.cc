#include "live/aws_sigv4.h"

#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "parse/reader.h"

namespace rootlock {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// AWS's SigV4 test suite, read in place from ../shared (never copied here).
fs::path Suite() { return fs::path(ROOTLOCK_SOURCE_DIR) / ".." / "shared" / "aws-sigv4-testsuite"; }

// request.txt: "METHOD PATH HTTP/1.1", headers (a line starting with a space continues
// the one before), a blank line, the body.
SigV4Request ParseRequest(const std::string& text) {
  SigV4Request r;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  r.method = line.substr(0, line.find(' '));
  std::string target = line.substr(line.find(' ') + 1, line.rfind(" HTTP/") - line.find(' ') - 1);
  size_t q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  while (std::getline(in, line) && !line.empty()) {
    if (line[0] == ' ' || line[0] == '\t') {
      r.headers.back().second += "\n" + line;
    } else {
      size_t colon = line.find(':');
      r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
  }
  std::string rest;
  std::getline(in, rest, '\0');
  r.body = rest;
  return r;
}

TEST(SigV4, AwsTestSuite) {
  if (!fs::exists(Suite())) GTEST_SKIP() << Suite() << " is absent";
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(Suite())) {
    if (!entry.is_directory()) continue;
    const fs::path dir = entry.path();
    SCOPED_TRACE(dir.filename().string());
    ParsedSource context = ReadJson("context.json", ReadAll(dir / "context.json"));
    ASSERT_FALSE(context.has_error);
    const Node* c = context.documents[0].root;
    AwsCredentials creds;
    creds.access_key_id = std::string(c->Path({"credentials", "access_key_id"})->value);
    creds.secret_access_key = std::string(c->Path({"credentials", "secret_access_key"})->value);
    if (const Node* t = c->Path({"credentials", "token"})) creds.session_token = t->value;
    SigV4Options o;
    o.region = c->Get("region")->value;
    o.service = c->Get("service")->value;
    std::tm tm{};
    strptime(std::string(c->Get("timestamp")->value).c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    o.time = timegm(&tm);
    o.normalize_path = c->Get("normalize")->value == "true";
    o.sign_body = c->Get("sign_body")->value == "true";
    if (const Node* omit = c->Get("omit_session_token")) {
      o.omit_session_token = omit->value == "true";
    }
    SigV4Signature s = SignV4(ParseRequest(ReadAll(dir / "request.txt")), creds, o);
    EXPECT_EQ(s.canonical_request, ReadAll(dir / "header-canonical-request.txt"));
    EXPECT_EQ(s.string_to_sign, ReadAll(dir / "header-string-to-sign.txt"));
    EXPECT_EQ(s.signature, ReadAll(dir / "header-signature.txt"));
    // The signed request names the same Authorization header.
    std::string signed_request = ReadAll(dir / "header-signed-request.txt");
    EXPECT_NE(signed_request.find("Authorization:" + s.headers.back().second), std::string::npos);
    ++cases;
  }
  EXPECT_GE(cases, 38);
}

TEST(SigV4, AmzDate) { EXPECT_EQ(AmzDate(1440938160), "20150830T123600Z"); }

}  // namespace
}  // namespace rootlock
