#include "fix/fix.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <set>

#include "base/json_writer.h"
#include "base/test_hooks.h"
#include "base/text.h"
#include "fix/fixer.h"
#include "fix/hcl_align.h"
#include "fix/tree_edit.h"
#include "platforms/adapter.h"
#include "rules/rules.h"

namespace rootlock {
namespace fixing {

namespace {

// Below this many children a collection is searched in order, not indexed.
constexpr size_t kIndexFrom = 32;

// The renderer of each platform, indexed by Platform; nullptr where fix cannot
// edit the source at all, with the reason beside it.
struct PlatformFix {
  RenderFn render;
  const char* cannot;
};
constexpr PlatformFix kPlatformFix[] = {
    {FixKubernetes, nullptr},  // Platform::kKubernetes
    {FixEcs, nullptr},         // Platform::kEcs
    {nullptr,
     "a container's inspect output cannot be edited: re-create it with --read-only "
     "and --tmpfs (rootlock docker prints the command)"},  // Platform::kDocker
    {FixCompose, nullptr},                                 // Platform::kCompose
};
static_assert(std::size(kPlatformFix) == static_cast<size_t>(Platform::kCompose) + 1,
              "one entry per Platform");

}  // namespace

Need Need::Of(const Remedy& r) {
  Need need;
  for (const Change& c : r.changes) {
    switch (c.kind) {
      case Change::Kind::kSetFlag:
        if (c.setting == Setting::kReadOnlyRoot) need.flag = true;
        break;
      case Change::Kind::kAddWritableMount:
        need.paths.push_back(c.path);
        break;
      case Change::Kind::kClearFlag:
        if (c.setting == Setting::kPrivileged) need.unprivileged = true;
        break;
      case Change::Kind::kSetText:
        if (c.setting == Setting::kUser) need.user = c.path;
        if (c.setting == Setting::kLogDriver) {
          need.log_driver = c.path;
          need.log_options = c.options;
        }
        break;
    }
  }
  return need;
}

std::vector<Value::Member> RunAsMembers(const Need& need) {
  std::vector<Value::Member> out = {{"runAsNonRoot", Value::Bool(true)},
                                    {"runAsUser", Value::Number(need.Uid())}};
  if (!need.Gid().empty()) out.push_back({"runAsGroup", Value::Number(need.Gid())});
  return out;
}

// A volume name for a path: /var/cache/nginx -> var-cache-nginx.
std::string Slug(std::string_view path) {
  std::string out;
  for (char c : path) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a'), keep = true;
    if (keep) {
      out += c;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "scratch" : out.substr(0, 60);
}

bool FindPath(const Node* root, uint64_t offset, uint32_t line, std::vector<const Node*>* path) {
  return PathFinder().Find(root, offset, line, path);
}

bool PathFinder::Find(const Node* root, uint64_t offset, uint32_t line,
                      std::vector<const Node*>* path) {
  return From(root, offset, line, path, 0);
}

const PathFinder::Index& PathFinder::IndexOf(const Node* n) {
  auto [it, added] = index_.try_emplace(n);
  Index& index = it->second;
  if (!added) return index;
  size_t stride = n->IsMapping() ? 2 : 1;
  size_t first = n->IsMapping() ? 1 : 0;
  std::vector<size_t> order;
  for (size_t i = first; i < n->children().size(); i += stride) {
    const Node* child = n->children()[i];
    if (!child->IsScalar() && TreeEditor::Within(child, n)) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return n->children()[x]->start.offset < n->children()[y]->start.offset;
  });
  uint64_t furthest = 0;
  for (size_t i : order) {
    const Node* child = n->children()[i];
    furthest = std::max<uint64_t>(furthest, child->end.offset);
    index.starts.push_back(child->start.offset);
    index.ends.push_back(child->end.offset);
    index.max_end.push_back(furthest);
    index.child.push_back(i);
  }
  return index;
}

// A child can hold (offset, line) only if it starts there, or starts before it
// and ends after it: the same children, in the same order, as a plain search tries.
bool PathFinder::From(const Node* n, uint64_t offset, uint32_t line, std::vector<const Node*>* path,
                      int depth) {
  if (depth > 600) return false;
  path->push_back(n);
  if (!n->IsScalar() && n->start.offset == offset && n->start.line == line) return true;
  if (!n->IsScalar() && n->start.offset <= offset && offset < n->end.offset) {
    size_t stride = n->IsMapping() ? 2 : 1;
    size_t first = n->IsMapping() ? 1 : 0;
    if (n->children().size() < kIndexFrom * stride) {
      for (size_t i = first; i < n->children().size(); i += stride) {
        const Node* child = n->children()[i];
        if (!TreeEditor::Within(child, n)) continue;
        if (From(child, offset, line, path, depth + 1)) return true;
      }
    } else {
      const Index& index = IndexOf(n);
      size_t hi =
          static_cast<size_t>(std::upper_bound(index.starts.begin(), index.starts.end(), offset) -
                              index.starts.begin());
      std::vector<size_t> candidates;
      for (size_t k = hi; k-- > 0;) {
        if (index.starts[k] < offset && index.max_end[k] <= offset) break;
        if (index.starts[k] == offset || index.ends[k] > offset) {
          candidates.push_back(index.child[k]);
        }
      }
      std::sort(candidates.begin(), candidates.end());
      for (size_t i : candidates) {
        if (From(n->children()[i], offset, line, path, depth + 1)) return true;
      }
    }
  }
  path->pop_back();
  return false;
}

namespace {

// The rule whose remedy changes `setting` (kReadOnlyRoot: read-only-root-fs, and
// tmp-writable beside it).
const RuleInfo& RuleOf(Setting setting) {
  switch (setting) {
    case Setting::kReadOnlyRoot:
      break;
    case Setting::kPrivileged:
      return Rule(RuleId::kNoPrivileged);
    case Setting::kUser:
      return Rule(RuleId::kRunAsNonRoot);
    case Setting::kLogDriver:
      return Rule(RuleId::kLoggingEnabled);
  }
  return Rule(RuleId::kReadOnlyRootFs);
}

// How fix names a container: "Deployment 'web' container 'app'", or the workload alone
// when it is one container ("Service 'web'").
std::string Who(const Workload& w, const Container& c) {
  return w.single_container ? w.display : w.display + " " + ContainerPhrase(c);
}

// The failures fix has no remedy for (no-host-pid, no-secrets-in-env; run-as-non-root
// without --user, logging-enabled without --log-driver): each is said once, with the
// platform's remedy (for no-secrets-in-env, the Secrets Manager / SSM secrets
// replacement) and what fix would need, and is not expected to pass in the re-scan.
void NoteUnwritten(const Workload& w, const Container& c, const RuleOptions& rules, FileFix* out) {
  std::vector<Finding> verdicts;
  JudgeContainer(w, c, rules, &verdicts);
  for (const Finding& v : verdicts) {
    if (v.status != Status::kFail || !v.remedy.changes.empty() || IsReadOnlyRule(*v.rule) ||
        rules.disabled.count(v.rule->id)) {
      continue;
    }
    std::string why = !v.rule->fixable ? std::string("fix does not write it")
                      : v.rule->fix_needs
                          ? std::string("fix writes it when given ") + v.rule->fix_needs
                          : std::string("fix has no remedy for this value");
    Diagnostic d;
    d.where = v.where;
    d.message = Who(w, c) + ": left alone for " + v.rule->id + " (" + why +
                "): " + v.rule->remediation[static_cast<size_t>(w.platform)];
    out->notes.push_back(std::move(d));
  }
}

}  // namespace

void Fixer::Wrote(const Workload& w, const Container& c, Setting setting) {
  std::set<const RuleInfo*>& rules = expect_[{w.resource, ContainerId(c)}];
  rules.insert(&RuleOf(setting));
  if (setting == Setting::kReadOnlyRoot) rules.insert(&Rule(RuleId::kTmpWritable));
}

void Fixer::LeftAloneFor(const Workload& w, const Container& c, Setting setting,
                         const std::string& why) {
  Diagnostic d;
  d.where = c.where;
  d.message = Who(w, c) + ": left alone for " + RuleOf(setting).id + ": " + why;
  out_->notes.push_back(std::move(d));
}

void Fixer::LeaveAlone(const Location& where, const std::string& who, const std::string& why) {
  Diagnostic d;
  d.where = where;
  d.message = who + ": left alone: " + why;
  out_->left_alone.push_back(std::move(d));
}

void Fixer::FixedInPart(const Workload& w, const Container& c, const std::string& who,
                        const std::string& rest) {
  // What is left undone is not proven by the re-scan: only the gating rules are.
  flag_only_.insert({w.resource, ContainerId(c)});
  Wrote(w, c, Setting::kReadOnlyRoot);
  Diagnostic d;
  d.where = c.where;
  d.message = who + ": fixed in part: " + rest;
  out_->notes.push_back(std::move(d));
}

Syntax Fixer::SyntaxOf() const {
  return format_ == InputFormat::kJson  ? Syntax::kJson
         : format_ == InputFormat::kHcl ? Syntax::kHcl
                                        : Syntax::kYaml;
}

bool Fixer::Find(const Container& c, std::vector<const Node*>* path) {
  path->clear();
  return finder_.Find(root_, c.where.offset, c.where.line, path) && path->back()->IsMapping();
}

bool Fixer::Locate(const Workload& w, const Container& c, std::vector<const Node*>* path) {
  if (Find(c, path)) return true;
  LeaveAlone(c.where, w.display + " " + ContainerPhrase(c),
             "its definition is text inside a string or heredoc, or a file() call; "
             "rootlock fix edits YAML, JSON and jsonencode(...) directly");
  return false;
}

void Fixer::DeclareVolumesIn(const Node* owner, const Node* list, VolumeStyle style,
                             const std::string& key, const std::string& name_key) {
  PendingVolumes& p = pending_[owner];
  p.owner = owner;
  p.list = list;
  p.style = style;
  p.key = key;
  p.name_key = name_key;
}

Value Fixer::PendingVolumes::Volume(const std::string& name) const {
  if (style == VolumeStyle::kEmptyDir) {
    return Value::Map({{"name", Value::Str(name)}, {"emptyDir", Value::Map({})}});
  }
  return Value::Map({{name_key, Value::Str(name)}});
}

std::string Fixer::Unsettable(const Node* m, const std::string& key) {
  const Node* key_node = nullptr;
  const Node* value = m->Get(key, &key_node);
  if (!value || !TreeEditor::Within(key_node, m)) return "";
  if (value->tag().empty() && value->IsScalar() && TreeEditor::Within(value, m)) return "";
  std::string by = value->tag() == "!expr" ? "the expression " + QuoteForMessage(value->value())
                   : !value->tag().empty()
                       ? std::string(value->tag()) + " " + std::string(value->Scalar())
                       : std::string("an alias or a function");
  return key + " is set by " + by + " at line " + std::to_string(key_node->start.line) +
         "; rootlock fix does not rewrite what a template, variable or intrinsic sets: change "
         "it at its source";
}

void Fixer::SetValue(const Node* m, const std::string& key, const Value& value,
                     TreeEditor* editor) {
  if (!editor) editor = editor_.get();
  const Node* key_node = nullptr;
  const Node* written = m->Get(key, &key_node);
  if (written && TreeEditor::Within(key_node, m)) {
    editor->Replace(written, value);
  } else {
    editor->InsertMember(m, key, value);
  }
}

bool Fixer::SetFlag(const Node* m, const std::string& key, const std::string& who,
                    const Location& at, TreeEditor* editor) {
  if (std::string why = Unsettable(m, key); !why.empty()) {
    LeaveAlone(at, who, why);
    return false;
  }
  SetValue(m, key, Value::Bool(true), editor);
  return true;
}

std::string VolumeNames::Pick(const Workload& w, const Node* volumes, const std::string& name_key,
                              const std::string& path, bool* is_new) {
  std::string base = Slug(path);
  std::set<std::string> taken;
  for (const Container& other : w.containers) {
    for (const Mount& m : other.mounts) taken.insert(m.source);
  }
  if (volumes && volumes->IsSequence()) {
    for (const Node* v : volumes->children()) {
      const Node* n = v->IsMapping() ? v->Get(name_key) : nullptr;
      if (!n) continue;
      std::string vname(n->Scalar());
      // An existing scratch volume of that name is reused as it is.
      bool scratch = v->Get("emptyDir") || (v->MappingSize() == 1);
      if (vname == base && scratch) {
        *is_new = false;
        return vname;
      }
      taken.insert(vname);
    }
  }
  if (auto it = picked.find(base); it != picked.end()) {
    *is_new = false;  // another container of this task or pod already got one
    return it->second;
  }
  for (const std::string& a : added) taken.insert(a);
  std::string pick = base;
  for (int i = 2; taken.count(pick); ++i) pick = base + "-" + std::to_string(i);
  *is_new = true;
  added.push_back(pick);
  picked[base] = pick;
  return pick;
}

std::string Fixer::PickVolume(const Workload& w, const Node* owner, const Node* volumes,
                              const std::string& name_key, const std::string& path, bool* is_new) {
  return pending_[owner].names.Pick(w, volumes, name_key, path, is_new);
}

void Fixer::Run() {
  ParsedSource parsed = ReadSource(name_, text_, format_, options_.scan.limits);
  if (parsed.has_error) {
    out_->error = "not fixed: it does not parse (" + parsed.error.ToString() + ")";
    return;
  }
  format_ = parsed.format;
  // One document at a time: each has its own tree root to edit against.
  std::vector<Workload> workloads;
  std::vector<const Node*> roots;
  ExtractAll(name_, text_, parsed, options_.scan, &workloads, &roots);
  std::vector<Workload*> all;
  for (Workload& w : workloads) {
    ApplyConfig(options_.scan, &w);  // the config's exemptions count: exempt means untouched
    all.push_back(&w);
  }
  ResolveAcrossSources(all);

  editor_ = std::make_unique<TreeEditor>(text_, SyntaxOf());
  const Node* learned = nullptr;
  for (size_t wi = 0; wi < workloads.size(); ++wi) {
    const Workload& w = workloads[wi];
    root_ = roots[wi];
    if (root_ != learned) editor_->LearnStyle(learned = root_);
    for (const Container& c : w.containers) {
      // Passing, n/a, skipped: never touched.
      bool gating = false;
      if (w.judged_as.empty()) NoteUnwritten(w, c, options_.scan.rules, out_);
      Remedy remedy = ContainerRemedy(w, c, options_.scan.rules, &gating);
      if (remedy.empty()) continue;
      size_t alone_before = out_->left_alone.size();
      FixContainer(w, c, remedy);
      // Left alone while it still fails a gating rule: what makes fix exit 1.
      if (gating && out_->left_alone.size() > alone_before) ++out_->left_alone_failing;
    }
  }
  DeclareVolumes();
  MergeEmbedded();
  if (editor_->edits().empty()) {
    out_->after = std::string(text_);
    return;
  }
  std::string fixed, error;
  std::vector<std::pair<uint64_t, uint64_t>> written;
  if (!ApplyEdits(text_, editor_->edits(), &fixed, &error, &written)) {
    out_->error = "internal error: " + error + "; file left unchanged";
    out_->after = std::string(text_);
    return;
  }
  // terraform fmt aligns the `=` of neighbouring attributes: so do the lines written here.
  if (format_ == InputFormat::kHcl) fixed = AlignHclAssignments(fixed, written);
  if (std::string broken = Prove(fixed); !broken.empty()) {
    out_->error = "internal error: the fix did not hold (" + broken + "); file left unchanged";
    out_->after = std::string(text_);
    out_->containers_fixed = out_->mounts_added = 0;
    return;
  }
  out_->after = std::move(fixed);
}

void Fixer::FixContainer(const Workload& w, const Container& c, const Remedy& remedy) {
  std::string who = Who(w, c);
  const PlatformFix& platform = kPlatformFix[static_cast<size_t>(w.platform)];
  Need need = Need::Of(remedy);
  if (!need.Any() && remedy.blocked.empty()) return;
  if (!platform.render) {
    if (need.ReadOnly() || !remedy.blocked.empty())
      return LeaveAlone(c.where, who, platform.cannot);
    return LeaveAlone(c.where, who,
                      "a container's inspect output cannot be edited: re-create it as the "
                      "report's remedy says");
  }
  if (c.where.file != name_) {
    return LeaveAlone(c.where, who, "it is declared in another file; fix that file");
  }
  if (!remedy.blocked.empty()) {
    // The read-only part cannot be written as it stands; the other rules' changes can.
    LeaveAlone(c.where, who, remedy.blocked);
    need.flag = false;
    need.paths.clear();
    if (!need.Any()) return;
  }
  auto id = std::make_pair(w.resource, ContainerId(c));
  size_t wrote_before = expect_.count(id) ? expect_[id].size() : 0;
  platform.render(*this, w, c, need);
  if (expect_.count(id) && expect_[id].size() > wrote_before) ++out_->containers_fixed;
}

// Volumes, after every container edit (an insertion at the same place must follow them).
void Fixer::DeclareVolumes() {
  for (auto& [owner, p] : pending_) {
    if (p.names.added.empty()) continue;
    if (p.style == VolumeStyle::kHclBlock) {
      for (const std::string& vol : p.names.added) {
        editor_->InsertHclBlock(owner, "volume", Value::Map({{"name", Value::Str(vol)}}));
      }
    } else if (p.list) {
      for (const std::string& vol : p.names.added) editor_->AppendItem(p.list, p.Volume(vol));
    } else {
      std::vector<Value> items;
      for (const std::string& vol : p.names.added) items.push_back(p.Volume(vol));
      editor_->InsertMember(owner, p.key, Value::List(items));
    }
  }
}

// Proves a fix: the fixed text parses, and every container touched now passes
// every rule. What does not hold, or "".
std::string Fixer::Prove(const std::string& fixed) {
  SourceOutcome again;
  ScanText(name_, fixed, format_, options_.scan, &again);
  std::string broken;
  if (!again.errors.empty()) broken = again.errors[0].ToString();
  for (const Finding& f : again.findings) {
    auto it = expect_.find({f.resource, f.container});
    bool expected =
        it != expect_.end() && it->second.count(f.rule) &&
        !(flag_only_.count({f.resource, f.container}) && f.rule == &Rule(RuleId::kTmpWritable));
    if (expected && f.status != Status::kPass && broken.empty()) {
      broken = f.message + " still fails " + f.rule->id + " (" + f.reason + ")";
    }
  }
  return broken;
}

}  // namespace fixing

FileFix FixText(const std::string& name, std::string_view text, InputFormat format,
                const FixOptions& options) {
  FileFix out;
  out.file = name;
  out.before = std::string(text);
  out.after = out.before;
  // fix --writable: every remedy makes those paths writable too.
  FixOptions with_writable = options;
  for (const std::string& p : options.writable) with_writable.scan.rules.writable.push_back(p);
  fixing::Fixer(name, text, format, with_writable, &out).Run();
  return out;
}

namespace {

void WriteNode(JsonWriter* w, const Node* n) {
  if (n->IsMapping()) {
    w->BeginObject();
    for (size_t i = 0; i < n->MappingSize(); ++i) {
      w->Key(n->KeyAt(i)->Scalar());
      WriteNode(w, n->ValueAt(i));
    }
    w->EndObject();
  } else if (n->IsSequence()) {
    w->BeginArray();
    for (const Node* item : n->children()) WriteNode(w, item);
    w->EndArray();
  } else if (n->scalar_style == ScalarStyle::kPlain) {
    w->Raw(n->value());  // true, false, null and numbers, as the JSON wrote them
  } else {
    w->String(n->value());
  }
}

}  // namespace

std::string RegisterReadyJson(std::string_view text) {
  ParsedSource parsed = ReadJson("register", text);
  if (parsed.has_error || parsed.documents.empty()) return "";
  const Node* root = parsed.documents[0].root;
  if (root->IsSequence()) {
    // An array of describe outputs: the latest ACTIVE revision is the one to register.
    const Node* best = nullptr;
    long best_rev = -1;
    for (const Node* item : root->children()) {
      const Node* t = item->IsMapping() ? item->Get("taskDefinition") : nullptr;
      if (!t || !t->IsMapping()) continue;
      const Node* st = t->Get("status");
      if (st && st->Scalar() != "ACTIVE") continue;
      const Node* rev = t->Get("revision");
      long r = rev ? std::strtol(std::string(rev->Scalar()).c_str(), nullptr, 10) : 0;
      if (r > best_rev) best = item, best_rev = r;
    }
    if (!best) return "";
    root = best;
  }
  const Node* td = root->IsMapping() ? root->Get("taskDefinition") : nullptr;
  if (!td || !td->IsMapping()) return "";
  static const std::set<std::string_view> kOutputOnly = {
      "taskDefinitionArn",  "revision",        "status",
      "requiresAttributes", "compatibilities", "registeredAt",
      "registeredBy",       "deregisteredAt",  "deleteRequestedAt"};
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  for (size_t i = 0; i < td->MappingSize(); ++i) {
    std::string_view key = td->KeyAt(i)->Scalar();
    if (kOutputOnly.count(key)) continue;
    w.Key(key);
    WriteNode(&w, td->ValueAt(i));
  }
  if (const Node* tags = root->Get("tags");
      tags && tags->IsSequence() && !tags->children().empty()) {
    w.Key("tags");
    WriteNode(&w, tags);
  }
  w.EndObject();
  return out + "\n";
}

}  // namespace rootlock
