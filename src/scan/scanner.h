// The scan: sources -> documents -> workloads -> findings, over all cores.
#ifndef ROOTLOCK_SCAN_SCANNER_H_
#define ROOTLOCK_SCAN_SCANNER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "parse/reader.h"
#include "platforms/adapter.h"
#include "policy/config.h"
#include "rules/finding.h"
#include "rules/finding_list.h"
#include "rules/rules.h"

namespace rootlock {

/// A failure recorded in a baseline (policy/baseline.h reads and writes them).
struct BaselineEntry {
  std::string fingerprint;  // Fingerprint(): rule, platform, file, namespace, resource, container
  std::string rule;
  std::string file;
  std::string resource;
  std::string container;
};

struct ScanOptions {
  std::vector<std::string> paths;
  RuleOptions rules;
  /// A CustomResourceDefinition holds no container (platforms/k8s), so the
  /// scan does not parse one it can tell from the text.
  ParseLimits limits{.skip_crd_documents = true};
  /// Files larger than this are refused with an error.
  uint64_t max_file_bytes = 16ull * 1024 * 1024;
  /// Worker threads; 0 means one per core.
  unsigned jobs = 0;
  /// Bytes of large files parsed at once, whatever the number of jobs (files
  /// under an eighth of it never wait; a larger file is parsed alone): with the
  /// findings kept out of memory, this is what bounds a scan's peak memory by
  /// its largest file.
  uint64_t parse_budget_bytes = 3 * 1024 * 1024;
  /// The gate: the read-only share that passes.
  double min_ratio = 0.8;
  /// The gate also fails on any failing container.
  bool fail_on_any = false;
  /// CloudFormation parameters and Terraform variables given by the user.
  ResolveOptions resolve;
  /// Reads sibling files adapters ask for; nullptr means the disk.
  const FileLoader* loader = nullptr;
  /// The .rootlock.yaml in force (its exemptions apply to every workload), or nullptr.
  const Config* config = nullptr;
  /// Called now and then from worker threads (never concurrently: the scan
  /// serialises calls) with the files and bytes read so far and the total
  /// number of files, 0 while the walk is still finding them; nullptr for none.
  /// For progress displays.
  std::function<void(uint64_t files_done, uint64_t files_total, uint64_t bytes_done)> progress;
};

/// The headline numbers, from the gating rule's findings.
struct Summary {
  uint64_t containers = 0;      // judged or n/a (skipped ones excluded)
  uint64_t read_only = 0;       // pass
  uint64_t writable = 0;        // fail
  uint64_t not_applicable = 0;  // n/a
  uint64_t skipped = 0;
  double ratio = 1.0;  // read_only / (read_only + writable); 1 when nothing is judged
  double min_ratio = 0.8;
  bool passed = true;  // the gate
  /// With --baseline: failures not in it, failures in it, and its entries now fixed.
  bool baseline_used = false;
  uint64_t baseline_new = 0;
  uint64_t baseline_known = 0;
  uint64_t baseline_fixed = 0;
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

/// What scanning one source produced.
struct SourceOutcome {
  std::vector<Workload> workloads;
  std::vector<Finding> findings;
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> skipped;
};

/// Parses one already-read source and extracts its workloads (no verdicts yet:
/// some passes, like ECS revisions, need every source first).
void ReadWorkloads(const std::string& name, std::string_view text, InputFormat format,
                   const ScanOptions& options, SourceOutcome* out);

/// Judges workloads: appends one finding per container and rule, in line order.
void JudgeWorkloads(const std::vector<Workload>& workloads, const ScanOptions& options,
                    std::vector<Finding>* findings);

/// ReadWorkloads + the cross-workload passes over this source alone + JudgeWorkloads,
/// into out->findings. Exposed for tests and fuzzing.
void ScanText(const std::string& name, std::string_view text, InputFormat format,
              const ScanOptions& options, SourceOutcome* out);

/// Whether `text` could hold a container at all. Every platform names its
/// containers under a key containing "ontainer" (containers, initContainers,
/// containerDefinitions, ContainerDefinitions, container_definitions), or
/// "services" (compose) or "HostConfig" (docker inspect); a key can only
/// differ from its bytes in the file through an escape, so text with none of
/// these and no backslash holds no container and need not be parsed.
bool MayHoldContainer(std::string_view text);

/// Runs a whole scan. Never throws; every problem is in `errors`.
ScanResult Scan(const ScanOptions& options);

/// Adds the gating rule's verdicts among `findings` to the summary's counts.
void CountVerdicts(const std::vector<Finding>& findings, Summary* s);
/// From the counts: containers, the ratio and the gate.
void Conclude(const ScanOptions& options, Summary* s);
/// CountVerdicts + Conclude over a whole result (used by Scan and by live scans).
Summary Summarize(const std::vector<Finding>& findings, const ScanOptions& options);

}  // namespace rootlock

#endif  // ROOTLOCK_SCAN_SCANNER_H_
