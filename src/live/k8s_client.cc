#include "live/k8s_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_set>

#include "base/digest.h"
#include "base/json_writer.h"
#include "base/text.h"
#include "parse/reader.h"
#include "platforms/k8s/k8s.h"

extern char** environ;

namespace rootlock {

namespace {

std::string Str(const Node* n) {
  return n && n->IsScalar() && !n->IsNull() ? std::string(n->value()) : std::string();
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n')) ++i;
  return s.substr(i);
}

bool ReadWholeFile(const std::string& path, std::string* out) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out->clear();
  char buf[8192];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(fd);
      return n == 0;
    }
    out->append(buf, static_cast<size_t>(n));
  }
}

// "2026-11-30T01:02:03Z", "2026-11-30T01:02:03.5+01:00": unix seconds; 0 when unreadable.
int64_t ParseRfc3339(const std::string& s) {
  std::tm tm{};
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return 0;
  int64_t t = static_cast<int64_t>(timegm(&tm));
  if (*rest == '.') {
    ++rest;
    while (*rest >= '0' && *rest <= '9') ++rest;
  }
  if (*rest == '+' || *rest == '-') {
    int sign = *rest == '+' ? 1 : -1;
    int hh = 0, mm = 0;
    if (std::sscanf(rest + 1, "%d:%d", &hh, &mm) == 2) t -= sign * (hh * 3600 + mm * 60);
  }
  return t;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The message of a Status answer ("deployments.apps is forbidden: User ..."), or "".
std::string StatusMessage(const HttpResponse& r) {
  ParsedSource parsed = ReadJson("status", r.body);
  if (parsed.has_error || parsed.documents.empty()) return "";
  return Str(parsed.documents[0].root->Get("message"));
}

}  // namespace

KubeCredentials::KubeCredentials(KubeTarget target, std::chrono::steady_clock::time_point deadline)
    : target_(std::move(target)), deadline_(deadline) {}

