// Helpers the report formats share: positions, escaping, time, grouping. Internal to report/.
#ifndef ROOTLOCK_REPORT_REPORT_UTIL_H_
#define ROOTLOCK_REPORT_REPORT_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/diagnostic.h"
#include "engine/result.h"
#include "model/finding.h"

namespace rootlock {
namespace internal {

/// "file:line:col", or the file alone when line is 0 (a live container, a whole file).
std::string Position(const Location& l);

/// Whether a finding is about a live object (a running container) rather than a place in
/// a file: live findings have no line.
inline bool IsLive(const Finding& f) { return f.where.line == 0; }

/// The message with its reason: "Deployment 'web' container 'a' lacks ... (set to false)".
std::string Explain(const Finding& f);

/// Whether a failure is a warning: its rule neither gates nor is named by --fail-on
/// (the engine's FailsRun, decided once in the summary).
inline bool IsWarning(const Summary& s, const Finding& f) { return rootlock::IsWarning(s, f); }

/// The remediation for the finding's platform.
const char* Remediation(const Finding& f);

/// The remedy of a finding whose writable paths come from what a live container
/// wrote, as a command: "docker run --read-only --tmpfs /tmp ... IMAGE"; "" for others.
/// Each path and the image is one shell word (ShellQuote); an image with controls
/// is shown as IMAGE.
std::string DockerRunSuggestion(const Finding& f);
/// The same remedy as compose keys, each path a quoted scalar (YamlQuote):
/// "read_only: true\ntmpfs:\n  - \"/tmp\""; "" for others.
std::string ComposeSuggestion(const Finding& f);
/// Why some paths the container wrote are in neither suggestion (Remedy::refused):
/// "not suggested: \"/a\\nb\" (control characters ...); check what wrote it ..."; "" when
/// none were refused.
std::string RefusedNote(const Finding& f);

/// "shop/Deployment/web-app": the resource, with its namespace when it has one.
std::string QualifiedResource(const Finding& f);

/// The group a finding is charted in below its platform: the namespace for Kubernetes
/// ("" when unset), the task definition family for ECS ("checkout-api" for
/// "checkout-api:12"), "" elsewhere.
std::string Group(const Finding& f);

/// Valid UTF-8 for `s`: each invalid byte becomes U+FFFD. With `xml`, characters XML 1.0
/// forbids (controls other than tab, newline, carriage return; U+FFFE, U+FFFF) and DEL and
/// the C1 controls (a terminal may obey them) do too.
std::string CleanUtf8(std::string_view s, bool xml = false);

/// Escapes text for XML and HTML content (& < >), or with `attribute` for a quoted
/// attribute value (also " ' and newline and tab as character references). The output is
/// clean UTF-8 (CleanUtf8).
std::string XmlEscape(std::string_view s, bool attribute = false);

/// Escapes text for Markdown, in a paragraph or a table cell: the punctuation Markdown
/// gives meaning to gets a backslash, < > & become entities, line breaks become spaces,
/// other controls their escaped form (EscapeControls: ESC is `\u001b`).
std::string MarkdownEscape(std::string_view s);

/// The platforms of a set, by name: "ecs", "docker, compose"; "all" for every platform.
std::string PlatformList(PlatformSet set);

/// At most `max_bytes` bytes of `s`, cut on a character boundary, "..." marking a cut.
std::string Truncate(std::string_view s, size_t max_bytes);

/// ISO 8601 UTC: "2024-05-01T12:00:00Z"; with `millis`, "2024-05-01T12:00:00.000Z";
/// with `zone` false, no "Z" (JUnit's timestamp pattern has no zone).
std::string Iso8601(int64_t seconds, bool millis = false, bool zone = true);

/// GitHub's security-severity score for a severity: "9.5", "8.0", "5.5", "3.0".
const char* SecuritySeverityScore(Severity s);

/// Why the gate passed or failed, as the text report says it after "passed: " or
/// "FAILED: ": "60% is below the 80% minimum (--min-ratio 0.8)". Empty when it passed
/// with nothing judged.
std::string GateReason(const Summary& s);

}  // namespace internal
}  // namespace rootlock

#endif  // ROOTLOCK_REPORT_REPORT_UTIL_H_
