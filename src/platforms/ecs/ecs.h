// AWS ECS task definitions, wherever they are declared: describe and register
// JSON, bare container definition arrays, CloudFormation, Terraform (.tf,
// .tf.json, and `terraform show -json` output).
#ifndef ROOTLOCK_PLATFORMS_ECS_ECS_H_
#define ROOTLOCK_PLATFORMS_ECS_ECS_H_

#include <string_view>
#include <vector>

#include "platforms/adapter.h"

namespace rootlock {

/// Keys only an ECS container definition has (Kubernetes and Docker spell theirs
/// otherwise): how a bare array of container definitions is recognised.
inline constexpr std::string_view kEcsOnlyContainerKeys[] = {
    "essential",        "portMappings",          "mountPoints",
    "logConfiguration", "memoryReservation",     "readonlyRootFilesystem",
    "volumesFrom",      "firelensConfiguration", "repositoryCredentials",
    "dockerLabels"};

/// Claims a document holding ECS task definitions in any of the forms above.
bool ExtractEcs(const DocumentContext& ctx, std::vector<Workload>* out);

/// Where several revisions of one family were read, judges only the latest
/// ACTIVE one: older ones are skipped as superseded, INACTIVE ones as such. A
/// bare container-definitions array that a Terraform task read with file() is
/// judged as that task's containers only.
void ResolveEcsAcrossSources(const std::vector<Workload*>& workloads);

}  // namespace rootlock

#endif  // ROOTLOCK_PLATFORMS_ECS_ECS_H_
