// Platform adapters: recognise documents and turn them into workloads.
// An adapter never decides pass or fail; it states facts (read-only or not,
// mounts, OS) and where they are written.
#ifndef ROOTLOCK_PLATFORMS_ADAPTER_H_
#define ROOTLOCK_PLATFORMS_ADAPTER_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/file_system.h"
#include "model/workload.h"
#include "parse/node.h"
#include "parse/reader.h"

namespace rootlock {

/// Values the user gives for what sources leave open: CloudFormation
/// parameters (--param NAME=VALUE) and Terraform variables (--var, --var-file).
struct ResolveOptions {
  std::map<std::string, std::string, std::less<>> cfn_params;
  std::map<std::string, std::string, std::less<>> tf_vars;
};

/// One parsed document and where it came from.
struct DocumentContext {
  const std::string& file;  // as the user named it (relative paths stay relative)
  const Document& doc;
  InputFormat format;
  /// Where adapters put nodes they make (text parsed out of a string, say).
  NodeTree* tree = nullptr;
  const ResolveOptions* resolve = nullptr;
  const FileSystem* loader = nullptr;
  /// The source's bytes (for adapters that map positions inside embedded text).
  std::string_view text;
  /// Byte offset of each line's start, when the text holds exemption comments
  /// (`rootlock:ignore`, `checkov:skip`); nullptr when it holds none.
  const std::vector<uint64_t>* line_starts = nullptr;
};

/// Location of a node in the file a context names.
inline Location Where(const DocumentContext& ctx, const Node* n) {
  return Location{ctx.file, n->start.line, n->start.column, n->start.offset};
}

/// Extracts workloads from one document. Returns true when the document
/// belongs to this adapter's platform (even when it holds no container), so
/// later adapters do not look at it.
using ExtractFn = bool (*)(const DocumentContext& ctx, std::vector<Workload>* out);

/// A pass over the workloads of every source at once, for what no single
/// source can settle (ECS: only the latest ACTIVE revision of a family is judged).
using AcrossSourcesFn = void (*)(const std::vector<Workload*>& workloads);

struct AdapterInfo {
  Platform platform;
  const char* name;
  ExtractFn extract;
  /// Byte strings at least one of which any source holding a container of this
  /// platform contains (its container keys, as written unescaped), or an object
  /// a container reads (a Kubernetes ConfigMap), so a walked file with none of
  /// them, and no backslash, need not be parsed.
  std::vector<std::string_view> markers;
  /// nullptr when every workload can be judged from its own source.
  AcrossSourcesFn across_sources = nullptr;
  /// A YAML top-level kind this adapter extracts nothing from, whatever it
  /// holds, and that no other adapter reads ("CustomResourceDefinition"), so
  /// the scan may skim past its documents unparsed; "" for none.
  std::string_view inert_kind;
};

/// Every adapter, in the order they are tried on a document.
const std::vector<AdapterInfo>& Adapters();

/// The kind whose documents the scan need not parse (ParseLimits::skip_kind):
/// the one adapter that declares an inert kind says it.
std::string_view InertKind();

/// Runs the adapters over one document; appends what the first claimant finds.
void ExtractWorkloads(const DocumentContext& ctx, std::vector<Workload>* out);

/// Whether `text` could hold a container of any platform: it contains one of
/// an adapter's markers, or a backslash (an escape could spell a key). A key can
/// only differ from its bytes in the file through an escape, so text with
/// neither holds no container and need not be parsed.
bool MayHoldContainer(std::string_view text);

/// Whether judging `w` must wait until every source has been read (a
/// task-definition revision: a later one may be in another file; a ConfigMap
/// and a container whose envFrom names one).
bool NeedsEverySource(const Workload& w);

/// Runs every adapter's pass across sources over all of `workloads`.
void ResolveAcrossSources(const std::vector<Workload*>& workloads);

}  // namespace rootlock

#endif  // ROOTLOCK_PLATFORMS_ADAPTER_H_
