#include "fix/write.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/file_system.h"
#include "base/test_hooks.h"

namespace rootlock {

namespace {

std::string Errno() { return std::strerror(errno); }

const char* NotAFile(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO or a pipe (a process substitution is one)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISDIR(mode)) return "a folder";
  return "not a regular file";
}

bool InGroup(gid_t gid) {
  if (getegid() == gid) return true;
  gid_t groups[256];
  int n = getgroups(256, groups);
  return std::find(groups, groups + std::max(n, 0), gid) != groups + std::max(n, 0);
}

// Copies every extended attribute of `from` (POSIX ACLs are system.posix_acl_*
// attributes) onto `to`; what cannot be copied is a note, never a failure.
void CopyXattrs(int from, int to, std::vector<std::string>* notes) {
  ssize_t size = flistxattr(from, nullptr, 0);
  if (size < 0) {
    if (errno != ENOTSUP && notes) notes->push_back("extended attributes not read: " + Errno());
    return;
  }
  std::string names(static_cast<size_t>(size), '\0');
  size = flistxattr(from, names.data(), names.size());
  if (size < 0) return;
  names.resize(static_cast<size_t>(size));
  for (size_t at = 0; at < names.size();) {
    std::string name = names.c_str() + at;
    at += name.size() + 1;
    if (name.empty()) continue;
    ssize_t n = fgetxattr(from, name.c_str(), nullptr, 0);
    if (n < 0) continue;
    std::string value(static_cast<size_t>(n), '\0');
    n = fgetxattr(from, name.c_str(), value.data(), value.size());
    if (n < 0) continue;
    value.resize(static_cast<size_t>(n));
    // Already so (an SELinux label the folder gives every new file): nothing to set.
    std::string there(value.size() + 1, '\0');
    ssize_t m = fgetxattr(to, name.c_str(), there.data(), there.size());
    if (m == n && there.compare(0, value.size(), value) == 0) continue;
    if (fsetxattr(to, name.c_str(), value.data(), value.size(), 0) != 0 && notes) {
      notes->push_back("extended attribute " + name + " not kept: " + Errno());
    }
  }
}

}  // namespace

LockedFile::~LockedFile() {
  if (fd_ >= 0) close(fd_);  // releases the lock
}

bool LockedFile::Open(const std::string& path, Diagnostic* error) {
  error->where = Location{path};
  for (int attempt = 0; attempt < 100; ++attempt) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
      error->message = "cannot read: " + Errno();
      return false;
    }
    if (!S_ISREG(st.st_mode)) {
      error->message = std::string("not fixed: it is ") + NotAFile(st.st_mode) +
                       ", not a file fix can replace; use `-` to fix stdin "
                       "(rootlock fix - <IN >OUT)";
      return false;
    }
    // O_NONBLOCK: should it turn into a FIFO since the stat, opening never waits.
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
      error->message = "cannot read: " + Errno();
      return false;
    }
    int rc;
    do {
      rc = flock(fd, LOCK_EX);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0 && errno != ENOLCK && errno != EOPNOTSUPP) {
      error->message = "cannot lock: " + Errno();
      close(fd);
      return false;
    }
    struct stat locked, now;
    if (fstat(fd, &locked) != 0 || !S_ISREG(locked.st_mode)) {
      error->message = "not fixed: it is not a regular file; use `-` to fix stdin";
      close(fd);
      return false;
    }
    if (stat(path.c_str(), &now) == 0 && now.st_dev == locked.st_dev &&
        now.st_ino == locked.st_ino) {
      int flags = fcntl(fd, F_GETFL);
      if (flags >= 0) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
      fd_ = fd;
      st_ = locked;
      return true;
    }
    close(fd);  // replaced while we waited (another fix run): lock what is there now
  }
  error->message = "not fixed: it keeps being replaced while fix waits for its lock";
  return false;
}

std::string WhyNotReplaceable(const struct stat& st, bool force) {
  if (st.st_nlink > 1) {
    return "it has " + std::to_string(st.st_nlink) +
           " hard links, and a replacement would split them (fix a copy and copy it back "
           "with cat to write through every link)";
  }
  if (force) return "";
  // By the mode bits, not access(): root may write a file of mode 444, and fix should not.
  uid_t uid = geteuid();
  mode_t bit = uid == 0             ? (S_IWUSR | S_IWGRP | S_IWOTH)
               : uid == st.st_uid   ? S_IWUSR
               : InGroup(st.st_gid) ? S_IWGRP
                                    : S_IWOTH;
  if ((st.st_mode & bit) == 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return std::string("it is read-only (mode ") + mode +
           "); rootlock fix --force writes it anyway, keeping the mode";
  }
  return "";
}

