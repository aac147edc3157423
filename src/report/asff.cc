// AWS Security Finding Format (2018-10-08), ready for securityhub BatchImportFindings.
//
// One finding per container that fails a gating rule: passing containers and warnings are
// not Security Hub findings. Id is the finding's Fingerprint(), so importing the next scan
// updates the same findings instead of adding new ones. Fields are cut to Security Hub's
// limits (Title 256, Description 1024, Recommendation.Text 512 bytes).
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
                        ":task-definition/" + f.name);
      w.Field("Partition", "aws");
      w.Field("Region", context.aws_region);
      w.Key("Details");
      w.BeginObject();
      w.Key("AwsEcsTaskDefinition");
      w.BeginObject();
      w.Field("Family", family);
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
      w.Field("Id", f.resource);
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
      w.Field("Kind", f.kind);
      if (!f.namespace_.empty()) w.Field("Namespace", f.namespace_);
      w.Field("Name", f.name);
      w.Field("Container", f.container);
      if (!f.image.empty()) w.Field("Image", f.image);
      w.EndObject();
      w.EndObject();
      break;
  }
  w.EndObject();
}

void AsffFinding(JsonWriter& w, const Finding& f, const ReportContext& context,
                 const std::string& time) {
  const RuleInfo& r = *f.rule;
  w.BeginObject();
  w.Field("SchemaVersion", "2018-10-08");
  w.Field("Id", "rootlock/" + std::string(r.id) + "/" + Fingerprint(f));
  w.Field("ProductArn", "arn:aws:securityhub:" + context.aws_region + ":" + context.aws_account_id +
                            ":product/" + context.aws_account_id + "/default");
  w.Field("ProductName", "rootlock");
  w.Field("GeneratorId", "rootlock/" + std::string(r.id));
  w.Field("AwsAccountId", context.aws_account_id);
  w.Key("Types");
  w.BeginArray();
  if (f.platform == Platform::kEcs)
    w.String("Software and Configuration Checks/AWS Security Best Practices");
  w.String(
      "Software and Configuration Checks/Industry and Regulatory Standards/NIST 800-53 Controls");
  w.EndArray();
  w.Field("CreatedAt", time);
  w.Field("UpdatedAt", time);
  w.Key("Severity");
  w.BeginObject();
  w.Field("Label", SeverityLabel(f.severity));
  w.Field("Original", SeverityName(f.severity));
  w.EndObject();
  w.Field("Title", Truncate(r.title, 256));
  w.Field("Description", Truncate(internal::Explain(f), 1024));
  w.Key("Remediation");
  w.BeginObject();
  w.Key("Recommendation");
  w.BeginObject();
  w.Field("Text", Truncate(internal::Remediation(f), 512));
  w.Field("Url", r.help_uri);
  w.EndObject();
  w.EndObject();
  w.Key("ProductFields");
  w.BeginObject();
  w.Field("rootlock/Rule", r.id);
  w.Field("rootlock/Platform", PlatformName(f.platform));
  w.Field("rootlock/Location", Truncate(internal::Position(f.where), 2048));
  w.Field("rootlock/Resource", Truncate(f.resource, 2048));
  w.Field("rootlock/Container", Truncate(f.container, 2048));
  if (!f.image.empty()) w.Field("rootlock/Image", Truncate(f.image, 2048));
  w.Field("rootlock/Fingerprint", Fingerprint(f));
  w.EndObject();
  w.Key("Resources");
  w.BeginArray();
  Resource(w, f, context);
  w.EndArray();
  w.Key("Compliance");
  w.BeginObject();
  w.Field("Status", "FAILED");
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
  w.Key("Workflow");
  w.BeginObject();
  w.Field("Status", "NEW");
  w.EndObject();
  w.Field("RecordState", "ACTIVE");
  w.EndObject();
}

}  // namespace

std::string AsffReport(const ScanResult& result, const ReportContext& context) {
  std::string out;
  JsonWriter w(&out);
  std::string time = internal::Iso8601(context.time, /*millis=*/true);
  w.BeginArray();
  for (const Finding& f : result.findings) {
    if (f.status == Status::kFail && f.rule->gates) AsffFinding(w, f, context, time);
  }
  w.EndArray();
  out += '\n';
  return out;
}

}  // namespace rootlock
