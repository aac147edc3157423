// JUnit XML, as Jenkins, GitLab and most CI test reports read it (and as junit.xsd says:
// every testsuite has properties, system-out and system-err; testsuites has no attributes).
//
// One testsuite per rule (so an empty suite says the rule ran), one testcase per container:
// classname "PLATFORM.GROUP" (kubernetes.shop, ecs.checkout-api) groups them the way the
// HTML chart does, the name is the resource and container, never a line number, so a test's
// history survives edits. Input errors get a suite of their own.
#include "report/report.h"
#include "report/report_util.h"
#include "rules/rules.h"

namespace rootlock {

using internal::Explain;
using internal::Position;
using internal::XmlEscape;

namespace {

std::string Attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + XmlEscape(value, /*attribute=*/true) + "\"";
}

std::string Attr(std::string_view name, size_t value) { return Attr(name, std::to_string(value)); }

struct Counts {
  size_t tests = 0, failures = 0, errors = 0, skipped = 0;
};

std::string SuiteOpen(std::string_view name, size_t id, const Counts& c,
                      const std::string& timestamp) {
  return "  <testsuite" + Attr("name", name) + Attr("package", "rootlock") + Attr("id", id) +
         Attr("timestamp", timestamp) + Attr("hostname", "localhost") + Attr("tests", c.tests) +
         Attr("failures", c.failures) + Attr("errors", c.errors) + Attr("skipped", c.skipped) +
         Attr("time", "0") + ">\n";
}

std::string Property(std::string_view name, std::string_view value) {
  return "      <property" + Attr("name", name) + Attr("value", value) + "/>\n";
}

std::string SuiteClose(std::string_view system_out) {
  return "    <system-out>" + XmlEscape(system_out) +
         "</system-out>\n    <system-err></system-err>\n" + "  </testsuite>\n";
}

std::string Testcase(const Summary& s, const Finding& f) {
  std::string group = internal::Group(f);
  std::string classname =
      std::string(PlatformName(f.platform)) + (group.empty() ? "" : ".") + group;
  std::string name = internal::QualifiedResource(f) + " container " + f.container;
  std::string out =
      "    <testcase" + Attr("name", name) + Attr("classname", classname) + Attr("time", "0");
  std::string where = Position(f.where);
  // A warning (a rule that does not gate) is no <failure>: Jenkins would mark a
  // build unstable whose gate passed. It stays visible in the suite's system-out.
  if (internal::IsWarning(s, f)) return out + "/>\n";
  switch (f.status) {
    case Status::kPass:
      return out + "/>\n";
    case Status::kFail:
      out += ">\n      <failure" + Attr("message", Explain(f)) + Attr("type", f.rule->id) + ">" +
             XmlEscape(where + ": " + Explain(f) + "\nremediation: " + internal::Remediation(f)) +
             "</failure>\n";
      break;
    case Status::kError:
      out += ">\n      <error" + Attr("message", Explain(f)) + Attr("type", f.rule->id) + ">" +
             XmlEscape(where + ": " + Explain(f)) + "</error>\n";
      break;
    case Status::kNotApplicable:
    case Status::kSkipped:
      out += ">\n      <skipped" +
             Attr("message", std::string(StatusName(f.status)) + ": " + f.reason) + ">" +
             XmlEscape(where + ": " + Explain(f)) + "</skipped>\n";
      break;
  }
  return out + "    </testcase>\n";
}

}  // namespace

std::string JunitReport(const ScanResult& result, const ReportContext& context) {
  std::string timestamp = internal::Iso8601(context.time, /*millis=*/false, /*zone=*/false);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  size_t id = 0;
  for (const RuleInfo* rule : AllRules()) {
    Counts c;
    std::string cases, warnings;
    for (const Finding& f : result.findings) {
      if (f.rule != rule) continue;
      ++c.tests;
      if (internal::IsWarning(result.summary, f)) {
        warnings += "warning: " + Position(f.where) + ": " + Explain(f) + "\n";
      }
      c.failures += f.status == Status::kFail && !internal::IsWarning(result.summary, f);
      c.errors += f.status == Status::kError;
      c.skipped += f.status == Status::kNotApplicable || f.status == Status::kSkipped;
      cases += Testcase(result.summary, f);
    }
    out += SuiteOpen(rule->id, id++, c, timestamp);
    out += "    <properties>\n";
    out += Property("title", rule->title);
    out += Property("severity", SeverityName(rule->severity));
    out += Property("gates", FailsRun(result.summary, *rule) ? "true" : "false");
    out += "    </properties>\n";
    out += cases;
    out += SuiteClose((rule->gates ? Headline(result.summary) + "\n" : "") + warnings);
  }
  if (!result.errors.empty()) {
    Counts c;
    c.tests = c.errors = result.errors.size();
    out += SuiteOpen("input", id++, c, timestamp);
    out += "    <properties></properties>\n";
    for (const Diagnostic& d : result.errors) {
      out += "    <testcase" + Attr("name", d.where.file) + Attr("classname", "input") +
             Attr("time", "0") + ">\n      <error" + Attr("message", d.message) +
             Attr("type", "input-error") + ">" + XmlEscape(d.ToString()) + "</error>\n" +
             "    </testcase>\n";
    }
    out += SuiteClose("");
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace rootlock
