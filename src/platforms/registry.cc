#include <string.h>

#include <algorithm>

#include "platforms/adapter.h"
#include "platforms/compose/compose.h"
#include "platforms/docker/docker.h"
#include "platforms/ecs/ecs.h"
#include "platforms/k8s/k8s.h"

namespace rootlock {

namespace {

std::vector<std::string_view> EcsMarkers() {
  std::vector<std::string_view> markers = {"ontainer"};
  for (std::string_view key : kEcsOnlyContainerKeys) markers.push_back(key);
  return markers;
}

// glibc's memmem skips ahead on a mismatch; string_view::find stops at every
// occurrence of the first byte ('e', 's' ...), and most walked files are read
// through whole, once per marker.
bool Contains(std::string_view text, std::string_view marker) {
  return memmem(text.data(), text.size(), marker.data(), marker.size()) != nullptr;
}

}  // namespace

const std::vector<AdapterInfo>& Adapters() {
  static const std::vector<AdapterInfo> kAdapters = {
      // containers, initContainers, ephemeralContainers; and a ConfigMap, which envFrom
      // may read from a file of its own.
      {Platform::kKubernetes,
       "kubernetes",
       &ExtractKubernetes,
       {"ontainer", "ConfigMap"},
       &ResolveKubernetesAcrossSources,
       kCustomResourceDefinition},
      // containerDefinitions, ContainerDefinitions, container_definitions; a bare
      // array of container definitions names no container key, only keys that
      // only a container definition has.
      {Platform::kEcs, "ecs", &ExtractEcs, EcsMarkers(), &ResolveEcsAcrossSources, ""},
      {Platform::kDocker, "docker", &ExtractDockerInspect, {"HostConfig"}, nullptr, ""},
      {Platform::kCompose, "compose", &ExtractCompose, {"services"}, nullptr, ""},
  };
  return kAdapters;
}

std::string_view InertKind() {
  static const std::string_view kInert = [] {
    std::string_view kind;
    for (const AdapterInfo& a : Adapters()) {
      if (!a.inert_kind.empty()) kind = a.inert_kind;
    }
    return kind;
  }();
  return kInert;
}

void ExtractWorkloads(const DocumentContext& ctx, std::vector<Workload>* out) {
  for (const AdapterInfo& a : Adapters()) {
    if (a.extract(ctx, out)) return;
  }
}

bool MayHoldContainer(std::string_view text) {
  if (text.find('\\') != std::string_view::npos) return true;
  // Each marker once, in the order the adapters list them.
  static const std::vector<std::string_view> kMarkers = [] {
    std::vector<std::string_view> all;
    for (const AdapterInfo& a : Adapters()) {
      for (std::string_view m : a.markers) {
        if (std::find(all.begin(), all.end(), m) == all.end()) all.push_back(m);
      }
    }
    return all;
  }();
  for (std::string_view marker : kMarkers) {
    if (Contains(text, marker)) return true;
  }
  return false;
}

bool NeedsEverySource(const Workload& w) {
  // An ECS revision (a later one may be in another file); a bare array of
  // container definitions and a Terraform task that read one with file(), so
  // that the array is judged once, as the task's.
  if (w.revision > 0 || w.bare_definitions || !w.read_from.empty()) return true;
  // A Kubernetes ConfigMap, and a container whose envFrom names one: it may be in another file.
  if (w.provides_env) return true;
  for (const Container& c : w.containers) {
    for (const EnvImport& i : c.env_imports) {
      if (!i.config_map.empty()) return true;
    }
  }
  return false;
}

void ResolveAcrossSources(const std::vector<Workload*>& workloads) {
  for (const AdapterInfo& a : Adapters()) {
    if (a.across_sources) a.across_sources(workloads);
  }
}

}  // namespace rootlock
