#include <dirent.h>

#include <algorithm>
#include <cstring>

#include "platforms/adapter.h"
#include "platforms/compose/compose.h"
#include "platforms/docker/docker.h"
#include "platforms/ecs/ecs.h"
#include "platforms/k8s/k8s.h"
#include "scan/sources.h"

namespace rootlock {

const std::vector<AdapterInfo>& Adapters() {
  static const std::vector<AdapterInfo> kAdapters = {
      {Platform::kKubernetes, "kubernetes", &ExtractKubernetes},
      {Platform::kEcs, "ecs", &ExtractEcs},
      {Platform::kDocker, "docker", &ExtractDockerInspect},
      {Platform::kCompose, "compose", &ExtractCompose},
  };
  return kAdapters;
}

void ExtractWorkloads(const DocumentContext& ctx, std::vector<Workload>* out) {
  for (const AdapterInfo& a : Adapters()) {
    if (a.extract(ctx, out)) return;
  }
}

namespace {

class Disk final : public FileLoader {
 public:
  bool Read(const std::string& path, std::string* out, std::string* error) const override {
    Diagnostic d;
    SourceRef ref{path, InputFormat::kAuto, true};
    if (!ReadSourceBytes(ref, 16ull * 1024 * 1024, out, &d)) {
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

const FileLoader& DiskLoader() {
  static const Disk kDisk;
  return kDisk;
}

}  // namespace rootlock
