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

void Walk(const std::string& dir, std::vector<SourceRef>* out, std::vector<Diagnostic>* errors) {
  std::vector<std::string> pending = {dir};
  std::vector<std::string> found;
  while (!pending.empty()) {
    std::string d = std::move(pending.back());
    pending.pop_back();
    DIR* handle = opendir(d.c_str());
    if (!handle) {
      errors->push_back(
          Diagnostic{Location{d}, std::string("cannot read folder: ") + std::strerror(errno)});
      continue;
    }
    while (struct dirent* e = readdir(handle)) {
      const char* name = e->d_name;
      if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
      std::string path = Join(d, name);
      unsigned char type = e->d_type;
      if (type == DT_UNKNOWN || type == DT_LNK) {
        struct stat st;
        if (lstat(path.c_str(), &st) != 0) continue;  // vanished since readdir
        if (S_ISLNK(st.st_mode)) {
          // Follow links to files, never to folders (no loops, no escaping the tree).
          if (!IsManifestName(name)) continue;
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
        if (std::strcmp(name, ".git") == 0) continue;
        pending.push_back(std::move(path));
      } else if (type == DT_REG && IsManifestName(name)) {
        found.push_back(std::move(path));
      } else if (const char* kind = SpecialFileKind(type); kind && IsManifestName(name)) {
        // Never opened: a FIFO would wait for a writer that may never come.
        errors->push_back(Diagnostic{Location{path}, std::string("not read: it is ") + kind});
      }
    }
    closedir(handle);
  }
  std::sort(found.begin(), found.end());
  for (std::string& f : found) {
    InputFormat format = FormatForPath(f);
    out->push_back(SourceRef{std::move(f), format, false});
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

std::vector<SourceRef> DiscoverSources(const std::vector<std::string>& paths,
                                       std::vector<Diagnostic>* errors) {
  std::vector<SourceRef> out;
  for (const std::string& p : paths) {
    if (p == "-") {
      out.push_back(SourceRef{"-", InputFormat::kAuto, true});
      continue;
    }
    struct stat st;
    if (stat(p.c_str(), &st) != 0) {
      errors->push_back(
          Diagnostic{Location{p}, std::string("cannot read: ") + std::strerror(errno)});
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      Walk(p, &out, errors);
    } else {
      // Named explicitly: read it whatever its name or type (a FIFO from <(...) included).
      out.push_back(SourceRef{p, FormatForPath(p), true});
    }
  }
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
  struct stat st;
  out->clear();
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
      out->reserve(st.st_size);
    }
  }
  char buf[64 * 1024];
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      error->message = std::string("cannot read: ") + std::strerror(errno);
      if (fd != STDIN_FILENO) close(fd);
      return false;
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
    if (out->size() > max_bytes) {
      error->message =
          "input is over the " + FormatBytes(max_bytes) + " limit (raise it with --max-file-size)";
      if (fd != STDIN_FILENO) close(fd);
      return false;
    }
  }
  if (fd != STDIN_FILENO) close(fd);
  return true;
}

}  // namespace rootlock
