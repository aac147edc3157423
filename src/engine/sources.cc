#include "engine/sources.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/file_system.h"
#include "base/text.h"

namespace rootlock {

namespace {

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

// FILE.register.json beside FILE.json: what fix --register-ready wrote from
// FILE.json, the same task definition again.
bool SourceWalker::IsWrittenByRegisterReady(const Folder& folder, const std::string& name) {
  constexpr std::string_view kSuffix = ".register.json";
  if (name.size() <= kSuffix.size() || !EndsWith(name, kSuffix)) return false;
  std::string stem = name.substr(0, name.size() - kSuffix.size());
  auto has = [&](const std::string& sibling) {
    auto it = std::lower_bound(folder.entries.begin(), folder.entries.end(), sibling,
                               [](const Entry& x, const std::string& y) { return x.name < y; });
    return it != folder.entries.end() && it->name == sibling;
  };
  return has(stem + ".json") || has(stem);  // fix names it so from FILE.json or FILE
}

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
        *out = SourceRef{"-", InputFormat::kAuto, true, false, false, ""};
        return true;
      }
      struct stat st;
      if (stat(p.c_str(), &st) != 0) {
        errors->push_back(
            Diagnostic{Location{p}, std::string("cannot read: ") + std::strerror(errno)});
      } else if (S_ISDIR(st.st_mode)) {
        root_ = p;
        Open(p, errors);
      } else {
        // Named explicitly: read it whatever its name or type (a FIFO from <(...) included).
        *out = SourceRef{p, FormatForPath(p), true, false, false, ""};
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
    if (IsFixTempName(e.name) || IsWrittenByRegisterReady(folder, e.name)) continue;
    std::string path = Join(folder.path, e.name.c_str());
    unsigned char type = e.type;
    bool symlink = false;
    if (type == DT_UNKNOWN || type == DT_LNK) {
      struct stat st;
      if (lstat(path.c_str(), &st) != 0) continue;  // vanished since readdir
      if (S_ISLNK(st.st_mode)) {
        if (!IsManifestName(e.name)) continue;
        symlink = true;
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
      *out = SourceRef{std::move(path), format, false, true, symlink, root_};
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
  return ReadFileBytes(src.path, src.regular, max_bytes, out, error);
}

}  // namespace rootlock
