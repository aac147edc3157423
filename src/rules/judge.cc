// What every rule shares: a finding's identity, the subject's name, exemptions.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "base/text.h"
#include "rules/rule.h"
#include "rules/rules.h"

namespace rootlock {

const Finding& RuleContext::Verdict(const RuleInfo& rule) const {
  for (const Finding& f : earlier) {
    if (f.rule == &rule) return f;
  }
  std::abort();  // REQUIRES: `rule` comes before the asking rule in rules.def
}

Finding NewFinding(const RuleInfo& rule, const RuleContext& ctx) {
  const Workload& w = ctx.workload;
  const Container& c = ctx.container;
  const RuleOptions& options = ctx.options;
  Finding f;
  f.rule = &rule;
  auto sev = options.severity.find(rule.id);
  f.severity = sev != options.severity.end() ? sev->second : rule.severity;
  f.platform = w.platform;
  f.kind = w.kind;
  f.api_version = w.api_version;
  f.name = w.name;
  f.namespace_ = w.namespace_;
  f.resource = w.resource;
  f.region = w.region;
  f.container = ContainerId(c);
  f.image = c.image;
  f.where = c.where;
  return f;
}

std::string Subject(const Workload& w, const Container& c) {
  return w.single_container ? w.display : w.display + " " + ContainerPhrase(c);
}

std::string Exempted(const RuleInfo& rule, const RuleContext& ctx, std::string* notes) {
  const Container& c = ctx.container;
  const RuleOptions& options = ctx.options;
  std::string today = options.today.empty() ? TodayUtc() : options.today;
  // rootlock's own exemptions first: they carry a reason; the peers' come after.
  std::vector<const Exemption*> order;
  for (const Exemption& e : c.exemptions) {
    if (e.peer.empty()) order.push_back(&e);
  }
  for (const Exemption& e : c.exemptions) {
    if (!e.peer.empty()) order.push_back(&e);
  }
  std::string found;
  for (const Exemption* ep : order) {
    const Exemption& e = *ep;
    const RuleInfo* named = e.rule == "*" ? &rule : FindRule(e.rule);
    // A live object (an ARN, a container) has no line.
    std::string at =
        e.where.line == 0 ? e.where.file : e.where.file + ":" + std::to_string(e.where.line);
    if (!named) {
      // Reported on the gating rule only, so each bad declaration is said once.
      if (rule.gates) {
        *notes +=
            "; the exemption at " + at + " is ignored: " +
            (e.problem.empty() ? "it names no rule called " + QuoteForMessage(e.rule) : e.problem);
      }
      continue;
    }
    if (named != &rule || !found.empty()) continue;
    if (!e.peer.empty() && !options.peer_exemptions) continue;
    if (!e.problem.empty()) {
      *notes += "; the exemption at " + at + " is ignored: " + e.problem;
      continue;
    }
    if (!e.until.empty() && e.until < today) {
      *notes += "; the exemption at " + at + " expired on " + e.until;
      continue;
    }
    std::string by = e.peer.empty() ? e.source : e.peer + "'s " + e.source;
    found = "exempted by " + by + " at " + at + (e.until.empty() ? "" : " until " + e.until) +
            ": " + (e.reason.empty() ? "no reason given" : e.reason);
  }
  return found;
}

bool Prejudge(const RuleInfo& rule, const RuleContext& ctx, Finding* f, std::string* notes) {
  std::string subject = Subject(ctx.workload, ctx.container);
  if (!ctx.workload.skipped_reason.empty()) {
    f->status = Status::kSkipped;
    f->reason = ctx.workload.skipped_reason;
    f->message = subject + " is not judged";
    return true;
  }
  if (std::string exempt = Exempted(rule, ctx, notes); !exempt.empty()) {
    f->status = Status::kNotApplicable;
    f->reason = std::move(exempt);
    f->message = subject + " is not judged";
    return true;
  }
  return false;
}

void AddNotes(const std::string& notes, Finding* f) {
  f->reason += notes;
  if (!notes.empty() && StartsWith(f->reason, "; ")) f->reason = f->reason.substr(2);
}

std::string FlagText(const FlagSetting& s) {
  switch (s.value) {
    case Flag::kTrue:
      return "yes";
    case Flag::kFalse:
    case Flag::kUnset:
      return "no";
    case Flag::kInvalid:
      return "invalid";
    case Flag::kUnresolved:
      return "unresolved";
  }
  return "";
}

void PointAt(const Location& where, Finding* f) {
  if (where.line != 0) f->where = where;
}

std::string TodayUtc() {
  time_t now = time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) {
    now = static_cast<time_t>(std::strtoll(epoch, nullptr, 10));
  }
  struct tm t;
  gmtime_r(&now, &t);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday);
  return buf;
}

}  // namespace rootlock
