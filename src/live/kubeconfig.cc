#include "live/kubeconfig.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "base/text.h"
#include "parse/reader.h"

namespace rootlock {

namespace {

std::string Str(const Node* n) {
  return n && n->IsScalar() && !n->IsNull() ? std::string(n->value()) : std::string();
}

// "/home/u/.kube/config" -> "/home/u/.kube", made absolute as client-go does
// (filepath.Abs(filepath.Dir(file))).
std::string FolderOf(const std::string& file) {
  std::string dir = file.find('/') == std::string::npos ? "." : file.substr(0, file.rfind('/'));
  if (dir.empty()) dir = "/";
  if (dir[0] != '/') {
    char buf[4096];
    if (getcwd(buf, sizeof buf)) dir = std::string(buf) + "/" + dir;
  }
  return dir;
}

// A path written in `file`: absolute as written, else against the file's folder.
std::string Resolve(const std::string& file, const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  return LexicalPath(FolderOf(file) + "/" + path);
}

bool Fail(Diagnostic* error, const std::string& file, const Node* at, const std::string& message) {
  error->where = Location{file};
  if (at) {
    error->where.line = at->start.line;
    error->where.column = at->start.column;
  }
  error->message = message;
  return false;
}

// `-data` keys: base64 of PEM bytes.
bool Data(const std::string& file, const Node* entry, const char* key, std::string* out,
          Diagnostic* error) {
  const Node* n = entry->Get(key);
  if (!n || n->IsNull()) return true;
  if (!DecodeBase64(n->Scalar(), out) || out->empty()) {
    return Fail(error, file, n, std::string(key) + " is not base64");
  }
  return true;
}

// The named entries of a list (clusters, users, contexts): name -> the mapping under `inner`.
template <typename Fn>
bool Entries(const std::string& file, const Node* root, const char* list, const char* inner,
             Diagnostic* error, Fn&& each) {
  const Node* items = root->Get(list);
  if (!items || items->IsNull()) return true;
  if (!items->IsSequence()) return Fail(error, file, items, std::string(list) + " is not a list");
  for (const Node* item : items->children()) {
    std::string name = Str(item->Get("name"));
    if (!item->IsMapping() || name.empty()) {
      return Fail(error, file, item, std::string(list) + ": an entry without a name");
    }
    const Node* body = item->Get(inner);
    if (!body || !body->IsMapping()) {
      return Fail(error, file, item,
                  std::string(list) + " '" + name + "' has no " + inner + ": mapping");
    }
    if (!each(name, body)) return false;
  }
  return true;
}

}  // namespace

bool DecodeBase64(std::string_view in, std::string* out) {
  out->clear();
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+') {
      v = 62;
    } else if (c == '/') {
      v = 63;
    } else if (c == '=') {
      ++pad;
      continue;
    } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      continue;
    } else {
      return false;
    }
    if (pad) return false;  // data after padding
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return pad <= 2;
}

KubeEnvironment KubeEnvironment::Process() {
  KubeEnvironment env;
  env.get = [](const std::string& name) {
    const char* v = std::getenv(name.c_str());
    return std::string(v ? v : "");
  };
  env.read_file = [](const std::string& path, std::string* text) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream s;
    s << in.rdbuf();
    *text = s.str();
    return !in.bad();
  };
  return env;
}