bool KubeCredentials::RunExec(Diagnostic* error) {
  const KubeExec& x = *target_.user.exec;
  const std::string who = "the exec credential plugin " + QuoteForMessage(x.command) + " of user " +
                          QuoteForMessage(target_.user_name);
  bool interactive = false;
  if (x.interactive_mode == "Always" || x.interactive_mode == "IfAvailable" ||
      x.interactive_mode.empty()) {
    interactive = isatty(STDIN_FILENO);
    if (x.interactive_mode == "Always" && !interactive) {
      error->message = who + " needs a terminal (interactiveMode: Always) and stdin is not one";
      return false;
    }
  }
  // KUBERNETES_EXEC_INFO: what client-go tells the plugin.
  std::string info;
  {
    JsonWriter w(&info, /*pretty=*/false);
    w.BeginObject();
    w.Field("kind", "ExecCredential");
    w.Field("apiVersion", x.api_version);
    w.Key("spec");
    w.BeginObject();
    w.Key("interactive");
    w.Bool(interactive);
    if (x.provide_cluster_info) {
      w.Key("cluster");
      w.BeginObject();
      w.Field("server", target_.cluster.server);
      if (!target_.cluster.tls_server_name.empty()) {
        w.Field("tls-server-name", target_.cluster.tls_server_name);
      }
      if (target_.cluster.insecure) {
        w.Key("insecure-skip-tls-verify");
        w.Bool(true);
      }
      std::string ca = target_.cluster.ca_data;
      if (ca.empty() && !target_.cluster.ca_file.empty())
        ReadWholeFile(target_.cluster.ca_file, &ca);
      if (!ca.empty()) w.Field("certificate-authority-data", Base64(ca));
      if (!target_.cluster.proxy_url.empty()) w.Field("proxy-url", target_.cluster.proxy_url);
      w.EndObject();
    }
    w.EndObject();
    w.EndObject();
  }
  std::vector<std::string> env_strings;
  std::set<std::string> overridden;
  for (const auto& [k, v] : x.env) overridden.insert(k);
  overridden.insert("KUBERNETES_EXEC_INFO");
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    if (!overridden.count(std::string(kv.substr(0, kv.find('='))))) env_strings.emplace_back(kv);
  }
  for (const auto& [k, v] : x.env) env_strings.push_back(k + "=" + v);
  env_strings.push_back("KUBERNETES_EXEC_INFO=" + info);
  std::vector<char*> envp, argv;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string command = x.command;
  std::vector<std::string> args = x.args;
  argv.push_back(command.data());
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    error->message = "cannot run " + who + ": " + std::strerror(errno);
    return false;
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(out[0]);
    close(out[1]);
    error->message = "cannot run " + who + ": " + std::strerror(errno);
    return false;
  }
  if (pid == 0) {
    // The child: stdout to the pipe, stdin a terminal only when interactive, stderr the user's.
    dup2(out[1], STDOUT_FILENO);
    if (!interactive) {
      int null = open("/dev/null", O_RDONLY);
      if (null >= 0) dup2(null, STDIN_FILENO);
    }
    // execvpe: PATH is searched as the plugin's environment says, as client-go's exec does.
    execvpe(command.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(out[1]);
  std::string answer;
  char buf[4096];
  bool late = false;
  for (;;) {
    // Wait for output no longer than the run's deadline: a plugin that hangs is killed.
    int wait_ms = -1;
    if (deadline_ != std::chrono::steady_clock::time_point::max()) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline_ -
                                                               std::chrono::steady_clock::now());
      wait_ms = static_cast<int>(std::clamp<int64_t>(left.count(), 0, 1 << 30));
    }
    pollfd p{out[0], POLLIN, 0};
    int ready = poll(&p, 1, wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      late = true;
      kill(pid, SIGKILL);
      break;
    }
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (answer.size() < (4u << 20)) answer.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ++exec_runs_;
  if (late) {
    error->message = who + " did not answer before the deadline (--timeout); killed";
    return false;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string why = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                        : "killed by signal " + std::to_string(WTERMSIG(status));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) why = "not found, or it cannot run";
    error->message =
        who + " failed: " + why + (x.install_hint.empty() ? "" : " (" + Trim(x.install_hint) + ")");
    return false;
  }
  // Its output holds the credential: nothing of it goes into a message.
  ParsedSource parsed = ReadJson("exec", answer);
  const Node* root =
      parsed.has_error || parsed.documents.empty() ? nullptr : parsed.documents[0].root;
  if (!root || !root->IsMapping() || Str(root->Get("kind")) != "ExecCredential") {
    error->message = who + " did not print an ExecCredential";
    return false;
  }
  if (Str(root->Get("apiVersion")) != x.api_version) {
    error->message = who + " answered apiVersion " + QuoteForMessage(Str(root->Get("apiVersion"))) +
                     ", not " + x.api_version;
    return false;
  }
  const Node* st = root->Get("status");
  Value v;
  std::string token = Str(st ? st->Get("token") : nullptr);
  v.cert_pem = Str(st ? st->Get("clientCertificateData") : nullptr);
  v.key_pem = Str(st ? st->Get("clientKeyData") : nullptr);
  if (token.empty() && (v.cert_pem.empty() || v.key_pem.empty())) {
    error->message = who + " gave neither a token nor a client certificate and key";
    return false;
  }
  if (token.find_first_of("\r\n") != std::string::npos) {
    error->message = who + " gave a token with a line break";
    return false;
  }
  if (!token.empty()) v.authorization = "Bearer " + token;
  std::string expiry = Str(st->Get("expirationTimestamp"));
  expires_ = expiry.empty() ? 0 : ParseRfc3339(expiry);
  v.generation = exec_value_.generation + 1;
  exec_value_ = std::move(v);
  have_exec_value_ = true;
  return true;
}

