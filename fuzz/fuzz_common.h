// What the fuzz targets share: a file loader that reads nothing, and the
// properties every reader's output must have. Header-only, so each target stays
// one .cc with one LLVMFuzzerTestOneInput (built with libFuzzer, or with
// replay_main.cc as an ordinary test).
#ifndef ROOTLOCK_FUZZ_FUZZ_COMMON_H_
#define ROOTLOCK_FUZZ_FUZZ_COMMON_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "engine/scanner.h"
#include "parse/reader.h"
#include "platforms/adapter.h"

namespace rootlock::fuzz {

/// Inputs never reach the disk: a Terraform file("/dev/stdin") or a compose
/// .env beside "fuzz.yaml" must not make a run depend on, or block on, the
/// machine it runs on.
/// Fuzzing reads no files: Terraform's file() and compose's .env see an empty disk.
inline const FileSystem& NoFilesLoader() {
  static const MemoryFileSystem kEmpty;
  return kEmpty;
}

/// A property that does not hold is a bug, like a crash: say which, and abort
/// so libFuzzer (or the replay test) keeps the input.
inline void Require(bool ok, const char* property, std::string_view detail = {}) {
  if (ok) return;
  std::string text(detail);  // never a null pointer for %s, as GCC rightly worries
  std::fprintf(stderr, "rootlock fuzz: property violated: %s%s%s\n", property,
               text.empty() ? "" : ": ", text.c_str());
  std::abort();
}

/// Scan options that make a run depend on the input alone.
inline ScanOptions HermeticScanOptions() {
  ScanOptions options;
  options.loader = &NoFilesLoader();
  options.rules.today = "2025-01-01";  // exemptions expire against a fixed date
  options.jobs = 1;
  return options;
}

/// What every reader promises about its tree: positions inside the text, the
/// start of a node not after its end, mappings of key/value pairs, and an
/// error position inside the text. Aliases share nodes, so the walk visits
/// each node once (an alias bomb stays cheap).
inline void CheckParsed(const ParsedSource& parsed, std::string_view text) {
  if (parsed.has_error) {
    Require(parsed.error.where.offset <= text.size(), "error offset inside the text");
    Require(!parsed.error.message.empty(), "an error says what went wrong");
  }
  std::unordered_set<const Node*> seen;
  std::vector<const Node*> pending;
  for (const Document& doc : parsed.documents) {
    Require(doc.root != nullptr, "a document has a root");
    pending.push_back(doc.root);
  }
  while (!pending.empty()) {
    const Node* n = pending.back();
    pending.pop_back();
    if (!seen.insert(n).second) continue;
    Require(n->start.offset <= n->end.offset, "a node starts before it ends");
    Require(n->end.offset <= text.size(), "a node ends inside the text");
    if (n->IsMapping()) Require(n->children().size() % 2 == 0, "a mapping holds key/value pairs");
    for (const Node* child : n->children()) {
      Require(child != nullptr, "no null children");
      pending.push_back(child);
    }
  }
}

}  // namespace rootlock::fuzz

#endif  // ROOTLOCK_FUZZ_FUZZ_COMMON_H_
