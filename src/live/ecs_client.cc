#include "live/ecs_client.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <thread>

#include "base/json_writer.h"
#include "parse/reader.h"
#include "platforms/ecs/ecs.h"

namespace rootlock {
namespace {

constexpr const char* kTargetPrefix = "AmazonEC2ContainerServiceV20141113.";

// "ecs.eu-west-1.amazonaws.com", "127.0.0.1:9000": the authority of an endpoint URL, as
// the Host header carries it (a default port left out).
std::string HostOf(const std::string& endpoint) {
  size_t scheme = endpoint.find("://");
  std::string rest = scheme == std::string::npos ? endpoint : endpoint.substr(scheme + 3);
  std::string host = rest.substr(0, rest.find('/'));
  bool https = endpoint.rfind("https://", 0) == 0;
  if (https && host.ends_with(":443")) host.resize(host.size() - 4);
  if (!https && host.ends_with(":80")) host.resize(host.size() - 3);
  return host;
}

// The service's error: `__type` ("com.amazonaws.ecs#AccessDeniedException" or
// "AccessDeniedException"), else the x-amzn-ErrorType header; and its message.
void ServiceError(const HttpResponse& response, std::string* code, std::string* message) {
  ParsedSource parsed = ReadJson("answer", response.body);
  const Node* root = parsed.has_error ? nullptr : parsed.documents[0].root;
  if (root && root->Get("__type")) *code = root->Get("__type")->Scalar();
  if (code->empty()) {
    auto it = response.headers.find("x-amzn-errortype");
    if (it != response.headers.end()) *code = it->second.substr(0, it->second.find(':'));
  }
  if (size_t hash = code->rfind('#'); hash != std::string::npos) *code = code->substr(hash + 1);
  for (const char* key : {"message", "Message"}) {
    if (root && root->Get(key)) *message = root->Get(key)->Scalar();
  }
}

bool Retryable(int status, const std::string& code) {
  return status == 429 || status >= 500 || code == "ThrottlingException" ||
         code == "TooManyRequestsException" || code == "RequestLimitExceeded";
}

// One DescribeTaskDefinition: what it built, or why not; the answer itself when kept.
struct Described {
  std::vector<Workload> workloads;
  std::vector<Diagnostic> errors;
  std::string arn;
  std::string answer;
};

// Describes `what` (a family: its latest ACTIVE revision; or a revision's ARN) with its
// tags and builds its workloads, located by the ARN and carrying the client's region.
void Describe(EcsClient* client, const std::string& what, bool keep_answer, Described* out) {
  const std::string& region = client->config().region;
  std::string body;
  JsonWriter w(&body, /*pretty=*/false);
  w.BeginObject();
  w.Field("taskDefinition", what);
  w.Key("include");
  w.BeginArray();
  w.String("TAGS");
  w.EndArray();
  w.EndObject();
  std::string answer;
  Diagnostic error;
  Location at{what.starts_with("arn:") ? what : "ecs:" + region + ":" + what};
  if (!client->Call("DescribeTaskDefinition", body, &answer, &error)) {
    error.where = at;
    out->errors.push_back(std::move(error));
    return;
  }
  auto parsed = std::make_unique<ParsedSource>(ReadJson(what, answer));
  if (parsed->has_error) {
    Diagnostic bad;
    bad.where = at;
    bad.message =
        "DescribeTaskDefinition answered JSON that does not parse: " + parsed->error.message;
    out->errors.push_back(std::move(bad));
    return;
  }
  const Node* root = parsed->documents[0].root;
  const Node* arn_node = root ? root->Path({"taskDefinition", "taskDefinitionArn"}) : nullptr;
  std::string arn = arn_node ? std::string(arn_node->Scalar()) : what;
  DocumentContext ctx{
      arn, parsed->documents[0], InputFormat::kJson, parsed->tree.get(), nullptr, nullptr, {}};
  std::vector<Workload> found;
  ExtractEcs(ctx, &found);
  for (Workload& task : found) {
    // The ARN is where a live task definition is: no file, no line.
    task.resource = arn;
    task.region = region;
    PlaceAt(Location{arn}, &task);
    out->workloads.push_back(std::move(task));
  }
  out->arn = arn;
  if (keep_answer) out->answer = std::move(answer);
}

// Every page of a List* operation: `fields` writes the request's own fields, `key` names
// the answer's list. False with `error` when a page cannot be had.
bool ListAll(EcsClient* client, const std::string& operation, const std::string& key,
             const std::function<void(JsonWriter*)>& fields, std::vector<std::string>* out,
             Diagnostic* error) {
  std::string token;
  do {
    std::string body;
    JsonWriter w(&body, /*pretty=*/false);
    w.BeginObject();
    fields(&w);
    if (!token.empty()) w.Field("nextToken", token);
    w.EndObject();
    std::string answer;
    if (!client->Call(operation, body, &answer, error)) return false;
    ParsedSource page = ReadJson(operation, answer);
    const Node* root = page.has_error ? nullptr : page.documents[0].root;
    const Node* list = root ? root->Get(key) : nullptr;
    if (!list || !list->IsSequence()) {
      error->message = operation + ": the answer holds no " + key + " list";
      return false;
    }
    for (const Node* f : list->children()) out->emplace_back(f->Scalar());
    const Node* next = root->Get("nextToken");
    std::string was = std::move(token);
    token = next && !next->IsNull() ? std::string(next->Scalar()) : "";
    if (!token.empty() && token == was) {
      error->message = operation + ": the service answered the same nextToken twice";
      return false;
    }
  } while (!token.empty());
  return true;
}

// What a service runs: its cluster's name, its own, its ARN and its PRIMARY deployment's
// task definition ARN.
struct ServiceRun {
  std::string cluster;
  std::string service;
  std::string arn;
  std::string task_definition;
};

// "arn:aws:ecs:eu-west-1:123456789012:cluster/prod" -> "prod".
std::string LastPart(const std::string& arn) { return arn.substr(arn.rfind('/') + 1); }

// The task definition a service runs: its PRIMARY deployment's (rolling updates, blue/green
// through CodeDeploy), else its PRIMARY task set's (external controllers), else its own.
std::string RunningTaskDefinition(const Node* service) {
  for (const char* list : {"deployments", "taskSets"}) {
    const Node* items = service->Get(list);
    if (!items || !items->IsSequence()) continue;
    for (const Node* d : items->children()) {
      const Node* status = d->IsMapping() ? d->Get("status") : nullptr;
      const Node* td = d->IsMapping() ? d->Get("taskDefinition") : nullptr;
      if (status && td && status->Scalar() == "PRIMARY") return std::string(td->Scalar());
    }
  }
  const Node* td = service->Get("taskDefinition");
  return td ? std::string(td->Scalar()) : "";
}

// DescribeServices for up to ten services of one cluster.
void DescribeServices(EcsClient* client, const std::string& cluster,
                      const std::vector<std::string>& arns, std::vector<ServiceRun>* runs,
                      std::vector<Diagnostic>* errors) {
  const std::string& region = client->config().region;
  std::string body;
  JsonWriter w(&body, /*pretty=*/false);
  w.BeginObject();
  w.Field("cluster", cluster);
  w.Key("services");
  w.BeginArray();
  for (const std::string& a : arns) w.String(a);
  w.EndArray();
  w.EndObject();
  std::string answer;
  Diagnostic error;
  Location at{"ecs:" + region + ":" + LastPart(cluster)};
  if (!client->Call("DescribeServices", body, &answer, &error)) {
    error.where = at;
    errors->push_back(std::move(error));
    return;
  }
  ParsedSource parsed = ReadJson("DescribeServices", answer);
  const Node* root = parsed.has_error ? nullptr : parsed.documents[0].root;
  const Node* services = root ? root->Get("services") : nullptr;
  if (!services || !services->IsSequence()) {
    errors->push_back({at, "DescribeServices: the answer holds no services list"});
    return;
  }
  for (const Node* s : services->children()) {
    if (!s->IsMapping()) continue;
    const Node* name = s->Get("serviceName");
    const Node* arn = s->Get("serviceArn");
    ServiceRun run{LastPart(cluster), name ? std::string(name->Scalar()) : "",
                   arn ? std::string(arn->Scalar()) : "", RunningTaskDefinition(s)};
    if (run.service.empty()) run.service = LastPart(run.arn);
    if (run.task_definition.empty()) {
      errors->push_back({at, "service " + run.cluster + "/" + run.service +
                                 " names no task definition in DescribeServices"});
      continue;
    }
    runs->push_back(std::move(run));
  }
  if (const Node* failures = root->Get("failures"); failures && failures->IsSequence()) {
    for (const Node* f : failures->children()) {
      const Node* arn = f->IsMapping() ? f->Get("arn") : nullptr;
      const Node* reason = f->IsMapping() ? f->Get("reason") : nullptr;
      errors->push_back({at, "DescribeServices failed in " + region + " for " +
                                 (arn ? std::string(arn->Scalar()) : "a service") + ": " +
                                 (reason ? std::string(reason->Scalar()) : "no reason given")});
    }
  }
}

// Runs fn(client, i) for i in [0, n) on `first` and up to jobs - 1 more clients, made once
// and kept in `extra`; returns when all are done.
void InParallel(EcsClient* first, const EcsAuditOptions& options,
                std::vector<std::unique_ptr<EcsClient>>* extra, size_t n,
                const std::function<void(EcsClient*, size_t)>& fn) {
  if (options.more_clients) {
    while (extra->size() + 1 < options.jobs && extra->size() + 1 < n) {
      extra->push_back(options.more_clients());
      extra->back()->quota = first->quota;  // one quota for the region
    }
  }
  std::atomic<size_t> next{0};
  auto work = [&](EcsClient* worker) {
    for (size_t i = next++; i < n; i = next++) fn(worker, i);
  };
  std::vector<std::thread> threads;
  for (size_t j = 0; j < extra->size() && j + 1 < n; ++j)
    threads.emplace_back(work, (*extra)[j].get());
  work(first);
  for (std::thread& t : threads) t.join();
}

}  // namespace

EcsClient::EcsClient(AwsClientConfig config, HttpLimits limits)
    : EcsClient(config, std::make_unique<CurlTransport>(
                            HttpEndpoint{"the ECS API at " + config.endpoint, config.endpoint, "",
                                         "", "", "", true, std::chrono::seconds(10)})) {
  transport_->SetLimits(std::move(limits));
}

EcsClient::EcsClient(AwsClientConfig config, std::unique_ptr<HttpTransport> transport)
    : config_(std::move(config)),
      host_(HostOf(config_.endpoint)),
      transport_(std::move(transport)) {
  now = [] {
    return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
  };
  sleep = [](double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); };
  if (const char* v = std::getenv("AWS_MAX_ATTEMPTS"); v && std::atoi(v) > 0) {
    max_attempts = std::atoi(v);
  }
}