bool KubeCredentials::Current(Value* out, Diagnostic* error) {
  const KubeUser& u = target_.user;
  if (u.exec) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!have_exec_value_ || (expires_ != 0 && NowSeconds() >= expires_)) {
      if (!RunExec(error)) return false;
    }
    *out = exec_value_;
    return true;
  }
  *out = Value{};
  if (!u.token_file.empty()) {
    std::string token;
    if (!ReadWholeFile(u.token_file, &token) || Trim(token).empty()) {
      if (u.token.empty()) {
        error->message = "cannot read the token file " + u.token_file + " of user " +
                         QuoteForMessage(target_.user_name);
        return false;
      }
      token = u.token;
    }
    out->authorization = "Bearer " + Trim(token);
  } else if (!u.token.empty()) {
    out->authorization = "Bearer " + u.token;
  } else if (!u.username.empty() || !u.password.empty()) {
    out->authorization = "Basic " + Base64(u.username + ":" + u.password);
  }
  if (out->authorization.find_first_of("\r\n") != std::string::npos) {
    error->message =
        "the token of user " + QuoteForMessage(target_.user_name) + " holds a line break";
    return false;
  }
  return true;
}

bool KubeCredentials::Refresh(uint64_t generation) {
  if (!target_.user.exec) return false;
  std::lock_guard<std::mutex> lock(mu_);
  if (have_exec_value_ && exec_value_.generation == generation) have_exec_value_ = false;
  return true;
}

K8sClient::K8sClient(KubeTarget target, HttpLimits limits, unsigned workers)
    : target_(target),
      limits_(std::move(limits)),
      credentials_(std::move(target), limits_.deadline) {
  slots_.resize(std::max(1u, workers));
}

K8sClient::~K8sClient() = default;

bool K8sClient::Get(unsigned worker, const std::string& path, HttpResponse* response,
                    HttpError* error) {
  Slot& slot = slots_[worker];
  for (int attempt = 0;; ++attempt) {
    KubeCredentials::Value cred;
    Diagnostic cred_error;
    if (!credentials_.Current(&cred, &cred_error)) {
      *error = HttpError::Of(HttpFailure::kOther, cred_error.message);
      return false;
    }
    if (!slot.transport || slot.generation != cred.generation) {
      // A connection per worker, made again when an exec plugin gives a new certificate.
      const KubeCluster& c = target_.cluster;
      HttpEndpoint e;
      HttpEndpointExtras x;
      e.peer = "the Kubernetes API at " + c.server + " (context " + target_.context + ")";
      e.base_url = c.server;
      while (!e.base_url.empty() && e.base_url.back() == '/') e.base_url.pop_back();
      if (!c.tls_server_name.empty() && StartsWith(e.base_url, "https://")) {
        // Connect to the server, but say and check tls-server-name.
        std::string rest = e.base_url.substr(8);
        size_t slash = rest.find('/');
        std::string authority = rest.substr(0, slash);
        std::string tail = slash == std::string::npos ? "" : rest.substr(slash);
        std::string host = authority, port = "443";
        size_t colon = authority.rfind(':');
        if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
          host = authority.substr(0, colon);
          port = authority.substr(colon + 1);
        }
        if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
        e.base_url = "https://" + c.tls_server_name + ":" + port + tail;
        x.connect_to = c.tls_server_name + ":" + port + ":" + host + ":" + port;
      }
      e.ca_file = c.ca_file;
      x.ca_pem = c.ca_data;
      e.verify = !c.insecure;
      x.proxy = c.proxy_url;
      const KubeUser& u = target_.user;
      e.cert_file = u.cert_file;
      e.key_file = u.key_file;
      x.cert_pem = !cred.cert_pem.empty() ? cred.cert_pem : u.cert_data;
      x.key_pem = !cred.key_pem.empty() ? cred.key_pem : u.key_data;
      slot.transport = std::make_unique<CurlTransport>(std::move(e), std::move(x));
      slot.transport->SetLimits(limits_);
      slot.generation = cred.generation;
    }
    HttpRequest request;
    request.target = path;
    request.max_response_bytes = kMaxListResponseBytes;
    request.headers.push_back({"Accept", "application/json"});
    if (!cred.authorization.empty())
      request.headers.push_back({"Authorization", cred.authorization});
    ++requests_;
    if (!slot.transport->Send(request, response, error)) return false;
    if (response->status == 401 && attempt == 0 && credentials_.Refresh(cred.generation)) continue;
    return true;
  }
}

