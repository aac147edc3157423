// rootlock k8s: what runs in a live cluster, read through the Kubernetes API with the
// user's own kubeconfig (live/kubeconfig.h) and judged as `scan` judges the same objects.
// Only GET: discovery and lists, paged, in parallel (bounded), each page processed and
// dropped as it comes, so memory follows the workloads kept, not the pods read.
#ifndef ROOTLOCK_LIVE_K8S_CLIENT_H_
#define ROOTLOCK_LIVE_K8S_CLIENT_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "live/http.h"
#include "live/kubeconfig.h"
#include "model/workload.h"

namespace rootlock {

/// The user's credentials for every request: a token, a token file (read again for each
/// request, so a rotated service-account token is picked up), basic auth, or an exec plugin
/// (run once per process; again when its expirationTimestamp passes or after a 401).
/// Thread-safe. Its values never reach a message.
class KubeCredentials {
 public:
  /// An exec plugin that has not answered by `deadline` is killed (the run's --timeout).
  explicit KubeCredentials(KubeTarget target, std::chrono::steady_clock::time_point deadline =
                                                  std::chrono::steady_clock::time_point::max());

  struct Value {
    std::string authorization;      // the Authorization header's value, "" for none
    std::string cert_pem, key_pem;  // from an exec plugin, else ""
    uint64_t generation = 0;        // changes whenever the plugin has run again
  };
  /// False with one error line when the plugin or the token file fails.
  bool Current(Value* out, Diagnostic* error);
  /// After a 401 on a request made with `generation`: the plugin runs again next time.
  /// False when nothing would change (no plugin).
  bool Refresh(uint64_t generation);
  /// How many times the exec plugin ran.
  int exec_runs() const { return exec_runs_; }

 private:
  bool RunExec(Diagnostic* error);

  KubeTarget target_;
  std::chrono::steady_clock::time_point deadline_;
  std::mutex mu_;
  bool have_exec_value_ = false;
  Value exec_value_;
  int64_t expires_ = 0;  // unix seconds; 0: never
  std::atomic<int> exec_runs_{0};
};

/// One cluster, as one kubeconfig context names it. Get() is safe from `workers` threads at
/// once, each with its own connection.
class K8sClient {
 public:
  K8sClient(KubeTarget target, HttpLimits limits, unsigned workers);
  ~K8sClient();

  /// GETs `target` ("/api/v1/pods?limit=500") on worker `worker`'s connection, with the
  /// credentials; a 401 runs an exec plugin again and retries once. False with `error`
  /// when no answer came (never naming a credential).
  bool Get(unsigned worker, const std::string& target, HttpResponse* response, HttpError* error);

  const KubeTarget& target() const { return target_; }
  unsigned workers() const { return static_cast<unsigned>(slots_.size()); }
  KubeCredentials& credentials() { return credentials_; }
  uint64_t requests() const { return requests_; }

 private:
  struct Slot {
    std::unique_ptr<HttpTransport> transport;
    uint64_t generation = 0;
  };
  KubeTarget target_;
  HttpLimits limits_;
  KubeCredentials credentials_;
  std::vector<Slot> slots_;
  std::atomic<uint64_t> requests_{0};
};

struct K8sAuditOptions {
  /// -n: only these namespaces, in this order; empty: every namespace.
  std::vector<std::string> namespaces;
  /// --selector: a label selector sent with every list.
  std::string selector;
  /// Items asked per page (the server may send fewer).
  unsigned page_limit = 500;
  /// Look for custom resources with a pod template through discovery.
  bool discover = true;
};

struct K8sAudit {
  std::vector<Workload> workloads;
  /// What could not be read (a kind or namespace forbidden, a list that failed): one line
  /// each, and exit 2; the rest is judged.
  std::vector<Diagnostic> errors;
  /// What was read another way (a cluster-wide list forbidden, every namespace read).
  std::vector<Diagnostic> notes;
  uint64_t objects = 0;  // items read, pods included
  uint64_t owned = 0;    // items judged through their top owner
};

/// Discovers the kinds with pods, lists each (every page, every namespace or -n's),
/// judges each workload once by its top owner (ownerReferences: a Deployment, not its
/// ReplicaSets or pods), and builds workloads as `scan` builds them from the same objects,
/// located at "CONTEXT/NAMESPACE". Stable order whatever the timing: kinds in a fixed
/// order (custom resources by group and name, pods last), each in the server's order.
/// False with `fatal` when the cluster cannot be used at all (unreachable, 401, the deadline).
bool AuditKubernetes(K8sClient* client, const K8sAuditOptions& options, K8sAudit* out,
                     Diagnostic* fatal);

}  // namespace rootlock

#endif  // ROOTLOCK_LIVE_K8S_CLIENT_H_
