// GitHub-flavoured Markdown for a pull-request comment: short on top, details folded.
#include "report/report.h"
#include "report/report_util.h"

namespace rootlock {

using internal::MarkdownEscape;

namespace {

std::string Row(std::string_view mark, const Finding& f) {
  std::string why = f.reason.empty() ? f.message : f.reason;
  return "| " + std::string(mark) + " | " + MarkdownEscape(internal::Position(f.where)) + " | " +
         MarkdownEscape(internal::QualifiedResource(f)) + " | " + MarkdownEscape(f.container) +
         " | " + MarkdownEscape(f.rule->id) + " | " + MarkdownEscape(why) + " |\n";
}

}  // namespace

std::string MarkdownReport(const ScanResult& result, const ReportContext& context) {
  const Summary& s = result.summary;
  std::string out = std::string("## rootlock: ") + (s.passed ? "✅ passed" : "❌ FAILED") + "\n\n";
  out += "**" + MarkdownEscape(Headline(s)) + "**\n\n";
  if (std::string why = internal::GateReason(s); !why.empty()) {
    out += MarkdownEscape(why) + ".\n\n";
  }
  std::string failures, not_judged;
  size_t fails = 0, warnings = 0, na = 0, skipped = 0;
  for (const Finding& f : result.findings) {
    switch (f.status) {
      case Status::kFail:
        if (f.rule->gates) {
          ++fails;
          failures += Row("❌", f);
        } else {
          ++warnings;
          failures += Row("⚠️", f);
        }
        break;
      case Status::kError:
        ++fails;
        failures += Row("❌", f);
        break;
      case Status::kNotApplicable:
      case Status::kSkipped:
        // The gating rule says why a container is not judged; the others only echo it.
        if (!f.rule->gates) break;
        (f.status == Status::kSkipped ? skipped : na) += 1;
        not_judged += Row(f.status == Status::kSkipped ? "⏭️" : "➖", f);
        break;
      case Status::kPass:
        break;
    }
  }
  constexpr const char* kHeader =
      "| | Location | Resource | Container | Rule | Reason |\n|---|---|---|---|---|---|\n";
  if (failures.empty()) {
    out += "No failing containers.\n";
  } else {
    out += "### Failing containers: " + std::to_string(fails) + " failure(s), " +
           std::to_string(warnings) + " warning(s)\n\n" + kHeader + failures;
  }
  if (!not_judged.empty()) {
    out += "\n<details>\n<summary>Not judged: " + std::to_string(na) + " not applicable, " +
           std::to_string(skipped) + " skipped</summary>\n\n" + kHeader + not_judged +
           "\n</details>\n";
  }
  if (!result.errors.empty()) {
    out += "\n### Input errors: " + std::to_string(result.errors.size()) + "\n\n";
    for (const Diagnostic& d : result.errors) out += "- " + MarkdownEscape(d.ToString()) + "\n";
  }
  out += "\n<sub>rootlock " + MarkdownEscape(context.tool_version) +
         " · `rootlock rules RULE` explains a rule and how to fix it</sub>\n";
  return out;
}

}  // namespace rootlock