namespace {

struct Kind {
  std::string group, version, resource, kind;
  bool namespaced = true;
  /// Found through discovery: it may carry no pod template at all.
  bool custom = false;

  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
  std::string Name() const { return group.empty() ? resource : resource + "." + group; }
  std::string Path(const std::string& ns) const {
    std::string p = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
    if (!ns.empty()) p += "/namespaces/" + PercentEncodePathSegment(ns);
    return p + "/" + resource;
  }
};

// The kinds rootlock reads from every cluster, in report order (pods last: they are
// judged only when no listed owner judges them).
std::vector<Kind> BuiltinKinds() {
  return {
      {"apps", "v1", "deployments", "Deployment"},
      {"apps", "v1", "statefulsets", "StatefulSet"},
      {"apps", "v1", "daemonsets", "DaemonSet"},
      {"apps", "v1", "replicasets", "ReplicaSet"},
      {"", "v1", "replicationcontrollers", "ReplicationController"},
      {"batch", "v1", "cronjobs", "CronJob"},
      {"batch", "v1", "jobs", "Job"},
  };
}

// Groups whose kinds are Kubernetes' own: none but the built-in ones above carry pods.
bool BuiltinGroup(const std::string& group) {
  static const std::set<std::string> kGroups = {
      "",       "apps",       "batch",      "autoscaling", "policy", "extensions",
      "events", "networking", "scheduling", "storage",     "rbac",   "metrics.k8s.io"};
  return kGroups.count(group) || EndsWith(group, ".k8s.io") || EndsWith(group, ".x-k8s.io");
}

// A workload with what ties it to its owners.
struct Held {
  Workload workload;
  std::string uid;
  std::vector<std::string> owners;  // ownerReferences[].uid
};

// What one list (one kind, one namespace or all) gave.
struct ListOutput {
  std::vector<Held> held;
  std::vector<Diagnostic> errors, notes;
  uint64_t items = 0, owned = 0;
};

enum class ListStatus { kOk, kForbidden, kNotFound, kFailed };

class Auditor {
 public:
  Auditor(K8sClient* client, const K8sAuditOptions& options) : client_(client), options_(options) {}

  bool Run(K8sAudit* out, Diagnostic* fatal);

 private:
  // Lists `kind` in `ns` ("" cluster-wide), every page, calling `item` on each; a 410
  // restarts it from the start once (`restart` is told to forget what it kept).
  ListStatus List(unsigned worker, const Kind& kind, const std::string& ns,
                  const std::function<void(const Node*, const std::string&, NodeTree*)>& item,
                  const std::function<void()>& restart, std::string* why);
  // One kind in every namespace asked for, with the RBAC fallback.
  void ListKind(unsigned worker, const Kind& kind, const std::string& ns, bool pods,
                ListOutput* out);
  void Process(const Kind& kind, const Node* item, const std::string& ns, NodeTree* tree, bool pods,
               ListOutput* out);
  bool Namespaces(unsigned worker, std::vector<std::string>* out, std::string* why);
  void Discover(std::vector<Kind>* kinds, std::vector<Diagnostic>* notes);
  template <typename Fn>
  void Parallel(size_t n, Fn fn);
  void Stop(const std::string& message) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopped_) fatal_ = message;
    stopped_ = true;
  }
  Diagnostic At(const std::string& message) const {
    Diagnostic d;
    d.where = Location{client_->target().location};
    d.message = message;
    return d;
  }

  K8sClient* client_;
  const K8sAuditOptions& options_;
  std::mutex mu_;
  std::atomic<bool> stopped_{false};
  std::string fatal_;
  // Namespaces the user can list, read once when a cluster-wide list is forbidden.
  std::once_flag namespaces_once_;
  bool namespaces_ok_ = false;
  std::vector<std::string> namespaces_;
  std::string namespaces_why_;
  // UIDs of the objects that yielded a workload: their pods and children are theirs.
  std::unordered_set<std::string> owners_;
};

