#include <cstdio>

#include "base/text.h"
#include "report/report.h"
#include "report/report_util.h"
#include "rules/rules.h"

namespace rootlock {

using internal::Position;

namespace {

const char* kRed = "\033[31m";
const char* kYellow = "\033[33m";
const char* kDim = "\033[2m";
const char* kGreen = "\033[32m";
const char* kBold = "\033[1m";
const char* kReset = "\033[0m";

std::string Paint(const TextOptions& o, const char* color, std::string_view s) {
  if (!o.color) return std::string(s);
  return std::string(color) + std::string(s) + kReset;
}

std::string Indent(std::string_view text, std::string_view by) {
  std::string out(by);
  for (char c : text) {
    out += c;
    if (c == '\n') out += by;
  }
  return out;
}

}  // namespace

std::string Headline(const Summary& s) {
  uint64_t judged = s.read_only + s.writable;
  if (!s.ratio_gate) {
    // --rules left the read-only rule out: no ratio, the other rules' verdicts.
    RuleCounts all;
    for (const RuleCounts& c : s.per_rule) {
      all.pass += c.pass;
      all.fail += c.fail;
      all.not_applicable += c.not_applicable;
    }
    std::string out =
        "read-only-root-fs did not run; the rules that ran: " + std::to_string(all.fail) +
        " failed, " + std::to_string(all.pass) + " passed";
    if (all.not_applicable) out += ", " + std::to_string(all.not_applicable) + " not applicable";
    return out;
  }
  if (s.empty()) {
    // Nothing judged: no percentage, and why, so that it never reads as a pass.
    std::string out = s.not_applicable ? "no container judged" : "no containers found";
    if (s.files) out += " in " + std::to_string(s.files) + (s.files == 1 ? " file" : " files");
    if (s.not_applicable) out += "; " + std::to_string(s.not_applicable) + " not applicable";
    if (s.skipped) out += "; " + std::to_string(s.skipped) + " skipped";
    if (s.files_skipped) {
      out += "; " + std::to_string(s.files_skipped) +
             (s.files_skipped == 1 ? " Helm template" : " Helm templates") +
             " skipped: render them with `helm template`";
    }
    return out;
  }
  std::string out = std::to_string(s.read_only) + " of " + std::to_string(judged) +
                    " containers use read-only root filesystem (" + FormatPercent(s.ratio) + ")";
  if (s.not_applicable) out += "; " + std::to_string(s.not_applicable) + " not applicable";
  if (s.skipped) out += "; " + std::to_string(s.skipped) + " skipped";
  return out;
}

namespace {

// One finding's line, and for a live container how to run it read-only.
void WriteLine(const Finding& f, const TextOptions& o, bool fails_run, std::string& out) {
  const char* label = nullptr;
  const char* color = kDim;
  switch (f.status) {
    case Status::kFail:
      label = !fails_run ? "warning" : f.baseline == "known" ? "fail (known)" : "fail";
      color = fails_run ? kRed : kYellow;
      break;
    case Status::kNotApplicable:
      // Say why a container is not judged once, on the gating rule; -v says it for the
      // other rules too (an exemption from one of them, say).
      if (f.rule->gates || (o.verbose && !IsReadOnlyRule(*f.rule))) label = "n/a";
      break;
    case Status::kSkipped:
      if (f.rule->gates) label = "skipped";
      break;
    case Status::kPass:
      if (o.verbose) label = "pass", color = kGreen;
      break;
    case Status::kError:
      label = "error", color = kRed;
      break;
  }
  if (!label) return;
  // What the input controls (names, images, paths, file names) is escaped field by
  // field; the colours around it are ours.
  out += EscapeControls(Position(f.where)) + ": " + Paint(o, color, label) + ": " +
         EscapeControls(f.message);
  if (!f.reason.empty()) out += " (" + EscapeControls(f.reason) + ")";
  out += " [" + std::string(f.rule->id) + "]\n";
  if (std::string run = internal::DockerRunSuggestion(f); !run.empty()) {
    out += "    to run it read-only: " + EscapeControls(run) + "\n";
    out += "    or in compose:\n" + Indent(internal::ComposeSuggestion(f), "      ") + "\n";
  }
  if (std::string note = internal::RefusedNote(f); !note.empty()) {
    out += "    " + EscapeControls(note) + "\n";
  }
}

// The report into `out`; with a sink, written out in blocks as it grows.
bool WriteText(const ScanResult& result, const TextOptions& o, std::string& out, std::FILE* sink) {
  auto flush = [&](size_t above) {
    if (!sink || out.size() <= above) return true;
    bool ok = std::fwrite(out.data(), 1, out.size(), sink) == out.size();
    out.clear();
    return ok;
  };
  // The read-only rules' lines first, in file order; then the other rules' failures
  // (no-privileged, run-as-non-root, ...), in file order too.
  // Each walk decodes the findings of its own rules only.
  uint64_t read_only_rules = 0;
  for (const RuleInfo* r : AllRules()) {
    if (IsReadOnlyRule(*r)) read_only_rules |= FindingList::RuleBit(r);
  }
  for (bool read_only_pass : {true, false}) {
    uint64_t rules = read_only_pass ? read_only_rules : ~read_only_rules & ~FindingList::kNoRuleBit;
    for (const Finding& f : result.findings.Select(rules)) {
      if (!read_only_pass && f.status != Status::kFail && f.status != Status::kError &&
          !(o.verbose && f.status != Status::kSkipped)) {
        continue;
      }
      if (!flush(64 * 1024)) return false;
      bool fails_run = FailsRun(result.summary, *f.rule);
      WriteLine(f, o, fails_run, out);
    }
  }
  const Summary& s = result.summary;
  if (o.verbose) {
    for (const Diagnostic& d : result.skipped_files) {
      out += EscapeControls(Position(d.where)) + ": " + Paint(o, kDim, "skipped") + ": " +
             EscapeControls(d.message) + "\n";
    }
  }
  if (!result.findings.empty() || s.files > 0) out += "\n";
  if (!result.skipped_files.empty() && !o.verbose && s.files == 0) {
    // A live source read no file: what it skipped are containers (refused, removed, unreadable).
    out += "note: " + std::to_string(result.skipped_files.size()) +
           " container(s) skipped, each named on stderr; -v lists them\n";
  } else if (!result.skipped_files.empty() && !o.verbose) {
    out += "note: " + std::to_string(result.skipped_files.size()) +
           " Go/Helm template file(s) not judged: they are not YAML until rendered "
           "(helm template CHART | rootlock scan -); -v lists them\n";
  }
  for (const BaselineEntry& e : result.baseline_fixed) {
    out += EscapeControls(e.file) + ": " + Paint(o, kGreen, "fixed") + ": " +
           EscapeControls(e.resource) + " container '" + EscapeControls(e.container) +
           "' no longer fails " + EscapeControls(e.rule) + " (it is in the baseline)\n";
  }
  out += Paint(o, kBold, Headline(s)) + "\n";
  std::string why = internal::GateReason(s);
  if (!s.passed) {
    out += Paint(o, kRed, "FAILED") + ": " + why + "\n";
  } else if (!why.empty()) {
    out += Paint(o, kGreen, "passed") + ": " + why + "\n";
  }
  return flush(0);
}

}  // namespace

std::string TextReport(const ScanResult& result, const TextOptions& options) {
  std::string out;
  WriteText(result, options, out, nullptr);
  return out;
}

bool WriteTextReport(const ScanResult& result, const TextOptions& options, std::FILE* sink) {
  std::string buffer;
  return WriteText(result, options, buffer, sink);
}

}  // namespace rootlock
