// Sources: finding input files and reading their bytes, safely.
#ifndef ROOTLOCK_ENGINE_SOURCES_H_
#define ROOTLOCK_ENGINE_SOURCES_H_

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
  /// Known to be a regular file (the walk saw it so): a short read is its end.
  bool regular = false;
  /// Met in a folder walk as a symbolic link (to a file).
  bool symlink = false;
  /// The folder named on the command line whose walk met it; "" when named itself.
  std::string root{};
};

/// Yields the files to read, one at a time: paths as named (whatever their
/// name or type), "-" as stdin, folders walked depth first for .yaml, .yml,
/// .json and .tf, each folder's entries in byte order of their names (a
/// folder's files and subfolders interleaved). .git is skipped; symlinks to
/// files are followed, symlinked folders never (so loops cannot happen); a
/// FIFO, socket or device met in a walk is an error, never opened. A walk
/// skips fix's temporary files (IsFixTempName) and FILE.register.json beside
/// FILE.json (what `fix --register-ready` wrote from it). Memory is
/// bounded by the folders on the current path, not by the number of files.
class SourceWalker {
 public:
  explicit SourceWalker(std::vector<std::string> paths) : paths_(std::move(paths)) {}

  /// The next file, or false when there are none left. Problems met on the way
  /// (a missing path, a folder that cannot be read) are appended to `errors`,
  /// in the order met; the walk goes on.
  bool Next(SourceRef* out, std::vector<Diagnostic>* errors);

 private:
  struct Entry {
    std::string name;
    unsigned char type;  // DT_*
  };
  struct Folder {
    std::string path;
    std::vector<Entry> entries;  // sorted
    size_t next = 0;
  };
  void Open(std::string path, std::vector<Diagnostic>* errors);
  static bool IsWrittenByRegisterReady(const Folder& folder, const std::string& name);

  std::vector<std::string> paths_;
  size_t next_path_ = 0;
  std::vector<Folder> stack_;
  std::string root_;  // the command-line folder being walked
};

/// Every file SourceWalker yields, at once.
std::vector<SourceRef> DiscoverSources(const std::vector<std::string>& paths,
                                       std::vector<Diagnostic>* errors);

/// Reads a whole file (or stdin for "-") into `out`, refusing more than
/// `max_bytes`. Returns false with `error` set on failure.
bool ReadSourceBytes(const SourceRef& src, uint64_t max_bytes, std::string* out, Diagnostic* error);

/// The format a file name suggests: .json -> JSON, .yaml/.yml -> YAML, else auto.
InputFormat FormatForPath(const std::string& path);

}  // namespace rootlock

#endif  // ROOTLOCK_ENGINE_SOURCES_H_