template <typename Fn>
void Auditor::Parallel(size_t n, Fn fn) {
  std::atomic<size_t> next{0};
  auto work = [&](unsigned worker) {
    for (size_t i = next++; i < n && !stopped_; i = next++) fn(worker, i);
  };
  std::vector<std::thread> threads;
  for (unsigned w = 1; w < client_->workers() && w < n; ++w) threads.emplace_back(work, w);
  work(0);
  for (std::thread& t : threads) t.join();
}

ListStatus Auditor::List(
    unsigned worker, const Kind& kind, const std::string& ns,
    const std::function<void(const Node*, const std::string&, NodeTree*)>& item,
    const std::function<void()>& restart, std::string* why) {
  std::string cont;
  bool restarted = false;
  const std::string base =
      kind.Path(ns) + "?limit=" + std::to_string(options_.page_limit) +
      (options_.selector.empty() ? ""
                                 : "&labelSelector=" + PercentEncodePathSegment(options_.selector));
  for (;;) {
    if (stopped_) return ListStatus::kFailed;
    std::string target = base + (cont.empty() ? "" : "&continue=" + PercentEncodePathSegment(cont));
    HttpResponse response;
    HttpError error;
    if (!client_->Get(worker, target, &response, &error)) {
      // No answer at all (unreachable, TLS, the deadline): nothing else will answer either.
      Stop(error.message);
      *why = error.message;
      return ListStatus::kFailed;
    }
    if (response.status == 401) {
      Stop("the Kubernetes API at " + client_->target().cluster.server +
           " refused the credentials of " +
           (client_->target().user_name.empty()
                ? std::string("the context (no user)")
                : "user " + QuoteForMessage(client_->target().user_name)) +
           " (401 Unauthorized)");
      return ListStatus::kFailed;
    }
    if (response.status == 403) {
      *why = StatusMessage(response);
      return ListStatus::kForbidden;
    }
    if (response.status == 404) return ListStatus::kNotFound;
    if (response.status == 410 && !cont.empty() && !restarted) {
      // The continue token expired (etcd compacted): the list again, from the start.
      restarted = true;
      cont.clear();
      restart();
      continue;
    }
    if (response.status != 200) {
      std::string message = StatusMessage(response);
      *why = "HTTP " + std::to_string(response.status) +
             (response.status == 410 ? " (the list expired again after a restart)" : "") +
             (message.empty() ? "" : ": " + message);
      return ListStatus::kFailed;
    }
    // The page is parsed, its items processed, and dropped before the next is asked for.
    ParsedSource page = ReadJson(client_->target().location + target, response.body);
    response.body.clear();
    response.body.shrink_to_fit();
    const Node* root = page.has_error || page.documents.empty() ? nullptr : page.documents[0].root;
    const Node* items = root ? root->Get("items") : nullptr;
    if (!items || !(items->IsSequence() || items->IsNull())) {
      *why = "the answer to " + target + " is not a list";
      return ListStatus::kFailed;
    }
    for (const Node* i : items->IsSequence() ? items->children() : NodeList()) {
      item(i, ns, page.tree.get());
    }
    cont = Str(root->Path({"metadata", "continue"}));
    if (cont.empty()) return ListStatus::kOk;
  }
}