bool EcsClient::Call(const std::string& operation, const std::string& body, std::string* answer,
                     Diagnostic* error) {
  std::mt19937 jitter(std::random_device{}());
  int retry_cost = 0;  // what the last retry took from the quota
  for (int attempt = 1;; ++attempt) {
    SigV4Request r;
    r.method = "POST";
    r.path = "/";
    r.body = body;
    r.headers = {{"Host", host_},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", kTargetPrefix + operation}};
    SigV4Options o;
    o.region = config_.region;
    o.service = "ecs";
    o.time = now();
    AwsCredentials credentials = config_.credentials;
    if (config_.refreshing) {  // temporary: fresh ones when these are about to expire
      Diagnostic why;
      if (!config_.refreshing->Get(&credentials, &why)) {
        error->message = operation + ": " + why.message;
        return false;
      }
    }
    SigV4Signature signature = SignV4(r, credentials, o);
    HttpRequest request;
    request.method = "POST";
    request.target = "/";
    request.headers = r.headers;
    for (auto& h : signature.headers) request.headers.push_back(h);
    request.body = body;
    request.max_response_bytes = kMaxListResponseBytes;
    HttpResponse response;
    HttpError failure;
    std::string code, message;
    bool answered = transport_->Send(request, &response, &failure);
    if (answered && response.status == 200) {
      quota->Give(retry_cost ? retry_cost : 1);
      *answer = std::move(response.body);
      return true;
    }
    if (answered) ServiceError(response, &code, &message);
    bool again = answered
                     ? Retryable(response.status, code)
                     : failure.kind == HttpFailure::kTimeout || failure.kind == HttpFailure::kOther;
    bool timeout = !answered && failure.kind == HttpFailure::kTimeout;
    bool spent = false;
    if (again && attempt < max_attempts && failure.kind != HttpFailure::kDeadline) {
      retry_cost = timeout ? RetryQuota::kTimeoutCost : RetryQuota::kRetryCost;
      spent = !quota->Take(retry_cost);
    }
    if (!again || attempt >= max_attempts || failure.kind == HttpFailure::kDeadline || spent) {
      if (!answered) {
        error->message = operation + ": " + failure.message;
      } else {
        error->message = operation + " failed in " + config_.region + ": " +
                         (code.empty() ? "HTTP " + std::to_string(response.status) : code) +
                         (message.empty() ? "" : ": " + message);
      }
      if (attempt > 1) error->message += " (after " + std::to_string(attempt) + " attempts)";
      if (spent) error->message += " (not retried: the retry quota is spent)";
      return false;
    }
    // Standard mode: a random share of 2^attempt seconds, at most 20 s.
    double cap = std::min(20.0, static_cast<double>(1u << std::min(attempt - 1, 10)));
    sleep(std::uniform_real_distribution<double>(0, cap)(jitter));
  }
}

bool RetryQuota::Take(int cost) {
  std::lock_guard<std::mutex> lock(mu_);
  if (tokens_ < cost) return false;
  tokens_ -= cost;
  return true;
}

void RetryQuota::Give(int tokens) {
  std::lock_guard<std::mutex> lock(mu_);
  tokens_ = std::min(kCapacity, tokens_ + tokens);
}

int RetryQuota::available() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tokens_;
}

