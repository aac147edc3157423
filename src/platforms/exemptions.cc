#include "platforms/exemptions.h"

#include "base/text.h"

namespace rootlock {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool IsDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  int month = (d[5] - '0') * 10 + (d[6] - '0');
  int day = (d[8] - '0') * 10 + (d[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

Exemption Peer(const char* peer, std::string source, std::string reason, const Location& where) {
  Exemption e;
  e.rule = "read-only-root-fs";
  e.peer = peer;
  e.source = std::move(source);
  e.reason = std::move(reason);
  e.where = where;
  return e;
}

bool ListHas(std::string_view list, std::string_view item) {
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    std::string_view part = Trim(
        list.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    if (EqualsIgnoreCase(part, item)) return true;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

// The peers' suppressions of their own read-only root filesystem checks (and kube-linter's
// of its checks for no-secrets-in-env and no-privileged).
void PeerSuppression(const DocumentContext& ctx, const KeyValue& kv, const char* what,
                     std::vector<Exemption>* out) {
  Location at = Where(ctx, kv.at);
  std::string src = std::string(what) + " " + std::string(kv.key);
  std::string value(Trim(kv.value));
  if (kv.key == "ignore-check.kube-linter.io/no-read-only-root-fs" ||
      kv.key == "kube-linter.io/ignore-all") {
    out->push_back(Peer("kube-linter", src, value, at));
  } else if (kv.key == "ignore-check.kube-linter.io/env-var-secret" ||
             kv.key == "ignore-check.kube-linter.io/privileged-container") {
    // kube-linter's checks for the rules beside read-only: the check id is the rule's alias.
    Exemption e = Peer("kube-linter", src, value, at);
    e.rule = std::string(kv.key.substr(kv.key.find('/') + 1));
    out->push_back(std::move(e));
  } else if (kv.key == "polaris.fairwinds.com/notReadOnlyRootFilesystem-exempt" ||
             kv.key == "polaris.fairwinds.com/exempt") {
    if (EqualsIgnoreCase(value, "true")) out->push_back(Peer("Polaris", src, "", at));
  } else if (kv.key == "kube-score/ignore") {
    if (ListHas(value, "container-security-context-readonlyrootfilesystem") ||
        ListHas(value, "container-security-context")) {
      out->push_back(Peer("kube-score", src, "", at));
    }
  } else if (StartsWith(kv.key, "checkov.io/skip")) {
    // CKV_K8S_22=reason (Kubernetes) or CKV_AWS_336=reason (ECS).
    size_t eq = value.find('=');
    std::string id(Trim(std::string_view(value).substr(0, eq)));
    if (id == "CKV_K8S_22" || id == "CKV_AWS_336") {
      out->push_back(Peer("Checkov", src + " " + id,
                          eq == std::string::npos ? "" : std::string(Trim(value.substr(eq + 1))),
                          at));
    }
  } else if (kv.key == "kubescape.io/skip-controls" || kv.key == "kubescape.io/ignore") {
    if (ListHas(value, "C-0017")) out->push_back(Peer("Kubescape", src, "", at));
  }
}

// One `RULE[ until YYYY-MM-DD]: REASON`: a part of an exempt value, or a comment.
Exemption ParseOneExemption(std::string_view part, const std::string& source,
                            const Location& where) {
  Exemption e;
  e.source = source;
  e.where = where;
  size_t colon = part.find(':');
  std::string_view head = Trim(part.substr(0, colon));
  e.reason = colon == std::string_view::npos ? "" : std::string(Trim(part.substr(colon + 1)));
  size_t until = head.find(" until ");
  if (until != std::string_view::npos) {
    e.until = std::string(Trim(head.substr(until + 7)));
    head = Trim(head.substr(0, until));
    if (!IsDate(e.until))
      e.problem = "its expiry " + QuoteForMessage(e.until) + " is not a YYYY-MM-DD date";
  }
  e.rule = std::string(head);
  if (colon == std::string_view::npos) {
    e.problem = "it is not RULE: REASON";
  } else if (e.reason.empty() && e.problem.empty()) {
    e.problem = "it gives no reason";
  }
  return e;
}

}  // namespace

void ParseExemptValue(std::string_view value, const std::string& source, const Location& where,
                      std::vector<Exemption>* out) {
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t semi = value.find(';', pos);
    std::string_view part = Trim(
        value.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos));
    pos = semi == std::string_view::npos ? value.size() + 1 : semi + 1;
    if (!part.empty()) out->push_back(ParseOneExemption(part, source, where));
  }
}

std::vector<KeyValue> KeyValuesOf(const Node* map) {
  std::vector<KeyValue> out;
  if (!map || !map->IsMapping()) return out;
  for (size_t i = 0; i < map->MappingSize(); ++i) {
    const Node* v = map->ValueAt(i);
    if (v->IsScalar()) out.push_back(KeyValue{map->KeyAt(i)->Scalar(), v->value(), map->KeyAt(i)});
  }
  return out;
}

std::vector<KeyValue> TagListOf(const Node* list) {
  std::vector<KeyValue> out;
  if (!list || !list->IsSequence()) return out;
  for (const Node* t : list->children()) {
    if (!t->IsMapping()) continue;
    const Node* k = t->Get("key") ? t->Get("key") : t->Get("Key");
    const Node* v = t->Get("value") ? t->Get("value") : t->Get("Value");
    if (k && v) out.push_back(KeyValue{k->Scalar(), v->Scalar(), t});
  }
  return out;
}

void ExemptionsFromKeyValues(const DocumentContext& ctx, const std::vector<KeyValue>& pairs,
                             const char* what, std::vector<Exemption>* all,
                             std::vector<std::pair<std::string, Exemption>>* per_container) {
  for (const KeyValue& kv : pairs) {
    if (kv.key == kExemptKey) {
      ParseExemptValue(kv.value, std::string(what) + " " + std::string(kv.key), Where(ctx, kv.at),
                       all);
    } else if (StartsWith(kv.key, std::string(kExemptKey) + ".")) {
      std::string container(kv.key.substr(kExemptKey.size() + 1));
      std::vector<Exemption> parsed;
      ParseExemptValue(kv.value, std::string(what) + " " + std::string(kv.key), Where(ctx, kv.at),
                       &parsed);
      for (Exemption& e : parsed) per_container->emplace_back(container, std::move(e));
    } else {
      PeerSuppression(ctx, kv, what, all);
    }
  }
}

void CommentExemptions(const DocumentContext& ctx, uint32_t line, std::vector<Exemption>* out) {
  const std::vector<uint64_t>* starts = ctx.line_starts;
  if (!starts || line == 0 || line > starts->size()) return;
  auto line_text = [&](uint32_t l) {
    uint64_t b = (*starts)[l - 1];
    uint64_t e = l < starts->size() ? (*starts)[l] : ctx.text.size();
    std::string_view t = ctx.text.substr(b, e - b);
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.remove_suffix(1);
    return t;
  };
  auto parse = [&](std::string_view comment, uint32_t l) {
    Location at{ctx.file, l, 1, 0};
    if (size_t p = comment.find("rootlock:ignore"); p != std::string_view::npos) {
      // rootlock:ignore RULE[ until DATE] REASON
      std::string_view rest = Trim(comment.substr(p + 15));
      size_t sp = rest.find(' ');
      std::string rule(rest.substr(0, sp));
      std::string_view tail = sp == std::string_view::npos ? "" : Trim(rest.substr(sp + 1));
      std::string until;
      if (StartsWith(tail, "until ")) {
        tail = Trim(tail.substr(6));
        size_t sp2 = tail.find(' ');
        until = std::string(tail.substr(0, sp2));
        tail = sp2 == std::string_view::npos ? "" : Trim(tail.substr(sp2 + 1));
      }
      // One rule a comment: its REASON is the rest of the line, ';' and all.
      std::string value =
          rule + (until.empty() ? "" : " until " + until) + ": " + std::string(tail);
      out->push_back(ParseOneExemption(value, "comment # rootlock:ignore", at));
    } else if (size_t q = comment.find("checkov:skip="); q != std::string_view::npos) {
      std::string_view rest = Trim(comment.substr(q + 13));
      size_t colon = rest.find(':');
      std::string id(Trim(rest.substr(0, colon)));
      if (id == "CKV_AWS_336" || id == "CKV_K8S_22") {
        out->push_back(Peer(
            "Checkov", "comment # checkov:skip=" + id,
            colon == std::string_view::npos ? "" : std::string(Trim(rest.substr(colon + 1))), at));
      }
    }
  };
  // The line itself (a trailing comment), then the comment lines directly above it.
  std::string_view own = line_text(line);
  size_t hash = own.find('#');
  if (hash == std::string_view::npos) hash = own.find("//");
  if (hash != std::string_view::npos) parse(own.substr(hash), line);
  for (uint32_t l = line - 1; l >= 1; --l) {
    std::string_view t = Trim(line_text(l));
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.remove_suffix(1);
    if (!(StartsWith(t, "#") || StartsWith(t, "//"))) break;
    parse(t, l);
  }
}

std::vector<uint64_t> ExemptionCommentLines(std::string_view text) {
  std::vector<uint64_t> starts;
  if (text.find("rootlock:ignore") == std::string_view::npos &&
      text.find("checkov:skip") == std::string_view::npos) {
    return starts;
  }
  starts.push_back(0);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && i + 1 < text.size()) starts.push_back(i + 1);
  }
  return starts;
}

void AttachExemptions(const std::vector<Exemption>& all,
                      const std::vector<std::pair<std::string, Exemption>>& per_container,
                      Workload* w) {
  for (Container& c : w->containers) {
    for (const Exemption& e : all) c.exemptions.push_back(e);
    for (const auto& [name, e] : per_container) {
      if (name == c.name) c.exemptions.push_back(e);
    }
  }
}

}  // namespace rootlock
