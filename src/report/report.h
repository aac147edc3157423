// Outputs: each reads a ScanResult only, never the inputs.
#ifndef ROOTLOCK_REPORT_REPORT_H_
#define ROOTLOCK_REPORT_REPORT_H_

#include <string>

#include "scan/scanner.h"

namespace rootlock {

/// The JSON contract: {"tool", "summary", "findings", "errors"}.
std::string JsonReport(const ScanResult& result);

struct TextOptions {
  bool color = false;
  /// Also list passing containers.
  bool verbose = false;
};

/// The human report: one line per failing container (and per n/a, with its
/// reason), then the headline and the gate's verdict.
std::string TextReport(const ScanResult& result, const TextOptions& options);

/// "X of Y containers use read-only root filesystem (Z%)".
std::string Headline(const Summary& s);

}  // namespace rootlock

#endif  // ROOTLOCK_REPORT_REPORT_H_
