// Which paths a container needs writable to run with a read-only root: the
// one place that decides it, for the rules' remedies, fix and the live audit.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "base/text.h"
#include "rules/rule.h"
#include "rules/rules.h"

namespace rootlock {

namespace {

// Paths well-known images write besides /tmp. One table: extend it here (and
// in the README). Matched on the image's last path component, tag and digest
// stripped.
struct ImagePaths {
  std::string_view image;
  std::vector<std::string_view> paths;
};
const ImagePaths kImagePaths[] = {
    {"nginx", {"/var/cache/nginx", "/var/run"}},
    {"openresty", {"/usr/local/openresty/nginx/client_body_temp", "/var/run/openresty"}},
    {"httpd", {"/usr/local/apache2/logs"}},
    {"tomcat", {"/usr/local/tomcat/logs", "/usr/local/tomcat/temp", "/usr/local/tomcat/work"}},
    {"grafana", {"/var/lib/grafana"}},
    {"prometheus", {"/prometheus"}},
    {"php", {"/var/run"}},
    {"wordpress", {"/var/www/html", "/var/run/apache2"}},
};

bool Covers(std::string_view dir, std::string_view path) {
  while (dir.size() > 1 && dir.back() == '/') dir.remove_suffix(1);
  return path == dir || (StartsWith(path, dir) && path.size() > dir.size() &&
                         (path[dir.size()] == '/' || dir == "/"));
}

}  // namespace

std::vector<std::string> KnownWritablePaths(std::string_view image) {
  std::string name = ImageName(image);
  for (const ImagePaths& ip : kImagePaths) {
    if (ip.image == name) return std::vector<std::string>(ip.paths.begin(), ip.paths.end());
  }
  return {};
}

std::vector<std::string> SuggestWritableDirs(const Container& c,
                                             std::vector<std::string>* uncoverable) {
  // Paths the engine itself manages, and kernel file systems: never the application's.
  static constexpr std::string_view kEngineManaged[] = {
      "/etc/hostname", "/etc/hosts",  "/etc/resolv.conf",
      "/etc/mtab",     "/.dockerenv", "/run/.containerenv",
      "/run/secrets",  "/proc",       "/sys",
      "/dev"};
  std::vector<std::string> paths;
  for (const std::string& raw : c.written_paths) {
    std::string p = raw;
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    if (p.empty() || p[0] != '/') continue;
    paths.push_back(p);
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  // A changed path with changes below it is a folder the engine lists on the
  // way down; the leaves are what was written, and their folders need writing.
  std::vector<std::string> dirs = {"/tmp"};
  for (size_t i = 0; i < paths.size(); ++i) {
    // Leaves are found before engine-managed paths are dropped: /etc is only
    // listed because the engine wrote /etc/hostname, not the application.
    bool has_child = i + 1 < paths.size() && Covers(paths[i], paths[i + 1]);
    if (has_child) continue;
    bool managed = false;
    for (std::string_view m : kEngineManaged) managed |= Covers(m, paths[i]);
    if (managed) continue;
    size_t slash = paths[i].rfind('/');
    if (slash == 0) {
      uncoverable->push_back(paths[i]);
      continue;
    }
    dirs.push_back(paths[i].substr(0, slash));
  }
  std::sort(dirs.begin(), dirs.end());
  dirs.erase(std::unique(dirs.begin(), dirs.end()), dirs.end());
  std::vector<std::string> out;
  for (const std::string& d : dirs) {
    bool covered = false;
    for (const std::string& kept : out) covered |= Covers(kept, d);
    for (const Mount& m : c.mounts) covered |= m.writable && Covers(m.path, d);
    if (!covered) out.push_back(d);
  }
  return out;
}

Remedy ReadOnlyRemedy(const Container& c, const RuleOptions& options, bool set_flag) {
  Remedy r;
  if (set_flag) r.changes.push_back(Change::SetFlag(Setting::kReadOnlyRoot));
  if (c.writes_known) {
    std::vector<std::string> uncoverable;
    for (std::string& d : SuggestWritableDirs(c, &uncoverable)) {
      // What a container wrote is its to name: a path with a newline or an escape
      // is never suggested, not even quoted, nor one with a ':', which --tmpfs and
      // compose's tmpfs read as the start of mount options ("/x:exec") (issue 14).
      if (HasControls(d) || d.find(':') != std::string::npos) {
        r.refused.push_back(std::move(d));
      } else {
        r.changes.push_back(Change::AddWritableMount(std::move(d)));
      }
    }
    r.observed = true;
    return r;
  }
  auto normal = [](std::string_view p) {
    while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
    return std::string(p);
  };
  std::vector<std::string> wanted = {"/tmp"};
  for (const std::string& p : KnownWritablePaths(c.image)) wanted.push_back(p);
  for (const std::string& p : options.writable) {
    if (HasControls(p)) {
      r.refused.push_back(p);
    } else {
      wanted.push_back(normal(p));
    }
  }
  std::vector<std::string> paths;
  for (const std::string& p : wanted) {
    bool covered = false, read_only = false;
    for (const Mount& m : c.mounts) {
      if (normal(m.path) != p) continue;
      (m.writable ? covered : read_only) = true;
    }
    if (covered) continue;
    if (read_only) {
      r.blocked = "a read-only volume is mounted at " + p +
                  "; make it writable (its volume must be, too) and run fix again";
      return r;
    }
    if (std::find(paths.begin(), paths.end(), p) == paths.end()) paths.push_back(p);
  }
  for (std::string& p : paths) r.changes.push_back(Change::AddWritableMount(std::move(p)));
  return r;
}

}  // namespace rootlock
