// GitHub-flavoured Markdown for a pull-request comment: short on top, details folded.
#include <algorithm>
#include <string>
#include <vector>

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

// GitHub refuses a comment over 65,536 characters; rows stop well before it.
constexpr size_t kMaxBytes = 60000;

// Rows while `budget` allows, then one line saying how many were left out.
std::string Take(const std::vector<std::string>& rows, size_t* budget, const char* what) {
  std::string out;
  size_t shown = 0;
  for (const std::string& r : rows) {
    if (r.size() > *budget) break;
    *budget -= r.size();
    out += r;
    ++shown;
  }
  if (shown < rows.size()) {
    std::string more = "\n*" + std::to_string(rows.size() - shown) + " more " + what +
                       " not shown here (the comment has a size limit): see the full report, "
                       "`--format json` or `--format html`.*\n";
    out += more;
    *budget -= std::min(*budget, more.size());
  }
  return out;
}

std::string MarkdownReport(const ScanResult& result, const ReportContext& context) {
  const Summary& s = result.summary;
  std::string out = std::string("## rootlock: ") + (s.passed ? "✅ passed" : "❌ FAILED") + "\n\n";
  out += "**" + MarkdownEscape(Headline(s)) + "**\n\n";
  if (std::string why = internal::GateReason(s); !why.empty()) {
    out += MarkdownEscape(why) + ".\n\n";
  }
  std::vector<std::string> failures, not_judged;
  size_t fails = 0, warnings = 0, na = 0, skipped = 0;
  for (const Finding& f : result.findings) {
    switch (f.status) {
      case Status::kFail:
        if (FailsRun(s, *f.rule)) {
          ++fails;
          failures.push_back(Row("❌", f));
        } else {
          ++warnings;
          failures.push_back(Row("⚠️", f));
        }
        break;
      case Status::kError:
        ++fails;
        failures.push_back(Row("❌", f));
        break;
      case Status::kNotApplicable:
      case Status::kSkipped:
        // The gating rule says why a container is not judged; the others only echo it.
        if (!f.rule->gates) break;
        (f.status == Status::kSkipped ? skipped : na) += 1;
        not_judged.push_back(Row(f.status == Status::kSkipped ? "⏭️" : "➖", f));
        break;
      case Status::kPass:
        break;
    }
  }
  constexpr const char* kHeader =
      "| | Location | Resource | Container | Rule | Reason |\n|---|---|---|---|---|---|\n";
  std::string footer = "\n<sub>rootlock " + MarkdownEscape(context.tool_version) +
                       " · `rootlock rules RULE` explains a rule and how to fix it</sub>\n";
  size_t budget = kMaxBytes - std::min(kMaxBytes, out.size() + footer.size() + 1024);
  if (failures.empty()) {
    out += "No failing containers.\n";
  } else {
    out += "### Failing containers: " + std::to_string(fails) + " failure(s), " +
           std::to_string(warnings) + " warning(s)\n\n" + kHeader +
           Take(failures, &budget, "failing containers");
  }
  if (!not_judged.empty()) {
    out += "\n<details>\n<summary>Not judged: " + std::to_string(na) + " not applicable, " +
           std::to_string(skipped) + " skipped</summary>\n\n" + kHeader +
           Take(not_judged, &budget, "containers not judged") + "\n</details>\n";
  }
  if (!result.errors.empty()) {
    out += "\n### Input errors: " + std::to_string(result.errors.size()) + "\n\n";
    std::vector<std::string> lines;
    for (const Diagnostic& d : result.errors)
      lines.push_back("- " + MarkdownEscape(d.ToString()) + "\n");
    out += Take(lines, &budget, "input errors");
  }
  return out + footer;
}

}  // namespace rootlock
