// Writing a fix into the user's file without breaking what it is: the file is
// locked while it is read and replaced, what is not a plain file of its own is
// refused, and the replacement keeps the original's mode, owner, ACLs and
// extended attributes (docs/fix.md).
#ifndef ROOTLOCK_FIX_WRITE_H_
#define ROOTLOCK_FIX_WRITE_H_

#include <sys/stat.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"

namespace rootlock {

/// A file fix is about to read and replace, open and under an exclusive
/// advisory lock (flock) until this is destroyed. Two fix runs on one file
/// take turns: the second reads what the first wrote.
class LockedFile {
 public:
  LockedFile() = default;
  LockedFile(const LockedFile&) = delete;
  LockedFile& operator=(const LockedFile&) = delete;
  ~LockedFile();

  /// Opens `path` (following symlinks) and locks it; then makes sure `path`
  /// still names the file locked (another run may have replaced it while this
  /// one waited), else opens it again. Refuses what is not a regular file: a
  /// FIFO, a socket or a process substitution, with "use `-` to fix stdin".
  bool Open(const std::string& path, Diagnostic* error);

  int fd() const { return fd_; }
  const struct stat& info() const { return st_; }

 private:
  int fd_ = -1;
  struct stat st_ {};
};

/// Why fix may not replace a file it would change, or "": read-only by its mode
/// bits for this user (root included) unless `force`; more than one hard link
/// (a replacement would split them).
std::string WhyNotReplaceable(const struct stat& st, bool force);

/// Replaces `path` with `content` atomically: a temporary file beside it
/// (FixTempTemplate), written and fsynced, given the metadata of the open file
/// `like` (mode; owner, with a note when it cannot be kept; every extended
/// attribute, POSIX ACLs included, with a note for each the file system
/// refuses), renamed over it, the folder fsynced. On failure the original is
/// untouched. `notes` may be nullptr.
bool ReplaceFile(const std::string& path, std::string_view content, int like,
                 std::vector<std::string>* notes, Diagnostic* error);

/// Replaces `path` with `content` atomically (as ReplaceFile, keeping the mode
/// and owner of the file there, if any; a new file gets the umask's mode).
bool WriteFileAtomically(const std::string& path, std::string_view content, Diagnostic* error);

/// Removes the temporary files a killed fix left in folder `dir` ("" is "."):
/// only names IsFixTempName accepts, only regular files, only stale ones (the
/// writer's process is gone, or it is over a minute old). Returns the paths removed.
std::vector<std::string> RemoveStaleTempFiles(const std::string& dir);

}  // namespace rootlock

#endif  // ROOTLOCK_FIX_WRITE_H_