void Auditor::Process(const Kind& kind, const Node* item, const std::string& list_ns,
                      NodeTree* tree, bool pods, ListOutput* out) {
  ++out->items;
  if (!item->IsMapping()) return;
  const Node* meta = item->Get("metadata");
  std::vector<std::string> owners;
  if (const Node* refs = meta ? meta->Get("ownerReferences") : nullptr;
      refs && refs->IsSequence()) {
    for (const Node* r : refs->children()) owners.push_back(Str(r->Get("uid")));
  }
  if (pods) {
    // owners_ is complete and read-only while pods are listed.
    for (const std::string& o : owners) {
      if (owners_.count(o)) {
        ++out->owned;
        return;
      }
    }
  }
  // Items of a list carry no kind or apiVersion: the list's, in front (an item's own wins).
  Node* k = tree->NewNode();
  tree->SetValue(k, "kind");
  Node* kv = tree->NewNode();
  tree->SetValue(kv, kind.kind);
  Node* a = tree->NewNode();
  tree->SetValue(a, "apiVersion");
  Node* av = tree->NewNode();
  tree->SetValue(av, kind.ApiVersion());
  std::vector<const Node*> children = {k, kv, a, av};
  for (const Node* c : item->children()) children.push_back(c);
  Node* obj = tree->NewNode();
  obj->type = NodeType::kMapping;
  tree->SetChildren(obj, children.data(), children.size());
  Document doc;
  doc.root = obj;
  std::string ns = Str(meta ? meta->Get("namespace") : nullptr);
  if (ns.empty()) ns = list_ns;
  std::string file = client_->target().location + (ns.empty() ? "" : "/" + ns);
  DocumentContext ctx{file, doc, InputFormat::kJson, tree, nullptr, nullptr, {}};
  std::vector<Workload> found;
  ExtractKubernetes(ctx, &found);
  std::string uid = Str(meta ? meta->Get("uid") : nullptr);
  for (Workload& w : found) {
    PlaceAt(Location{file}, &w);
    out->held.push_back(Held{std::move(w), uid, owners});
  }
}

bool Auditor::Namespaces(unsigned worker, std::vector<std::string>* out, std::string* why) {
  std::call_once(namespaces_once_, [&] {
    Kind ns_kind{"", "v1", "namespaces", "Namespace", false};
    std::vector<std::string> names;
    std::string reason;
    ListStatus s = List(
        worker, ns_kind, "",
        [&](const Node* item, const std::string&, NodeTree*) {
          std::string name = Str(item->Path({"metadata", "name"}));
          if (!name.empty()) names.push_back(name);
        },
        [&] { names.clear(); }, &reason);
    if (s == ListStatus::kOk) {
      namespaces_ok_ = true;
      namespaces_ = std::move(names);
    } else if (!client_->target().namespace_.empty()) {
      // The user may not list namespaces: the context's own is the one they surely have.
      namespaces_ok_ = true;
      namespaces_ = {client_->target().namespace_};
      namespaces_why_ = "namespaces cannot be listed" + (reason.empty() ? "" : ": " + reason);
    } else {
      namespaces_why_ =
          "namespaces cannot be listed either" + (reason.empty() ? "" : ": " + reason);
    }
  });
  *out = namespaces_;
  *why = namespaces_why_;
  return namespaces_ok_;
}

