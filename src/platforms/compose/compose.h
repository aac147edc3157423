// Docker Compose / compose-spec files, recognised by content (any file name).
#ifndef ROOTLOCK_PLATFORMS_COMPOSE_COMPOSE_H_
#define ROOTLOCK_PLATFORMS_COMPOSE_COMPOSE_H_

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

/// Parses a .env file: KEY=VALUE lines, `export ` prefixes, # comments, quotes.
std::map<std::string, std::string> ParseDotEnv(std::string_view text);

}  // namespace rootlock

#endif  // ROOTLOCK_PLATFORMS_COMPOSE_COMPOSE_H_
