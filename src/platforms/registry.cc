#include "platforms/adapter.h"
#include "platforms/compose/compose.h"
#include "platforms/docker/docker.h"
#include "platforms/ecs/ecs.h"
#include "platforms/k8s/k8s.h"

namespace rootlock {

const std::vector<AdapterInfo>& Adapters() {
  static const std::vector<AdapterInfo> kAdapters = {
      {Platform::kKubernetes, "kubernetes", &ExtractKubernetes},
      {Platform::kEcs, "ecs", &ExtractEcs},
      {Platform::kDocker, "docker", &ExtractDockerInspect},
      {Platform::kCompose, "compose", &ExtractCompose},
  };
  return kAdapters;
}

void ExtractWorkloads(const DocumentContext& ctx, std::vector<Workload>* out) {
  for (const AdapterInfo& a : Adapters()) {
    if (a.extract(ctx, out)) return;
  }
}

}  // namespace rootlock