namespace {

bool Replace(const std::string& path, std::string_view content, int like,
             const struct stat* like_st, std::vector<std::string>* notes, Diagnostic* error) {
  error->where = Location{path, 0, 0, 0};
  test_hooks::BeforeWrite(path);
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string tmpl = FixTempTemplate(dir, base, static_cast<long>(getpid()));
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    error->message = "cannot create a temporary file beside it: " + Errno();
    return false;
  }
  auto fail = [&](const char* what) {
    error->message = std::string(what) + ": " + Errno();
    close(fd);
    unlink(name.data());
    return false;
  };
  // Test builds only: a crash after this many bytes of the temporary file.
  size_t stop_after = test_hooks::CrashAfterTempBytes();
  size_t written = 0;
  while (written < content.size()) {
    size_t chunk = std::min<size_t>(content.size() - written, 64 * 1024);
    if (stop_after != SIZE_MAX) chunk = std::min(chunk, std::max<size_t>(1, stop_after - written));
    ssize_t n = write(fd, content.data() + written, chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot write the temporary file");
    written += static_cast<size_t>(n);
    if (written >= stop_after) _exit(86);
  }
  if (!like_st) {
    // A new file gets the mode any other program would give it, not mkstemp's 0600.
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) return fail("cannot set the file's mode");
  } else {
    // Owner first (it may clear set-id bits), then attributes and ACLs, then the mode.
    if (fchown(fd, like_st->st_uid, like_st->st_gid) != 0 && notes) {
      notes->push_back("owner not kept (uid " + std::to_string(like_st->st_uid) + ", gid " +
                       std::to_string(like_st->st_gid) + "): " + Errno() +
                       "; the file is now owned by whoever ran fix");
    }
    if (like >= 0) CopyXattrs(like, fd, notes);
    if (fchmod(fd, like_st->st_mode & 07777) != 0) return fail("cannot keep the file's mode");
  }
  if (fsync(fd) != 0) return fail("cannot flush the temporary file");
  if (close(fd) != 0) {
    error->message = "cannot close the temporary file: " + Errno();
    unlink(name.data());
    return false;
  }
  test_hooks::BeforeRename();
  if (rename(name.data(), path.c_str()) != 0) {
    error->message = "cannot replace the file: " + Errno();
    unlink(name.data());
    return false;
  }
  int dfd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return true;
}

}  // namespace

bool ReplaceFile(const std::string& path, std::string_view content, int like,
                 std::vector<std::string>* notes, Diagnostic* error) {
  struct stat st;
  if (fstat(like, &st) != 0) {
    error->where = Location{path};
    error->message = "cannot read its mode: " + Errno();
    return false;
  }
  return Replace(path, content, like, &st, notes, error);
}

bool WriteFileAtomically(const std::string& path, std::string_view content, Diagnostic* error) {
  struct stat st;
  bool exists = stat(path.c_str(), &st) == 0;
  std::vector<std::string> ignored;  // a file we own (a baseline, a report): owner as it was
  return Replace(path, content, -1, exists ? &st : nullptr, &ignored, error);
}

std::vector<std::string> RemoveStaleTempFiles(const std::string& dir) {
  std::vector<std::string> removed;
  std::string folder = dir.empty() ? "." : dir;
  DIR* d = opendir(folder.c_str());
  if (!d) return removed;
  std::vector<std::string> names;
  while (struct dirent* e = readdir(d)) {
    if (IsFixTempName(e->d_name)) names.emplace_back(e->d_name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  time_t now = time(nullptr);
  for (const std::string& n : names) {
    long pid = 0;
    IsFixTempName(n, &pid);
    std::string path = (dir.empty() || dir == "." ? "" : dir + (dir.back() == '/' ? "" : "/")) + n;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    bool writer_gone = pid <= 0 || (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH);
    bool old = now - st.st_mtime > 60;
    if ((writer_gone || old) && pid != static_cast<long>(getpid()) && unlink(path.c_str()) == 0) {
      removed.push_back(path);
    }
  }
  return removed;
}

}  // namespace rootlock
