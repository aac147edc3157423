// Exemptions as each platform declares them: rootlock's own forms and the
// peers' suppressions, parsed into the model's Exemption.
#ifndef ROOTLOCK_PLATFORMS_EXEMPTIONS_H_
#define ROOTLOCK_PLATFORMS_EXEMPTIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "model/workload.h"
#include "platforms/adapter.h"

namespace rootlock {

/// The annotation, tag and label key of rootlock's own exemptions; a
/// per-container one is "rootlock.io/exempt.<container>".
inline constexpr std::string_view kExemptKey = "rootlock.io/exempt";

/// Parses `RULE[ until YYYY-MM-DD]: REASON[; RULE...]` into exemptions (a
/// malformed part becomes an exemption with `problem` set, so it is reported).
void ParseExemptValue(std::string_view value, const std::string& source, const Location& where,
                      std::vector<Exemption>* out);

/// One key and value as a source gives them (an annotation, a label, a tag).
struct KeyValue {
  std::string_view key;
  std::string_view value;
  const Node* at;
};

/// The key/value pairs of a mapping of scalars (annotations, labels, a tags map).
std::vector<KeyValue> KeyValuesOf(const Node* map);
/// ECS and awscc tags: a list of {key, value} (or {Key, Value}) mappings.
std::vector<KeyValue> TagListOf(const Node* list);

/// Exemptions from key/value pairs (Kubernetes annotations, compose or docker
/// labels, ECS tags): rootlock's own keys and the peers' suppressions (marked
/// with their peer, so the rule can honour --no-peer-exemptions). `what` names
/// the kind of pair in messages ("annotation"). Those for one container go to
/// `per_container` with its name, the rest to `all`.
void ExemptionsFromKeyValues(const DocumentContext& ctx, const std::vector<KeyValue>& pairs,
                             const char* what, std::vector<Exemption>* all,
                             std::vector<std::pair<std::string, Exemption>>* per_container);

/// `# rootlock:ignore RULE[ until DATE] REASON` (and `# checkov:skip=ID:REASON`)
/// comments on `line` itself or on the comment lines directly above it.
void CommentExemptions(const DocumentContext& ctx, uint32_t line, std::vector<Exemption>* out);

/// The line-start index CommentExemptions needs, or empty when `text` holds no
/// exemption comment at all (the common case costs one search).
std::vector<uint64_t> ExemptionCommentLines(std::string_view text);

/// Gives every container of `w` the workload-wide exemptions and its own.
void AttachExemptions(const std::vector<Exemption>& all,
                      const std::vector<std::pair<std::string, Exemption>>& per_container,
                      Workload* w);

}  // namespace rootlock

#endif  // ROOTLOCK_PLATFORMS_EXEMPTIONS_H_
