// Baselines: today's failures recorded by stable fingerprint, so CI fails only
// on new ones while the old ones are worked off, and reports those fixed.
#ifndef ROOTLOCK_POLICY_BASELINE_H_
#define ROOTLOCK_POLICY_BASELINE_H_

#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "base/json_writer.h"
#include "scan/scanner.h"

namespace rootlock {

/// One baseline entry as a JSON object (the baseline file and the JSON report share it).
void WriteBaselineEntry(JsonWriter& w, const BaselineEntry& e);

/// The baseline file for a result: every failure of a gating rule, sorted.
std::string BaselineJson(const ScanResult& result);

/// Reads a baseline file. False with `error` set when it cannot be read or is not one.
bool ReadBaseline(const std::string& path, std::vector<BaselineEntry>* out, Diagnostic* error);

/// Marks each gating failure "new" or "known", lists baseline entries no longer
/// failing as fixed, and makes the gate fail only on new failures.
void ApplyBaseline(const std::vector<BaselineEntry>& baseline, ScanResult* result);

}  // namespace rootlock

#endif  // ROOTLOCK_POLICY_BASELINE_H_
