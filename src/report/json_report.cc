#include "base/json_writer.h"
#include "policy/baseline.h"
#include "report/report.h"
#include "report/report_util.h"

namespace rootlock {

namespace {

void WriteJson(const ScanResult& result, JsonWriter& w, std::string& out);

// {"file", "line", "column", <text_key>}: an input error or a skipped file.
void WriteDiagnostic(JsonWriter& w, const Diagnostic& d, std::string_view text_key) {
  w.BeginObject();
  w.Field("file", d.where.file);
  w.Field("line", static_cast<int64_t>(d.where.line));
  w.Field("column", static_cast<int64_t>(d.where.column));
  w.Field(text_key, d.message);
  w.EndObject();
}

}  // namespace

std::string JsonReport(const ScanResult& result) {
  std::string out;
  JsonWriter w(&out);
  WriteJson(result, w, out);
  return out;
}

bool WriteJsonReport(const ScanResult& result, std::FILE* sink) {
  std::string buffer;
  JsonWriter w(&buffer, sink);
  WriteJson(result, w, buffer);
  return w.Flush();
}

namespace {

void WriteJson(const ScanResult& result, JsonWriter& w, std::string& out) {
  const Summary& s = result.summary;
  w.BeginObject();
  w.Key("tool");
  w.BeginObject();
  w.Field("name", "rootlock");
  w.Field("version", ROOTLOCK_VERSION);
  w.EndObject();
  w.Key("summary");
  w.BeginObject();
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
  w.Field("files", static_cast<int64_t>(s.files));
  w.Field("files_parsed", static_cast<int64_t>(s.files_parsed));
  w.Field("errors", static_cast<int64_t>(result.errors.size()));
  w.Field("skipped_files", static_cast<int64_t>(result.skipped_files.size()));
  w.EndObject();
  if (!s.fail_on.empty()) {  // --fail-on: the rules that gate beside the ratio
    w.Key("fail_on");
    w.BeginObject();
    w.Key("rules");
    w.BeginArray();
    for (const std::string& r : s.fail_on) w.String(r);
    w.EndArray();
    w.Field("failures", static_cast<int64_t>(s.failed_on));
    w.EndObject();
  }
  if (s.baseline_used) {
    w.Key("baseline");
    w.BeginObject();
    w.Field("new", static_cast<int64_t>(s.baseline_new));
    w.Field("known", static_cast<int64_t>(s.baseline_known));
    w.Field("fixed", static_cast<int64_t>(s.baseline_fixed));
    w.EndObject();
  }
  w.Key("findings");
  w.BeginArray();
  for (const Finding& f : result.findings) {
    w.BeginObject();
    w.Field("rule", f.rule->id);
    w.Field("status", StatusName(f.status));
    w.Field("severity", SeverityName(f.severity));
    w.Field("platform", PlatformName(f.platform));
    w.Field("kind", f.kind);
    w.Field("name", f.name);
    w.Field("namespace", f.namespace_);
    w.Field("resource", f.resource);
    if (!f.region.empty()) w.Field("region", f.region);  // live ECS only
    w.Field("container", f.container);
    w.Field("image", f.image);
    w.Field("file", f.where.file);
    w.Field("line", static_cast<int64_t>(f.where.line));
    w.Field("column", static_cast<int64_t>(f.where.column));
    w.Field("message", f.message);
    w.Field("reason", f.reason);
    if (!f.baseline.empty()) w.Field("baseline", f.baseline);
    if (f.remedy.observed) {
      w.Key("writable_paths");
      w.BeginArray();
      for (const std::string& p : f.remedy.WritablePaths()) w.String(p);
      w.EndArray();
      w.Field("suggestion", internal::DockerRunSuggestion(f));
      w.Field("suggestion_compose", internal::ComposeSuggestion(f));
    }
    if (!f.remedy.refused.empty()) {
      w.Key("not_suggested");  // paths it wrote that hold controls (issue 14)
      w.BeginArray();
      for (const std::string& p : f.remedy.refused) w.String(p);
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("errors");
  w.BeginArray();
  for (const Diagnostic& d : result.errors) WriteDiagnostic(w, d, "message");
  w.EndArray();
  if (s.baseline_used) {
    w.Key("baseline_fixed");
    w.BeginArray();
    for (const BaselineEntry& e : result.baseline_fixed) WriteBaselineEntry(w, e);
    w.EndArray();
  }
  w.Key("skipped_files");
  w.BeginArray();
  for (const Diagnostic& d : result.skipped_files) WriteDiagnostic(w, d, "reason");
  w.EndArray();
  w.EndObject();
  out += '\n';
}

}  // namespace

}  // namespace rootlock
