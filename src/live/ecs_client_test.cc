#include "live/ecs_client.h"

#include <gtest/gtest.h>

#include "fake_transport.h"

namespace rootlock {
namespace {

constexpr const char* kThrottled = R"({"__type":"ThrottlingException","message":"Rate exceeded"})";

std::unique_ptr<EcsClient> Client(FakeTransport** fake) {
  auto transport = std::make_unique<FakeTransport>();
  *fake = transport.get();
  AwsClientConfig config;
  config.credentials = {"AKID", "secret", ""};
  config.region = "eu-west-1";
  config.endpoint = "https://ecs.eu-west-1.amazonaws.com";
  auto client = std::make_unique<EcsClient>(config, std::move(transport));
  client->now = [] { return int64_t{1700000000}; };
  client->sleep = [](double) {};
  return client;
}

// Throttling is retried up to AWS_MAX_ATTEMPTS, each retry paid from the region's quota;
// when the quota cannot pay, the call fails at once and says so.
TEST(EcsClient, RetriesArePaidFromAQuotaThatRunsOut) {
  FakeTransport* fake = nullptr;
  auto client = Client(&fake);
  fake->Reply("POST", "/", 400, kThrottled);
  std::string answer;
  Diagnostic error;
  EXPECT_FALSE(client->Call("ListClusters", "{}", &answer, &error));
  EXPECT_EQ(fake->requests().size(), 3u);  // 3 attempts
  EXPECT_EQ(error.message,
            "ListClusters failed in eu-west-1: ThrottlingException: Rate exceeded (after 3 "
            "attempts)");
  EXPECT_EQ(client->quota->available(), RetryQuota::kCapacity - 2 * RetryQuota::kRetryCost);
  // Drain it: 500 tokens pay for 100 retries in all.
  while (client->quota->available() >= RetryQuota::kRetryCost) {
    client->Call("ListClusters", "{}", &answer, &error);
  }
  size_t before = fake->requests().size();
  EXPECT_FALSE(client->Call("ListClusters", "{}", &answer, &error));
  EXPECT_EQ(fake->requests().size(), before + 1);  // no retry left to pay for
  EXPECT_NE(error.message.find("the retry quota is spent"), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find("secret"), std::string::npos);
  // A success gives one back.
  fake->Reply("POST", "/", 200, R"({"clusterArns":[]})");
  int left = client->quota->available();
  EXPECT_TRUE(client->Call("ListClusters", "{}", &answer, &error));
  EXPECT_EQ(client->quota->available(), left + 1);
}

}  // namespace
}  // namespace rootlock
