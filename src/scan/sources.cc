#include "scan/sources.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/text.h"

namespace rootlock {

namespace {

std::string FormatBytes(uint64_t n) {
  char buf[32];
  if (n >= 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", n / (1024.0 * 1024.0));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f KiB", n / 1024.0);
  }
  return buf;
}

bool IsManifestName(std::string_view name) {
  std::string lower = ToLower(name);
  return EndsWith(lower, ".yaml") || EndsWith(lower, ".yml") || EndsWith(lower, ".json") ||
         EndsWith(lower, ".tf");
}

std::string Join(const std::string& dir, const char* name) {
  // "a.yaml", not "./a.yaml", under ".": one name per file, however it was reached.
  std::string out;
  if (dir != ".") {
    out.reserve(dir.size() + 1 + std::strlen(name));
    out.append(dir);
    if (!out.empty() && out.back() != '/') out.push_back('/');
  }
  out.append(name);
  return out;
}

// What a file met in a walk that is neither a regular file nor a folder is,
// or nullptr.
const char* SpecialFileKind(unsigned char type) {
  switch (type) {
    case DT_FIFO:
      return "a FIFO, not a regular file (name it on the command line to read from it)";
    case DT_SOCK:
      return "a socket, not a regular file";
    case DT_CHR:
    case DT_BLK:
      return "a device, not a regular file";
    default:
      return nullptr;
  }
}

}  // namespace

InputFormat FormatForPath(const std::string& path) {
  std::string lower = ToLower(path);
  if (EndsWith(lower, ".json")) return InputFormat::kJson;  // .tf.json too: same tree as .tf
  if (EndsWith(lower, ".tf")) return InputFormat::kHcl;
  if (EndsWith(lower, ".yaml") || EndsWith(lower, ".yml")) return InputFormat::kYaml;
  return InputFormat::kAuto;
}

void SourceWalker::Open(std::string path, std::vector<Diagnostic>* errors) {
  DIR* handle = opendir(path.c_str());
  if (!handle) {
    errors->push_back(
        Diagnostic{Location{path}, std::string("cannot read folder: ") + std::strerror(errno)});
    return;
  }
  Folder folder;
  folder.path = std::move(path);
  while (struct dirent* e = readdir(handle)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    folder.entries.push_back(Entry{e->d_name, e->d_type});
  }
  closedir(handle);
  std::sort(folder.entries.begin(), folder.entries.end(),
            [](const Entry& x, const Entry& y) { return x.name < y.name; });
  stack_.push_back(std::move(folder));
}

bool SourceWalker::Next(SourceRef* out, std::vector<Diagnostic>* errors) {
  while (true) {
    if (stack_.empty()) {
      if (next_path_ == paths_.size()) return false;
      const std::string& p = paths_[next_path_++];
      if (p == "-") {
        *out = SourceRef{"-", InputFormat::kAuto, true};
        return true;
      }
      struct stat st;
      if (stat(p.c_str(), &st) != 0) {
        errors->push_back(
            Diagnostic{Location{p}, std::string("cannot read: ") + std::strerror(errno)});
      } else if (S_ISDIR(st.st_mode)) {
        Open(p, errors);
      } else {
        // Named explicitly: read it whatever its name or type (a FIFO from <(...) included).
        *out = SourceRef{p, FormatForPath(p), true};
        return true;
      }
      continue;
    }
    Folder& folder = stack_.back();
    if (folder.next == folder.entries.size()) {
      stack_.pop_back();
      continue;
    }
    const Entry& e = folder.entries[folder.next++];
    std::string path = Join(folder.path, e.name.c_str());
    unsigned char type = e.type;
    if (type == DT_UNKNOWN || type == DT_LNK) {
      struct stat st;
      if (lstat(path.c_str(), &st) != 0) continue;  // vanished since readdir
      if (S_ISLNK(st.st_mode)) {
        if (!IsManifestName(e.name)) continue;
        struct stat target;
        if (stat(path.c_str(), &target) != 0) {
          errors->push_back(
              Diagnostic{Location{path}, std::string("cannot read: ") + std::strerror(errno)});
          continue;
        }
        // Links to folders are never followed (no loops, no leaving the tree).
        type = S_ISDIR(target.st_mode) ? static_cast<unsigned char>(DT_UNKNOWN)
                                       : static_cast<unsigned char>(IFTODT(target.st_mode));
      } else {
        type = IFTODT(st.st_mode);
      }
    }
    if (type == DT_DIR) {
      if (e.name != ".git") Open(std::move(path), errors);  // may move `folder`
    } else if (type == DT_REG && IsManifestName(e.name)) {
      InputFormat format = FormatForPath(path);
      *out = SourceRef{std::move(path), format, false, true};
      return true;
    } else if (const char* kind = SpecialFileKind(type); kind && IsManifestName(e.name)) {
      // Never opened: a FIFO would wait for a writer that may never come.
      errors->push_back(Diagnostic{Location{path}, std::string("not read: it is ") + kind});
    }
  }
}

