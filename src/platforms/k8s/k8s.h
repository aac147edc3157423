// Kubernetes manifests: every kind that carries a pod.
#ifndef ROOTLOCK_PLATFORMS_K8S_K8S_H_
#define ROOTLOCK_PLATFORMS_K8S_K8S_H_

#include <string_view>
#include <vector>

#include "platforms/adapter.h"

namespace rootlock {

/// Pod (spec), CronJob (spec.jobTemplate.spec.template.spec), PodTemplate
/// (template.spec), List and *List (items, recursively), and any other kind
/// with a pod template at spec.template.spec (Deployment, StatefulSet,
/// DaemonSet, ReplicaSet, ReplicationController, Job, Argo Rollout, OpenShift
/// DeploymentConfig, Knative Service ...). Claims every document with a
/// string `kind`; kinds without a pod yield nothing, but for a ConfigMap, which
/// yields a workload without containers holding its data keys (for envFrom).
bool ExtractKubernetes(const DocumentContext& ctx, std::vector<Workload>* out);

/// Reads what envFrom configMapRef names: each container's ConfigMap import is replaced by the
/// ConfigMap's keys (prefixed) when a ConfigMap of that name in the workload's namespace is
/// among `workloads` (ExtractKubernetes yields ConfigMaps as workloads without containers,
/// Workload::provides_env); env wins over envFrom, a later envFrom entry over an earlier one.
void ResolveKubernetesAcrossSources(const std::vector<Workload*>& workloads);

/// A CustomResourceDefinition defines a schema (full of `containers`) and runs
/// nothing, whatever it holds: the adapter's inert kind, which the scan skims
/// past unparsed (AdapterInfo::inert_kind, parse/yaml_skim.h).
inline constexpr std::string_view kCustomResourceDefinition = "CustomResourceDefinition";

}  // namespace rootlock

#endif  // ROOTLOCK_PLATFORMS_K8S_K8S_H_
