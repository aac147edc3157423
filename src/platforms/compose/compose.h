// Docker Compose / compose-spec files, recognised by content (any file name).
#ifndef ROOTLOCK_PLATFORMS_COMPOSE_COMPOSE_H_
#define ROOTLOCK_PLATFORMS_COMPOSE_COMPOSE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "platforms/adapter.h"

namespace rootlock {

/// Claims a document with a top-level `services` mapping (and no Kubernetes
/// `kind`): each service's read_only, tmpfs and volumes.
bool ExtractCompose(const DocumentContext& ctx, std::vector<Workload>* out);

/// Variables for interpolation: the process environment wins over `.env`.
using EnvLookup = std::function<bool(const std::string& name, std::string* value)>;

/// Compose interpolation: $$, $NAME, ${NAME}, ${NAME:-default}, ${NAME-default},
/// ${NAME:?error}, ${NAME?error}, ${NAME:+alt}, ${NAME+alt}. An unset variable
/// without a default cannot be resolved: false, with `why` saying which.
bool Interpolate(std::string_view in, const EnvLookup& env, std::string* out, std::string* why);

/// One variable line of a .env file or an env_file: the name, where it is written, and the
/// value with its quotes removed. What the compose adapter keeps of an env_file is the name
/// and how it is given, never the value.
struct DotEnvLine {
  std::string name;
  std::string value;
  /// false for a line that is a NAME alone: compose passes it through from its environment.
  bool has_value = false;
  /// The value is in single quotes: compose does not interpolate it.
  bool single_quoted = false;
  uint32_t line = 0;    // 1-based
  uint32_t column = 0;  // 1-based, of the name
  uint64_t offset = 0;  // of the name
};

/// The variable lines of a .env file or an env_file, in order: KEY=VALUE lines, `export `
/// prefixes, # comments, quotes, and NAME alone.
std::vector<DotEnvLine> ReadDotEnvLines(std::string_view text);

/// Parses a .env file for interpolation: ReadDotEnvLines's KEY=VALUE lines, the last of a
/// name winning.
std::map<std::string, std::string> ParseDotEnv(std::string_view text);

}  // namespace rootlock

#endif  // ROOTLOCK_PLATFORMS_COMPOSE_COMPOSE_H_
