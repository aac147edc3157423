// What a run produced: every finding, the input problems, and the headline
// numbers with the gate. Every report format and command reads this.
#ifndef ROOTLOCK_ENGINE_RESULT_H_
#define ROOTLOCK_ENGINE_RESULT_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "engine/finding_list.h"
#include "model/finding.h"
#include "policy/baseline.h"
#include "rules/rules.h"

namespace rootlock {

/// The headline numbers, from the gating rule's findings.
/// One rule's verdicts over a scan.
struct RuleCounts {
  uint64_t pass = 0;
  uint64_t fail = 0;
  uint64_t not_applicable = 0;
  uint64_t skipped = 0;
  uint64_t error = 0;
};

struct Summary {
  uint64_t containers = 0;      // judged or n/a (skipped ones excluded)
  uint64_t read_only = 0;       // pass
  uint64_t writable = 0;        // fail
  uint64_t not_applicable = 0;  // n/a
  uint64_t skipped = 0;
  /// Every rule's verdicts, indexed by RuleId (rules switched off count nothing).
  /// The counts above are the gating rule's (read-only-root-fs): the headline
  /// and the ratio gate stay on it.
  std::array<RuleCounts, kRuleCount> per_rule{};
  double ratio = 1.0;  // read_only / (read_only + writable); 1 when nothing is judged
  /// Whether a scan that judged nothing passes (--allow-empty).
  bool allow_empty = false;
  /// Files left unjudged (Helm templates not yet rendered): ScanResult::skipped_files.
  uint64_t files_skipped = 0;
  double min_ratio = 0.8;
  /// Failures of the rules --fail-on (or the config's fail_on) names, and those
  /// rules' slugs in registry order: they fail the gate beside the ratio.
  uint64_t failed_on = 0;
  std::vector<std::string> fail_on;
  /// Per rule (indexed by RuleId): whether its failures fail the run, because it gates or
  /// --fail-on names it. Decided once here (Conclude); every renderer asks FailsRun.
  std::array<bool, kRuleCount> fails_run{};
  /// Whether the ratio gate applies: not when --rules (or the config) leaves the
  /// gating rule out.
  bool ratio_gate = true;
  bool passed = true;  // the gate
  /// With --baseline: failures not in it, failures in it, and its entries now fixed.
  bool baseline_used = false;
  uint64_t baseline_new = 0;
  uint64_t baseline_known = 0;
  uint64_t baseline_fixed = 0;
  /// Nothing was judged: no container passed or failed the gating rule. Unless
  /// allow_empty, the gate fails.
  bool empty() const { return read_only + writable == 0; }
  uint64_t files = 0;         // files read
  uint64_t files_parsed = 0;  // of which could hold a container and were parsed
  uint64_t bytes = 0;
};

struct ScanResult {
  /// Sorted by file (in discovery order), then line, column and rule. Held
  /// serialised, a file's block at a time (see rules/finding_list.h).
  FindingList findings;
  /// Input problems, in discovery order.
  std::vector<Diagnostic> errors;
  /// Files not judged, and why: Go/Helm templates that are not YAML until
  /// rendered. Not errors: they do not change the exit status.
  std::vector<Diagnostic> skipped_files;
  /// With --baseline: its entries that no longer fail.
  std::vector<BaselineEntry> baseline_fixed;
  Summary summary;
  /// Severity per rule slug, where the config overrides the rule's own (as
  /// RuleOptions::severity): for formats that describe rules, not findings.
  std::map<std::string, Severity, std::less<>> severity;
};

/// Marks each gating failure "new" or "known", lists baseline entries no longer
/// failing as fixed, and makes the gate fail only on new failures.
/// Whether a failure of `rule` fails the run in this summary: a gating rule's always, another
/// rule's when --fail-on (or the config's fail_on) names it. Reports call the rest warnings.
bool FailsRun(const Summary& s, const RuleInfo& rule);
/// A failure that does not fail the run: reported as a warning.
bool IsWarning(const Summary& s, const Finding& f);

void ApplyBaseline(const std::vector<BaselineEntry>& baseline, ScanResult* result);

/// The baseline file for a result: every failure of a gating rule, sorted.
std::string BaselineJson(const ScanResult& result);

}  // namespace rootlock

#endif  // ROOTLOCK_ENGINE_RESULT_H_
