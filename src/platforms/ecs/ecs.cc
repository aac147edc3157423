#include "platforms/ecs/ecs.h"

#include <map>

#include "base/text.h"
#include "platforms/ecs/forms.h"
#include "platforms/ecs/task.h"
#include "platforms/exemptions.h"

namespace rootlock {

namespace {

using ecs::FieldId;
using ecs::KeyStyle;

// Keys only an ECS container definition has (Kubernetes and Docker spell theirs otherwise).
bool LooksLikeContainerDefinition(const Node* n) {
  if (!n->IsMapping() || (!n->Get("name") && !n->Get("image"))) return false;
  for (std::string_view k : kEcsOnlyContainerKeys) {
    if (n->Get(k)) return true;
  }
  return false;
}

// describe-task-definition's taskDefinition, or a register-task-definition input.
void ReadJsonTask(const DocumentContext& ctx, const Node* td, const Node* at, std::string family,
                  int64_t revision, std::string status, std::vector<Workload>* out) {
  ecs::Reader r;
  r.ctx = &ctx;
  ecs::TaskFacts facts;
  // Tags: describe output keeps them beside taskDefinition, register input inside.
  const Node* tags = at->Get("tags") ? at->Get("tags") : td->Get("tags");
  ExemptionsFromKeyValues(ctx, TagListOf(tags), "tag", &facts.exemptions, &facts.per_container);
  facts.containers = td->Get("containerDefinitions");
  facts.volumes = td->Get("volumes");
  facts.runtime_platform = td->Get("runtimePlatform");
  if (const Node* pid = td->Get("pidMode")) {
    facts.pid_mode = {pid, ""};
    facts.pid_mode_where = Where(ctx, pid);
  }
  Workload w;
  w.where = Where(ctx, at);
  w.revision_status = std::move(status);
  ecs::NameTask(&w, std::move(family), revision, "");
  ecs::ReadTask(r, facts, &w);
  out->push_back(std::move(w));
}

std::string ScalarOf(const Node* n) {
  return n && n->IsScalar() && !n->IsNull() ? std::string(n->value()) : "";
}

int64_t IntOf(const Node* n) {
  std::string s = ScalarOf(n);
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9' || v > (INT64_MAX - 9) / 10) return 0;
    v = v * 10 + (c - '0');
  }
  return v;
}

// The JSON forms of the ECS API: describe output ({"taskDefinition": ...}), register
// input ({"family", "containerDefinitions"}), arrays of either, bare container definitions.
bool ExtractApiJson(const DocumentContext& ctx, const Node* root, std::vector<Workload>* out) {
  if (root->IsMapping()) {
    const Node* td = root->Get("taskDefinition");
    if (td && td->IsMapping() && td->Get("containerDefinitions")) {
      ReadJsonTask(ctx, td, root, ScalarOf(td->Get("family")), IntOf(td->Get("revision")),
                   ScalarOf(td->Get("status")), out);
      return true;
    }
    if (root->Get("containerDefinitions") && !root->Get("kind")) {
      ReadJsonTask(ctx, root, root, ScalarOf(root->Get("family")), IntOf(root->Get("revision")),
                   ScalarOf(root->Get("status")), out);
      return true;
    }
    // `aws ecs describe-task-definitions`-style wrappers: {"taskDefinitions": [...]}.
    if (const Node* list = root->Get("taskDefinitions"); list && list->IsSequence()) {
      bool any = false;
      for (const Node* item : list->children()) any |= ExtractApiJson(ctx, item, out);
      return any;
    }
    return false;
  }
  if (!root->IsSequence() || root->children().empty()) return false;
  bool all_tasks = true, all_defs = true;
  for (const Node* item : root->children()) {
    bool task =
        item->IsMapping() && (item->Get("taskDefinition") || item->Get("containerDefinitions"));
    all_tasks &= task;
    all_defs &= item->IsMapping() && (item->Get("name") || item->Get("image"));
  }
  if (all_tasks) {
    for (const Node* item : root->children()) ExtractApiJson(ctx, item, out);
    return true;
  }
  if (all_defs) {
    bool ecs_like = false;
    for (const Node* item : root->children()) ecs_like |= LooksLikeContainerDefinition(item);
    if (!ecs_like) return false;
    ecs::Reader r;
    r.ctx = &ctx;
    ecs::TaskFacts facts;
    facts.containers = root;
    Workload w;
    w.where = Where(ctx, root);
    ecs::NameTask(&w, "", 0, "");
    w.display = "Container definitions in " + ctx.file;  // no task, no family: the file names them
    w.resource = "containerDefinitions";
    w.bare_definitions = true;
    ecs::ReadTask(r, facts, &w);
    out->push_back(std::move(w));
    return true;
  }
  return false;
}

}  // namespace

bool ExtractEcs(const DocumentContext& ctx, std::vector<Workload>* out) {
  const Node* root = ctx.doc.root;
  if (!root) return false;
  if (ecs::ExtractTerraform(ctx, out)) return true;
  if (ecs::ExtractCloudFormation(ctx, out)) return true;
  return ExtractApiJson(ctx, root, out);
}

void ResolveEcsAcrossSources(const std::vector<Workload*>& workloads) {
  // A bare array of container definitions that a Terraform task read with
  // file() is judged once, as that task's containers.
  std::map<std::string, const Workload*> read;
  for (const Workload* w : workloads) {
    for (const std::string& f : w->read_from) read.emplace(LexicalPath(f), w);
  }
  if (!read.empty()) {
    for (Workload* w : workloads) {
      if (!w->bare_definitions) continue;
      auto it = read.find(LexicalPath(w->where.file));
      if (it == read.end()) continue;
      w->judged_as = "read by " + it->second->resource + " (" + it->second->where.file + ")";
    }
  }
  // family -> latest ACTIVE revision read anywhere (per region for the live API, where
  // one family name in two regions is two families).
  std::map<std::string, int64_t> latest;
  auto key = [](const Workload* w) { return w->region + '\n' + w->family; };
  for (const Workload* w : workloads) {
    if (w->platform != Platform::kEcs || w->family.empty() || w->revision <= 0) continue;
    bool active = w->revision_status.empty() || w->revision_status == "ACTIVE";
    if (!active) continue;
    int64_t& best = latest[key(w)];
    if (w->revision > best) best = w->revision;
  }
  for (Workload* w : workloads) {
    if (w->platform != Platform::kEcs || w->family.empty() || w->revision <= 0) continue;
    bool active = w->revision_status.empty() || w->revision_status == "ACTIVE";
    if (!active) {
      w->skipped_reason = "revision " + std::to_string(w->revision) + " is " + w->revision_status +
                          "; only the latest ACTIVE revision is judged";
      continue;
    }
    int64_t best = latest[key(w)];
    if (w->revision < best) {
      w->skipped_reason = "superseded by revision " + std::to_string(best);
    }
  }
}

}  // namespace rootlock
