// Platform adapters: recognise documents and turn them into workloads.
// An adapter never decides pass or fail; it states facts (read-only or not,
// mounts, OS) and where they are written.
#ifndef ROOTLOCK_PLATFORMS_ADAPTER_H_
#define ROOTLOCK_PLATFORMS_ADAPTER_H_

#include <string>
#include <vector>

#include "model/workload.h"
#include "parse/node.h"
#include "parse/reader.h"

namespace rootlock {

/// One parsed document and where it came from.
struct DocumentContext {
  const std::string& file;  // as the user named it (relative paths stay relative)
  const Document& doc;
  InputFormat format;
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
