#include "policy/config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "base/text.h"
#include "parse/reader.h"

namespace rootlock {

namespace {

class Reader {
 public:
  Reader(const std::string& file, Diagnostic* error) : file_(file), error_(error) {}

  bool Fail(const Node* at, std::string message) {
    error_->where = Location{file_, at ? at->start.line : 0, at ? at->start.column : 0};
    error_->message = std::move(message);
    return false;
  }
  // Every key of `m` must be one of `allowed`.
  bool Keys(const Node* m, const std::string& where, std::initializer_list<const char*> allowed) {
    if (!m->IsMapping()) return Fail(m, where + " must be a mapping");
    for (size_t i = 0; i < m->MappingSize(); ++i) {
      std::string_view k = m->KeyAt(i)->Scalar();
      bool ok = false;
      for (const char* a : allowed) ok |= k == a;
      if (!ok) {
        std::string list;
        for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return Fail(m->KeyAt(i), "unknown key " + QuoteForMessage(k) + " in " + where +
                                     " (expected " + list + ")");
      }
    }
    return true;
  }
  bool Bool(const Node* n, const std::string& what, bool* out) {
    BoolValue b = n->AsBool();
    if (b != BoolValue::kTrue && b != BoolValue::kFalse) {
      return Fail(n, what + " must be true or false, not " + QuoteForMessage(n->Scalar()));
    }
    *out = b == BoolValue::kTrue;
    return true;
  }
  bool Str(const Node* n, const std::string& what, std::string* out) {
    if (!n->IsScalar() || n->IsNull()) return Fail(n, what + " must be a string");
    *out = std::string(n->value());
    return true;
  }

 private:
  std::string file_;
  Diagnostic* error_;
};

bool ParseSeverity(std::string_view s, Severity* out) {
  std::string v = ToLower(s);
  if (v == "low") return *out = Severity::kLow, true;
  if (v == "medium") return *out = Severity::kMedium, true;
  if (v == "high") return *out = Severity::kHigh, true;
  if (v == "critical") return *out = Severity::kCritical, true;
  return false;
}

bool IsDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  return true;
}

std::string Canonical(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) ? std::string(buf) : path;
}

}  // namespace

bool ParseFailOn(std::string_view value, std::set<std::string, std::less<>>* rules,
                 std::optional<Severity>* severity) {
  Severity sev;
  if (ParseSeverity(value, &sev)) {
    if (!*severity || sev < **severity) *severity = sev;
    return true;
  }
  const RuleInfo* rule = FindRule(value);
  if (!rule) return false;
  rules->insert(rule->id);
  return true;
}

