// Baselines: today's failures recorded by stable fingerprint, so CI fails only
// on new ones while the old ones are worked off, and reports those fixed.
#ifndef ROOTLOCK_POLICY_BASELINE_H_
#define ROOTLOCK_POLICY_BASELINE_H_

#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "base/json_writer.h"
#include "model/finding.h"

namespace rootlock {

/// A failure recorded in a baseline (policy/baseline.h reads and writes them).
struct BaselineEntry {
  std::string fingerprint;  // Fingerprint(): rule, platform, file, namespace, resource, container
  std::string rule;
  std::string file;
  std::string resource;
  std::string container;
};

/// One baseline entry as a JSON object (the baseline file and the JSON report share it).
void WriteBaselineEntry(JsonWriter& w, const BaselineEntry& e);

/// Reads a baseline file. False with `error` set when it cannot be read or is not one.
bool ReadBaseline(const std::string& path, std::vector<BaselineEntry>* out, Diagnostic* error);

/// The entry that records failure `f`.
BaselineEntry BaselineEntryOf(const Finding& f);

}  // namespace rootlock

#endif  // ROOTLOCK_POLICY_BASELINE_H_