bool MergeKubeconfig(const std::string& path, std::string_view text, Kubeconfig* out,
                     Diagnostic* error) {
  ParsedSource parsed = ReadYaml(path, text);
  if (parsed.has_error) {
    *error = parsed.error;
    return false;
  }
  out->files.push_back(path);
  if (parsed.documents.empty() || parsed.documents[0].root->IsNull()) return true;
  const Node* root = parsed.documents[0].root;
  if (!root->IsMapping()) return Fail(error, path, root, "a kubeconfig is a mapping");
  // clusters
  if (!Entries(path, root, "clusters", "cluster", error,
               [&](const std::string& name, const Node* c) {
                 if (out->clusters.count(name)) return true;  // the first file to define it wins
                 KubeCluster k;
                 k.origin = path;
                 k.server = Str(c->Get("server"));
                 k.ca_file = Resolve(path, Str(c->Get("certificate-authority")));
                 if (!Data(path, c, "certificate-authority-data", &k.ca_data, error)) return false;
                 if (const Node* n = c->Get("insecure-skip-tls-verify")) {
                   k.insecure = n->AsBool() == BoolValue::kTrue;
                 }
                 k.tls_server_name = Str(c->Get("tls-server-name"));
                 k.proxy_url = Str(c->Get("proxy-url"));
                 out->clusters.emplace(name, std::move(k));
                 return true;
               })) {
    return false;
  }
  // users
  if (!Entries(path, root, "users", "user", error, [&](const std::string& name, const Node* u) {
        if (out->users.count(name)) return true;
        KubeUser k;
        k.origin = path;
        if (const Node* ap = u->Get("auth-provider"); ap && !ap->IsNull()) {
          return Fail(error, path, ap,
                      "user '" + name +
                          "': auth-provider is not supported (kubectl dropped it too: use an "
                          "exec credential plugin such as kubelogin or gke-gcloud-auth-plugin)");
        }
        k.token = Str(u->Get("token"));
        k.token_file = Resolve(path, Str(u->Get("tokenFile")));
        k.cert_file = Resolve(path, Str(u->Get("client-certificate")));
        k.key_file = Resolve(path, Str(u->Get("client-key")));
        if (!Data(path, u, "client-certificate-data", &k.cert_data, error) ||
            !Data(path, u, "client-key-data", &k.key_data, error)) {
          return false;
        }
        k.username = Str(u->Get("username"));
        k.password = Str(u->Get("password"));
        if (const Node* e = u->Get("exec"); e && !e->IsNull()) {
          if (!e->IsMapping())
            return Fail(error, path, e, "user '" + name + "': exec is not a mapping");
          KubeExec x;
          x.api_version = Str(e->Get("apiVersion"));
          x.command = Str(e->Get("command"));
          if (x.command.empty()) {
            return Fail(error, path, e, "user '" + name + "': exec has no command");
          }
          if (x.api_version != "client.authentication.k8s.io/v1" &&
              x.api_version != "client.authentication.k8s.io/v1beta1") {
            return Fail(error, path, e,
                        "user '" + name + "': exec apiVersion " + QuoteForMessage(x.api_version) +
                            " is not client.authentication.k8s.io/v1 or v1beta1");
          }
          // client-go: a command with a path separator is relative to the kubeconfig.
          if (x.command.find('/') != std::string::npos) x.command = Resolve(path, x.command);
          if (const Node* a = e->Get("args"); a && a->IsSequence()) {
            for (const Node* arg : a->children()) x.args.push_back(Str(arg));
          }
          if (const Node* v = e->Get("env"); v && v->IsSequence()) {
            for (const Node* kv : v->children()) {
              x.env.emplace_back(Str(kv->Get("name")), Str(kv->Get("value")));
            }
          }
          x.interactive_mode = Str(e->Get("interactiveMode"));
          if (!x.interactive_mode.empty() && x.interactive_mode != "Never" &&
              x.interactive_mode != "IfAvailable" && x.interactive_mode != "Always") {
            return Fail(error, path, e->Get("interactiveMode"),
                        "user '" + name + "': exec interactiveMode " +
                            QuoteForMessage(x.interactive_mode) +
                            " is not Never, IfAvailable or Always");
          }
          if (x.interactive_mode.empty() && x.api_version == "client.authentication.k8s.io/v1") {
            return Fail(
                error, path, e,
                "user '" + name + "': exec interactiveMode is required for " + x.api_version);
          }
          if (const Node* p = e->Get("provideClusterInfo")) {
            x.provide_cluster_info = p->AsBool() == BoolValue::kTrue;
          }
          x.install_hint = Str(e->Get("installHint"));
          k.exec = std::move(x);
        }
        out->users.emplace(name, std::move(k));
        return true;
      })) {
    return false;
  }
  // contexts
  if (!Entries(path, root, "contexts", "context", error,
               [&](const std::string& name, const Node* c) {
                 if (out->contexts.count(name)) return true;
                 KubeContext k;
                 k.origin = path;
                 k.cluster = Str(c->Get("cluster"));
                 k.user = Str(c->Get("user"));
                 k.namespace_ = Str(c->Get("namespace"));
                 out->contexts.emplace(name, std::move(k));
                 return true;
               })) {
    return false;
  }
  if (out->current_context.empty()) out->current_context = Str(root->Get("current-context"));
  return true;
}

