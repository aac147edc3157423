// rootlock fix: the remedy written into the user's own files, proven by a
// re-scan before anything is written.
#ifndef ROOTLOCK_FIX_FIX_H_
#define ROOTLOCK_FIX_FIX_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
#include "engine/scanner.h"
#include "fix/write.h"  // WriteFileAtomically, for callers of fix.h

namespace rootlock {

struct FixOptions {
  ScanOptions scan;  // rules, limits, --param/--var, loader
  /// Extra paths every fixed container gets writable (--writable).
  std::vector<std::string> writable;
  /// The namespace of objects that name none (an admission request's), for the
  /// config's namespace exemptions.
  std::string default_namespace;
};

/// What fixing one source did.
struct FileFix {
  std::string file;
  std::string before;
  std::string after;  // == before when nothing changed
  int containers_fixed = 0;
  int mounts_added = 0;
  /// Containers fix did not touch, and why (a template, an alias, Windows...).
  std::vector<Diagnostic> left_alone;
  /// Of those, the ones that still fail a gating rule (not only tmp-writable):
  /// what makes `fix` exit 1.
  int left_alone_failing = 0;
  /// Containers fixed in part (the flag set; a mount to add by hand), and what is left.
  std::vector<Diagnostic> notes;
  /// Set when the file could not be fixed at all (unparseable, or the fix did not hold).
  std::string error;
};

/// Plans and proves the fix for one source: every failing container, and every
/// read-only one without a writable /tmp. The result's `after` parses, and a
/// re-scan of it passes for every container touched; otherwise `error` is set
/// and `after` == `before`.
FileFix FixText(const std::string& name, std::string_view text, InputFormat format,
                const FixOptions& options);

/// For `aws ecs describe-task-definition` output: the JSON that
/// `aws ecs register-task-definition --cli-input-json` accepts (output-only
/// fields removed, top-level tags carried over). Empty when `text` is not one.
std::string RegisterReadyJson(std::string_view text);

}  // namespace rootlock

#endif  // ROOTLOCK_FIX_FIX_H_
