#include "engine/result.h"

#include <algorithm>
#include <set>

#include "base/json_writer.h"

namespace rootlock {

bool FailsRun(const Summary& s, const RuleInfo& rule) {
  if (rule.gates) return true;
  std::span<const RuleInfo* const> all = AllRules();
  for (size_t r = 0; r < all.size(); ++r) {
    if (all[r] == &rule) return s.fails_run[r];
  }
  return false;
}

bool IsWarning(const Summary& s, const Finding& f) {
  return f.status == Status::kFail && !FailsRun(s, *f.rule);
}

void ApplyBaseline(const std::vector<BaselineEntry>& baseline, ScanResult* result) {
  std::set<std::string> known;
  for (const BaselineEntry& e : baseline) known.insert(e.fingerprint);
  std::set<std::string> still;
  Summary& s = result->summary;
  s.baseline_used = true;
  s.baseline_new = s.baseline_known = 0;
  // The list is rewritten block by block: one file's findings at a time.
  FindingList marked;
  std::vector<Finding> block;
  for (const Finding& x : result->findings) {
    if (!block.empty() && block.back().where.file != x.where.file) {
      marked.Append(block);
      block.clear();
    }
    block.push_back(x);
    Finding& f = block.back();
    if (!f.rule->gates || f.status != Status::kFail) continue;
    std::string fp = Fingerprint(f);
    if (known.count(fp)) {
      f.baseline = "known";
      ++s.baseline_known;
      still.insert(fp);
    } else {
      f.baseline = "new";
      ++s.baseline_new;
    }
  }
  marked.Append(block);
  result->findings = std::move(marked);
  result->baseline_fixed.clear();
  for (const BaselineEntry& e : baseline) {
    if (!still.count(e.fingerprint)) result->baseline_fixed.push_back(e);
  }
  s.baseline_fixed = result->baseline_fixed.size();
  s.passed =
      s.baseline_new == 0 && (!s.ratio_gate || !s.empty() || s.allow_empty) && s.failed_on == 0;
}

std::string BaselineJson(const ScanResult& result) {
  std::vector<BaselineEntry> entries;
  for (const Finding& f : result.findings) {
    if (f.rule->gates && f.status == Status::kFail) entries.push_back(BaselineEntryOf(f));
  }
  std::sort(entries.begin(), entries.end(), [](const BaselineEntry& a, const BaselineEntry& b) {
    return a.fingerprint < b.fingerprint;
  });
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Field("rootlock_baseline", int64_t{1});
  w.Key("failures");
  w.BeginArray();
  for (const BaselineEntry& e : entries) WriteBaselineEntry(w, e);
  w.EndArray();
  w.EndObject();
  return out + "\n";
}

}  // namespace rootlock