bool ResolveKubeTarget(const KubeOptions& options, const KubeEnvironment& env, KubeTarget* out,
                       Diagnostic* error) {
  Kubeconfig config;
  std::vector<std::string> tried;
  auto load = [&](const std::string& path, bool must_exist) {
    std::string text;
    if (!env.read_file(path, &text)) {
      if (must_exist) {
        error->where = Location{path};
        error->message = "cannot read the kubeconfig " + path;
        return false;
      }
      tried.push_back(path + " (absent)");
      return true;
    }
    tried.push_back(path);
    return MergeKubeconfig(path, text, &config, error);
  };
  if (!options.kubeconfig.empty()) {
    if (!load(options.kubeconfig, true)) return false;
  } else if (std::string list = env.get("KUBECONFIG"); !list.empty()) {
    std::set<std::string> seen;
    size_t from = 0;
    while (from <= list.size()) {
      size_t colon = list.find(':', from);
      std::string path = list.substr(from, colon == std::string::npos ? colon : colon - from);
      if (!path.empty() && seen.insert(path).second && !load(path, false)) return false;
      if (colon == std::string::npos) break;
      from = colon + 1;
    }
  } else if (std::string home = env.get("HOME"); !home.empty()) {
    if (!load(home + "/.kube/config", false)) return false;
  }
  bool empty = config.contexts.empty() && config.clusters.empty() && config.users.empty() &&
               config.current_context.empty();
  if (empty && options.context.empty()) {
    // In-cluster, as client-go falls back to it when no kubeconfig says anything.
    std::string host = env.get("KUBERNETES_SERVICE_HOST"),
                port = env.get("KUBERNETES_SERVICE_PORT");
    if (host.empty() || port.empty()) {
      std::string where;
      for (const std::string& t : tried) where += (where.empty() ? "" : ", ") + t;
      error->message = "no Kubernetes cluster configured: " +
                       (where.empty() ? std::string("no kubeconfig (--kubeconfig, KUBECONFIG, "
                                                    "HOME unset)")
                                      : "no context in " + where) +
                       ", and not in a cluster (KUBERNETES_SERVICE_HOST unset)";
      return false;
    }
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    out->in_cluster = true;
    out->context = "in-cluster";
    out->location = "in-cluster";
    out->source = "the in-cluster service account (" + env.service_account_dir + ")";
    out->cluster.server = "https://" + host + ":" + port;
    out->cluster.ca_file = env.service_account_dir + "/ca.crt";
    out->user.token_file = env.service_account_dir + "/token";
    std::string probe;
    if (!env.read_file(out->user.token_file, &probe)) {
      error->message =
          "in a cluster (KUBERNETES_SERVICE_HOST is set) but cannot read the service "
          "account token " +
          out->user.token_file;
      return false;
    }
    std::string ns;
    if (env.read_file(env.service_account_dir + "/namespace", &ns)) {
      while (!ns.empty() && (ns.back() == '\n' || ns.back() == ' ')) ns.pop_back();
      out->namespace_ = ns;
    }
    return true;
  }
  std::string files;
  for (const std::string& f : config.files) files += (files.empty() ? "" : ", ") + f;
  out->source = files;
  std::string name = !options.context.empty() ? options.context : config.current_context;
  if (name.empty()) {
    error->where = Location{config.files.empty() ? "" : config.files[0]};
    error->message = "no current-context in " + files + ": name one with --context";
    return false;
  }
  auto ctx = config.contexts.find(name);
  if (ctx == config.contexts.end()) {
    error->message = "context " + QuoteForMessage(name) + " is not in " + files +
                     (options.context.empty() ? " (current-context)" : " (--context)");
    return false;
  }
  const KubeContext& c = ctx->second;
  auto cluster = config.clusters.find(c.cluster);
  if (c.cluster.empty() || cluster == config.clusters.end()) {
    error->where = Location{c.origin};
    error->message = "context " + QuoteForMessage(name) + ": its cluster " +
                     QuoteForMessage(c.cluster) + " is not in clusters of " + files;
    return false;
  }
  if (cluster->second.server.empty()) {
    error->where = Location{cluster->second.origin};
    error->message = "cluster " + QuoteForMessage(c.cluster) + " has no server";
    return false;
  }
  out->cluster = cluster->second;
  // client-go: a server without a scheme is https ("10.0.0.1:6443").
  if (out->cluster.server.find("://") == std::string::npos) {
    out->cluster.server = "https://" + out->cluster.server;
  }
  if (!c.user.empty()) {
    auto user = config.users.find(c.user);
    if (user == config.users.end()) {
      error->where = Location{c.origin};
      error->message = "context " + QuoteForMessage(name) + ": its user " +
                       QuoteForMessage(c.user) + " is not in users of " + files;
      return false;
    }
    out->user = user->second;
  }
  out->context = name;
  out->cluster_name = c.cluster;
  out->user_name = c.user;
  out->namespace_ = c.namespace_;
  out->location = name;
  return true;
}

}  // namespace rootlock
