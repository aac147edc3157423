// Outputs: each reads a ScanResult only, never the inputs.
#ifndef ROOTLOCK_REPORT_REPORT_H_
#define ROOTLOCK_REPORT_REPORT_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "engine/result.h"
#include "model/finding.h"

namespace rootlock {

/// The JSON contract: {"tool", "summary", "findings", "errors"}.
std::string JsonReport(const ScanResult& result);
/// JsonReport, streamed to `sink` in blocks (large scans never hold it whole).
/// False when writing failed.
bool WriteJsonReport(const ScanResult& result, std::FILE* sink);

struct TextOptions {
  bool color = false;
  /// Also list passing containers.
  bool verbose = false;
};

/// The human report: one line per failing container (and per n/a, with its
/// reason), then the headline and the gate's verdict.
std::string TextReport(const ScanResult& result, const TextOptions& options);
/// TextReport, streamed to `sink` in blocks. False when writing failed.
bool WriteTextReport(const ScanResult& result, const TextOptions& options, std::FILE* sink);

/// "X of Y containers use read-only root filesystem (Z%)".
std::string Headline(const Summary& s);

/// What a report needs besides the findings. Every field has a usable default.
struct ReportContext {
  TextOptions text;
  std::string tool_version = ROOTLOCK_VERSION;
  /// asff: the account and region the findings are imported into.
  std::string aws_account_id = "000000000000";
  std::string aws_region = "us-east-1";
  /// Seconds since the epoch, for every timestamp a report carries (asff, junit,
  /// policyreport); ReportTime() gives SOURCE_DATE_EPOCH or now.
  int64_t time = 0;
  /// Receives one-line notes meant for stderr (what a format had to leave out);
  /// empty drops them.
  std::function<void(const std::string& note)> note;
  /// sarif: the folder file names are relative to (absolute: the working directory), and
  /// the source root artifact URIs are made relative to (%SRCROOT%: the repository root).
  /// Empty: URIs stay as the file names are, with no base.
  std::string working_dir;
  std::string source_root;
};

/// SOURCE_DATE_EPOCH when it is set to a whole number (reproducible output), else now.
int64_t ReportTime();

/// The formats RenderReport knows: text, json, sarif, junit, asff, policyreport,
/// markdown, html, gitlab.
std::span<const std::string_view> ReportFormats();
bool IsReportFormat(std::string_view format);

/// Renders `result` in `format` into *out. False, with *error set, for an unknown format.
/// The one entry point every command uses.
bool RenderReport(std::string_view format, const ScanResult& result, const ReportContext& context,
                  std::string* out, Diagnostic* error);

/// GitLab Code Quality JSON (artifacts:reports:codequality): one issue per failure and per
/// input error, with a stable fingerprint and the path relative to the repository root.
std::string GitlabReport(const ScanResult& result, const ReportContext& context);

/// SARIF 2.1.0 for GitHub code scanning: the rules, one result per failing container and
/// rule, n/a and skipped verdicts of a gating rule as suppressed results. Passes are left out.
std::string SarifReport(const ScanResult& result, const ReportContext& context);

/// JUnit XML: one testsuite per rule, one testcase per container and rule; failures carry
/// the message and file:line:col, n/a and skipped are <skipped>. Input errors get a suite.
std::string JunitReport(const ScanResult& result, const ReportContext& context);

/// AWS Security Finding Format: a JSON array for Security Hub BatchImportFindings, one
/// finding per container failing a gating rule.
std::string AsffReport(const ScanResult& result, const ReportContext& context);

/// The inventory: one row per container (platform, workload, container, image, user,
/// read-only, privileged, host PID, source) as a text table, from what the rules read.
std::string InventoryText(const ScanResult& result);
/// The inventory as JSON: {"containers": [{"platform", "workload", ...}]}.
std::string InventoryJson(const ScanResult& result);

/// Kubernetes PolicyReports (wgpolicyk8s.io/v1alpha2), one per namespace, as a YAML
/// stream. Findings on other platforms are left out (said through context.note).
std::string PolicyReportYaml(const ScanResult& result, const ReportContext& context);

/// GitHub-flavoured Markdown for a pull-request comment: headline, verdict, a table of
/// failures, n/a and skipped in a collapsed <details>.
std::string MarkdownReport(const ScanResult& result, const ReportContext& context);

/// One self-contained HTML page (no network): headline, charts of the read-only share by
/// platform and by namespace or family, and a table of findings that JavaScript filters.
std::string HtmlReport(const ScanResult& result, const ReportContext& context);

/// `rootlock rules ID`: a rule explained in plain text (also SARIF help.text).
std::string RuleText(const RuleInfo& rule);
/// docs/rules/ID.md: a rule explained in Markdown (also SARIF help.markdown).
std::string RuleMarkdown(const RuleInfo& rule);
/// docs/rules/README.md: every rule in a table, linking to its page.
std::string RulesIndexMarkdown();

}  // namespace rootlock

#endif  // ROOTLOCK_REPORT_REPORT_H_