bool LoadConfig(const std::string& path, Config* out, Diagnostic* error) {
  std::string text;
  ParsedSource parsed;
  if (!ReadAndParse(path, InputFormat::kYaml, 1 << 20, &text, &parsed, error)) return false;
  out->file = path;
  size_t slash = Canonical(path).rfind('/');
  out->dir = slash == std::string::npos ? "." : Canonical(path).substr(0, slash);
  if (parsed.documents.empty() || parsed.documents[0].root->IsNull()) return true;
  Reader r(path, error);
  const Node* root = parsed.documents[0].root;
  if (!r.Keys(root, "the config",
              {"min_ratio", "strict", "allow_empty", "peer_exemptions", "rules", "fail_on",
               "databases", "exemptions", "secret_env_names"})) {
    return false;
  }
  if (const Node* n = root->Get("min_ratio")) {
    std::string v(n->Scalar());
    bool pct = !v.empty() && v.back() == '%';
    if (pct) v.pop_back();
    char* end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    pct |= d > 1;  // a number above 1 is a percentage: 80 means 80%
    if (v.empty() || *end || (pct ? d / 100 : d) < 0 || (pct ? d / 100 : d) > 1) {
      return r.Fail(n, "min_ratio must be a number from 0 to 1, or a percentage (80 or 80%)");
    }
    out->min_ratio = pct ? d / 100 : d;
  }
  bool b;
  if (const Node* n = root->Get("strict")) {
    if (!r.Bool(n, "strict", &b)) return false;
    out->strict = b;
  }
  if (const Node* n = root->Get("allow_empty")) {
    if (!r.Bool(n, "allow_empty", &b)) return false;
    out->allow_empty = b;
  }
  if (const Node* n = root->Get("peer_exemptions")) {
    if (!r.Bool(n, "peer_exemptions", &b)) return false;
    out->peer_exemptions = b;
  }
  if (const Node* list = root->Get("fail_on")) {
    std::vector<const Node*> items;
    if (list->IsSequence()) {
      for (const Node* item : list->children()) items.push_back(item);
    } else {
      items.push_back(list);
    }
    out->fail_on_set = true;
    for (const Node* item : items) {
      if (!item->IsScalar() ||
          !ParseFailOn(item->Scalar(), &out->fail_on, &out->fail_on_severity)) {
        return r.Fail(item,
                      "fail_on takes rule ids and severities (low, medium, high, critical), not " +
                          QuoteForMessage(item->Scalar()));
      }
    }
  }
  if (const Node* rules = root->Get("rules"); rules && rules->IsSequence()) {
    out->selected_rules.emplace();
    for (const Node* item : rules->children()) {
      const RuleInfo* rule = item->IsScalar() ? FindRule(item->Scalar()) : nullptr;
      if (!rule) return r.Fail(item, "no rule called " + QuoteForMessage(item->Scalar()));
      out->selected_rules->push_back(rule->id);
    }
  } else if (rules) {
    if (!rules->IsMapping()) {
      return r.Fail(rules, "rules must be a mapping of rule ids, or a list of the rules to run");
    }
    for (size_t i = 0; i < rules->MappingSize(); ++i) {
      const Node* key = rules->KeyAt(i);
      const RuleInfo* rule = FindRule(key->Scalar());
      if (!rule) return r.Fail(key, "no rule called " + QuoteForMessage(key->Scalar()));
      const Node* v = rules->ValueAt(i);
      std::string where = "rules." + std::string(key->Scalar());
      if (v->IsScalar()) {  // shorthand: `tmp-writable: off`
        if (!r.Bool(v, where, &b)) return false;
        if (!b) out->disabled_rules.push_back(rule->id);
        continue;
      }
      if (!r.Keys(v, where, {"enabled", "severity"})) return false;
      if (const Node* e = v->Get("enabled")) {
        if (!r.Bool(e, where + ".enabled", &b)) return false;
        if (!b) out->disabled_rules.push_back(rule->id);
      }
      if (const Node* s = v->Get("severity")) {
        Severity sev;
        if (!ParseSeverity(s->Scalar(), &sev)) {
          return r.Fail(s, where + ".severity must be low, medium, high or critical");
        }
        out->severities.emplace_back(rule->id, sev);
      }
    }
  }
  if (const Node* dbs = root->Get("databases")) {
    const Node* extra = dbs;
    if (dbs->IsMapping()) {
      if (!r.Keys(dbs, "databases", {"builtin", "extra"})) return false;
      if (const Node* bi = dbs->Get("builtin")) {
        if (!r.Bool(bi, "databases.builtin", &b)) return false;
        out->builtin_databases = b;
      }
      extra = dbs->Get("extra");
    }
    if (extra) {
      if (!extra->IsSequence()) return r.Fail(extra, "databases.extra must be a list of images");
      for (const Node* img : extra->children()) {
        std::string s;
        if (!r.Str(img, "a database image", &s)) return false;
        out->extra_databases.push_back(s);
      }
    }
  }
  if (const Node* names = root->Get("secret_env_names")) {
    if (!names->IsSequence()) {
      return r.Fail(names, "secret_env_names must be a list of environment variable names");
    }
    for (const Node* item : names->children()) {
      std::string s;
      if (!r.Str(item, "an environment variable name", &s)) return false;
      if (s.empty() || s.find('=') != std::string::npos) {
        return r.Fail(item, "an environment variable name cannot be empty or hold '='");
      }
      out->secret_env_names.push_back(s);
    }
  }
  if (const Node* list = root->Get("exemptions")) {
    if (!list->IsSequence()) return r.Fail(list, "exemptions must be a list");
    for (const Node* item : list->children()) {
      if (!r.Keys(item, "an exemption",
                  {"rule", "reason", "until", "path", "namespace", "kind", "name", "container",
                   "image"})) {
        return false;
      }
      ConfigExemption e;
      e.where = Location{path, item->start.line, item->start.column};
      struct Field {
        const char* key;
        std::string* into;
      } fields[] = {{"rule", &e.rule}, {"reason", &e.reason},        {"until", &e.until},
                    {"path", &e.path}, {"namespace", &e.namespace_}, {"kind", &e.kind},
                    {"name", &e.name}, {"container", &e.container},  {"image", &e.image}};
      for (const Field& f : fields) {
        if (const Node* n = item->Get(f.key)) {
          if (!r.Str(n, std::string("exemption ") + f.key, f.into)) return false;
        }
      }
      if (e.reason.empty()) {
        return r.Fail(item, "an exemption needs a reason (why may this container write its root?)");
      }
      if (e.rule != "*" && !FindRule(e.rule)) {
        return r.Fail(item->Get("rule"), "no rule called " + QuoteForMessage(e.rule));
      }
      if (!e.until.empty() && !IsDate(e.until)) {
        return r.Fail(item->Get("until"), "until must be a YYYY-MM-DD date");
      }
      if (e.path.empty() && e.namespace_.empty() && e.kind.empty() && e.name.empty() &&
          e.container.empty() && e.image.empty()) {
        return r.Fail(item,
                      "an exemption must say what it matches (path, namespace, kind, name, "
                      "container or image)");
      }
      out->exemptions.push_back(std::move(e));
    }
  }
  return true;
}

