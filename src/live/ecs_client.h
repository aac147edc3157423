// rootlock ecs: an AWS account's ECS task definitions, read through the ECS API itself
// (JSON 1.1 protocol, Signature V4 of our own, no SDK) and judged as `scan` judges the same
// JSON: the latest ACTIVE revision of every family, as Security Hub's ECS.5 and Datadog do.
#ifndef ROOTLOCK_LIVE_ECS_CLIENT_H_
#define ROOTLOCK_LIVE_ECS_CLIENT_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "live/aws_config.h"
#include "live/http.h"
#include "model/workload.h"

namespace rootlock {

/// The SDKs' standard-mode retry quota (botocore retries/quota.py): 500 tokens; a retry
/// takes 5, 10 after a timeout; a success gives back what its retry took, or 1. When a
/// retry cannot be paid for, the call fails at once: a broken endpoint fails fast instead
/// of being hammered. Thread-safe: a region's clients share one.
class RetryQuota {
 public:
  static constexpr int kCapacity = 500, kRetryCost = 5, kTimeoutCost = 10;
  bool Take(int cost);
  void Give(int tokens);
  int available() const;

 private:
  mutable std::mutex mu_;
  int tokens_ = kCapacity;
};

/// One ECS API, one region. Not thread-safe.
class EcsClient {
 public:
  /// Over libcurl to config.endpoint, keeping to `limits` (--timeout, --max-response-size).
  EcsClient(AwsClientConfig config, HttpLimits limits = {});
  /// Over `transport` (tests).
  EcsClient(AwsClientConfig config, std::unique_ptr<HttpTransport> transport);

  /// Calls `operation` ("ListTaskDefinitionFamilies") with the JSON `body`. Throttling
  /// and server errors are retried as the SDKs' standard mode does (AWS_MAX_ATTEMPTS, 3 by
  /// default, capped exponential backoff with jitter). False with one `error` line naming
  /// the operation and the service's error code and message; never a credential.
  bool Call(const std::string& operation, const std::string& body, std::string* answer,
            Diagnostic* error);

  const AwsClientConfig& config() const { return config_; }
  /// For tests: the clock requests are signed at (seconds), and the pause between retries.
  std::function<int64_t()> now;
  std::function<void(double seconds)> sleep;
  int max_attempts = 3;
  /// Shared with the other clients of the region (AuditEcs shares the first one's).
  std::shared_ptr<RetryQuota> quota = std::make_shared<RetryQuota>();

 private:
  AwsClientConfig config_;
  std::string host_;
  std::unique_ptr<HttpTransport> transport_;
};

struct EcsAuditOptions {
  /// Only families whose name starts with it (ListTaskDefinitionFamilies familyPrefix),
  /// and only services that run a revision of one.
  std::string family_prefix;
  /// Describe calls in flight at once; each worker has its own client from `more_clients`
  /// (a connection each). 1, or no `more_clients`: one at a time on the given client.
  unsigned jobs = 1;
  std::function<std::unique_ptr<EcsClient>()> more_clients;
  /// Also judge what runs: every cluster's services (ListClusters, ListServices,
  /// DescribeServices ten at a time) and the revision of each one's PRIMARY deployment.
  bool deployed = false;
  /// Keep each family's DescribeTaskDefinition answer (EcsAudit::answers), for
  /// --emit-register.
  bool keep_answers = false;
};

/// One family's DescribeTaskDefinition answer, as the API sent it.
struct EcsAnswer {
  std::string family;
  std::string arn;
  std::string json;
};

struct EcsAudit {
  std::vector<Workload> workloads;
  /// A family that could not be described (AccessDenied…): one error line each; the
  /// other families are judged.
  std::vector<Diagnostic> errors;
  size_t families = 0;
  /// With `deployed`: the services read, and the task definitions they run.
  size_t services = 0;
  /// With `keep_answers`: one per family described, in the families' order.
  std::vector<EcsAnswer> answers;
};

/// Lists every ACTIVE family (every page) and describes each one's latest ACTIVE revision
/// with its tags, building its workloads as `scan` builds them from describe output; each
/// is located by its ARN and carries the client's region. With `deployed`, also every
/// service of every cluster: a workload of kind "Service" named "CLUSTER/SERVICE" for the
/// revision its PRIMARY deployment runs (judged even when an older or INACTIVE one),
/// located by that revision's ARN, the service's ARN as its resource. Workloads and errors
/// come in the families' order, then the clusters' and services', whatever the timing.
/// A cluster or service that cannot be listed or described is one error and the rest goes
/// on. False with `fatal` when the families cannot be listed.
bool AuditEcs(EcsClient* client, const EcsAuditOptions& options, EcsAudit* out, Diagnostic* fatal);

}  // namespace rootlock

#endif  // ROOTLOCK_LIVE_ECS_CLIENT_H_
