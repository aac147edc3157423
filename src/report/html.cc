// One self-contained HTML page: no network (a Content-Security-Policy forbids it), charts in
// inline SVG, and a findings table that is plain HTML: JavaScript only adds the filters.
//
// Failing containers come first, grouped by workload, each with the concrete remedy `fix`
// would apply (the setting, and the paths made writable: learned from what a live container
// wrote, else /tmp and its image's known paths). Then the table of every verdict: one row per
// container for the gating rule (pass included) and the failures of the other rules; their
// n/a and passes only echo the gating verdict and are left out. The page fits 1280 px without
// horizontal scrolling (long names and image references wrap), and its Content-Security-Policy
// allows its one script and style by hash: nothing inline is trusted otherwise.
#include <map>
#include <set>
#include <vector>

#include "base/digest.h"
#include "base/text.h"
#include "report/report.h"
#include "report/report_util.h"

namespace rootlock {

using internal::XmlEscape;

namespace {

constexpr const char* kStyle = R"(
:root { --pass: #1a7f37; --fail: #cf222e; --warn: #9a6700; --muted: #6e7781; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328;
       margin: 0 auto; padding: 24px; max-width: 1400px; overflow-wrap: anywhere; }
h1 { font-size: 24px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 28px 0 10px; }
.headline { font-size: 18px; font-weight: 600; margin: 4px 0; }
.verdict { display: inline-block; padding: 4px 10px; border-radius: 6px; font-weight: 600;
           color: #fff; margin: 6px 0; }
.verdict.passed { background: var(--pass); }
.verdict.failed { background: var(--fail); }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 120px; }
.card b { display: block; font-size: 20px; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
figure { margin: 0; flex: 1 1 520px; border: 1px solid var(--line); border-radius: 8px;
         padding: 12px; }
figcaption { font-weight: 600; margin-bottom: 8px; }
svg text { font: 13px system-ui, sans-serif; fill: #1f2328; }
svg .pass { fill: var(--pass); }
svg .fail { fill: var(--fail); }
svg .track { fill: #eaeef2; }
svg .note { fill: var(--muted); }
#filters { margin: 8px 0 12px; display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
#filters[hidden] { display: none; }
#filters input, #filters select { font: inherit; padding: 4px 8px; }
#filters input { min-width: 280px; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
col.status { width: 76px; } col.rule { width: 150px; } col.loc { width: 24%; }
col.res { width: 26%; }
.workload { border: 1px solid var(--line); border-left: 4px solid var(--fail);
            border-radius: 8px; padding: 8px 14px; margin: 10px 0; }
.workload h3 { font-size: 15px; margin: 2px 0; }
.workload .where { font-family: ui-monospace, monospace; font-size: 12px; color: var(--muted); }
.workload ul { margin: 6px 0; padding-left: 20px; }
.workload li { margin: 6px 0; }
.workload code, td code { font-family: ui-monospace, monospace; font-size: 12px; }
.remedy { margin: 4px 0 0; }
.remedy li { margin: 2px 0; }
.apply { color: var(--muted); font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left;
         vertical-align: top; }
th { background: #f6f8fa; position: sticky; top: 0; }
td.loc, td.res { font-family: ui-monospace, monospace; font-size: 12px;
                 overflow-wrap: anywhere; }
td.res small { display: block; color: var(--muted); }
.status { font-weight: 600; }
tr.s-fail .status, tr.s-error .status { color: var(--fail); }
tr.s-warning .status { color: var(--warn); }
tr.s-pass .status { color: var(--pass); }
tr.s-na .status, tr.s-skipped .status { color: var(--muted); }
.reason { color: var(--muted); }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; }
)";

constexpr const char* kScript = R"(
(function () {
  var box = document.getElementById('filters');
  var text = document.getElementById('filter-text');
  var status = document.getElementById('filter-status');
  var platform = document.getElementById('filter-platform');
  var shown = document.getElementById('filter-count');
  var rows = document.querySelectorAll('#findings tbody tr');
  function apply() {
    var q = text.value.toLowerCase(), s = status.value, p = platform.value, n = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var ok = (!s || r.getAttribute('data-status') === s) &&
               (!p || r.getAttribute('data-platform') === p) &&
               (!q || r.textContent.toLowerCase().indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) n++;
    }
    shown.textContent = n + ' of ' + rows.length + ' shown';
  }
  var linked = /^#q=(.*)$/.exec(location.hash);  // report.html#q=nginx opens filtered
  if (linked) text.value = decodeURIComponent(linked[1]);
  text.addEventListener('input', apply);
  status.addEventListener('change', apply);
  platform.addEventListener('change', apply);
  box.hidden = false;
  apply();
})();
)";

struct Tally {
  uint64_t pass = 0, fail = 0, na = 0, skipped = 0;
};

// How a row shows its status, and the class it gets ("n/a" cannot be a class name).
struct StatusStyle {
  const char* label;
  const char* cls;
};

StatusStyle StyleOf(const Summary& s, const Finding& f) {
  switch (f.status) {
    case Status::kPass:
      return {"pass", "pass"};
    case Status::kFail:
      return FailsRun(s, *f.rule) ? StatusStyle{"fail", "fail"} : StatusStyle{"warning", "warning"};
    case Status::kNotApplicable:
      return {"n/a", "na"};
    case Status::kSkipped:
      return {"skipped", "skipped"};
    case Status::kError:
      return {"error", "error"};
  }
  return {"error", "error"};
}

// A horizontal bar chart of the read-only share, one bar per row.
std::string Chart(std::string_view id, std::string_view caption,
                  const std::vector<std::pair<std::string, Tally>>& rows) {
  constexpr int kRowHeight = 30, kLabelWidth = 220, kBarWidth = 300, kWidth = 760;
  int height = static_cast<int>(rows.size()) * kRowHeight + 8;
  std::string out = "<figure id=\"" + std::string(id) + "\">\n<figcaption>" + XmlEscape(caption) +
                    "</figcaption>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"100%\" viewBox=\"0 0 " +
         std::to_string(kWidth) + " " + std::to_string(height) + "\" aria-label=\"" +
         XmlEscape(caption, true) + "\">\n";
  int y = 4;
  for (const auto& [label, t] : rows) {
    uint64_t judged = t.pass + t.fail;
    std::string share = judged ? FormatPercent(static_cast<double>(t.pass) / judged) : "n/a";
    std::string detail = judged ? std::to_string(t.pass) + " of " + std::to_string(judged) +
                                      " read-only (" + share + ")"
                                : "nothing judged";
    if (t.na) detail += ", " + std::to_string(t.na) + " n/a";
    if (t.skipped) detail += ", " + std::to_string(t.skipped) + " skipped";
    int text_y = y + 19;
    out += "<g class=\"bar\"><title>" + XmlEscape(label + ": " + detail) + "</title>";
    out += "<text x=\"0\" y=\"" + std::to_string(text_y) + "\">" +
           XmlEscape(internal::Truncate(label, 32)) + "</text>";
    out += "<rect class=\"track\" x=\"" + std::to_string(kLabelWidth) + "\" y=\"" +
           std::to_string(y + 4) + "\" width=\"" + std::to_string(kBarWidth) +
           "\" height=\"20\" rx=\"3\"/>";
    if (judged) {
      int pass_w = static_cast<int>(kBarWidth * t.pass / judged);
      out += "<rect class=\"pass\" x=\"" + std::to_string(kLabelWidth) + "\" y=\"" +
             std::to_string(y + 4) + "\" width=\"" + std::to_string(pass_w) +
             "\" height=\"20\" rx=\"3\"/>";
      out += "<rect class=\"fail\" x=\"" + std::to_string(kLabelWidth + pass_w) + "\" y=\"" +
             std::to_string(y + 4) + "\" width=\"" + std::to_string(kBarWidth - pass_w) +
             "\" height=\"20\" rx=\"3\"/>";
    }
    out += "<text class=\"note\" x=\"" + std::to_string(kLabelWidth + kBarWidth + 10) + "\" y=\"" +
           std::to_string(text_y) + "\">" + XmlEscape(detail) + "</text></g>\n";
    y += kRowHeight;
  }
  out += "</svg>\n</figure>\n";
  return out;
}

std::string Card(std::string_view label, uint64_t value) {
  return "<div class=\"card\"><b>" + std::to_string(value) + "</b>" + XmlEscape(label) + "</div>";
}

std::string Cell(std::string_view cls, std::string_view text) {
  return "<td" + (cls.empty() ? std::string() : " class=\"" + std::string(cls) + "\"") + ">" +
         XmlEscape(text) + "</td>";
}

// A change of the rules beside read-only (no-privileged, run-as-non-root, logging-enabled),
// in the words of `platform`.
std::string OtherChangeText(Platform platform, const Change& c) {
  std::string value = "<code>" + XmlEscape(c.path) + "</code>";
  size_t p = static_cast<size_t>(platform);
  switch (c.setting) {
    case Setting::kPrivileged: {
      constexpr const char* kWords[] = {
          "set <code>securityContext.privileged: false</code>",
          "set <code>\"privileged\": false</code>",
          "run without <code>--privileged</code>",
          "set <code>privileged: false</code>",
      };
      return kWords[p];
    }
    case Setting::kUser: {
      constexpr const char* kWords[] = {
          "set <code>securityContext.runAsNonRoot: true</code> and <code>runAsUser</code> to ",
          "set <code>\"user\"</code> to ",
          "run with <code>--user</code> ",
          "set <code>user:</code> to ",
      };
      return kWords[p] + value;
    }
    case Setting::kLogDriver: {
      std::string options;
      for (const auto& [k, v] : c.options) {
        options += (options.empty() ? " with " : ", ") + XmlEscape(k) + "=" + XmlEscape(v);
      }
      constexpr const char* kWords[] = {
          "ship the logs with a cluster log agent: ",
          "set <code>logConfiguration.logDriver</code> to ",
          "run with <code>--log-driver</code> ",
          "set <code>logging.driver</code> to ",
      };
      return kWords[p] + value + options;
    }
    case Setting::kReadOnlyRoot:
      break;
  }
  return "";
}

// One change of a remedy, in the words of the finding's platform.
std::string ChangeText(const Finding& f, const Change& c) {
  if (c.kind == Change::Kind::kClearFlag || c.kind == Change::Kind::kSetText) {
    return OtherChangeText(f.platform, c);
  }
  bool flag = c.kind == Change::Kind::kSetFlag;
  std::string path = "<code>" + XmlEscape(c.path) + "</code>";
  switch (f.platform) {
    case Platform::kKubernetes:
      return flag ? "set <code>securityContext.readOnlyRootFilesystem: true</code>"
                  : "mount an <code>emptyDir</code> volume at " + path;
    case Platform::kEcs:
      return flag ? "set <code>\"readonlyRootFilesystem\": true</code>"
                  : "add a task volume with a <code>mountPoint</code> at " + path;
    case Platform::kCompose:
      return flag ? "set <code>read_only: true</code>"
                  : "list " + path + " under <code>tmpfs:</code>";
    case Platform::kDocker:
      return flag ? "run with <code>--read-only</code>" : "add <code>--tmpfs</code> " + path;
  }
  return "";
}

// The concrete remedy of a failing finding: its changes, where its paths come from, and
// how to apply it; the rule's generic remediation when it has no remedy.
std::string RemedyHtml(const Finding& f) {
  if (f.remedy.changes.empty()) {
    return "<p class=\"remedy\">" + XmlEscape(internal::Remediation(f)) + "</p>";
  }
  std::string out = "<ul class=\"remedy\">";
  for (const Change& c : f.remedy.changes) out += "<li>" + ChangeText(f, c) + "</li>";
  out += "</ul>";
  if (!f.remedy.blocked.empty()) {
    out +=
        "<p class=\"remedy\">Not applicable as it stands: " + XmlEscape(f.remedy.blocked) + "</p>";
  }
  if (!f.remedy.WritablePaths().empty()) {
    out += std::string("<p class=\"apply\">") +
           (f.remedy.observed ? "Writable paths learned from what the running container wrote."
                              : "Writable paths: /tmp, the paths known for its image and "
                                "<code>--writable</code>.");
    out += "</p>";
  }
  if (std::string note = internal::RefusedNote(f); !note.empty()) {
    out += "<p class=\"apply\">" + XmlEscape(note) + "</p>";
  }
  if (internal::IsLive(f)) {
    std::string run = internal::DockerRunSuggestion(f);
    if (!run.empty())
      out += "<p class=\"apply\">Run it read-only: <code>" + XmlEscape(run) + "</code></p>";
    if (f.platform == Platform::kEcs && f.status == Status::kFail && f.rule->fixable &&
        !f.rule->fix_needs) {
      out +=
          "<p class=\"apply\">Register a hardened revision: <code>rootlock ecs --emit-register "
          "DIR</code>, then <code>aws ecs register-task-definition --cli-input-json "
          "file://DIR/REGION/FAMILY.json</code>.</p>";
    }
  } else if (f.platform != Platform::kDocker && !f.where.file.empty() && f.where.file != "-" &&
             f.where.file != "<stdin>") {
    out += "<p class=\"apply\">Apply: <code>rootlock fix --diff " + XmlEscape(f.where.file) +
           "</code>, then without <code>--diff</code>.</p>";
  }
  return out;
}

// Failing containers grouped by workload (file and resource), in report order.
std::string FailingSection(const ScanResult& result) {
  // The list may be read back from disk a block at a time: the groups keep copies.
  std::vector<std::vector<Finding>> groups;
  std::map<std::string, size_t> index;
  for (const Finding& f : result.findings) {
    if (f.status != Status::kFail) continue;
    std::string key = f.where.file + "\n" + internal::QualifiedResource(f);
    auto [it, added] = index.emplace(key, groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(f);
  }
  if (groups.empty()) return "";
  std::string out = "<h2>Failing containers</h2>\n<div id=\"failing\">\n";
  for (const std::vector<Finding>& findings : groups) {
    const Finding& first = findings.front();
    std::string title = first.kind.empty() ? internal::QualifiedResource(first)
                                           : first.kind + " '" + first.name + "'";
    if (!first.namespace_.empty()) title += " in namespace '" + first.namespace_ + "'";
    out += "<section class=\"workload\">\n<h3>" + XmlEscape(title) + "</h3>\n";
    out += "<div class=\"where\">" + XmlEscape(internal::Position(first.where)) + " &middot; " +
           XmlEscape(PlatformName(first.platform)) + "</div>\n<ul>\n";
    for (const Finding& finding : findings) {
      const Finding* f = &finding;
      auto [label, cls] = StyleOf(result.summary, *f);
      out += std::string("<li class=\"s-") + cls + "\"><span class=\"status\">" + label +
             "</span> container <b>" + XmlEscape(f->container) + "</b>" +
             (f->image.empty() ? "" : " (<code>" + XmlEscape(f->image) + "</code>)") + ", " +
             "<code>" + XmlEscape(f->rule->id) + "</code>: " + XmlEscape(f->reason) +
             RemedyHtml(*f) + "</li>\n";
    }
    out += "</ul>\n</section>\n";
  }
  out += "</div>\n";
  return out;
}

}  // namespace

std::string HtmlReport(const ScanResult& result, const ReportContext& context) {
  const Summary& s = result.summary;
  // Tallies of the gating rules' verdicts, by platform and by namespace / family.
  std::map<Platform, Tally> by_platform;
  std::map<std::pair<Platform, std::string>, Tally> by_group;
  std::set<std::string> statuses, platforms;
  std::string rows;
  for (const Finding& f : result.findings) {
    if (f.rule->gates) {
      Tally& p = by_platform[f.platform];
      Tally* g = nullptr;
      if (f.platform == Platform::kKubernetes || f.platform == Platform::kEcs) {
        g = &by_group[{f.platform, internal::Group(f)}];
      }
      for (Tally* t : {&p, g}) {
        if (!t) continue;
        t->pass += f.status == Status::kPass;
        t->fail += f.status == Status::kFail;
        t->na += f.status == Status::kNotApplicable;
        t->skipped += f.status == Status::kSkipped;
      }
    }
    bool listed = f.rule->gates || f.status == Status::kFail || f.status == Status::kError;
    if (!listed) continue;
    auto [label, cls] = StyleOf(s, f);
    std::string platform(PlatformName(f.platform));
    statuses.insert(label);
    platforms.insert(platform);
    rows += std::string("<tr class=\"s-") + cls + "\" data-status=\"" + label +
            "\" data-platform=\"" + platform + "\">";
    std::string workload = "<td class=\"res\">" + XmlEscape(internal::QualifiedResource(f)) +
                           " <small>container " + XmlEscape(f.container) +
                           (f.image.empty() ? "" : ", image " + XmlEscape(f.image)) +
                           "</small></td>";
    rows += Cell("status", label) + Cell("rule", f.rule->id) +
            Cell("loc", internal::Position(f.where)) + workload;
    rows +=
        "<td>" + XmlEscape(f.message) +
        (f.reason.empty() ? "" : " <span class=\"reason\">(" + XmlEscape(f.reason) + ")</span>") +
        "</td></tr>\n";
  }

  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'sha256-" +
      Base64(Sha256(kStyle)) + "'; script-src 'sha256-" + Base64(Sha256(kScript)) +
      "'; img-src data:\">\n"
      "<link rel=\"icon\" href=\"data:,\">\n<title>rootlock report</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<header>\n<h1>rootlock report</h1>\n";
  out += "<p class=\"headline\">" + XmlEscape(Headline(s)) + "</p>\n";
  std::string why = internal::GateReason(s);
  out += std::string("<p class=\"verdict ") + (s.passed ? "passed\">passed" : "failed\">FAILED") +
         (why.empty() ? "" : ": " + XmlEscape(why)) + "</p>\n";
  out += "<div class=\"cards\">" + Card("containers", s.containers) +
         Card("read-only", s.read_only) + Card("writable", s.writable) +
         Card("not applicable", s.not_applicable) + Card("skipped", s.skipped) +
         Card("files read", s.files) + Card("input errors", result.errors.size()) +
         "</div>\n</header>\n";

  out += FailingSection(result);
  out += "<h2>Read-only share</h2>\n<div class=\"charts\">\n";
  std::vector<std::pair<std::string, Tally>> platform_rows, group_rows;
  for (const auto& [p, t] : by_platform)
    platform_rows.emplace_back(std::string(PlatformName(p)), t);
  for (const auto& [key, t] : by_group) {
    std::string name = key.second.empty() ? "(no namespace)" : key.second;
    group_rows.emplace_back((key.first == Platform::kKubernetes ? "namespace " : "family ") + name,
                            t);
  }
  out += Chart("chart-platform", "By platform", platform_rows);
  out += Chart("chart-group", "By namespace (Kubernetes) and task definition family (ECS)",
               group_rows);
  out += "</div>\n";

  out +=
      "<h2>Findings</h2>\n<div id=\"filters\" hidden>\n"
      "<input id=\"filter-text\" type=\"search\" placeholder=\"Filter: file, resource, "
      "container, image, reason\" aria-label=\"Filter findings\">\n"
      "<select id=\"filter-status\" aria-label=\"Status\"><option value=\"\">every status"
      "</option>";
  for (const std::string& st : statuses) {
    out += "<option value=\"" + XmlEscape(st, true) + "\">" + XmlEscape(st) + "</option>";
  }
  out +=
      "</select>\n<select id=\"filter-platform\" aria-label=\"Platform\"><option value=\"\">"
      "every platform</option>";
  for (const std::string& p : platforms) {
    out += "<option value=\"" + XmlEscape(p, true) + "\">" + XmlEscape(p) + "</option>";
  }
  out += "</select>\n<span id=\"filter-count\"></span>\n</div>\n";
  out +=
      "<table id=\"findings\">\n<colgroup><col class=\"status\"><col class=\"rule\">"
      "<col class=\"loc\"><col class=\"res\"><col></colgroup>\n<thead><tr><th>Status</th>"
      "<th>Rule</th><th>Location</th><th>Workload</th><th>Finding</th></tr></thead>\n"
      "<tbody>\n";
  out += rows;
  out += "</tbody>\n</table>\n";
  if (!result.errors.empty()) {
    out += "<h2>Input errors</h2>\n<ul>\n";
    for (const Diagnostic& d : result.errors) out += "<li>" + XmlEscape(d.ToString()) + "</li>\n";
    out += "</ul>\n";
  }
  out += "<footer>rootlock " + XmlEscape(context.tool_version) +
         " &middot; <code>rootlock rules RULE</code> explains a rule</footer>\n<script>";
  out += kScript;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace rootlock
