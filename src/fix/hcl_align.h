// `terraform fmt` alignment of `=` in the lines a fix wrote: a fix of a .tf
// file must leave `terraform fmt -check` as clean as it found it.
#ifndef ROOTLOCK_FIX_HCL_ALIGN_H_
#define ROOTLOCK_FIX_HCL_ALIGN_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rootlock {

/// Aligns the `=` of every run of attribute lines that holds a byte of one of
/// the `written` ranges ([begin, end) offsets into `text`), as terraform fmt
/// (hclwrite) does: a run is consecutive lines each assigning a whole
/// expression (`key = value` with as many brackets closed as opened after the
/// `=`); a blank line, a comment line or a line that opens or closes a bracket
/// ends it. Each `=` is put one space after the widest key of its run. A
/// heredoc belongs to the line that opens it. Other runs are left as they are.
std::string AlignHclAssignments(std::string_view text,
                                const std::vector<std::pair<uint64_t, uint64_t>>& written);

}  // namespace rootlock

#endif  // ROOTLOCK_FIX_HCL_ALIGN_H_
