#include "fix/ecs_register.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "base/digest.h"
#include "parse/reader.h"

namespace rootlock {

namespace {

// mkdir -p: every missing folder on the way to `dir`.
bool MakeFolder(const std::string& dir, Diagnostic* error) {
  std::string partial;
  size_t from = 0;
  while (from <= dir.size()) {
    size_t slash = dir.find('/', from);
    if (slash == std::string::npos) slash = dir.size();
    partial = dir.substr(0, slash);
    from = slash + 1;
    if (partial.empty()) continue;  // the root of an absolute path
    if (::mkdir(partial.c_str(), 0777) != 0 && errno != EEXIST) {
      error->where = Location{partial};
      error->message = std::string("cannot make the folder: ") + std::strerror(errno);
      return false;
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    error->where = Location{dir};
    error->message = "is not a folder";
    return false;
  }
  return true;
}

}  // namespace

std::string SafeFileName(std::string_view name) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (out.empty()) return "%00";  // the empty name: one no other name escapes to
  if (out.size() > 200) out = out.substr(0, 183) + "-" + HexLower(Sha256(name)).substr(0, 16);
  return out;
}

bool EmitRegisterReady(const std::string& dir, const std::string& family, const std::string& arn,
                       std::string_view describe, const FixOptions& options, std::string* written,
                       std::vector<Diagnostic>* notes, Diagnostic* error) {
  written->clear();
  FileFix fix = FixText(arn, describe, InputFormat::kJson, options);
  for (Diagnostic& d : fix.left_alone) notes->push_back(std::move(d));
  for (Diagnostic& d : fix.notes) notes->push_back(std::move(d));
  if (!fix.error.empty()) {
    error->where = Location{arn};
    error->message = "not written to " + dir + ": " + fix.error;
    return false;
  }
  if (fix.after == fix.before) return true;  // nothing fails: nothing to register
  std::string json = RegisterReadyJson(fix.after);
  if (json.empty()) {
    error->where = Location{arn};
    error->message = "DescribeTaskDefinition's answer holds no taskDefinition to register";
    return false;
  }
  if (!MakeFolder(dir, error)) return false;
  std::string path = dir + "/" + SafeFileName(family) + ".json";
  if (!WriteFileAtomically(path, json, error)) return false;
  *written = path;
  return true;
}

}  // namespace rootlock
