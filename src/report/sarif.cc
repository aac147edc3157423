// SARIF 2.1.0, as GitHub code scanning reads it.
//
// Decisions:
// - Passing containers are left out: GitHub does not document result.kind and would raise
//   an alert for any result it reads; a rule listed in tool.driver.rules with no result is
//   how code scanning learns that the rule ran and found nothing, and closes old alerts.
// - Results are failures (errors, and warnings of rules that do not gate) only: GitHub
//   ignores `suppressions` and shows a suppressed n/a as an open alert. n/a and skipped
//   containers are counted in the run's properties instead.
// - Artifact URIs are relative to %SRCROOT% (run.originalUriBaseIds): the repository root
//   (the nearest folder above the working directory holding .git), else the working
//   directory; files outside it keep an absolute file:// URI. stdin has no artifact.
// - Message text escapes '[' and ']' (SARIF 3.11.6: otherwise they start a link).
// - Live containers have no file: they get a logical location and no physical one.
// - partialFingerprints carry Fingerprint(): no line, so edits above a container and
//   reformatting keep its alert.
#include <string>
#include <vector>

#include "base/json_writer.h"
#include "base/text.h"
#include "report/report.h"
#include "report/report_util.h"
#include "rules/rules.h"

namespace rootlock {

using internal::Explain;
using internal::IsLive;
using internal::QualifiedResource;
using internal::Remediation;

namespace {

bool HasTag(const RuleInfo& r, std::string_view tag) {
  for (const char* t : r.tags) {
    if (tag == t) return true;
  }
  return false;
}

const char* Level(const Summary& s, const RuleInfo& r) {
  return FailsRun(s, r) ? "error" : "warning";
}

// A file name as a URI reference: relative paths stay relative to where the scan ran (the
// repository root in CI), "./" dropped; absolute ones become file:// URIs. Every byte but
// unreserved characters and '/' is percent-encoded, so "<stdin>" or "a b.yaml" are valid.
std::string ArtifactUri(std::string_view file) {
  std::string out;
  while (file.size() > 2 && file.substr(0, 2) == "./") file.remove_prefix(2);
  if (!file.empty() && file[0] == '/') out = "file://";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : file) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

void Message(JsonWriter& w, std::string_view text) {
  std::string escaped;
  for (char c : text) {
    if (c == '[' || c == ']') escaped += '\\';
    escaped += c;
  }
  w.Key("message");
  w.BeginObject();
  w.Field("text", escaped);
  w.EndObject();
}

// Where an artifact is, relative to %SRCROOT% when it is under it.
struct Artifact {
  std::string uri;
  bool relative = false;
};

Artifact ArtifactOf(std::string_view file, const std::string& root, const std::string& cwd) {
  if (root.empty() || cwd.empty()) return {ArtifactUri(file), false};
  std::string abs = LexicalPath(!file.empty() && file[0] == '/' ? std::string(file)
                                                                : cwd + "/" + std::string(file));
  std::string prefix = root == "/" ? "/" : root + "/";
  if (StartsWith(abs, prefix)) return {ArtifactUri(abs.substr(prefix.size())), true};
  return {ArtifactUri(abs), false};
}

// Where file names are relative to, and the root URIs are made relative to.
struct Roots {
  std::string root;
  std::string cwd;
};

void PhysicalLocation(JsonWriter& w, const Location& l, const Roots& roots) {
  Artifact a = ArtifactOf(l.file, roots.root, roots.cwd);
  w.Key("physicalLocation");
  w.BeginObject();
  w.Key("artifactLocation");
  w.BeginObject();
  w.Field("uri", a.uri);
  if (a.relative) w.Field("uriBaseId", "%SRCROOT%");
  w.EndObject();
  if (l.line > 0) {
    w.Key("region");
    w.BeginObject();
    w.Field("startLine", static_cast<int64_t>(l.line));
    if (l.column > 0) w.Field("startColumn", static_cast<int64_t>(l.column));
    w.EndObject();
  }
  w.EndObject();
}

void Rules(JsonWriter& w, const ScanResult& result) {
  w.Key("rules");
  w.BeginArray();
  for (const RuleInfo* r : AllRules()) {
    w.BeginObject();
    w.Field("id", r->id);
    w.Field("name", r->name);
    w.Key("shortDescription");
    w.BeginObject();
    w.Field("text", r->title);
    w.EndObject();
    w.Key("fullDescription");
    w.BeginObject();
    w.Field("text", r->rationale);
    w.EndObject();
    w.Key("help");
    w.BeginObject();
    w.Field("text", RuleText(*r));
    w.Field("markdown", RuleMarkdown(*r));
    w.EndObject();
    w.Field("helpUri", r->help_uri);
    w.Key("defaultConfiguration");
    w.BeginObject();
    w.Field("level", Level(result.summary, *r));
    w.EndObject();
    w.Key("properties");
    w.BeginObject();
    // GitHub files a rule with a security-severity under security alerts, others by
    // problem.severity.
    if (HasTag(*r, "security")) {
      auto set = result.severity.find(r->id);
      Severity severity = set == result.severity.end() ? r->severity : set->second;
      w.Field("security-severity", internal::SecuritySeverityScore(severity));
    } else {
      w.Field("problem.severity", FailsRun(result.summary, *r) ? "error" : "warning");
    }
    w.Field("precision", "very-high");
    w.Key("tags");
    w.BeginArray();
    for (const char* t : r->tags) w.String(t);
    w.EndArray();
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
}

bool HasArtifact(const Location& l) { return !l.file.empty() && l.file != "<stdin>"; }

// A live object's name ("arn:aws:ecs:...", "ecs:eu-west-1:family", "docker:3f2a9c"), not
// a file: a logical location, not an artifact relative to the source root.
bool IsLiveObject(const Location& l) {
  for (std::string_view scheme : {"arn:", "ecs:", "docker:"}) {
    if (l.line == 0 && l.file.starts_with(scheme)) return true;
  }
  return false;
}

void Result(JsonWriter& w, const Summary& s, const Finding& f, size_t rule_index,
            const Roots& root) {
  w.BeginObject();
  w.Field("ruleId", f.rule->id);
  w.Field("ruleIndex", static_cast<int64_t>(rule_index));
  w.Field("level", f.status == Status::kError ? "error" : Level(s, *f.rule));
  Message(w, Explain(f));
  w.Key("locations");
  w.BeginArray();
  w.BeginObject();
  if (!IsLive(f) && HasArtifact(f.where)) PhysicalLocation(w, f.where, root);
  w.Key("logicalLocations");
  w.BeginArray();
  w.BeginObject();
  w.Field("name", f.container);
  w.Field("fullyQualifiedName",
          (IsLive(f) ? f.where.file : QualifiedResource(f)) + "/" + f.container);
  w.Field("kind", "resource");
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndArray();
  w.Key("partialFingerprints");
  w.BeginObject();
  w.Field("rootlock/v1", Fingerprint(f));
  w.EndObject();
  w.Key("properties");
  w.BeginObject();
  w.Field("status", StatusName(f.status));
  w.Field("platform", PlatformName(f.platform));
  w.Field("kind", f.kind);
  if (!f.namespace_.empty()) w.Field("namespace", f.namespace_);
  w.Field("resource", f.resource);
  w.Field("container", f.container);
  if (!f.image.empty()) w.Field("image", f.image);
  if (f.status == Status::kFail) w.Field("remediation", Remediation(f));
  if (f.remedy.observed) w.Field("suggestion", internal::DockerRunSuggestion(f));
  w.EndObject();
  w.EndObject();
}

void Notification(JsonWriter& w, const Diagnostic& d, const char* level, const Roots& root) {
  w.BeginObject();
  w.Field("level", level);
  Message(w, d.message);
  if (HasArtifact(d.where)) {
    w.Key("locations");
    w.BeginArray();
    w.BeginObject();
    if (IsLiveObject(d.where)) {
      w.Key("logicalLocations");
      w.BeginArray();
      w.BeginObject();
      w.Field("fullyQualifiedName", d.where.file);
      w.Field("kind", "resource");
      w.EndObject();
      w.EndArray();
    } else {
      PhysicalLocation(w, d.where, root);
    }
    w.EndObject();
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace

std::string SarifReport(const ScanResult& result, const ReportContext& context) {
  const Roots root{context.source_root, context.working_dir};
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Field("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
  w.Field("version", "2.1.0");
  w.Key("runs");
  w.BeginArray();
  w.BeginObject();
  w.Key("tool");
  w.BeginObject();
  w.Key("driver");
  w.BeginObject();
  w.Field("name", "rootlock");
  w.Field("informationUri", ROOTLOCK_HOMEPAGE);
  w.Field("version", context.tool_version);
  w.Field("semanticVersion", context.tool_version);
  Rules(w, result);
  w.EndObject();
  w.EndObject();
  w.Key("invocations");
  w.BeginArray();
  w.BeginObject();
  w.Field("executionSuccessful", result.errors.empty());
  if (!result.errors.empty() || !result.skipped_files.empty()) {
    w.Key("toolExecutionNotifications");
    w.BeginArray();
    for (const Diagnostic& d : result.errors) Notification(w, d, "error", root);
    for (const Diagnostic& d : result.skipped_files) Notification(w, d, "note", root);
    w.EndArray();
  }
  w.EndObject();
  w.EndArray();
  if (!root.root.empty() && !root.cwd.empty()) {
    w.Key("originalUriBaseIds");
    w.BeginObject();
    w.Key("%SRCROOT%");
    w.BeginObject();
    w.Field("uri", ArtifactUri(root.root == "/" ? "/" : root.root + "/"));
    w.EndObject();
    w.EndObject();
  }
  w.Field("columnKind", "unicodeCodePoints");
  w.Key("results");
  w.BeginArray();
  std::span<const RuleInfo* const> rules = AllRules();
  for (const Finding& f : result.findings) {
    if (f.status != Status::kFail && f.status != Status::kError) continue;
    size_t index = 0;
    while (index < rules.size() && rules[index] != f.rule) ++index;
    Result(w, result.summary, f, index, root);
  }
  w.EndArray();
  const Summary& s = result.summary;
  w.Key("properties");
  w.BeginObject();
  w.Field("headline", Headline(s));
  w.Field("containers", static_cast<int64_t>(s.containers));
  w.Field("read_only", static_cast<int64_t>(s.read_only));
  w.Field("writable", static_cast<int64_t>(s.writable));
  w.Field("not_applicable", static_cast<int64_t>(s.not_applicable));
  w.Field("skipped", static_cast<int64_t>(s.skipped));
  w.Key("ratio");
  w.Number(s.ratio);
  w.Key("min_ratio");
  w.Number(s.min_ratio);
  w.Field("passed", s.passed);
  w.EndObject();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  out += '\n';
  return out;
}

}  // namespace rootlock
