// Internal to the ECS adapter: the infrastructure-as-code sources.
#ifndef ROOTLOCK_PLATFORMS_ECS_FORMS_H_
#define ROOTLOCK_PLATFORMS_ECS_FORMS_H_

#include <vector>

#include "platforms/adapter.h"

namespace rootlock::ecs {

/// AWS::ECS::TaskDefinition resources of a CloudFormation template (YAML or
/// JSON), or of a fragment that lists resources without a Resources wrapper.
bool ExtractCloudFormation(const DocumentContext& ctx, std::vector<Workload>* out);

/// aws_ecs_task_definition and awscc_ecs_task_definition resources of a
/// Terraform configuration (.tf read as HCL, or .tf.json), and of
/// `terraform show -json` plan or state output.
bool ExtractTerraform(const DocumentContext& ctx, std::vector<Workload>* out);

}  // namespace rootlock::ecs

#endif  // ROOTLOCK_PLATFORMS_ECS_FORMS_H_
