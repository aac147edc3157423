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

struct AdapterInfo {
  Platform platform;
  const char* name;
  ExtractFn extract;
};

/// Every adapter, in the order they are tried on a document.
const std::vector<AdapterInfo>& Adapters();

/// Runs the adapters over one document; appends what the first claimant finds.
void ExtractWorkloads(const DocumentContext& ctx, std::vector<Workload>* out);

}  // namespace rootlock

#endif  // ROOTLOCK_PLATFORMS_ADAPTER_H_
