#include "live/docker_engine.h"

#include <cstdlib>
#include <cstring>
#include <optional>

#include "base/text.h"
#include "platforms/docker/docker.h"

namespace rootlock {

namespace {

// The oldest API whose answers carry what we read (ReadonlyRootfs, Mounts, Tmpfs, /changes).
constexpr int kMinApiMajor = 1, kMinApiMinor = 24;
// The newest we ask for; an older engine is asked in its own version.
constexpr const char* kMaxApi = "1.43";

// The most of one answer read (docs/limits.md; --max-response-size sets one cap for all):
// the container list is a list (kMaxListResponseBytes, 256 MiB), /version and an inspect
// one object each (kMaxObjectResponseBytes, 16 MiB); what a busy container wrote, between.
constexpr uint64_t kMaxChangesBytes = 64ull * 1024 * 1024;

HttpEndpoint HttpEndpointOf(const DockerEndpoint& docker) {
  HttpEndpoint http;
  http.peer = "the Docker engine at " + docker.address;
  http.base_url = docker.base_url;
  http.socket_path = docker.socket_path;
  if (docker.tls) {
    http.ca_file = docker.cert_dir + "/ca.pem";
    http.cert_file = docker.cert_dir + "/cert.pem";
    http.key_file = docker.cert_dir + "/key.pem";
  }
  http.verify = docker.verify;
  return http;
}

bool ParseVersion(std::string_view v, int* major, int* minor) {
  size_t dot = v.find('.');
  if (dot == std::string_view::npos) return false;
  *major = std::atoi(std::string(v.substr(0, dot)).c_str());
  *minor = std::atoi(std::string(v.substr(dot + 1)).c_str());
  return *major > 0 || *minor > 0;
}

std::string Scalar(const Node* n) { return n && n->IsScalar() ? std::string(n->value()) : ""; }

}  // namespace

bool IsContainerRef(std::string_view ref) {
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  bool hex = ref.size() >= 12 && ref.size() <= 64 &&
             ref.find_first_not_of("0123456789abcdef") == std::string_view::npos;
  if (hex) return true;
  if (ref.empty() || !alnum(ref[0])) return false;
  for (char c : ref) {
    if (!alnum(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

bool ResolveDockerEndpoint(const std::string& host, DockerEndpoint* out, Diagnostic* error) {
  std::string address = host;
  if (address.empty()) {
    const char* env = std::getenv("DOCKER_HOST");
    address = env && *env ? env : "unix:///var/run/docker.sock";
  }
  out->address = address;
  const char* verify = std::getenv("DOCKER_TLS_VERIFY");
  const char* cert_path = std::getenv("DOCKER_CERT_PATH");
  if (StartsWith(address, "unix://")) {
    out->socket_path = address.substr(7);
    out->base_url = "http://localhost";
    if (out->socket_path.empty()) {
      error->message = "--host " + address + " names no socket";
      return false;
    }
    return true;
  }
  if (StartsWith(address, "tcp://") || StartsWith(address, "http://") ||
      StartsWith(address, "https://")) {
    std::string rest = address.substr(address.find("://") + 3);
    while (!rest.empty() && rest.back() == '/') rest.pop_back();
    if (rest.empty()) {
      error->message = "--host " + address + " names no host";
      return false;
    }
    out->verify = verify && *verify && std::string(verify) != "0";
    out->tls = out->verify || (cert_path && *cert_path) || StartsWith(address, "https://");
    if (out->tls) {
      if (cert_path && *cert_path) {
        out->cert_dir = cert_path;
      } else if (const char* home = std::getenv("HOME")) {
        out->cert_dir = std::string(home) + "/.docker";
      }
    }
    out->base_url = (out->tls ? "https://" : "http://") + rest;
    return true;
  }
  error->message = "cannot use the Docker host " + QuoteForMessage(address) +
                   ": rootlock speaks unix:// and tcp:// (ssh:// is not supported)";
  return false;
}

DockerEngine::DockerEngine(DockerEndpoint endpoint, HttpLimits limits)
    : DockerEngine(endpoint, std::make_unique<CurlTransport>(HttpEndpointOf(endpoint))) {
  transport_->SetLimits(std::move(limits));
}

DockerEngine::DockerEngine(DockerEndpoint endpoint, std::unique_ptr<HttpTransport> transport)
    : endpoint_(std::move(endpoint)), transport_(std::move(transport)) {}

bool DockerEngine::Get(const std::string& path, uint64_t max_bytes, HttpResponse* response,
                       HttpError* error) {
  HttpRequest request;
  request.target = path;
  request.max_response_bytes = max_bytes;
  if (transport_->Send(request, response, error)) return true;
  // The transport names the engine; the advice is the docker CLI's.
  switch (error->kind) {
    case HttpFailure::kNoSocket:
      error->message = "no Docker engine: " + endpoint_.socket_path +
                       " does not exist (is the engine running? set DOCKER_HOST or --host)";
      break;
    case HttpFailure::kPermissionDenied:
      error->message += " (add your user to the docker group, or run with sudo)";
      break;
    case HttpFailure::kRefused:
      error->message += " (is the engine running?)";
      break;
    default:
      break;
  }
  return false;
}

bool AuditDockerEngine(DockerEngine* engine, const DockerAuditOptions& options, DockerAudit* out,
                       Diagnostic* fatal) {
  const std::string& address = engine->endpoint().address;
  fatal->where = Location{address};
  // How far the audit got, for a run the deadline stops.
  std::optional<size_t> listed;  // set once the list is read
  bool deadline_passed = false;
  auto get_json = [&](const std::string& path, uint64_t max_bytes, int* status,
                      std::string* error) -> std::unique_ptr<ParsedSource> {
    // Nothing of the request before may colour this one's note.
    *status = 0;
    error->clear();
    HttpResponse response;
    if (HttpError failure; !engine->Get(path, max_bytes, &response, &failure)) {
      *error = failure.message;
      if (failure.kind == HttpFailure::kDeadline) {
        deadline_passed = true;
        fatal->message = "stopped: " + failure.message + "; " +
                         (listed ? std::to_string(out->workloads.size()) + " of " +
                                       std::to_string(*listed) + " containers read"
                                 : std::string("no container read"));
      }
      return nullptr;
    }
    *status = response.status;
    if (*status != 200) return nullptr;
    auto parsed = std::make_unique<ParsedSource>(ReadJson(address + path, response.body));
    if (parsed->has_error || parsed->documents.empty()) {
      *error = "the engine answered " + path + " with something that is not JSON";
      return nullptr;
    }
    return parsed;
  };

  int status = 0;
  std::string error;
  std::unique_ptr<ParsedSource> version =
      get_json("/version", kMaxObjectResponseBytes, &status, &error);
  if (deadline_passed) return false;
  if (!version) {
    fatal->message = !error.empty() ? error
                                    : "the engine at " + address + " answered /version with HTTP " +
                                          std::to_string(status);
    return false;
  }
  const Node* v = version->documents[0].root;
  std::string api = Scalar(v->Get("ApiVersion"));
  int major = 0, minor = 0;
  if (!ParseVersion(api, &major, &minor) ||
      major * 1000 + minor < kMinApiMajor * 1000 + kMinApiMinor) {
    fatal->message = "the engine's API version " + (api.empty() ? "(unknown)" : api) +
                     " is too old: rootlock needs 1.24 or newer";
    return false;
  }
  int max_major = 0, max_minor = 0;
  ParseVersion(kMaxApi, &max_major, &max_minor);
  std::string use = major * 1000 + minor > max_major * 1000 + max_minor ? kMaxApi : api;
  std::string prefix = "/v" + use;
  out->engine = "API " + api + " (" + Scalar(v->Get("Version")) + ")";

  std::unique_ptr<ParsedSource> list =
      get_json(prefix + "/containers/json?all=1", kMaxListResponseBytes, &status, &error);
  if (deadline_passed) return false;
  if (!list) {
    fatal->message = !error.empty()
                         ? error
                         : "the engine refused to list containers: HTTP " + std::to_string(status);
    return false;
  }
  const Node* items = list->documents[0].root;
  if (!items->IsSequence()) {
    fatal->message = "the engine's container list is not a list";
    return false;
  }
  listed = items->children().size();
  for (const Node* item : items->children()) {
    std::string id = Scalar(item->Get("Id"));
    if (!IsContainerRef(id)) {
      // Never sent: "..", "a/b" or "a%2Fb" in a path would ask the engine something else.
      Diagnostic refused;
      refused.where = Location{address};
      refused.message = "container id " + QuoteForMessage(id) +
                        " refused: not an id or name the engine gives; skipped";
      out->refused.push_back(std::move(refused));
      continue;
    }
    std::string short_id = id.substr(0, 12);
    const std::string container_path = prefix + "/containers/" + PercentEncodePathSegment(id);
    std::unique_ptr<ParsedSource> inspected =
        get_json(container_path + "/json", kMaxObjectResponseBytes, &status, &error);
    if (deadline_passed) return false;
    if (!inspected) {
      // `name` is the engine's: printed through ErrorLine, which escapes controls.
      std::string name = item->Get("Names") && item->Get("Names")->IsSequence() &&
                                 !item->Get("Names")->children().empty()
                             ? Scalar(item->Get("Names")->children()[0])
                             : short_id;
      Diagnostic note;
      note.where = Location{"docker:" + short_id};
      note.message = status == 404 ? "container " + name + " was removed during the scan; skipped"
                                   : "cannot inspect container " + name + ": " +
                                         (error.empty() ? "HTTP " + std::to_string(status) : error);
      out->notes.push_back(std::move(note));
      continue;
    }
    std::string file = "docker:" + short_id;
    DocumentContext ctx{
        file, inspected->documents[0], InputFormat::kJson, inspected->tree.get(), nullptr, nullptr,
        {}};
    const Node* root = inspected->documents[0].root;
    if (!IsInspectedContainer(root)) continue;
    Workload w = DockerWorkload(ctx, root);
    // A live container has no line to point at: the location is the container itself.
    PlaceAt(Location{file}, &w);
    for (Container& c : w.containers) {
      if (options.changes && c.read_only_root.value != Flag::kTrue) {
        std::unique_ptr<ParsedSource> changes =
            get_json(container_path + "/changes", kMaxChangesBytes, &status, &error);
        if (deadline_passed) return false;
        if (changes) {
          c.writes_known = true;
          const Node* list_node = changes->documents[0].root;
          for (size_t k = 0; list_node->IsSequence() && k < list_node->children().size(); ++k) {
            std::string path = Scalar(list_node->children()[k]->Get("Path"));
            if (!path.empty()) c.written_paths.push_back(path);
          }
        } else {
          // `display` holds the engine's name: escaped where it is printed.
          Diagnostic note;
          note.where = Location{file};
          note.message = "cannot tell what " + w.display +
                         " wrote: " + (error.empty() ? "HTTP " + std::to_string(status) : error) +
                         "; judged without it";
          out->unknown_writes.push_back(std::move(note));
        }
      }
    }
    out->workloads.push_back(std::move(w));
  }
  return true;
}

}  // namespace rootlock
