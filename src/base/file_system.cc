#include "base/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace rootlock {

std::string FormatBytes(uint64_t n) {
  char buf[32];
  if (n >= 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", n / (1024.0 * 1024.0));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f KiB", n / 1024.0);
  }
  return buf;
}

namespace {

std::string OverLimit(uint64_t size, uint64_t max_bytes) {
  return "file is " + FormatBytes(size) + ", over the " + FormatBytes(max_bytes) +
         " limit (raise it with --max-file-size)";
}

// Reads `fd` to its end; `regular` as for ReadFileBytes. Never closes `fd`.
bool ReadAll(int fd, bool regular, uint64_t max_bytes, std::string* out, Diagnostic* error) {
  out->clear();
  size_t used = 0;
  if (regular) {
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
      return false;
    }
    used = static_cast<size_t>(n);
    out->assign(first, used);
    if (used < kSmall) {
      if (used <= max_bytes) return true;
      error->message = OverLimit(used, max_bytes);
      out->clear();
      return false;
    }
  }
  struct stat st;
  size_t expected = 0;
  if (fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      error->message = "is a folder";
      return false;
    }
    if (S_ISREG(st.st_mode)) {
      if (static_cast<uint64_t>(st.st_size) > max_bytes) {
        error->message = OverLimit(st.st_size, max_bytes);
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
      out->clear();
      return false;
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
    if (used > max_bytes) {
      error->message =
          "input is over the " + FormatBytes(max_bytes) + " limit (raise it with --max-file-size)";
      out->clear();
      return false;
    }
  }
  out->resize(used);
  return true;
}

}  // namespace

bool ReadFileBytes(const std::string& path, bool regular, uint64_t max_bytes, std::string* out,
                   Diagnostic* error) {
  error->where = Location{path == "-" ? "<stdin>" : path};
  int fd = path == "-" ? STDIN_FILENO : open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error->message = std::string("cannot read: ") + std::strerror(errno);
    return false;
  }
  bool ok = ReadAll(fd, regular, max_bytes, out, error);
  if (fd != STDIN_FILENO) close(fd);
  return ok;
}

bool ReadOpenFile(int fd, const std::string& name, uint64_t max_bytes, std::string* out,
                  Diagnostic* error) {
  error->where = Location{name};
  return ReadAll(fd, false, max_bytes, out, error);
}

namespace {

constexpr std::string_view kTempMark = ".rootlock-tmp-";

}  // namespace

std::string FixTempTemplate(const std::string& dir, const std::string& file, long pid) {
  // "." + FILE + mark + pid + "-XXXXXX" within NAME_MAX (255): FILE keeps at most 200 bytes.
  std::string name =
      "." + file.substr(0, 200) + std::string(kTempMark) + std::to_string(pid) + "-XXXXXX";
  return dir + name;
}

bool IsFixTempName(std::string_view name, long* pid) {
  // ".F.rootlock-tmp-PID-XXXXXX": F not empty, PID digits, six letters or digits.
  if (name.size() < 1 + 1 + kTempMark.size() + 1 + 1 + 6 || name[0] != '.') return false;
  size_t mark = name.rfind(kTempMark);
  if (mark == std::string_view::npos || mark < 2) return false;
  std::string_view rest = name.substr(mark + kTempMark.size());
  size_t dash = rest.find('-');
  if (dash == 0 || dash == std::string_view::npos || rest.size() - dash - 1 != 6) return false;
  long value = 0;
  for (size_t i = 0; i < dash; ++i) {
    if (rest[i] < '0' || rest[i] > '9' || i >= 10) return false;
    value = value * 10 + (rest[i] - '0');
  }
  for (char c : rest.substr(dash + 1)) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum) return false;
  }
  if (pid) *pid = value;
  return true;
}

namespace {

class Disk final : public FileSystem {
 public:
  bool Read(const std::string& path, std::string* out, std::string* error) const override {
    Diagnostic d;
    if (!ReadFileBytes(path, false, 16ull * 1024 * 1024, out, &d)) {
      *error = d.message;
      return false;
    }
    return true;
  }
  std::vector<std::string> List(const std::string& dir) const override {
    std::vector<std::string> names;
    DIR* d = opendir(dir.empty() ? "." : dir.c_str());
    if (!d) return names;
    while (struct dirent* e = readdir(d)) {
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
        names.emplace_back(e->d_name);
      }
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }
};

}  // namespace

const FileSystem& RealFileSystem() {
  static const Disk kDisk;
  return kDisk;
}

bool MemoryFileSystem::Read(const std::string& path, std::string* out, std::string* error) const {
  auto it = files.find(path);
  if (it == files.end()) {
    *error = "no such file";
    return false;
  }
  *out = it->second;
  return true;
}

std::vector<std::string> MemoryFileSystem::List(const std::string& dir) const {
  std::string prefix = dir.empty() || dir == "." ? "" : dir + (dir.back() == '/' ? "" : "/");
  std::vector<std::string> names;
  for (const auto& [path, bytes] : files) {
    if (path.compare(0, prefix.size(), prefix) != 0) continue;
    std::string rest = path.substr(prefix.size());
    if (!rest.empty() && rest.find('/') == std::string::npos) names.push_back(rest);
  }
  return names;  // std::map keeps them sorted
}

}  // namespace rootlock
