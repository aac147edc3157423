// The one model every rule reads. Platform adapters build it from parsed
// documents (or live API answers); rules never look at YAML or JSON.
#ifndef ROOTLOCK_MODEL_WORKLOAD_H_
#define ROOTLOCK_MODEL_WORKLOAD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"

namespace rootlock {

enum class Platform : uint8_t { kKubernetes, kEcs, kDocker, kCompose };
/// "kubernetes", "ecs", "docker", "compose": the JSON contract's values.
std::string_view PlatformName(Platform p);

/// Where a container sits in its workload.
enum class ContainerRole : uint8_t {
  kMain,
  kInit,       // Kubernetes initContainers
  kEphemeral,  // Kubernetes ephemeralContainers
  kSidecar,    // ECS: essential: false
};

/// What a source says about a yes/no setting. Only kTrue is the boolean true.
enum class Flag : uint8_t {
  kTrue,        // the boolean true
  kFalse,       // the boolean false
  kUnset,       // missing or null: the platform default
  kInvalid,     // present but not a boolean (the platform would reject or ignore it)
  kUnresolved,  // given by a variable, template or function we cannot see through
};

/// One yes/no setting of a container as its source states it: the value, how
/// the platform spells it, where it is written, and why it resolved so.
struct FlagSetting {
  Flag value = Flag::kUnset;
  /// The setting's name on this platform: "readOnlyRootFilesystem", "read_only".
  std::string key;
  /// Why the value is what it is, for people: "securityContext does not set it",
  /// "it is the string \"true\", not a boolean", "${RO} has no value".
  std::string detail;
  /// Where the setting is written; line 0 when it is not written at all.
  Location where;
  /// The value as written when this machine's environment decides it (compose
  /// "${WORKER_RO}"), or "": what fix must not rewrite, whatever it reads here.
  std::string interpolated_from;
};

/// What a source says about a text setting. Only kSet carries a value.
enum class Given : uint8_t {
  kSet,         // written, with a value
  kUnset,       // missing, null or empty: the platform default
  kInvalid,     // present but not text the platform takes (a collection, a quoted number)
  kUnresolved,  // given by a variable, template or function we cannot see through
};

/// One text setting of a container as its source states it (`user: "1000:1000"`):
/// like FlagSetting, the value, how the platform spells it, where and why.
struct TextSetting {
  Given state = Given::kUnset;
  /// The value as written, after interpolation ("1000:1000", "app", "root"); "" unless kSet.
  std::string value;
  /// The setting's name on this platform: "user", "User", "Config.User", "runAsUser".
  std::string key;
  /// Why the value is what it is, for people: "not set", "${APP_USER} has no value".
  std::string detail;
  /// Where the setting is written; line 0 when it is not written at all.
  Location where;
  /// The value as written when this machine's environment decides it (compose), or "".
  std::string interpolated_from;
};

/// How a source spells field names: the ECS API's camelCase (readonlyRootFilesystem),
/// CloudFormation's PascalCase, Terraform awscc's snake_case. Fix writes new keys the same way.
enum class KeyStyle : uint8_t { kCamel, kPascal, kSnake };

enum class OsFamily : uint8_t { kLinux, kWindows };

/// A declared exception to a rule: an annotation, tag, label, comment or
/// config entry saying a container need not pass. Adapters collect them; the
/// rules decide what they mean (a missing reason or a past expiry does not exempt).
struct Exemption {
  std::string rule;     // as written: a rule id or alias ("read-only-root-fs", "CKV_K8S_22", "*")
  std::string reason;   // why; required for rootlock's own forms
  std::string until;    // "YYYY-MM-DD", or "" for no expiry
  std::string source;   // how it was declared: "annotation rootlock.io/exempt"
  std::string peer;     // the peer tool whose suppression this is ("kube-linter"), or ""
  std::string problem;  // why the declaration is not valid ("it gives no reason"), or ""
  Location where;
};

/// A path inside the container that some volume or tmpfs covers.
struct Mount {
  std::string path;    // as written: "/tmp"
  std::string source;  // volume name, host path, or "" for an anonymous tmpfs
  std::string type;    // "emptyDir", "configMap", "tmpfs", "bind", "volume", ...
  bool writable = true;
  Location where;
};

/// How an environment variable of a container gets its value. The value itself is
/// never kept in the model: a report cannot print what it was never given.
enum class EnvSource : uint8_t {
  kLiteral,    // a value written in the definition (ECS environment, env[].value, Config.Env)
  kEmpty,      // written empty or null: nothing is in it
  kReference,  // read from a secret store at start: ECS secrets valueFrom, Kubernetes valueFrom
  kVariable,   // given by a variable the scan cannot see (var.x, !Ref, ${X}, compose
               // pass-through): a plaintext value once deployed all the same
};

/// One environment variable a container is given, without its value.
struct EnvVar {
  std::string name;  // "AWS_SECRET_ACCESS_KEY"
  EnvSource source = EnvSource::kLiteral;
  /// Where the platform lists it: "environment", "secrets", "env", "Config.Env", "env_file",
  /// "envFrom[].configMapRef".
  std::string key;
  /// Why the source is what it is, never the value: "given by var.aws_secret"; for a literal
  /// written elsewhere than the definition, where: "env file app.env", "ConfigMap 'app'".
  std::string detail;
  Location where;
};

/// Environment a container is given in bulk from somewhere else, whose variable names the
/// adapter has not read: a Kubernetes envFrom configMapRef (a pass across sources replaces it
/// by the ConfigMap's keys when the ConfigMap is among the sources), ECS environmentFiles (S3
/// objects no scan reads), a compose env_file marked required: false that is not there. What
/// is left when the rules run is noted on the verdict, never failed on: nothing says the names
/// it gives are secret.
struct EnvImport {
  /// Kubernetes: the ConfigMap's name, for the pass across sources to look up; "" when no
  /// source can settle it (S3 objects, a missing file).
  std::string config_map;
  /// Kubernetes envFrom prefix, put before each of the ConfigMap's keys.
  std::string prefix;
  /// Where the platform lists it: "envFrom[].configMapRef", "environmentFiles", "env_file".
  std::string key;
  /// The note a verdict carries while it is not read, for people: "envFrom configMapRef
  /// names ConfigMap 'app', which is not among the scanned sources, so the names it gives are
  /// not seen". Never a value.
  std::string detail;
  Location where;
};

struct Container {
  std::string name;    // "" when the source gives none
  uint32_t index = 0;  // position in its list (containers, initContainers, ...)
  ContainerRole role = ContainerRole::kMain;
  std::string image;
  /// Whether the root filesystem is mounted read-only.
  FlagSetting read_only_root;
  /// Whether it runs privileged (privileged, Privileged, HostConfig.Privileged).
  FlagSetting privileged;
  /// The user it runs as: ECS, Docker and compose `user` as written ("1000:1000", "app",
  /// "root"); Kubernetes the effective securityContext.runAsUser (the container's, else
  /// the pod's), a number.
  TextSetting user;
  /// Kubernetes only: the effective securityContext.runAsNonRoot (the container's, else
  /// the pod's). kUnset elsewhere.
  FlagSetting run_as_non_root;
  /// Its environment variables (names and how each is given; never the values).
  std::vector<EnvVar> env;
  /// Whether the source lists an environment at all: false when it cannot be read
  /// (an unresolved environment list), with env_detail saying why.
  bool env_known = true;
  std::string env_detail;
  Location env_where;
  /// Environment given from elsewhere whose names are not seen (see EnvImport).
  std::vector<EnvImport> env_imports;
  /// Its log driver: ECS logConfiguration.logDriver, Docker HostConfig.LogConfig.Type,
  /// compose logging.driver. Kubernetes has no per-container setting: key "".
  TextSetting log_driver;
  std::vector<Mount> mounts;
  /// Exemptions that name this container or its whole workload.
  std::vector<Exemption> exemptions;
  /// Docker, live: paths its root filesystem has changed (GET /containers/{id}/changes),
  /// from which the paths it needs writable are suggested.
  std::vector<std::string> written_paths;
  /// Docker, live: whether written_paths was asked for at all.
  bool writes_known = false;
  /// Where the container is declared (its mapping's first key).
  Location where;
};

/// A thing that runs containers: a Deployment, a task definition, a compose
/// service, a live container.
struct Workload {
  Platform platform = Platform::kKubernetes;
  std::string kind;         // "Deployment", "TaskDefinition", "Service", "Container"
  std::string api_version;  // Kubernetes apiVersion ("apps/v1"); "" elsewhere
  std::string name;         // "" when unnamed
  std::string namespace_;   // Kubernetes namespace as written; "" when absent
  /// The identifier the source itself uses: "Deployment/web" in Kubernetes,
  /// later the CloudFormation logical id, the Terraform address, the service.
  std::string resource;
  /// Live ECS: the AWS region it was read in ("eu-west-1"); "" for every other source.
  std::string region;
  /// How its platform names it in a sentence: "Deployment 'web-app'".
  std::string display;
  OsFamily os = OsFamily::kLinux;
  std::string os_detail;  // how we know it is Windows: "spec.os.name: windows"
  /// Whether its containers share the host's PID namespace: kTrue for Kubernetes
  /// `hostPID: true` and for a PID mode of "host" (ECS pidMode, Docker HostConfig.PidMode,
  /// compose pid); kFalse for any other mode written ("task", "container:db").
  FlagSetting host_pid;
  /// The workload is a single container (a compose service, a Docker container):
  /// messages name the workload alone ("Service 'worker' lacks read_only: true").
  bool single_container = false;
  /// Kubernetes StatefulSet and the like: state is its purpose.
  bool stateful = false;
  /// Non-empty when the workload is not judged at all (a superseded revision).
  std::string skipped_reason;
  /// ECS: the task definition family, its revision (0 when the source has
  /// none) and status ("ACTIVE", "INACTIVE", or "" when not said), so that
  /// only the latest ACTIVE revision of a family is judged.
  std::string family;
  int64_t revision = 0;
  std::string revision_status;
  /// ECS: how the source spells the containers' keys and the task's, and whether
  /// task volumes are blocks (Terraform's `volume { name = ... }`), not a list.
  KeyStyle container_keys = KeyStyle::kCamel;
  KeyStyle task_keys = KeyStyle::kCamel;
  bool volume_blocks = false;
  /// ECS: a bare array of container definitions (no task around it), which may
  /// be the file() target of a Terraform task definition.
  bool bare_definitions = false;
  /// Terraform: the files its container definitions were read from (file(),
  /// templatefile()), as the scan names files.
  std::vector<std::string> read_from;
  /// Non-empty when the workload is judged as part of another one and yields no
  /// findings of its own: "read by aws_ecs_task_definition.api (main.tf)".
  std::string judged_as;
  /// Kubernetes ConfigMap: nothing runs in it, but envFrom configMapRef gives its data keys
  /// to containers as environment variables. Such a workload has no containers and yields no
  /// finding; `env_keys` holds its keys as variables (names and where each is written, never
  /// a value), for the pass across sources.
  bool provides_env = false;
  std::vector<EnvVar> env_keys;
  Location where;
  std::vector<Container> containers;
};

/// Places every position in `w` at `at`: a live object (a running container, a task
/// definition read from the ECS API) has no line, so the workload, each container, each of
/// their settings, mounts and exemptions are located at the object itself ("docker:3f2a9c",
/// an ARN). The one place a new setting must be added to for live sources.
void PlaceAt(const Location& at, Workload* w);

/// An image reference's repository name without registry, path, tag or digest,
/// lower-cased: "docker.io/bitnami/PostgreSQL:16@sha256:..." -> "postgresql".
std::string ImageName(std::string_view image);

/// "container 'nginx'", "init container 'setup'", "container [1]" (unnamed).
std::string ContainerPhrase(const Container& c);
/// The name a report uses for a container: its name, or "[index]" when unnamed.
std::string ContainerId(const Container& c);

}  // namespace rootlock

#endif  // ROOTLOCK_MODEL_WORKLOAD_H_
