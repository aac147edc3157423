// Fuzz target: the whole scan of one source (ScanText) read as YAML, JSON, HCL
// and auto-detected: every platform adapter (Kubernetes, ECS API JSON,
// CloudFormation, Terraform, docker inspect, compose) and every rule. Checks
// the scan's own promises besides not crashing: one finding per container and
// rule, each pointing into this file, a ratio between 0 and 1, and no
// container in text that MayHoldContainer says a folder walk may skip, and no
// document the CRD skim leaves unparsed that a parser reads as anything but a
// CustomResourceDefinition.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/text.h"
#include "engine/scanner.h"
#include "fuzz_common.h"
#include "parse/reader.h"
#include "parse/yaml_skim.h"
#include "platforms/k8s/k8s.h"
#include "rules/rules.h"

namespace {

void ScanAs(const std::string& name, std::string_view text, rootlock::InputFormat format,
            const rootlock::ScanOptions& options) {
  using rootlock::fuzz::Require;
  rootlock::SourceOutcome out;
  rootlock::ScanText(name, text, format, options, &out);
  size_t containers = 0;
  for (const rootlock::Workload& w : out.workloads) containers += w.containers.size();
  Require(out.findings.size() == containers * rootlock::AllRules().size(),
          "one finding per container and rule", name);
  for (const rootlock::Finding& f : out.findings) {
    Require(f.rule != nullptr, "a finding names its rule", name);
    Require(f.where.file == name, "a finding points into the file scanned", f.where.file);
    Require(f.where.offset <= text.size(), "a finding points inside the text", name);
    Require(!f.message.empty(), "a finding says what it is about", name);
  }
  for (const rootlock::Diagnostic& d : out.errors) {
    Require(!d.message.empty() && d.where.offset <= text.size(), "errors are located", name);
  }
  // The walk's shortcut is sound: text it would not parse holds no container
  // (a workload without any, like a pod template missing `containers`, is no loss).
  if (!rootlock::MayHoldContainer(text)) {
    Require(containers == 0, "MayHoldContainer is sound (a folder walk would skip this)", name);
  }
  rootlock::Summary s = rootlock::Summarize(out.findings, options);
  Require(s.ratio >= 0.0 && s.ratio <= 1.0, "the ratio is a share", name);
}

// The scan's other shortcut is sound: every document FindCrdDocuments claims
// is, to the parser, a mapping whose kind is CustomResourceDefinition (from
// which the Kubernetes adapter extracts nothing), and skipping them changes no
// finding. Only when the whole text parses: an error stops the parser early.
void CheckCrdSkim(std::string_view text, const rootlock::ScanOptions& options) {
  using rootlock::fuzz::Require;
  std::vector<rootlock::DocumentRange> claimed =
      rootlock::FindDocumentsOfKind(text, rootlock::kCustomResourceDefinition);
  if (claimed.empty()) return;
  rootlock::ParseLimits full = options.limits;
  full.skip_kind = "";
  rootlock::ParsedSource parsed = rootlock::ReadYaml("fuzz.yaml", text, full);
  if (parsed.has_error) return;
  for (const rootlock::DocumentRange& r : claimed) {
    const rootlock::Node* root = nullptr;
    for (const rootlock::Document& d : parsed.documents) {
      if (d.root->start.offset >= r.begin && d.root->start.offset < r.end) root = d.root;
    }
    const rootlock::Node* kind = root && root->IsMapping() ? root->Get("kind") : nullptr;
    Require(kind && kind->IsScalar() && kind->value() == "CustomResourceDefinition",
            "the CRD skim claims only CustomResourceDefinitions",
            std::string(text.substr(r.begin, r.end - r.begin)));
  }
  rootlock::ScanOptions unskimmed = options;
  unskimmed.limits.skip_kind = "";
  rootlock::SourceOutcome with, without;
  rootlock::ScanText("fuzz.yaml", text, rootlock::InputFormat::kYaml, options, &with);
  rootlock::ScanText("fuzz.yaml", text, rootlock::InputFormat::kYaml, unskimmed, &without);
  Require(with.findings.size() == without.findings.size(), "the CRD skim changes no finding",
          "fuzz.yaml");
  for (size_t i = 0; i < with.findings.size() && i < without.findings.size(); ++i) {
    Require(with.findings[i].where.offset == without.findings[i].where.offset &&
                with.findings[i].status == without.findings[i].status &&
                with.findings[i].message == without.findings[i].message,
            "the CRD skim changes no finding", with.findings[i].message);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const rootlock::ScanOptions kOptions = rootlock::fuzz::HermeticScanOptions();
  ScanAs("fuzz.yaml", text, rootlock::InputFormat::kYaml, kOptions);
  ScanAs("fuzz.json", text, rootlock::InputFormat::kJson, kOptions);
  ScanAs("fuzz.tf", text, rootlock::InputFormat::kHcl, kOptions);
  ScanAs("fuzz", text, rootlock::InputFormat::kAuto, kOptions);
  CheckCrdSkim(text, kOptions);
  // What the scan does first with a file's bytes: UTF-16 with a BOM becomes UTF-8.
  std::string decoded(text), error;
  if (rootlock::DecodeUtf16WithBom(&decoded, &error) && error.empty()) {
    ScanAs("fuzz", decoded, rootlock::InputFormat::kAuto, kOptions);
  }
  return 0;
}
