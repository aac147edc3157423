#include "live/ecs_client.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
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

// Describes one family's latest ACTIVE revision and builds its workloads.
void DescribeFamily(EcsClient* client, const std::string& family, std::vector<Workload>* workloads,
                    std::vector<Diagnostic>* errors) {
  std::string body;
  JsonWriter w(&body, /*pretty=*/false);
  w.BeginObject();
  w.Field("taskDefinition", family);
  w.Key("include");
  w.BeginArray();
  w.String("TAGS");
  w.EndArray();
  w.EndObject();
  std::string answer;
  Diagnostic error;
  if (!client->Call("DescribeTaskDefinition", body, &answer, &error)) {
    error.where = Location{"ecs:" + client->config().region + ":" + family};
    errors->push_back(std::move(error));
    return;
  }
  auto parsed = std::make_unique<ParsedSource>(ReadJson(family, answer));
  if (parsed->has_error) {
    Diagnostic bad;
    bad.where = Location{"ecs:" + client->config().region + ":" + family};
    bad.message =
        "DescribeTaskDefinition answered JSON that does not parse: " + parsed->error.message;
    errors->push_back(std::move(bad));
    return;
  }
  const Node* root = parsed->documents[0].root;
  const Node* arn_node = root ? root->Path({"taskDefinition", "taskDefinitionArn"}) : nullptr;
  std::string arn = arn_node ? std::string(arn_node->Scalar()) : family;
  DocumentContext ctx{
      arn, parsed->documents[0], InputFormat::kJson, parsed->tree.get(), nullptr, nullptr, {}};
  std::vector<Workload> found;
  ExtractEcs(ctx, &found);
  for (Workload& task : found) {
    // The ARN is where a live task definition is: no file, no line.
    task.resource = arn;
    PlaceAt(Location{arn}, &task);
    workloads->push_back(std::move(task));
  }
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
    SigV4Signature signature = SignV4(r, config_.credentials, o);
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
      *answer = std::move(response.body);
      return true;
    }
    if (answered) ServiceError(response, &code, &message);
    bool again = answered
                     ? Retryable(response.status, code)
                     : failure.kind == HttpFailure::kTimeout || failure.kind == HttpFailure::kOther;
    if (!again || attempt >= max_attempts || failure.kind == HttpFailure::kDeadline) {
      if (!answered) {
        error->message = operation + ": " + failure.message;
      } else {
        error->message = operation + " failed in " + config_.region + ": " +
                         (code.empty() ? "HTTP " + std::to_string(response.status) : code) +
                         (message.empty() ? "" : ": " + message);
      }
      if (attempt > 1) error->message += " (after " + std::to_string(attempt) + " attempts)";
      return false;
    }
    // Standard mode: a random share of 2^attempt seconds, at most 20 s.
    double cap = std::min(20.0, static_cast<double>(1u << std::min(attempt - 1, 10)));
    sleep(std::uniform_real_distribution<double>(0, cap)(jitter));
  }
}

bool AuditEcs(EcsClient* client, const EcsAuditOptions& options, EcsAudit* out, Diagnostic* fatal) {
  std::vector<std::string> families;
  std::string token;
  do {
    std::string body;
    JsonWriter w(&body, /*pretty=*/false);
    w.BeginObject();
    w.Field("status", "ACTIVE");
    if (!options.family_prefix.empty()) w.Field("familyPrefix", options.family_prefix);
    if (!token.empty()) w.Field("nextToken", token);
    w.EndObject();
    std::string answer;
    if (!client->Call("ListTaskDefinitionFamilies", body, &answer, fatal)) return false;
    ParsedSource page = ReadJson("ListTaskDefinitionFamilies", answer);
    const Node* root = page.has_error ? nullptr : page.documents[0].root;
    const Node* list = root ? root->Get("families") : nullptr;
    if (!list || !list->IsSequence()) {
      fatal->message = "ListTaskDefinitionFamilies: the answer holds no families list";
      return false;
    }
    for (const Node* f : list->children()) families.emplace_back(f->Scalar());
    const Node* next = root->Get("nextToken");
    token = next && !next->IsNull() ? std::string(next->Scalar()) : "";
  } while (!token.empty());
  out->families = families.size();

  // One slot per family, filled by whichever worker describes it: the order stays the
  // families' order.
  struct Slot {
    std::vector<Workload> workloads;
    std::vector<Diagnostic> errors;
  };
  std::vector<Slot> slots(families.size());
  std::atomic<size_t> next{0};
  auto work = [&](EcsClient* worker) {
    for (size_t i = next++; i < families.size(); i = next++) {
      DescribeFamily(worker, families[i], &slots[i].workloads, &slots[i].errors);
    }
  };
  std::vector<std::unique_ptr<EcsClient>> extra;
  if (options.more_clients) {
    for (unsigned j = 1; j < options.jobs && j < families.size(); ++j) {
      extra.push_back(options.more_clients());
    }
  }
  std::vector<std::thread> threads;
  for (auto& c : extra) threads.emplace_back(work, c.get());
  work(client);
  for (std::thread& t : threads) t.join();
  for (Slot& slot : slots) {
    for (Workload& w : slot.workloads) out->workloads.push_back(std::move(w));
    for (Diagnostic& d : slot.errors) out->errors.push_back(std::move(d));
  }
  return true;
}

}  // namespace rootlock
