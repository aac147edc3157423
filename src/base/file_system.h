// The file system as rootlock reads it. Adapters and the engine read through
// FileSystem, so tests and fuzzers put files in memory instead of on disk.
#ifndef ROOTLOCK_BASE_FILE_SYSTEM_H_
#define ROOTLOCK_BASE_FILE_SYSTEM_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"

namespace rootlock {

/// Reads files beside the one being read (Terraform's sibling .tf files and
/// file() arguments, compose's .env). Implementations are thread-safe.
class FileSystem {
 public:
  virtual ~FileSystem() = default;
  /// Reads `path` whole; false with `error` set when it cannot.
  virtual bool Read(const std::string& path, std::string* out, std::string* error) const = 0;
  /// The names (not paths) of the entries of folder `dir`, sorted; empty when it cannot be read.
  virtual std::vector<std::string> List(const std::string& dir) const = 0;
};

/// The disk (files up to 16 MiB).
const FileSystem& RealFileSystem();

/// Files held in memory, for tests and fuzzing: `files` maps a path to its bytes;
/// List() names the files directly in a folder.
class MemoryFileSystem final : public FileSystem {
 public:
  std::map<std::string, std::string> files;
  bool Read(const std::string& path, std::string* out, std::string* error) const override;
  std::vector<std::string> List(const std::string& dir) const override;
};

/// Reads a whole file (or stdin for "-") into `out`, refusing more than
/// `max_bytes`. `regular` says the caller knows it is a regular file (a walk
/// saw it so): then a short first read is its end. False with `error` set
/// (its location the file, "<stdin>" for "-") on failure.
bool ReadFileBytes(const std::string& path, bool regular, uint64_t max_bytes, std::string* out,
                   Diagnostic* error);

/// Reads an open file `fd` whole from its current position into `out`, as
/// ReadFileBytes does (`name` is where errors point); the caller closes it.
bool ReadOpenFile(int fd, const std::string& name, uint64_t max_bytes, std::string* out,
                  Diagnostic* error);

/// The temporary file `rootlock fix` writes beside FILE before renaming it
/// over FILE: ".FILE.rootlock-tmp-PID-XXXXXX" (a template for mkstemp), FILE
/// cut short so that the name stays within NAME_MAX. `dir` is "" or ends in '/'.
std::string FixTempTemplate(const std::string& dir, const std::string& file, long pid);

/// Whether a file's name (not path) is one FixTempTemplate makes; `pid` gets
/// the writer's process id when it is.
bool IsFixTempName(std::string_view name, long* pid = nullptr);

/// "12.0 KiB", "16.0 MiB": sizes in messages.
std::string FormatBytes(uint64_t n);

}  // namespace rootlock

#endif  // ROOTLOCK_BASE_FILE_SYSTEM_H_
