// The inventory: one row per container with what it runs as, whatever the source. The
// rules fill Finding::observed with what they read; this view gathers a container's
// findings into one row ("who runs as root with a writable root" is one command).
#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "base/json_writer.h"
#include "base/text.h"
#include "report/report.h"
#include "report/report_util.h"
#include "rules/rules.h"

namespace rootlock {

namespace {

struct Row {
  std::string platform, source, workload, container, image;
  // What run-as-non-root, read-only-root-fs, no-privileged and no-host-pid read;
  // "-" when the rule did not run.
  std::string user = "-", read_only = "-", privileged = "-", host_pid = "-";
};

// Rows in the order their containers first appear (findings come a file at a time).
std::vector<Row> Rows(const ScanResult& result) {
  std::vector<Row> rows;
  using Key = std::tuple<std::string, Platform, std::string, std::string>;
  std::map<Key, size_t> index;  // of the current file only
  std::string file;
  for (const Finding& f : result.findings) {
    if (f.status == Status::kError) continue;
    if (f.where.file != file) {
      file = f.where.file;
      index.clear();
    }
    Key key{internal::QualifiedResource(f), f.platform, f.kind, f.container};
    auto [it, added] = index.emplace(key, rows.size());
    if (added) {
      Row r;
      r.platform = std::string(PlatformName(f.platform));
      r.source = f.where.file;
      r.workload = internal::QualifiedResource(f);
      r.container = f.container;
      r.image = f.image;
      rows.push_back(std::move(r));
    }
    Row& r = rows[it->second];
    if (f.observed.empty()) continue;
    if (f.rule == &Rule(RuleId::kReadOnlyRootFs)) r.read_only = f.observed;
    if (f.rule == &Rule(RuleId::kRunAsNonRoot)) r.user = f.observed;
    if (f.rule == &Rule(RuleId::kNoPrivileged)) r.privileged = f.observed;
    if (f.rule == &Rule(RuleId::kNoHostPid)) r.host_pid = f.observed;
  }
  return rows;
}

}  // namespace

std::string InventoryText(const ScanResult& result) {
  std::vector<Row> rows = Rows(result);
  std::vector<std::vector<std::string>> cells;
  cells.push_back({"PLATFORM", "WORKLOAD", "CONTAINER", "IMAGE", "USER", "READ-ONLY", "PRIVILEGED",
                   "HOST-PID", "SOURCE"});
  for (const Row& r : rows) {
    cells.push_back({r.platform, r.workload, r.container, r.image.empty() ? "-" : r.image, r.user,
                     r.read_only, r.privileged, r.host_pid, r.source});
  }
  std::vector<size_t> width(cells[0].size(), 0);
  for (auto& line : cells) {
    for (size_t i = 0; i < line.size(); ++i) {
      line[i] = EscapeControls(internal::CleanUtf8(line[i]));
      width[i] = std::max(width[i], line[i].size());
    }
  }
  std::string out;
  for (const auto& line : cells) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) text += std::string(width[i] - line[i].size() + 2, ' ');
    }
    out += text + "\n";
  }
  out += std::to_string(rows.size()) + " container(s)\n";
  return out;
}

std::string InventoryJson(const ScanResult& result) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("containers");
  w.BeginArray();
  for (const Row& r : Rows(result)) {
    w.BeginObject();
    w.Field("platform", r.platform);
    w.Field("workload", r.workload);
    w.Field("container", r.container);
    w.Field("image", r.image);
    w.Field("user", r.user);
    w.Field("read_only", r.read_only);
    w.Field("privileged", r.privileged);
    w.Field("host_pid", r.host_pid);
    w.Field("source", r.source);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  out += "\n";
  return out;
}

}  // namespace rootlock
