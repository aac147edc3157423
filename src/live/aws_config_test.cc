#include "live/aws_config.h"

#include <gtest/gtest.h>

#include "fake_transport.h"

namespace rootlock {
namespace {

AwsOptions Options(std::string profile, std::string region, std::string endpoint) {
  AwsOptions o;
  o.profile = std::move(profile);
  o.region = std::move(region);
  o.endpoint_url = std::move(endpoint);
  return o;
}

struct FakeEnv {
  std::map<std::string, std::string> vars{{"HOME", "/home/u"}};
  std::map<std::string, std::string> files;
  AwsEnvironment Env() {
    AwsEnvironment e;
    e.get = [this](const std::string& n) {
      auto it = vars.find(n);
      return it == vars.end() ? std::string() : it->second;
    };
    e.read_file = [this](const std::string& p, std::string* text) {
      auto it = files.find(p);
      if (it == files.end()) return false;
      *text = it->second;
      return true;
    };
    return e;
  }
};

TEST(AwsIni, SectionsCommentsAndNestedSettings) {
  AwsIniFile ini = ParseAwsIni(
      "# comment\n[default]\nregion = eu-west-1\n; other\n[profile prod]\n"
      "Aws_Access_Key_Id=AKID\ns3 =\n  max_concurrent_requests = 20\nregion=us-east-2\n");
  EXPECT_EQ(ini["default"]["region"], "eu-west-1");
  EXPECT_EQ(ini["profile prod"]["aws_access_key_id"], "AKID");
  EXPECT_EQ(ini["profile prod"]["s3.max_concurrent_requests"], "20");
  EXPECT_EQ(ini["profile prod"]["region"], "us-east-2");
}

TEST(AwsConfig, EnvironmentCredentialsThenProfileRegionAndEndpoint) {
  FakeEnv f;
  f.vars["AWS_ACCESS_KEY_ID"] = "AKENV";
  f.vars["AWS_SECRET_ACCESS_KEY"] = "secret";
  f.vars["AWS_SESSION_TOKEN"] = "tok";
  f.files["/home/u/.aws/config"] = "[default]\nregion = cn-north-1\n";
  AwsClientConfig c;
  Diagnostic e;
  ASSERT_TRUE(ResolveAwsConfig("ecs", {}, f.Env(), &c, &e)) << e.message;
  EXPECT_EQ(c.credentials.access_key_id, "AKENV");
  EXPECT_EQ(c.credentials.session_token, "tok");
  EXPECT_EQ(c.credentials_source, "environment variables");
  EXPECT_EQ(c.region, "cn-north-1");
  EXPECT_EQ(c.endpoint, "https://ecs.cn-north-1.amazonaws.com.cn");
  // AWS_REGION beats AWS_DEFAULT_REGION beats the profile; --region beats them all.
  f.vars["AWS_DEFAULT_REGION"] = "eu-north-1";
  ASSERT_TRUE(ResolveAwsConfig("ecs", {}, f.Env(), &c, &e));
  EXPECT_EQ(c.region, "eu-north-1");
  f.vars["AWS_REGION"] = "us-west-2";
  ASSERT_TRUE(ResolveAwsConfig("ecs", {}, f.Env(), &c, &e));
  EXPECT_EQ(c.endpoint, "https://ecs.us-west-2.amazonaws.com");
  ASSERT_TRUE(ResolveAwsConfig("ecs", Options("", "ap-south-1", ""), f.Env(), &c, &e));
  EXPECT_EQ(c.region, "ap-south-1");
  // Endpoints: --endpoint-url, AWS_ENDPOINT_URL_ECS, AWS_ENDPOINT_URL.
  f.vars["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9/";
  ASSERT_TRUE(ResolveAwsConfig("ecs", {}, f.Env(), &c, &e));
  EXPECT_EQ(c.endpoint, "http://127.0.0.1:9");
  f.vars["AWS_ENDPOINT_URL_ECS"] = "http://127.0.0.1:8";
  ASSERT_TRUE(ResolveAwsConfig("ecs", {}, f.Env(), &c, &e));
  EXPECT_EQ(c.endpoint, "http://127.0.0.1:8");
  ASSERT_TRUE(ResolveAwsConfig("ecs", Options("", "", "http://localhost:7"), f.Env(), &c, &e));
  EXPECT_EQ(c.endpoint, "http://localhost:7");
}

TEST(AwsConfig, NamedProfileFromTheSharedFiles) {
  FakeEnv f;
  f.vars["AWS_ACCESS_KEY_ID"] = "AKENV";  // a profile named on the command line wins
  f.vars["AWS_SECRET_ACCESS_KEY"] = "secret";
  f.vars["AWS_CONFIG_FILE"] = "/etc/aws/config";
  f.files["/home/u/.aws/credentials"] =
      "[default]\naws_access_key_id = AKDEF\naws_secret_access_key = s0\n"
      "[prod]\naws_access_key_id = AKPROD\naws_secret_access_key = s1\n";
  f.files["/etc/aws/config"] = "[profile prod]\nregion = eu-central-1\n[prod]\nregion = wrong\n";
  AwsClientConfig c;
  Diagnostic e;
  ASSERT_TRUE(ResolveAwsConfig("ecs", Options("prod", "", ""), f.Env(), &c, &e)) << e.message;
  EXPECT_EQ(c.credentials.access_key_id, "AKPROD");
  EXPECT_EQ(c.credentials_source, "profile 'prod'");
  EXPECT_EQ(c.region, "eu-central-1");
  // AWS_PROFILE names it too, but then the environment's keys come first, as in the SDKs.
  f.vars["AWS_PROFILE"] = "prod";
  ASSERT_TRUE(ResolveAwsConfig("ecs", {}, f.Env(), &c, &e));
  EXPECT_EQ(c.credentials.access_key_id, "AKENV");
  EXPECT_EQ(c.region, "eu-central-1");
}

TEST(AwsConfig, NothingFoundNamesEveryPlaceTried) {
  FakeEnv f;
  AwsClientConfig c;
  Diagnostic e;
  ASSERT_FALSE(ResolveAwsConfig("ecs", {}, f.Env(), &c, &e));
  EXPECT_EQ(e.message,
            "no AWS credentials found: tried AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; "
            "AWS_WEB_IDENTITY_TOKEN_FILE/AWS_ROLE_ARN; profile 'default' in "
            "/home/u/.aws/credentials and /home/u/.aws/config; "
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI");
  f.vars["AWS_ACCESS_KEY_ID"] = "AK";
  f.vars["AWS_SECRET_ACCESS_KEY"] = "s";
  ASSERT_FALSE(ResolveAwsConfig("ecs", {}, f.Env(), &c, &e));
  EXPECT_EQ(e.message,
            "no AWS region: give --region, or set AWS_REGION, AWS_DEFAULT_REGION or the region "
            "of profile 'default' in /home/u/.aws/config");
  EXPECT_EQ(e.message.find("AK"), std::string::npos);  // never a credential in a message
}

// The SDKs' order: the environment's keys, web identity, the profile, the container
// endpoint, instance metadata; the first source configured is the one asked, and a
// temporary source's failure names it without a secret.
TEST(AwsConfig, TemporarySourcesInTheSdksOrder) {
  FakeEnv f;
  f.vars["AWS_REGION"] = "eu-west-1";
  f.vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:1/creds/secret-path";
  f.vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "auth-secret";
  f.vars["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:2";
  std::vector<std::string> asked;
  AwsEnvironment env = f.Env();
  env.fetchers.now = [] { return int64_t{1700000000}; };
  env.fetchers.http = [&](const std::string& base) -> std::unique_ptr<HttpTransport> {
    asked.push_back(base);
    auto fake = std::make_unique<FakeTransport>();
    fake->Reply("GET", "/creds/secret-path", 401, "denied: auth-secret");
    return fake;
  };
  AwsClientConfig c;
  Diagnostic e;
  ASSERT_FALSE(ResolveAwsConfig("ecs", {}, env, &c, &e));
  EXPECT_EQ(asked, std::vector<std::string>{"http://127.0.0.1:1"});  // not instance metadata
  EXPECT_EQ(e.message,
            "no AWS credentials from the container credentials endpoint: container credentials "
            "at http://127.0.0.1:1: HTTP 401");
  // A profile's keys come before the container endpoint.
  f.files["/home/u/.aws/credentials"] =
      "[default]\naws_access_key_id = AK\naws_secret_access_key = s\n";
  asked.clear();
  ASSERT_TRUE(ResolveAwsConfig("ecs", {}, f.Env(), &c, &e)) << e.message;
  EXPECT_EQ(c.credentials_source, "profile 'default'");
  EXPECT_EQ(c.refreshing, nullptr);
  // Web identity comes before the profile.
  f.vars["AWS_WEB_IDENTITY_TOKEN_FILE"] = "/token";
  f.vars["AWS_ROLE_ARN"] = "arn:aws:iam::1:role/r";
  env = f.Env();
  env.fetchers.now = [] { return int64_t{1700000000}; };
  env.fetchers.http = [&](const std::string& base) -> std::unique_ptr<HttpTransport> {
    asked.push_back(base);
    return std::make_unique<FakeTransport>();
  };
  ASSERT_FALSE(ResolveAwsConfig("ecs", {}, env, &c, &e));
  EXPECT_EQ(e.message,
            "no AWS credentials from web identity (AWS_WEB_IDENTITY_TOKEN_FILE): cannot read the "
            "web identity token file /token");
  // Plain http to anything but loopback or the link-local endpoints is refused.
  f.vars.erase("AWS_WEB_IDENTITY_TOKEN_FILE");
  f.files.clear();
  f.vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://169.254.170.2.evil.example/creds";
  ASSERT_FALSE(ResolveAwsConfig("ecs", {}, f.Env(), &c, &e));
  EXPECT_NE(e.message.find("must be https"), std::string::npos) << e.message;
}

}  // namespace
}  // namespace rootlock
