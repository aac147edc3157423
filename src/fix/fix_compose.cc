// The compose renderer: a remedy written into a service as read_only and tmpfs.
#include "base/text.h"
#include "fix/fixer.h"

namespace rootlock::fixing {

namespace {

// Why fix cannot write `key` of the service: set by an interpolated variable, a
// merge or an alias; "" when it can.
std::string Unwritable(const Node* service, const std::string& key, const std::string& from) {
  const Node* key_node = nullptr;
  const Node* v = service->Get(key, &key_node);
  if (!from.empty() || (v && v->IsScalar() && v->value().find("${") != std::string::npos)) {
    return key + " is set by " + QuoteForMessage(from.empty() ? std::string(v->value()) : from) +
           "; rootlock fix does not rewrite what an interpolated variable sets";
  }
  return Fixer::Unsettable(service, key);
}

// read_only: true and tmpfs; false when the service is left alone.
bool ReadOnly(Fixer& f, const Workload& w, const Container& c, const Node* service,
              const Need& need) {
  std::string who = w.display;
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
    return false;
  }
  if (need.flag) {
    if (!f.SetFlag(service, "read_only", who, c.where)) return false;
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
  f.Wrote(w, c, Setting::kReadOnlyRoot);
  return true;
}

// logging: driver (fix --log-driver) with its options, in the service's own logging
// mapping when it has one (the options it names already are kept).
void SetLogging(Fixer& f, const Workload& w, const Container& c, const Node* service,
                const Need& need) {
  const Node* key = nullptr;
  const Node* logging = service->Get("logging", &key);
  std::vector<Value::Member> options;
  for (const auto& [k, v] : need.log_options) {
    // ECS's agent reads awslogs-stream-prefix; Docker's awslogs driver refuses it.
    if (k != "awslogs-stream-prefix") options.push_back({k, Value::Str(v)});
  }
  if (!logging || (logging->IsNull() && TreeEditor::Within(logging, service) &&
                   logging->end.offset > logging->start.offset)) {
    Value conf = Value::Map({{"driver", Value::Str(need.log_driver)}});
    if (!options.empty()) conf.map.push_back({"options", Value::Map(options)});
    logging ? f.editor().Replace(logging, conf) : f.editor().InsertMember(service, "logging", conf);
    f.Wrote(w, c, Setting::kLogDriver);
    return;
  }
  if (!TreeEditor::Within(key, service) || !logging->IsMapping() ||
      !TreeEditor::Within(logging, service)) {
    f.LeftAloneFor(w, c, Setting::kLogDriver,
                   "its logging is not a mapping written in the service; set logging.driver "
                   "there");
    return;
  }
  std::string why = Unwritable(logging, "driver", c.log_driver.interpolated_from);
  const Node* opts_key = nullptr;
  const Node* opts = logging->Get("options", &opts_key);
  bool opts_here = opts && TreeEditor::Within(opts_key, logging);
  if (why.empty() && opts_here && !options.empty() &&
      (!opts->IsMapping() || !TreeEditor::Within(opts, logging))) {
    why = "its logging.options are not a mapping written here";
  }
  if (!why.empty()) {
    f.LeftAloneFor(w, c, Setting::kLogDriver, why);
    return;
  }
  f.SetValue(logging, "driver", Value::Str(need.log_driver));
  if (opts_here && !options.empty()) {
    for (const Value::Member& m : options) {
      if (!opts->Get(m.first)) f.editor().InsertMember(opts, m.first, m.second);
    }
  } else if (!options.empty()) {
    f.editor().InsertMember(logging, "options", Value::Map(options));
  }
  f.Wrote(w, c, Setting::kLogDriver);
}

}  // namespace

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
  if (need.ReadOnly() && !ReadOnly(f, w, c, service, need)) return;
  // The rules beside read-only, each on its own: one left alone leaves the others.
  if (need.unprivileged) {
    if (std::string why = Unwritable(service, "privileged", c.privileged.interpolated_from);
        !why.empty()) {
      f.LeftAloneFor(w, c, Setting::kPrivileged, why);
    } else {
      f.SetValue(service, "privileged", Value::Bool(false));
      f.Wrote(w, c, Setting::kPrivileged);
    }
  }
  if (!need.user.empty()) {
    if (std::string why = Unwritable(service, "user", c.user.interpolated_from); !why.empty()) {
      f.LeftAloneFor(w, c, Setting::kUser, why);
    } else {
      f.SetValue(service, "user", Value::Str(need.user));
      f.Wrote(w, c, Setting::kUser);
    }
  }
  if (!need.log_driver.empty()) SetLogging(f, w, c, service, need);
}

}  // namespace rootlock::fixing
