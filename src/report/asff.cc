// AWS Security Finding Format (2018-10-08), ready for Security Hub's BatchImportFindings.
//
// One finding per container and gating rule, whatever its verdict: FAILED for a failure,
// PASSED for a pass and NOT_AVAILABLE for n/a, so importing the next scan resolves the
// finding of a container that was fixed or exempted (Security Hub sets a finding's workflow
// to RESOLVED when its compliance status leaves FAILED). Warnings are not findings. Id is the
// finding's Fingerprint(), which does not depend on the verdict, so each import updates the
// same findings instead of adding new ones.
//
// The output is JSON Lines: each line is one BatchImportFindings request,
// {"Findings": [...]}, with 1 to 100 findings (the API's limit), ready for
// `aws securityhub batch-import-findings --cli-input-json file://LINE`. A scan with nothing
// to report writes no line (the API refuses an empty list). Strings the service requires
// non-empty are never empty; fields are cut to its limits (Title 256, Description 1024,
// Recommendation.Text 512 bytes, product fields 2048).
#include <algorithm>
#include <memory>
#include <string_view>
#include <vector>

#include "base/json_writer.h"
#include "report/report.h"
#include "report/report_util.h"

namespace rootlock {

using internal::Truncate;

namespace {

const char* SeverityLabel(Severity s) {
  switch (s) {
    case Severity::kLow:
      return "LOW";
    case Severity::kMedium:
      return "MEDIUM";
    case Severity::kHigh:
      return "HIGH";
    case Severity::kCritical:
      return "CRITICAL";
  }
  return "INFORMATIONAL";
}

// Security Hub refuses empty strings where it requires a value.
std::string NonEmpty(std::string_view value, std::string_view fallback) {
  return std::string(value.empty() ? fallback : value);
}

bool Applies(const ComplianceRef& c, Platform p) { return (c.platforms & PlatformBit(p)) != 0; }

void Resource(JsonWriter& w, const Finding& f, const ReportContext& context) {
  w.BeginObject();
  switch (f.platform) {
    case Platform::kEcs: {
      std::string family = internal::Group(f);
      w.Field("Type", "AwsEcsTaskDefinition");
      // The task definition's ARN: "family:revision" when the source names a revision, the
      // family alone otherwise (CloudFormation and Terraform register revisions later).
      w.Field("Id", "arn:aws:ecs:" + context.aws_region + ":" + context.aws_account_id +
                        ":task-definition/" + NonEmpty(f.name, "unnamed"));
      w.Field("Partition", "aws");
      w.Field("Region", context.aws_region);
      w.Key("Details");
      w.BeginObject();
      w.Key("AwsEcsTaskDefinition");
      w.BeginObject();
      if (!family.empty()) w.Field("Family", family);
      w.Key("ContainerDefinitions");
      w.BeginArray();
      w.BeginObject();
      w.Field("Name", f.container);
      if (!f.image.empty()) w.Field("Image", f.image);
      w.EndObject();
      w.EndArray();
      w.EndObject();
      w.EndObject();
      break;
    }
    case Platform::kDocker:
      w.Field("Type", "Container");
      w.Field("Id", NonEmpty(f.resource, f.container));
      w.Field("Partition", "aws");
      w.Field("Region", context.aws_region);
      w.Key("Details");
      w.BeginObject();
      w.Key("Container");
      w.BeginObject();
      w.Field("Name", f.container);
      if (!f.image.empty()) w.Field("ImageName", f.image);
      w.EndObject();
      w.EndObject();
      break;
    default:
      w.Field("Type", "Other");
      w.Field("Id", internal::QualifiedResource(f) + "/" + f.container);
      w.Field("Partition", "aws");
      w.Field("Region", context.aws_region);
      w.Key("Details");
      w.BeginObject();
      w.Key("Other");
      w.BeginObject();
      w.Field("Platform", PlatformName(f.platform));
      if (!f.kind.empty()) w.Field("Kind", f.kind);
      if (!f.namespace_.empty()) w.Field("Namespace", f.namespace_);
      if (!f.name.empty()) w.Field("Name", f.name);
      w.Field("Container", f.container);
      if (!f.image.empty()) w.Field("Image", f.image);
      w.EndObject();
      w.EndObject();
      break;
  }
  w.EndObject();
}

const char* ComplianceStatus(Status s) {
  switch (s) {
    case Status::kFail:
      return "FAILED";
    case Status::kPass:
      return "PASSED";
    default:
      return "NOT_AVAILABLE";
  }
}

void AsffFinding(JsonWriter& w, const Finding& f, const ReportContext& context,
                 const std::string& time) {
  const RuleInfo& r = *f.rule;
  const bool failed = f.status == Status::kFail;
  w.BeginObject();
  w.Field("SchemaVersion", "2018-10-08");
  w.Field("Id", "rootlock/" + std::string(r.id) + "/" + Fingerprint(f));
  w.Field("ProductArn", "arn:aws:securityhub:" + context.aws_region + ":" + context.aws_account_id +
                            ":product/" + context.aws_account_id + "/default");
  w.Field("ProductName", "rootlock");
  w.Field("GeneratorId", "rootlock/" + std::string(r.id));
  w.Field("AwsAccountId", context.aws_account_id);
  // The taxonomy's types of the standards that apply here, each once, in rule order.
  std::vector<std::string_view> types;
  for (const ComplianceRef& c : r.compliance) {
    if (c.asff_type == nullptr || !Applies(c, f.platform)) continue;
    if (std::find(types.begin(), types.end(), c.asff_type) == types.end()) {
      types.push_back(c.asff_type);
    }
  }
  if (types.empty()) types.push_back(kAsffAwsBestPractices);
  w.Key("Types");
  w.BeginArray();
  for (std::string_view t : types) w.String(t);
  w.EndArray();
  w.Field("CreatedAt", time);
  w.Field("UpdatedAt", time);
  w.Key("Severity");
  w.BeginObject();
  // Security Hub's own controls rate a passed or unavailable check INFORMATIONAL.
  w.Field("Label", failed ? SeverityLabel(f.severity) : "INFORMATIONAL");
  w.Field("Original", SeverityName(f.severity));
  w.EndObject();
  w.Field("Title", Truncate(r.title, 256));
  std::string description = internal::Explain(f);
  w.Field("Description", Truncate(description.empty() ? r.title : description, 1024));
  if (failed) {
    w.Key("Remediation");
    w.BeginObject();
    w.Key("Recommendation");
    w.BeginObject();
    w.Field("Text", Truncate(internal::Remediation(f), 512));
    w.Field("Url", r.help_uri);
    w.EndObject();
    w.EndObject();
  }
  w.Key("ProductFields");
  w.BeginObject();
  auto product_field = [&w](std::string_view key, std::string_view value) {
    if (!value.empty()) w.Field(key, Truncate(value, 2048));
  };
  product_field("rootlock/Rule", r.id);
  product_field("rootlock/Status", StatusName(f.status));
  product_field("rootlock/Platform", PlatformName(f.platform));
  product_field("rootlock/Location", internal::Position(f.where));
  product_field("rootlock/Resource", f.resource);
  product_field("rootlock/Container", f.container);
  product_field("rootlock/Image", f.image);
  if (!failed) product_field("rootlock/Reason", f.reason);
  product_field("rootlock/Fingerprint", Fingerprint(f));
  w.EndObject();
  w.Key("Resources");
  w.BeginArray();
  Resource(w, f, context);
  w.EndArray();
  w.Key("Compliance");
  w.BeginObject();
  w.Field("Status", ComplianceStatus(f.status));
  for (const ComplianceRef& c : r.compliance) {
    if (c.kind == ComplianceKind::kSecurityHub && Applies(c, f.platform)) {
      w.Field("SecurityControlId", c.control);
      break;
    }
  }
  bool any = false;
  for (const ComplianceRef& c : r.compliance) {
    if (c.kind != ComplianceKind::kStandard || !Applies(c, f.platform)) continue;
    if (!any) {
      w.Key("RelatedRequirements");
      w.BeginArray();
      any = true;
    }
    w.String(std::string(c.framework) + " " + c.control);
  }
  if (any) w.EndArray();
  w.EndObject();
  // Read only when Security Hub creates the finding: a later import never changes it.
  w.Key("Workflow");
  w.BeginObject();
  w.Field("Status", failed ? "NEW" : "RESOLVED");
  w.EndObject();
  w.Field("RecordState", "ACTIVE");
  w.EndObject();
}

}  // namespace

std::string AsffReport(const ScanResult& result, const ReportContext& context) {
  constexpr size_t kBatch = 100;  // BatchImportFindings takes 1 to 100 findings
  std::string out;
  std::string line;
  std::string time = internal::Iso8601(context.time, /*millis=*/true);
  size_t in_batch = 0;
  std::unique_ptr<JsonWriter> w;
  auto close_batch = [&] {
    if (in_batch == 0) return;
    w->EndArray();
    w->EndObject();
    out += line;
    out += '\n';
    line.clear();
    in_batch = 0;
  };
  for (const Finding& f : result.findings) {
    // A rule with a control behind it is a Security Hub finding (read-only-root-fs ECS.5,
    // no-privileged ECS.4, ...); tmp-writable's warning, mapped to none, is not.
    if (!f.rule->gates && f.rule->compliance.empty()) continue;
    if (f.status != Status::kFail && f.status != Status::kPass &&
        f.status != Status::kNotApplicable) {
      continue;
    }
    if (in_batch == 0) {
      w = std::make_unique<JsonWriter>(&line, /*pretty=*/false);
      w->BeginObject();
      w->Key("Findings");
      w->BeginArray();
    }
    AsffFinding(*w, f, context, time);
    if (++in_batch == kBatch) close_batch();
  }
  close_batch();
  return out;
}

}  // namespace rootlock
