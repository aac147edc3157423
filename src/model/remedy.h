// Remedies as data: what to change on one container, in model terms, so that
// a rule passes. Rules say it; platforms render it: fix/ as byte edits on the
// user's own text (and, for Kubernetes objects, as an RFC 6902 JSON Patch),
// report/ as a `docker run` line and a compose snippet.
#ifndef ROOTLOCK_MODEL_REMEDY_H_
#define ROOTLOCK_MODEL_REMEDY_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rootlock {

/// A container setting a remedy can change.
enum class Setting : uint8_t {
  kReadOnlyRoot,  // Container::read_only_root
  kPrivileged,    // Container::privileged
  kUser,          // Container::user (Kubernetes: runAsNonRoot, runAsUser, runAsGroup)
  kLogDriver,     // Container::log_driver, with its options
};

/// One change to one container.
struct Change {
  enum class Kind : uint8_t {
    kSetFlag,           // set `setting` to the boolean true
    kAddWritableMount,  // make `path` writable: an emptyDir, a task volume, a tmpfs
    kClearFlag,         // set `setting` to the boolean false (no-privileged)
    kSetText,           // set `setting` to `value` ("1000:1000"; "awslogs" with `options`)
  };
  Kind kind = Kind::kSetFlag;
  Setting setting = Setting::kReadOnlyRoot;
  std::string path;  // kAddWritableMount: "/tmp"; kSetText: the value
  /// kSetText of kLogDriver: the driver's options, in order ({"awslogs-group", "app"}).
  std::vector<std::pair<std::string, std::string>> options;

  static Change SetFlag(Setting s) { return {Kind::kSetFlag, s, "", {}}; }
  static Change ClearFlag(Setting s) { return {Kind::kClearFlag, s, "", {}}; }
  static Change SetText(Setting s, std::string value,
                        std::vector<std::pair<std::string, std::string>> options = {}) {
    return {Kind::kSetText, s, std::move(value), std::move(options)};
  }
  static Change AddWritableMount(std::string p) {
    return {Kind::kAddWritableMount, Setting::kReadOnlyRoot, std::move(p), {}};
  }
  bool operator==(const Change&) const = default;
};

/// What a failing finding needs changed. Empty when nothing can be said.
struct Remedy {
  std::vector<Change> changes;
  /// Why the changes cannot be applied as they stand ("a read-only volume is
  /// mounted at /tmp; ..."), or "" when they can.
  std::string blocked;
  /// The writable paths come from what the container was seen writing (a live
  /// container's changes), not from its image alone.
  bool observed = false;
  /// Paths the container needs writable that are not suggested: they hold
  /// control characters (a newline, an escape) or bytes that are not UTF-8, so no
  /// command or file may carry them, or (seen written) a ':', which a tmpfs mount
  /// reads as its options. The finding still fails; reports say so.
  std::vector<std::string> refused;

  bool empty() const { return changes.empty() && blocked.empty(); }
  /// The paths the remedy makes writable, in order.
  std::vector<std::string> WritablePaths() const {
    std::vector<std::string> out;
    for (const Change& c : changes) {
      if (c.kind == Change::Kind::kAddWritableMount) out.push_back(c.path);
    }
    return out;
  }
  /// Adds `other`'s changes that are not here yet; the first block wins.
  void Merge(const Remedy& other) {
    for (const Change& c : other.changes) {
      bool have = false;
      for (const Change& mine : changes) have |= mine == c;
      if (!have) changes.push_back(c);
    }
    for (const std::string& p : other.refused) {
      bool have = false;
      for (const std::string& mine : refused) have |= mine == p;
      if (!have) refused.push_back(p);
    }
    if (blocked.empty()) blocked = other.blocked;
    observed |= other.observed;
  }
};

}  // namespace rootlock

#endif  // ROOTLOCK_MODEL_REMEDY_H_
