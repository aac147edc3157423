// The compose renderer: a remedy written into a service as read_only and tmpfs.
#include "base/text.h"
#include "fix/fixer.h"

namespace rootlock::fixing {

void FixCompose(Fixer& f, const Workload& w, const Container& c, const Need& need) {
  const Node* services = f.root()->Get("services");
  const Node* service = nullptr;
  for (size_t i = 0; services && i < services->MappingSize(); ++i) {
    if (services->KeyAt(i)->start.offset == c.where.offset) service = services->ValueAt(i);
  }
  std::string who = w.display;
  if (!service || !service->IsMapping() || !TreeEditor::Within(service, f.root())) {
    f.LeaveAlone(c.where, who, "the service is not a mapping written here");
    return;
  }
  // A value written with ${VAR} is left alone whatever this machine's
  // environment or .env makes of it, even when it reads true here and only
  // /tmp is missing: the edit must not depend on the machine.
  const std::string& from = c.read_only_root.interpolated_from;
  if (c.read_only_root.value == Flag::kUnresolved || !from.empty()) {
    std::string by = c.read_only_root.detail.find("${") != std::string::npos || from.empty()
                         ? c.read_only_root.detail
                         : "set by " + QuoteForMessage(from);
    f.LeaveAlone(c.where, who,
                 "read_only is " + by +
                     "; rootlock fix does not rewrite what an interpolated variable sets");
    return;
  }
  if (need.flag) {
    if (!f.SetFlag(service, "read_only", who, c.where)) return;
  }
  if (!need.paths.empty()) {
    const Node* key = nullptr;
    const Node* tmpfs = service->Get("tmpfs", &key);
    std::vector<Value> items;
    for (const std::string& p : need.paths) items.push_back(Value::Str(p));
    if (tmpfs && TreeEditor::Within(key, service) && tmpfs->IsSequence()) {
      for (const Value& item : items) f.editor().AppendItem(tmpfs, item);
    } else if (tmpfs && TreeEditor::Within(key, service) && tmpfs->IsScalar()) {
      // `tmpfs: /run` keeps its path; an empty `tmpfs:` (null) has none to keep.
      if (!tmpfs->IsNull()) items.insert(items.begin(), Value::Str(std::string(tmpfs->value())));
      f.editor().Replace(tmpfs, Value::List(items));
    } else {
      f.editor().InsertMember(service, "tmpfs", Value::List(items));
    }
    f.out().mounts_added += static_cast<int>(need.paths.size());
  }
  ++f.out().containers_fixed;
}

}  // namespace rootlock::fixing
