// Kubernetes PolicyReports (wgpolicyk8s.io/v1alpha2), as Kyverno and Kubescape write them:
// one report per namespace, in a YAML stream `kubectl apply -f -` takes.
//
// Every Kubernetes finding is a result: pass, fail (a gating rule), warn (a rule that does not
// gate), skip (n/a and skipped, with the reason), error. Resources without a namespace go in a
// report without one, so it lands where kubectl puts the manifests themselves. Findings on
// other platforms have no Kubernetes resource to name: they are left out and counted in a note.
#include <map>
#include <vector>

#include "base/json_writer.h"
#include "report/report.h"
#include "report/report_util.h"

namespace rootlock {

namespace {

// A YAML double-quoted scalar: JSON's escaping is valid YAML, and quoting every value keeps
// "yes", "1.0" or "null" strings.
std::string Quote(std::string_view s) {
  std::string out;
  JsonWriter::AppendEscaped(&out, s);
  return out;
}

const char* ResultName(const Summary& s, const Finding& f) {
  switch (f.status) {
    case Status::kPass:
      return "pass";
    case Status::kFail:
      return FailsRun(s, *f.rule) ? "fail" : "warn";
    case Status::kNotApplicable:
    case Status::kSkipped:
      return "skip";
    case Status::kError:
      return "error";
  }
  return "error";
}

// One namespace's report, built as its findings arrive (a result is read once).
struct NamespaceReport {
  std::map<std::string_view, int64_t> summary = {
      {"pass", 0}, {"fail", 0}, {"warn", 0}, {"error", 0}, {"skip", 0}};
  std::string results;
};

void AddResult(const Summary& s, const Finding& f, int64_t time, NamespaceReport* report) {
  std::string& out = report->results;
  const char* result = ResultName(s, f);
  ++report->summary[result];
  out += "- policy: rootlock\n";
  out += "  rule: " + Quote(f.rule->id) + "\n";
  out += std::string("  result: ") + result + "\n";
  out += "  severity: " + std::string(SeverityName(f.severity)) + "\n";
  out += std::string("  scored: ") + (FailsRun(s, *f.rule) ? "true" : "false") + "\n";
  out += "  source: rootlock\n";
  out += "  message: " + Quote(internal::Explain(f)) + "\n";
  out += "  timestamp:\n    seconds: " + std::to_string(time) + "\n    nanos: 0\n";
  out += "  resources:\n";
  out += "  - kind: " + Quote(f.kind) + "\n";
  if (!f.api_version.empty()) out += "    apiVersion: " + Quote(f.api_version) + "\n";
  out += "    name: " + Quote(f.name) + "\n";
  if (!f.namespace_.empty()) out += "    namespace: " + Quote(f.namespace_) + "\n";
  out += "  properties:\n";
  out += "    container: " + Quote(f.container) + "\n";
  if (!f.image.empty()) out += "    image: " + Quote(f.image) + "\n";
  out += "    location: " + Quote(internal::Position(f.where)) + "\n";
  out += "    fingerprint: " + Quote(Fingerprint(f)) + "\n";
  if (f.status == Status::kFail) {
    out += "    remediation: " + Quote(internal::Remediation(f)) + "\n";
  }
}

std::string Report(const std::string& ns, const NamespaceReport& report) {
  std::string out =
      "---\napiVersion: wgpolicyk8s.io/v1alpha2\nkind: PolicyReport\nmetadata:\n  name: rootlock\n";
  if (!ns.empty()) out += "  namespace: " + Quote(ns) + "\n";
  out += "  labels:\n    app.kubernetes.io/managed-by: rootlock\nresults:\n";
  out += report.results;
  out += "summary:\n";
  for (std::string_view key : {"pass", "fail", "warn", "error", "skip"}) {
    out += "  " + std::string(key) + ": " + std::to_string(report.summary.at(key)) + "\n";
  }
  return out;
}

}  // namespace

std::string PolicyReportYaml(const ScanResult& result, const ReportContext& context) {
  std::map<std::string, NamespaceReport> by_namespace;
  size_t left_out = 0;
  for (const Finding& f : result.findings) {
    if (f.platform != Platform::kKubernetes) {
      ++left_out;
      continue;
    }
    AddResult(result.summary, f, context.time, &by_namespace[f.namespace_]);
  }
  if (left_out > 0 && context.note) {
    context.note("policyreport: " + std::to_string(left_out) +
                 " non-Kubernetes finding(s) left out: a PolicyReport names Kubernetes "
                 "resources only");
  }
  if (by_namespace.empty()) return "# rootlock: no Kubernetes findings\n";
  std::string out;
  for (const auto& [ns, report] : by_namespace) out += Report(ns, report);
  return out;
}

}  // namespace rootlock
