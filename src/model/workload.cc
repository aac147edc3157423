#include "model/workload.h"

namespace rootlock {

std::string_view PlatformName(Platform p) {
  switch (p) {
    case Platform::kKubernetes:
      return "kubernetes";
    case Platform::kEcs:
      return "ecs";
    case Platform::kDocker:
      return "docker";
    case Platform::kCompose:
      return "compose";
  }
  return "unknown";
}

std::string ImageName(std::string_view image) {
  if (size_t at = image.find('@'); at != std::string_view::npos) image = image.substr(0, at);
  if (size_t slash = image.rfind('/'); slash != std::string_view::npos) {
    image = image.substr(slash + 1);
  }
  if (size_t colon = image.find(':'); colon != std::string_view::npos) {
    image = image.substr(0, colon);
  }
  std::string out(image);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string ContainerId(const Container& c) {
  return c.name.empty() ? "[" + std::to_string(c.index) + "]" : c.name;
}

std::string ContainerPhrase(const Container& c) {
  std::string role;
  switch (c.role) {
    case ContainerRole::kInit:
      role = "init container";
      break;
    case ContainerRole::kEphemeral:
      role = "ephemeral container";
      break;
    case ContainerRole::kSidecar:
      role = "sidecar container";
      break;
    case ContainerRole::kMain:
      role = "container";
      break;
  }
  if (c.name.empty()) return role + " [" + std::to_string(c.index) + "] (unnamed)";
  return role + " '" + c.name + "'";
}

void PlaceAt(const Location& at, Workload* w) {
  w->where = at;
  w->host_pid.where = at;
  for (Container& c : w->containers) {
    c.where = at;
    for (FlagSetting* s : {&c.read_only_root, &c.privileged, &c.run_as_non_root}) s->where = at;
    c.user.where = at;
    c.log_driver.where = at;
    c.env_where = at;
    for (EnvVar& e : c.env) e.where = at;
    for (EnvImport& e : c.env_imports) e.where = at;
    for (Mount& m : c.mounts) m.where = at;
    for (Exemption& e : c.exemptions) e.where = at;
  }
  for (EnvVar& e : w->env_keys) e.where = at;
}

}  // namespace rootlock
