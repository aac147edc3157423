// Docker: `docker inspect` output, from a file or from the live engine.
#ifndef ROOTLOCK_PLATFORMS_DOCKER_DOCKER_H_
#define ROOTLOCK_PLATFORMS_DOCKER_DOCKER_H_

#include <vector>

#include "platforms/adapter.h"

namespace rootlock {

/// Claims a `docker inspect` array (or one inspected container object).
bool ExtractDockerInspect(const DocumentContext& ctx, std::vector<Workload>* out);

/// Whether a node is one container as `docker inspect` and the Engine API's
/// GET /containers/{id}/json describe it.
bool IsInspectedContainer(const Node* n);

/// Builds the workload for one inspected container (HostConfig.ReadonlyRootfs,
/// Tmpfs, Mounts, Binds).
Workload DockerWorkload(const DocumentContext& ctx, const Node* inspected);

}  // namespace rootlock

#endif  // ROOTLOCK_PLATFORMS_DOCKER_DOCKER_H_
