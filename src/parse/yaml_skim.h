// Finding, from the text alone, the documents of a YAML stream whose top-level
// `kind` is a given one, so that the scan need not parse them.
//
// The parse layer knows no platform: which kind is inert is the adapters' to say
// (AdapterInfo::inert_kind). Today it is Kubernetes' CustomResourceDefinition: a
// CRD defines a schema and never runs a container, yet CRDs mention `containers`
// throughout their schemas, so they pass the walk's byte prefilter, and in real
// repositories they are most of the YAML that does: 43 of the 61 MB of YAML the
// bench corpus parses. Skimming them is sound only if a document is never taken
// for that kind when a YAML parser would read another top-level `kind`, so the
// skim is conservative: it claims a document only when every line of it is of a
// shape it fully understands, and otherwise leaves it to the parser.
#ifndef ROOTLOCK_PARSE_YAML_SKIM_H_
#define ROOTLOCK_PARSE_YAML_SKIM_H_

#include <cstddef>
#include <string_view>
#include <vector>

namespace rootlock {

/// A document's bytes: from the start of its `---` line (or of the text) to the
/// start of the next `---` line (or the end of the text).
struct DocumentRange {
  size_t begin = 0;
  size_t end = 0;
};

/// The documents of `text` that are certainly a mapping whose top-level `kind`
/// is `kind` (none when `kind` is empty), in order. A document is claimed only when:
/// its root is a block mapping starting at column 0; every column-0 line is a
/// comment, a sequence entry or a plain `key:` (no quoted, complex or merge
/// keys); each `kind:` line says `kind` (plain or quoted);
/// and no quoted scalar or flow collection spans lines, no flow collection
/// holds a quote or a comment, no block scalar has an indentation indicator or
/// a less-indented continuation, and no tab, lone carriage return or YAML 1.1
/// line break (NEL, LS, PS) appears. Then every column-0 line
/// is a top-level key as any YAML parser reads it. The whole stream is left
/// alone (nothing claimed) when it has directives, `...` markers, content
/// after a `---` marker, or a UTF-16 byte order mark.
std::vector<DocumentRange> FindDocumentsOfKind(std::string_view text, std::string_view kind);

/// Whether one document's text (without its `---` line) is claimed as above.
bool IsDocumentOfKind(std::string_view document, std::string_view kind);

}  // namespace rootlock

#endif  // ROOTLOCK_PARSE_YAML_SKIM_H_