std::vector<SourceRef> DiscoverSources(const std::vector<std::string>& paths,
                                       std::vector<Diagnostic>* errors) {
  std::vector<SourceRef> out;
  SourceWalker walker(paths);
  SourceRef src;
  while (walker.Next(&src, errors)) out.push_back(std::move(src));
  return out;
}

bool ReadSourceBytes(const SourceRef& src, uint64_t max_bytes, std::string* out,
                     Diagnostic* error) {
  error->where = Location{src.path == "-" ? "<stdin>" : src.path};
  int fd = src.path == "-" ? STDIN_FILENO : open(src.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error->message = std::string("cannot read: ") + std::strerror(errno);
    return false;
  }
  out->clear();
  size_t used = 0;
  if (src.regular) {
    // Most walked files are small: open, one read, close. For a regular file a
    // short read is the end (POSIX), so neither fstat nor a read that sees the
    // end is needed.
    constexpr size_t kSmall = 64 * 1024;
    char first[kSmall];  // not zeroed, as a string's buffer would be
    ssize_t n;
    do {
      n = read(fd, first, kSmall);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      error->message = std::string("cannot read: ") + std::strerror(errno);
      close(fd);
      return false;
    }
    used = static_cast<size_t>(n);
    out->assign(first, used);
    if (used < kSmall) {
      close(fd);
      if (used <= max_bytes) return true;
      error->message = "file is " + FormatBytes(used) + ", over the " + FormatBytes(max_bytes) +
                       " limit (raise it with --max-file-size)";
      out->clear();
      return false;
    }
  }
  struct stat st;
  size_t expected = 0;
  if (fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      if (fd != STDIN_FILENO) close(fd);
      error->message = "is a folder";
      return false;
    }
    if (S_ISREG(st.st_mode)) {
      if (static_cast<uint64_t>(st.st_size) > max_bytes) {
        if (fd != STDIN_FILENO) close(fd);
        error->message = "file is " + FormatBytes(st.st_size) + ", over the " +
                         FormatBytes(max_bytes) + " limit (raise it with --max-file-size)";
        return false;
      }
      expected = static_cast<size_t>(st.st_size);
    }
  }
  // Straight into the string: a regular file in one read, plus the one that sees its end.
  out->resize(std::max(used + 64 * 1024, expected > 0 ? expected + 1 : size_t{0}));
  while (true) {
    if (used == out->size()) {
      out->resize(static_cast<size_t>(std::min<uint64_t>(2 * out->size(), max_bytes + 1)));
    }
    ssize_t n = read(fd, out->data() + used, out->size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      error->message = std::string("cannot read: ") + std::strerror(errno);
      if (fd != STDIN_FILENO) close(fd);
      out->clear();
      return false;
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
    if (used > max_bytes) {
      error->message =
          "input is over the " + FormatBytes(max_bytes) + " limit (raise it with --max-file-size)";
      if (fd != STDIN_FILENO) close(fd);
      out->clear();
      return false;
    }
  }
  out->resize(used);
  if (fd != STDIN_FILENO) close(fd);
  return true;
}

bool ReadAndParse(const std::string& path, InputFormat format, uint64_t max_bytes,
                  std::string* text, ParsedSource* out, Diagnostic* error) {
  if (!ReadSourceBytes(SourceRef{path, format, true}, max_bytes, text, error)) return false;
  *out = ReadSource(path, *text, format);
  if (!out->has_error) return true;
  *error = out->error;
  return false;
}

}  // namespace rootlock
