// What one rule is made of. A rule is one file, src/rules/<slug>.cc, holding its
// metadata (a RuleInfo named k<Ident>Info) and its check (Check<Ident>), listed
// once in rules.def. A check reads the model only, never YAML or JSON, and
// returns one finding for one container.
#ifndef ROOTLOCK_RULES_RULE_H_
#define ROOTLOCK_RULES_RULE_H_

#include <span>
#include <string>

#include "model/finding.h"
#include "model/workload.h"
#include "rules/rules.h"

namespace rootlock {

/// What a check sees: one container of one workload, the options, and the
/// verdicts of the rules before it in the registry on the same container
/// (computed even when those rules are switched off).
struct RuleContext {
  const Workload& workload;
  const Container& container;
  const RuleOptions& options;
  std::span<const Finding> earlier;

  /// The verdict of `rule`, which must come before the asking rule in rules.def.
  const Finding& Verdict(const RuleInfo& rule) const;
};

/// A rule's check: the finding for ctx.container.
using CheckFn = Finding (*)(const RuleContext& ctx);

#define ROOTLOCK_RULE(ident, slug)      \
  extern const RuleInfo k##ident##Info; \
  Finding Check##ident(const RuleContext& ctx);
#include "rules/rules.def"
#undef ROOTLOCK_RULE

// Helpers every rule shares (rules/judge.cc).

/// A finding of `rule` about ctx's container, its identity filled in and its
/// severity the config's when it overrides the rule's; status and words to add.
Finding NewFinding(const RuleInfo& rule, const RuleContext& ctx);

/// How a finding names its container: "Deployment 'web' container 'nginx'", or
/// the workload alone when it is a single container ("Service 'worker'").
std::string Subject(const Workload& w, const Container& c);

/// Why ctx's container is exempt from `rule`, or "" when it is not. Declarations
/// that do not count (no reason, expired, naming no rule) are said in `notes`,
/// each as "; the exemption at FILE:LINE ...".
std::string Exempted(const RuleInfo& rule, const RuleContext& ctx, std::string* notes);

/// The verdict that comes before any setting is read: skipped (the workload is not
/// judged) or n/a (exempted from `rule`). True when *f is decided so; declarations that
/// do not count are said in `notes`, as Exempted does.
bool Prejudge(const RuleInfo& rule, const RuleContext& ctx, Finding* f, std::string* notes);

/// Appends Exempted's notes to a finding's reason.
void AddNotes(const std::string& notes, Finding* f);

/// A yes/no setting as the inventory shows it: "yes", "no" (false or the platform's
/// default), "invalid", "unresolved".
std::string FlagText(const FlagSetting& s);

/// Points a finding at where a setting is written, when it is written at all
/// (line 0: not written; the finding stays at its container).
void PointAt(const Location& where, Finding* f);

}  // namespace rootlock

#endif  // ROOTLOCK_RULES_RULE_H_
