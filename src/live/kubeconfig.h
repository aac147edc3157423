// Where a Kubernetes client connects and as whom, read as client-go (and so kubectl) reads
// it: --kubeconfig alone; else the KUBECONFIG files merged; else ~/.kube/config; else the
// in-cluster service account. No Kubernetes library: the kubeconfig is YAML, read with
// parse/'s reader.
#ifndef ROOTLOCK_LIVE_KUBECONFIG_H_
#define ROOTLOCK_LIVE_KUBECONFIG_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/diagnostic.h"

namespace rootlock {

/// What client-go reads from outside the command line; tests give their own.
struct KubeEnvironment {
  /// The process environment: "" for an unset variable.
  std::function<std::string(const std::string&)> get;
  /// Reads a whole file; false when it cannot be read (absent, unreadable).
  std::function<bool(const std::string& path, std::string* text)> read_file;
  /// Where the in-cluster token, ca.crt and namespace are.
  std::string service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
  /// The real environment and file system.
  static KubeEnvironment Process();
};

/// users[].user.exec: a credential plugin (client.authentication.k8s.io).
struct KubeExec {
  std::string api_version;
  std::string command;  // resolved against the kubeconfig's folder when it holds a '/'
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string interactive_mode;  // Never, IfAvailable, Always; "" when not written
  bool provide_cluster_info = false;
  std::string install_hint;
};

struct KubeCluster {
  std::string server;
  std::string ca_file;  // certificate-authority, absolute
  std::string ca_data;  // certificate-authority-data, decoded (PEM)
  bool insecure = false;
  std::string tls_server_name;
  std::string proxy_url;
  std::string origin;  // the file that defines it
};

struct KubeUser {
  std::string token;
  std::string token_file;
  std::string cert_file, cert_data;  // client-certificate[-data]; -data wins
  std::string key_file, key_data;    // client-key[-data]; -data wins
  std::string username, password;
  std::optional<KubeExec> exec;
  std::string origin;
};

struct KubeContext {
  std::string cluster, user, namespace_;
  std::string origin;
};

/// The merged kubeconfig: the first file to define a name wins, current-context comes from
/// the first file that sets it.
struct Kubeconfig {
  std::map<std::string, KubeCluster> clusters;
  std::map<std::string, KubeUser> users;
  std::map<std::string, KubeContext> contexts;
  std::string current_context;
  std::vector<std::string> files;  // read, in order
};

/// Merges the kubeconfig `text`, read from `path`, into `out` (first definition wins);
/// relative paths are resolved against `path`'s folder. False with one error naming the
/// file and the key when it cannot be used.
bool MergeKubeconfig(const std::string& path, std::string_view text, Kubeconfig* out,
                     Diagnostic* error);

/// Everything a client needs for one context.
struct KubeTarget {
  std::string context;  // "in-cluster" for the service account
  std::string cluster_name, user_name;
  std::string namespace_;  // the context's namespace, "" when it names none
  KubeCluster cluster;
  KubeUser user;
  bool in_cluster = false;
  /// Where findings are located: the context's name.
  std::string location;
  /// The files it was read from ("in-cluster service account" for in-cluster).
  std::string source;
};

/// What the command line says (empty: not said).
struct KubeOptions {
  std::string kubeconfig;
  std::string context;
};

/// Loads the kubeconfig as client-go does and picks the context. False with one error line
/// naming every place that was tried, or the file and key at fault; never a credential.
bool ResolveKubeTarget(const KubeOptions& options, const KubeEnvironment& env, KubeTarget* out,
                       Diagnostic* error);

/// Standard base64 (padding optional, whitespace ignored); false on anything else.
bool DecodeBase64(std::string_view in, std::string* out);

}  // namespace rootlock

#endif  // ROOTLOCK_LIVE_KUBECONFIG_H_
