// Fuzz target: rootlock fix (FixText), auto-detected (YAML or JSON) and as
// HCL. Besides not crashing, whenever the input parses and the fix changes
// it, the fix's own promises must hold, or the target aborts:
//   - the fixed text parses;
//   - fixing it again changes nothing;
//   - every full-line comment of the input is still there, in order;
//   - a fix that reports an error, or fixes no container, leaves the text as it was.
// ROOTLOCK_FUZZ_FIX_STRICT=1 also aborts when the fix's own re-scan refused
// what it planned ("internal error: the fix did not hold"): the file is left
// unchanged then, so it is no data loss, but it is a container fix could not fix.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "fix/fix.h"
#include "fuzz_common.h"
#include "parse/reader.h"

namespace {

using rootlock::fuzz::Require;

// The full-line '#' comments of `text` that are comments (not inside a scalar,
// such as a block scalar's body), as [start, end) byte ranges.
std::vector<std::string_view> CommentLines(std::string_view text,
                                           const rootlock::ParsedSource& parsed) {
  std::vector<std::pair<uint64_t, uint64_t>> scalars;
  std::vector<const rootlock::Node*> pending;
  for (const rootlock::Document& doc : parsed.documents) pending.push_back(doc.root);
  std::unordered_set<const rootlock::Node*> seen;  // aliases share nodes: visit each once
  while (!pending.empty()) {
    const rootlock::Node* n = pending.back();
    pending.pop_back();
    if (!seen.insert(n).second) continue;
    if (n->IsScalar()) scalars.push_back({n->start.offset, n->end.offset});
    for (const rootlock::Node* c : n->children()) pending.push_back(c);
  }
  std::sort(scalars.begin(), scalars.end());
  // reach[i]: the furthest end among the scalars sorted up to i.
  std::vector<uint64_t> reach(scalars.size());
  for (size_t i = 0; i < scalars.size(); ++i) {
    reach[i] = std::max(scalars[i].second, i ? reach[i - 1] : 0);
  }
  std::vector<std::string_view> comments;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    size_t first = text.find_first_not_of(" \t", pos);
    if (first < eol && text[first] == '#') {
      // Inside a scalar when one starting at or before `first` ends after it.
      size_t starting = std::upper_bound(scalars.begin(), scalars.end(),
                                         std::make_pair(static_cast<uint64_t>(first), UINT64_MAX)) -
                        scalars.begin();
      bool in_scalar = starting > 0 && reach[starting - 1] > first;
      size_t stop = eol > first && text[eol - 1] == '\r' ? eol - 1 : eol;
      if (!in_scalar) comments.push_back(text.substr(first, stop - first));
    }
    pos = eol + 1;
  }
  return comments;
}

void FixAs(const std::string& name, std::string_view text, rootlock::InputFormat format) {
  static const rootlock::FixOptions kOptions = [] {
    rootlock::FixOptions o;
    o.scan = rootlock::fuzz::HermeticScanOptions();
    // Every remedy fix can write: the rules beside read-only too (--user, --log-driver).
    o.scan.rules.run_as = "10001:10001";
    o.scan.rules.log_driver = "awslogs";
    o.scan.rules.log_options = {{"awslogs-group", "/ecs/fuzz"},
                                {"awslogs-region", "eu-west-1"},
                                {"awslogs-stream-prefix", "fuzz"}};
    return o;
  }();
  static const bool kStrict = std::getenv("ROOTLOCK_FUZZ_FIX_STRICT") != nullptr;
  rootlock::ParsedSource parsed = rootlock::ReadSource(name, text, format, kOptions.scan.limits);
  if (parsed.has_error) return;  // a file that does not parse is never fixed
  rootlock::FileFix fix = rootlock::FixText(name, text, format, kOptions);
  Require(fix.before == text, "the fix keeps the original", name);
  if (!fix.error.empty()) {
    Require(fix.after == fix.before, "a fix that fails changes nothing", fix.error);
    Require(!kStrict || fix.error.find("internal error") == std::string::npos,
            "the planned fix holds (ROOTLOCK_FUZZ_FIX_STRICT)", fix.error);
    return;
  }
  if (fix.after == fix.before) return;
  Require(fix.containers_fixed > 0, "a fix that fixes no container changes nothing", name);
  rootlock::ParsedSource again =
      rootlock::ReadSource(name, fix.after, format, kOptions.scan.limits);
  Require(!again.has_error, "the fixed text parses", again.error.ToString());
  rootlock::FileFix twice = rootlock::FixText(name, fix.after, format, kOptions);
  Require(twice.after == fix.after, "a second fix is a no-op", name);
  Require(twice.containers_fixed == 0, "a second fix fixes nothing", name);
  if (parsed.format != rootlock::InputFormat::kJson) {
    size_t at = 0;
    for (std::string_view comment : CommentLines(text, parsed)) {
      at = fix.after.find(comment, at);
      Require(at != std::string::npos, "comments are kept, in order", comment);
      at += comment.size();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  FixAs("fuzz", text, rootlock::InputFormat::kAuto);
  FixAs("fuzz.tf", text, rootlock::InputFormat::kHcl);
  return 0;
}
