// rootlock ecs --emit-register: a live family's hardened revision, written as the JSON
// `aws ecs register-task-definition --cli-input-json` takes, one file per family.
#ifndef ROOTLOCK_FIX_ECS_REGISTER_H_
#define ROOTLOCK_FIX_ECS_REGISTER_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
#include "fix/fix.h"

namespace rootlock {

/// `name` (a family, a region: text an API or a user chose) as one file name that cannot
/// leave its folder or meet another's: ASCII letters, digits, '-' and '_' kept, every other
/// byte "%XX"; a name over 200 bytes so escaped is cut and ends in 16 hex digits of its
/// SHA-256. Never empty.
std::string SafeFileName(std::string_view name);

/// Fixes one DescribeTaskDefinition answer (`describe`, named `arn` in messages) as
/// `rootlock fix` would and, when that changes it, writes its register-ready JSON
/// (RegisterReadyJson: output-only fields dropped, tags carried) to
/// `dir`/SafeFileName(family).json atomically, making `dir` (and its parent) when missing.
/// `written` gets the path, or "" when the family needed nothing; `notes` what fix left
/// alone. False with `error` when the fix does not hold or the file cannot be written.
bool EmitRegisterReady(const std::string& dir, const std::string& family, const std::string& arn,
                       std::string_view describe, const FixOptions& options, std::string* written,
                       std::vector<Diagnostic>* notes, Diagnostic* error);

}  // namespace rootlock

#endif  // ROOTLOCK_FIX_ECS_REGISTER_H_
