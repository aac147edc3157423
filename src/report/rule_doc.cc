// The rules explained, from their metadata only: `rootlock rules`, docs/rules/, SARIF help.
#include <string_view>

#include "report/report.h"
#include "report/report_util.h"
#include "rules/rules.h"

namespace rootlock {

using internal::MarkdownEscape;
using internal::PlatformList;

namespace {

constexpr Platform kPlatforms[] = {Platform::kKubernetes, Platform::kEcs, Platform::kDocker,
                                   Platform::kCompose};

std::string_view PlatformTitle(Platform p) {
  switch (p) {
    case Platform::kKubernetes:
      return "Kubernetes";
    case Platform::kEcs:
      return "AWS ECS";
    case Platform::kDocker:
      return "Docker";
    case Platform::kCompose:
      return "Docker Compose";
  }
  return "";
}

std::string_view KindName(ComplianceKind k) {
  switch (k) {
    case ComplianceKind::kStandard:
      return "standard requirement";
    case ComplianceKind::kSecurityHub:
      return "Security Hub control";
    case ComplianceKind::kCheck:
      return "equivalent check";
  }
  return "";
}

std::string Scope(const ComplianceRef& c) {
  std::string platforms = PlatformList(c.platforms);
  return platforms == "all" ? "" : " (" + platforms + ")";
}

}  // namespace

std::string RuleText(const RuleInfo& r) {
  std::string out =
      std::string(r.id) + ": " + r.title + "\nseverity: " + std::string(SeverityName(r.severity)) +
      (r.gates ? "" : " (reported; does not move the ratio; gates only with --fail-on)") + "\n\n" +
      r.rationale + "\n\nremediation:\n";
  for (Platform p : kPlatforms) {
    std::string name(PlatformName(p));
    name.resize(11, ' ');
    out += "  " + name + " " + r.remediation[static_cast<size_t>(p)] + "\n";
  }
  if (!r.compliance.empty()) {
    out += "\ncompliance:\n";
    for (const ComplianceRef& c : r.compliance) {
      out += std::string("  ") + c.framework + " " + c.control + Scope(c) + "\n";
    }
  }
  if (!r.aliases.empty()) {
    out += "\naliases:";
    for (const char* a : r.aliases) out += std::string(" ") + a;
    out += "\n";
  }
  out += std::string("\nmore: ") + r.help_uri + "\n";
  return out;
}

std::string RuleMarkdown(const RuleInfo& r) {
  std::string out = "# " + MarkdownEscape(r.id) + ": " + MarkdownEscape(r.title) + "\n\n";
  out += "| | |\n|---|---|\n";
  out += "| Severity | " + std::string(SeverityName(r.severity)) + " |\n";
  out +=
      std::string("| Gates | ") +
      (r.gates
           ? "yes: failures count towards the read-only ratio and the `--min-ratio` gate"
           : "no: reported beside the ratio, never moves it; fails the run only with `--fail-on`") +
      " |\n";
  out += "| SARIF name | " + MarkdownEscape(r.name) + " |\n";
  if (!r.aliases.empty()) {
    out += "| Aliases |";
    for (size_t i = 0; i < r.aliases.size(); ++i) {
      out += std::string(i ? ", " : " ") + "`" + r.aliases[i] + "`";
    }
    out += " |\n";
  }
  out += std::string("| Reference | <") + r.help_uri + "> |\n";
  out += "\n## Why\n\n" + MarkdownEscape(r.rationale) + "\n";
  out += "\n## How to fix\n\n| Platform | Remediation |\n|---|---|\n";
  for (Platform p : kPlatforms) {
    out += "| " + std::string(PlatformTitle(p)) + " | " +
           MarkdownEscape(r.remediation[static_cast<size_t>(p)]) + " |\n";
  }
  out += "\n`rootlock fix` ";
  if (!r.fixable) {
    out +=
        "does not write this remedy: it needs a human. It leaves the container alone for "
        "this rule and says why.\n";
  } else if (r.fix_needs) {
    out += std::string("writes this remedy when given `") + r.fix_needs +
           "`; without it, it leaves the container alone for this rule and says "
           "what to give.\n";
  } else {
    out +=
        "writes this remedy into Kubernetes, ECS and compose files, in each source's own "
        "spelling, and re-scans before it writes.\n";
  }
  bool any_example = false;
  for (const char* e : r.examples) any_example |= e != nullptr;
  if (any_example) {
    out += "\n## Examples that fail\n";
    for (Platform p : kPlatforms) {
      const char* e = r.examples[static_cast<size_t>(p)];
      if (!e) continue;
      std::string_view text(e);
      std::string_view lang = text.starts_with("{") || text.starts_with("[") ? "json"
                              : text.starts_with("resource") || text.starts_with("docker")
                                  ? (text.starts_with("docker") ? "sh" : "hcl")
                                  : "yaml";
      out += "\n" + std::string(PlatformTitle(p)) + ":\n\n```" + std::string(lang) + "\n" +
             std::string(text) + (text.ends_with("\n") ? "" : "\n") + "```\n";
    }
  }
  if (!r.compliance.empty()) {
    out +=
        "\n## Compliance\n\n| Framework | Control | Kind | Platforms | Source |\n"
        "|---|---|---|---|---|\n";
    for (const ComplianceRef& c : r.compliance) {
      out += "| " + MarkdownEscape(c.framework) + " | " + MarkdownEscape(c.control) + " | " +
             std::string(KindName(c.kind)) + " | " + PlatformList(c.platforms) + " | " +
             (c.source ? MarkdownEscape(c.source) : std::string("-")) + " |\n";
    }
  }
  out += "\nExplain it on the command line: `rootlock rules " + std::string(r.id) + "`.\n";
  return out;
}

std::string RulesIndexMarkdown() {
  std::string out =
      "# Rules\n\nEvery rule judges each container once; `rootlock rules ID` explains one on the "
      "command line, and compliance ids (`ECS.5`, `CKV_K8S_22` ...) work as IDs.\n\n"
      "| Rule | Severity | Gates | Title | Compliance |\n|---|---|---|---|---|\n";
  for (const RuleInfo* r : AllRules()) {
    std::string compliance;
    for (const ComplianceRef& c : r->compliance) {
      compliance += (compliance.empty() ? "" : ", ") + MarkdownEscape(c.framework) + " " +
                    MarkdownEscape(c.control);
    }
    out += "| [" + MarkdownEscape(r->id) + "](" + r->id + ".md) | " +
           std::string(SeverityName(r->severity)) + " | " + (r->gates ? "yes" : "no") + " | " +
           MarkdownEscape(r->title) + " | " + (compliance.empty() ? "-" : compliance) + " |\n";
  }
  return out;
}

}  // namespace rootlock
