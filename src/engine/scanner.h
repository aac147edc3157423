// The scan: sources -> documents -> workloads -> findings, over all cores.
#ifndef ROOTLOCK_ENGINE_SCANNER_H_
#define ROOTLOCK_ENGINE_SCANNER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "engine/result.h"
#include "model/finding.h"
#include "parse/reader.h"
#include "platforms/adapter.h"
#include "policy/config.h"
#include "rules/rules.h"

namespace rootlock {

struct ScanOptions {
  std::vector<std::string> paths;
  RuleOptions rules;
  /// A CustomResourceDefinition holds no container (platforms/k8s), so the
  /// scan does not parse one it can tell from the text.
  ParseLimits limits{.skip_kind = InertKind()};
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
  /// The gate also fails on any failure of these rules (by slug; --fail-on RULE)...
  std::set<std::string, std::less<>> fail_on;
  /// ...and of every rule of this severity or above (--fail-on SEVERITY), its
  /// severity the config's where it overrides the rule's.
  std::optional<Severity> fail_on_severity;
  /// A scan that judged no container passes the gate (--allow-empty); by
  /// default it fails, so that a typo'd path never passes CI on nothing.
  bool allow_empty = false;
  /// CloudFormation parameters and Terraform variables given by the user.
  ResolveOptions resolve;
  /// Reads sibling files adapters ask for; nullptr means the disk.
  const FileSystem* loader = nullptr;
  /// The .rootlock.yaml in force (its exemptions apply to every workload), or nullptr.
  const Config* config = nullptr;
  /// Called now and then from worker threads (never concurrently: the scan
  /// serialises calls) with the files and bytes read so far and the total
  /// number of files, 0 while the walk is still finding them; nullptr for none.
  /// For progress displays.
  std::function<void(uint64_t files_done, uint64_t files_total, uint64_t bytes_done)> progress;
};

/// What scanning one source produced.
struct SourceOutcome {
  std::vector<Workload> workloads;
  std::vector<Finding> findings;
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> skipped;
};

/// Extracts the workloads of every document of a parsed source: the one place
/// adapters are given a document. `roots`, when given, gets the root node of
/// each workload's document, index for index.
void ExtractAll(const std::string& name, std::string_view text, const ParsedSource& parsed,
                const ScanOptions& options, std::vector<Workload>* out,
                std::vector<const Node*>* roots = nullptr);

/// Adds the exemptions of the config in force (options.config) to `w`'s containers.
void ApplyConfig(const ScanOptions& options, Workload* w);

/// Judges one workload as every entry point does: the config's exemptions
/// first, then every rule of the registry. Appends its findings.
void JudgeWorkload(const Workload& w, const ScanOptions& options, std::vector<Finding>* out);

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

/// Judges workloads that arrive ready rather than as documents (a live Docker
/// engine today; the Kubernetes and ECS APIs next): the passes across sources,
/// the config's exemptions, every rule, then the summary and the gate, as Scan
/// does for files. Findings keep the workloads' order.
ScanResult JudgeReady(std::vector<Workload> workloads, const ScanOptions& options);

/// Runs a whole scan. Never throws; every problem is in `errors`.
ScanResult Scan(const ScanOptions& options);

/// Adds the gating rule's verdicts among `findings` to the summary's counts.
void CountVerdicts(const std::vector<Finding>& findings, Summary* s);
/// From the counts: containers, the ratio and the gate.
void Conclude(const ScanOptions& options, Summary* s);
/// CountVerdicts + Conclude over a whole result (used by Scan and by live scans).
Summary Summarize(const std::vector<Finding>& findings, const ScanOptions& options);

}  // namespace rootlock

#endif  // ROOTLOCK_ENGINE_SCANNER_H_