void Auditor::ListKind(unsigned worker, const Kind& kind, const std::string& ns, bool pods,
                       ListOutput* out) {
  auto item = [&](const Node* i, const std::string& list_ns, NodeTree* tree) {
    Process(kind, i, list_ns, tree, pods, out);
  };
  std::string why;
  ListStatus s = List(
      worker, kind, ns, item,
      [&] {
        out->held.clear();
        out->items = out->owned = 0;
      },
      &why);
  if (s == ListStatus::kOk || stopped_) return;
  if (s == ListStatus::kNotFound) {
    out->notes.push_back(At("the cluster does not serve " + kind.Name() + "; not read"));
    return;
  }
  if (s == ListStatus::kForbidden && kind.custom && ns.empty()) {
    // A custom kind may hold no pods at all: being kept from it is no failure to read a
    // workload, and asking namespace by namespace for every such kind would cost
    // kinds x namespaces requests for a user with narrow rights (the audit CronJob's).
    out->notes.push_back(At(kind.Name() +
                            " is forbidden to this user: custom resources of "
                            "that kind are not judged (grant list on them if they carry pod "
                            "templates)"));
    return;
  }
  if (s == ListStatus::kFailed || !ns.empty() || !kind.namespaced) {
    out->errors.push_back(At("cannot list " + kind.Name() +
                             (ns.empty() ? "" : " in namespace " + QuoteForMessage(ns)) + ": " +
                             (s == ListStatus::kForbidden ? "forbidden" : "failed") +
                             (why.empty() ? "" : " (" + why + ")")));
    return;
  }
  // Forbidden cluster-wide: namespace by namespace, those the user may see.
  std::vector<std::string> namespaces;
  std::string ns_why;
  if (!Namespaces(worker, &namespaces, &ns_why)) {
    out->errors.push_back(
        At("cannot list " + kind.Name() + ": forbidden cluster-wide, and " + ns_why));
    return;
  }
  std::vector<std::string> denied;
  for (const std::string& one : namespaces) {
    std::string one_why;
    size_t before = out->held.size();
    uint64_t items = out->items, owned = out->owned;
    ListStatus r = List(
        worker, kind, one, item,
        [&] {
          out->held.resize(before);
          out->items = items;
          out->owned = owned;
        },
        &one_why);
    if (stopped_) return;
    if (r == ListStatus::kForbidden) {
      denied.push_back(one);
    } else if (r != ListStatus::kOk && r != ListStatus::kNotFound) {
      out->errors.push_back(At("cannot list " + kind.Name() + " in namespace " +
                               QuoteForMessage(one) + ": " + one_why));
    }
  }
  std::string read = std::to_string(namespaces.size() - denied.size()) + " of " +
                     std::to_string(namespaces.size()) + " namespaces";
  if (denied.empty()) {
    out->notes.push_back(At(kind.Name() +
                            ": the cluster-wide list is forbidden; read namespace by "
                            "namespace (" +
                            read + (ns_why.empty() ? "" : "; " + ns_why) + ")"));
  } else {
    std::string names;
    for (size_t i = 0; i < denied.size() && i < 10; ++i) {
      names += (i ? ", " : "") + QuoteForMessage(denied[i]);
    }
    if (denied.size() > 10) names += ", ...";
    out->errors.push_back(At("cannot list " + kind.Name() + " in " + std::to_string(denied.size()) +
                             (denied.size() == 1 ? " namespace (" : " namespaces (") + names +
                             "): forbidden; read " + read));
  }
}

void Auditor::Discover(std::vector<Kind>* kinds, std::vector<Diagnostic>* notes) {
  HttpResponse response;
  HttpError error;
  if (!client_->Get(0, "/apis", &response, &error)) {
    Stop(error.message);
    return;
  }
  if (response.status == 401) {
    Stop("the Kubernetes API at " + client_->target().cluster.server +
         " refused the credentials (401 Unauthorized)");
    return;
  }
  if (response.status != 200) {
    notes->push_back(At("discovery (/apis) answered HTTP " + std::to_string(response.status) +
                        ": custom resources with pod templates are not looked for"));
    return;
  }
  ParsedSource parsed = ReadJson("/apis", response.body);
  const Node* groups = parsed.has_error || parsed.documents.empty()
                           ? nullptr
                           : parsed.documents[0].root->Get("groups");
  std::vector<std::string> versions;  // "group/version", the preferred one of each custom group
  for (const Node* g : groups && groups->IsSequence() ? groups->children() : NodeList()) {
    std::string name = Str(g->Get("name"));
    std::string gv = Str(g->Path({"preferredVersion", "groupVersion"}));
    if (name.empty() || gv.empty() || BuiltinGroup(name)) continue;
    versions.push_back(gv);
  }
  std::vector<std::vector<Kind>> found(versions.size());
  Parallel(versions.size(), [&](unsigned worker, size_t i) {
    HttpResponse r;
    HttpError e;
    if (!client_->Get(worker, "/apis/" + versions[i], &r, &e) || r.status != 200) return;
    ParsedSource list = ReadJson(versions[i], r.body);
    const Node* resources = list.has_error || list.documents.empty()
                                ? nullptr
                                : list.documents[0].root->Get("resources");
    size_t slash = versions[i].find('/');
    if (slash == std::string::npos) return;
    for (const Node* res :
         resources && resources->IsSequence() ? resources->children() : NodeList()) {
      std::string resource = Str(res->Get("name"));
      if (resource.empty() || resource.find('/') != std::string::npos) continue;  // subresources
      bool can_list = false;
      if (const Node* verbs = res->Get("verbs"); verbs && verbs->IsSequence()) {
        for (const Node* v : verbs->children()) can_list |= v->Scalar() == "list";
      }
      if (!can_list) continue;
      Kind k{versions[i].substr(0, slash),
             versions[i].substr(slash + 1),
             resource,
             Str(res->Get("kind")),
             true,
             true};
      if (const Node* n = res->Get("namespaced")) k.namespaced = n->AsBool() == BoolValue::kTrue;
      found[i].push_back(std::move(k));
    }
  });
  std::vector<Kind> custom;
  for (auto& f : found) {
    for (Kind& k : f) custom.push_back(std::move(k));
  }
  std::sort(custom.begin(), custom.end(), [](const Kind& a, const Kind& b) {
    return std::tie(a.group, a.resource) < std::tie(b.group, b.resource);
  });
  for (Kind& k : custom) kinds->push_back(std::move(k));
}