std::string FindConfig(const std::string& path) {
  std::string dir = path == "-" || path.empty() ? "." : path;
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    size_t slash = dir.rfind('/');
    dir = slash == std::string::npos ? "." : dir.substr(0, slash == 0 ? 1 : slash);
  }
  dir = Canonical(dir);
  while (true) {
    for (const char* name : {"/.rootlock.yaml", "/.rootlock.yml"}) {
      std::string candidate = (dir == "/" ? "" : dir) + name;
      if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return candidate;
    }
    if (dir == "/" || dir.empty()) return "";
    size_t slash = dir.rfind('/');
    dir = slash == 0 ? "/" : dir.substr(0, slash);
  }
}

bool GlobMatch(std::string_view p, std::string_view t, bool paths) {
  // Iterative matching with backtracking for * (and ** across folders).
  size_t pi = 0, ti = 0, star_p = std::string_view::npos, star_t = 0;
  bool star_crosses = false;
  while (ti < t.size()) {
    if (pi + 1 < p.size() && p[pi] == '*' && p[pi + 1] == '*' && paths) {
      star_p = pi += 2;
      if (pi < p.size() && p[pi] == '/') star_p = ++pi;
      star_t = ti;
      star_crosses = true;
      continue;
    }
    if (pi < p.size() && p[pi] == '*') {
      star_p = ++pi;
      star_t = ti;
      star_crosses = !paths;
      continue;
    }
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti]) &&
        !(paths && p[pi] == '?' && t[ti] == '/')) {
      ++pi, ++ti;
      continue;
    }
    if (star_p != std::string_view::npos && (star_crosses || t[star_t] != '/')) {
      pi = star_p;
      ti = ++star_t;
      continue;
    }
    return false;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

void ApplyConfigExemptions(const Config& config, Workload* w) {
  if (config.exemptions.empty()) return;
  for (Container& c : w->containers) {
    std::string file = c.where.file.empty() ? w->where.file : c.where.file;
    std::string canonical = Canonical(file);
    std::string rel =
        StartsWith(canonical, config.dir + "/") ? canonical.substr(config.dir.size() + 1) : file;
    for (const ConfigExemption& e : config.exemptions) {
      if (!e.path.empty() && !GlobMatch(e.path, rel, true)) continue;
      if (!e.namespace_.empty() && e.namespace_ != w->namespace_) continue;
      if (!e.kind.empty() && !EqualsIgnoreCase(e.kind, w->kind)) continue;
      if (!e.name.empty() && !GlobMatch(e.name, w->name, false)) continue;
      if (!e.container.empty() && !GlobMatch(e.container, c.name, false)) continue;
      if (!e.image.empty() && !GlobMatch(e.image, c.image, false)) continue;
      Exemption x;
      x.rule = e.rule;
      x.reason = e.reason;
      x.until = e.until;
      x.source = "config exemption";
      x.where = e.where;
      c.exemptions.push_back(std::move(x));
    }
  }
}

}  // namespace rootlock