bool AuditEcs(EcsClient* client, const EcsAuditOptions& options, EcsAudit* out, Diagnostic* fatal) {
  const std::string& region = client->config().region;
  std::vector<std::string> families;
  if (!ListAll(
          client, "ListTaskDefinitionFamilies", "families",
          [&](JsonWriter* w) {
            w->Field("status", "ACTIVE");
            if (!options.family_prefix.empty()) w->Field("familyPrefix", options.family_prefix);
          },
          &families, fatal)) {
    return false;
  }
  out->families = families.size();
  std::vector<std::unique_ptr<EcsClient>> extra;

  // With --deployed: every cluster's services, ten described at a time, and what each runs.
  std::vector<ServiceRun> runs;
  std::vector<Diagnostic> service_errors;
  if (options.deployed) {
    std::vector<std::string> clusters;
    Diagnostic error;
    if (!ListAll(
            client, "ListClusters", "clusterArns", [](JsonWriter*) {}, &clusters, &error)) {
      error.where = Location{"ecs:" + region};
      service_errors.push_back(std::move(error));
    }
    struct Batch {
      std::string cluster;
      std::vector<std::string> services;
    };
    std::vector<Batch> batches;
    for (const std::string& cluster : clusters) {
      std::vector<std::string> services;
      Diagnostic listing;
      if (!ListAll(
              client, "ListServices", "serviceArns",
              [&](JsonWriter* w) {
                w->Field("cluster", cluster);
                w->Field("maxResults", int64_t{100});
              },
              &services, &listing)) {
        listing.where = Location{"ecs:" + region + ":" + LastPart(cluster)};
        service_errors.push_back(std::move(listing));
        continue;
      }
      for (size_t i = 0; i < services.size(); i += 10) {
        size_t end = std::min(services.size(), i + 10);  // the API's most per call
        batches.push_back({cluster, {services.begin() + i, services.begin() + end}});
      }
    }
    struct BatchResult {
      std::vector<ServiceRun> runs;
      std::vector<Diagnostic> errors;
    };
    std::vector<BatchResult> results(batches.size());
    InParallel(client, options, &extra, batches.size(), [&](EcsClient* c, size_t i) {
      DescribeServices(c, batches[i].cluster, batches[i].services, &results[i].runs,
                       &results[i].errors);
    });
    for (BatchResult& r : results) {
      for (ServiceRun& run : r.runs) {
        // --family-prefix: only services that run a revision of such a family.
        std::string family = LastPart(run.task_definition);
        if (!family.starts_with(options.family_prefix)) continue;
        runs.push_back(std::move(run));
      }
      for (Diagnostic& d : r.errors) service_errors.push_back(std::move(d));
    }
    out->services = runs.size();
  }

  // One describe per family, then one per revision a service runs (each once), in one
  // pool; each slot is filled by whichever worker takes it, so the order stays put.
  std::vector<std::string> revisions;
  std::map<std::string, size_t> slot_of_revision;
  for (const ServiceRun& run : runs) {
    if (slot_of_revision.emplace(run.task_definition, families.size() + revisions.size()).second) {
      revisions.push_back(run.task_definition);
    }
  }
  std::vector<Described> slots(families.size() + revisions.size());
  InParallel(client, options, &extra, slots.size(), [&](EcsClient* c, size_t i) {
    bool family = i < families.size();
    Describe(c, family ? families[i] : revisions[i - families.size()],
             family && options.keep_answers, &slots[i]);
  });
  for (size_t i = 0; i < families.size(); ++i) {
    Described& slot = slots[i];
    for (Workload& w : slot.workloads) out->workloads.push_back(std::move(w));
    for (Diagnostic& d : slot.errors) out->errors.push_back(std::move(d));
    if (options.keep_answers && !slot.answer.empty()) {
      out->answers.push_back({families[i], slot.arn, std::move(slot.answer)});
    }
  }
  for (Diagnostic& d : service_errors) out->errors.push_back(std::move(d));
  for (size_t i = families.size(); i < slots.size(); ++i) {
    for (Diagnostic& d : slots[i].errors) {
      std::string by;
      for (const ServiceRun& run : runs) {
        if (run.task_definition == revisions[i - families.size()]) {
          by += (by.empty() ? "" : ", ") + run.cluster + "/" + run.service;
        }
      }
      d.message += " (run by " + by + ")";
      out->errors.push_back(std::move(d));
    }
  }
  for (const ServiceRun& run : runs) {
    const Described& slot = slots[slot_of_revision[run.task_definition]];
    for (const Workload& task : slot.workloads) {
      Workload w = task;
      w.kind = "Service";
      w.name = run.cluster + "/" + run.service;
      w.resource = run.arn.empty() ? w.name : run.arn;
      w.display = "Service '" + w.name + "' (runs " + task.name + ")";
      // What a service runs is judged whatever its revision: never "superseded".
      w.family.clear();
      w.revision = 0;
      w.revision_status.clear();
      out->workloads.push_back(std::move(w));
    }
  }
  return true;
}

}  // namespace rootlock