bool Auditor::Run(K8sAudit* out, Diagnostic* fatal) {
  fatal->where = Location{client_->target().location};
  std::vector<Kind> kinds = BuiltinKinds();
  std::vector<Diagnostic> notes;
  if (options_.discover) Discover(&kinds, &notes);
  if (stopped_) {
    fatal->message = fatal_;
    return false;
  }
  // Phase 1: every kind with a pod template; phase 2: pods, once every owner is known.
  std::vector<std::string> spaces = options_.namespaces;
  if (spaces.empty()) spaces.push_back("");
  struct Task {
    const Kind* kind;
    std::string ns;
  };
  auto tasks_of = [&](const std::vector<Kind>& of) {
    std::vector<Task> tasks;
    for (const Kind& k : of) {
      if (!k.namespaced) {
        if (options_.namespaces.empty()) tasks.push_back({&k, ""});
        continue;
      }
      for (const std::string& ns : spaces) tasks.push_back({&k, ns});
    }
    return tasks;
  };
  std::vector<Task> first = tasks_of(kinds);
  std::vector<ListOutput> outputs(first.size());
  Parallel(first.size(), [&](unsigned worker, size_t i) {
    ListKind(worker, *first[i].kind, first[i].ns, false, &outputs[i]);
  });
  if (stopped_) {
    fatal->message = fatal_;
    return false;
  }
  for (const ListOutput& o : outputs) {
    for (const Held& h : o.held) {
      if (!h.uid.empty()) owners_.insert(h.uid);
    }
  }
  std::vector<Kind> pod_kind = {{"", "v1", "pods", "Pod"}};
  std::vector<Task> second = tasks_of(pod_kind);
  std::vector<ListOutput> pod_outputs(second.size());
  Parallel(second.size(), [&](unsigned worker, size_t i) {
    ListKind(worker, *second[i].kind, second[i].ns, true, &pod_outputs[i]);
  });
  if (stopped_) {
    fatal->message = fatal_;
    return false;
  }
  for (Diagnostic& d : notes) out->notes.push_back(std::move(d));
  for (auto* group : {&outputs, &pod_outputs}) {
    for (ListOutput& o : *group) {
      out->objects += o.items;
      out->owned += o.owned;
      for (Held& h : o.held) {
        bool owned = false;
        for (const std::string& uid : h.owners) owned |= owners_.count(uid) > 0;
        if (owned && group == &outputs) {
          ++out->owned;
          continue;
        }
        out->workloads.push_back(std::move(h.workload));
      }
      for (Diagnostic& d : o.errors) out->errors.push_back(std::move(d));
      for (Diagnostic& d : o.notes) out->notes.push_back(std::move(d));
    }
  }
  return true;
}

}  // namespace

bool AuditKubernetes(K8sClient* client, const K8sAuditOptions& options, K8sAudit* out,
                     Diagnostic* fatal) {
  Auditor auditor(client, options);
  return auditor.Run(out, fatal);
}

}  // namespace rootlock
