// Fuzz target: the whole scan of one source (ScanText) read as YAML, JSON, HCL
// and auto-detected: every platform adapter (Kubernetes, ECS API JSON,
// CloudFormation, Terraform, docker inspect, compose) and every rule. Checks
// the scan's own promises besides not crashing: one finding per container and
// rule, each pointing into this file, a ratio between 0 and 1, and no
// container in text that MayHoldContainer says a folder walk may skip.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "rules/rules.h"
#include "scan/scanner.h"

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const rootlock::ScanOptions kOptions = rootlock::fuzz::HermeticScanOptions();
  ScanAs("fuzz.yaml", text, rootlock::InputFormat::kYaml, kOptions);
  ScanAs("fuzz.json", text, rootlock::InputFormat::kJson, kOptions);
  ScanAs("fuzz.tf", text, rootlock::InputFormat::kHcl, kOptions);
  ScanAs("fuzz", text, rootlock::InputFormat::kAuto, kOptions);
  return 0;
}
