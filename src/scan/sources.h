// Sources: finding input files and reading their bytes, safely.
#ifndef ROOTLOCK_SCAN_SOURCES_H_
#define ROOTLOCK_SCAN_SOURCES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "parse/reader.h"

namespace rootlock {

struct SourceRef {
  std::string path;  // as named by the user or found in a walk; "-" is stdin
  InputFormat format = InputFormat::kAuto;
  /// Named on the command line (read whatever its name) rather than found in a folder.
  bool explicit_path = false;
};

/// Expands the user's paths into the files to read: files as named, folders
/// walked recursively for .yaml/.yml/.json (sorted, .git skipped, symlinked
/// folders not followed so loops cannot happen, FIFOs and devices skipped),
/// "-" as stdin. Problems (a missing path, a folder that cannot be read) are
/// appended to `errors`; the walk goes on.
std::vector<SourceRef> DiscoverSources(const std::vector<std::string>& paths,
                                       std::vector<Diagnostic>* errors);

/// Reads a whole file (or stdin for "-") into `out`, refusing more than
/// `max_bytes`. Returns false with `error` set on failure.
bool ReadSourceBytes(const SourceRef& src, uint64_t max_bytes, std::string* out, Diagnostic* error);

/// The format a file name suggests: .json -> JSON, .yaml/.yml -> YAML, else auto.
InputFormat FormatForPath(const std::string& path);

}  // namespace rootlock

#endif  // ROOTLOCK_SCAN_SOURCES_H_
