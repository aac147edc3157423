// GitLab Code Quality (artifacts:reports:codequality): a JSON array of issues, the subset of
// the Code Climate engine spec GitLab reads. One issue per failure (warnings too) and per
// input error; passes, n/a and skipped verdicts are not issues.
//
// - fingerprint: the finding's Fingerprint() (rule, file, resource, container; not the line),
//   so a merge request's widget tells new failures from fixed ones; GitLab shows only the
//   first issue of a repeated fingerprint, so a repeat gets a suffix.
// - location.path: relative to the repository root (GitLab links it into the tree); a live
//   finding's "file" (a container id, an ARN) is kept as it is, with line 1.
// - severity: low minor, medium major, high critical, critical blocker.
#include <set>
#include <string>

#include "base/digest.h"
#include "base/json_writer.h"
#include "base/text.h"
#include "report/report.h"
#include "report/report_util.h"

namespace rootlock {

namespace {

const char* GitlabSeverity(Severity s) {
  switch (s) {
    case Severity::kLow:
      return "minor";
    case Severity::kMedium:
      return "major";
    case Severity::kHigh:
      return "critical";
    case Severity::kCritical:
      return "blocker";
  }
  return "info";
}

// The file relative to the repository root, never with a leading / or ./ (GitLab's schema).
std::string RepoPath(const std::string& file, const ReportContext& context) {
  std::string path = file;
  if (!context.source_root.empty() && !context.working_dir.empty() && !file.empty() &&
      file.find("://") == std::string::npos) {
    std::string abs = LexicalPath(file[0] == '/' ? file : context.working_dir + "/" + file);
    std::string prefix = context.source_root == "/" ? "/" : context.source_root + "/";
    if (StartsWith(abs, prefix)) path = abs.substr(prefix.size());
  }
  while (StartsWith(path, "./")) path.erase(0, 2);
  while (!path.empty() && path[0] == '/') path.erase(0, 1);
  return path.empty() ? "<stdin>" : path;
}

class Issues {
 public:
  explicit Issues(std::string* out) : w_(out) { w_.BeginArray(); }

  void Add(const std::string& description, const std::string& check, std::string fingerprint,
           const char* severity, const std::string& path, uint32_t line) {
    for (int n = 2; !seen_.insert(fingerprint).second; ++n) {
      fingerprint = fingerprint.substr(0, fingerprint.find('-')) + "-" + std::to_string(n);
    }
    w_.BeginObject();
    w_.Field("type", "issue");
    w_.Field("description", description.empty() ? check : description);
    w_.Field("check_name", check);
    w_.Field("fingerprint", fingerprint);
    w_.Field("severity", severity);
    w_.Key("location");
    w_.BeginObject();
    w_.Field("path", path);
    w_.Key("lines");
    w_.BeginObject();
    w_.Field("begin", static_cast<int64_t>(line > 0 ? line : 1));
    w_.EndObject();
    w_.EndObject();
    w_.EndObject();
  }

  void Finish() { w_.EndArray(); }

 private:
  JsonWriter w_;
  std::set<std::string> seen_;
};

}  // namespace

std::string GitlabReport(const ScanResult& result, const ReportContext& context) {
  std::string out;
  Issues issues(&out);
  for (const Finding& f : result.findings) {
    if (f.status != Status::kFail && f.status != Status::kError) continue;
    issues.Add(internal::CleanUtf8(internal::Explain(f)), f.rule->id, Fingerprint(f),
               GitlabSeverity(f.severity), RepoPath(f.where.file, context), f.where.line);
  }
  for (const Diagnostic& d : result.errors) {
    std::string path = RepoPath(d.where.file, context);
    issues.Add(internal::CleanUtf8(d.message), "input-error",
               HexLower(Sha256("input-error\n" + path + "\n" + d.message)).substr(0, 16), "major",
               path, d.where.line);
  }
  issues.Finish();
  return out + "\n";
}

}  // namespace rootlock
