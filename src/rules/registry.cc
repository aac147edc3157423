// The registry: every rule, in rules.def order, and the loop that runs them.
#include <array>
#include <vector>

#include "base/text.h"
#include "rules/rule.h"
#include "rules/rules.h"

namespace rootlock {

namespace {

const RuleInfo* const kAllRules[] = {
#define ROOTLOCK_RULE(ident, slug) &k##ident##Info,
#include "rules/rules.def"
#undef ROOTLOCK_RULE
};

const CheckFn kChecks[] = {
#define ROOTLOCK_RULE(ident, slug) &Check##ident,
#include "rules/rules.def"
#undef ROOTLOCK_RULE
};

static_assert(std::size(kAllRules) == kRuleCount && std::size(kChecks) == kRuleCount);

}  // namespace

std::span<const RuleInfo* const> AllRules() { return kAllRules; }

Remedy ContainerRemedy(const Workload& w, const Container& c, const RuleOptions& options,
                       bool* gating) {
  std::vector<Finding> verdicts;
  JudgeContainer(w, c, options, &verdicts);
  Remedy remedy;
  if (gating) *gating = false;
  for (const Finding& v : verdicts) {
    if (v.status != Status::kFail) continue;
    // The read-only rules remedy together (read-only-root-fs's remedy holds /tmp);
    // the others only when switched on.
    if (!IsReadOnlyRule(*v.rule) && options.disabled.count(v.rule->id)) continue;
    remedy.Merge(v.remedy);
    if (gating) *gating |= v.rule->gates;
  }
  return remedy;
}

bool IsReadOnlyRule(const RuleInfo& rule) {
  return &rule == &kReadOnlyRootFsInfo || &rule == &kTmpWritableInfo;
}

const RuleInfo& Rule(RuleId id) { return *kAllRules[static_cast<size_t>(id)]; }

const RuleInfo* FindRule(std::string_view id_or_alias) {
  for (const RuleInfo* r : kAllRules) {
    if (EqualsIgnoreCase(r->id, id_or_alias)) return r;
    for (const char* a : r->aliases) {
      if (EqualsIgnoreCase(a, id_or_alias)) return r;
    }
    for (const ComplianceRef& ref : r->compliance) {
      if (EqualsIgnoreCase(ref.control, id_or_alias)) return r;
    }
  }
  return nullptr;
}

void JudgeContainer(const Workload& w, const Container& c, const RuleOptions& options,
                    std::vector<Finding>* verdicts) {
  verdicts->clear();
  verdicts->reserve(kRuleCount);  // the span each check gets stays valid
  for (size_t r = 0; r < kRuleCount; ++r) {
    verdicts->push_back(kChecks[r](RuleContext{w, c, options, *verdicts}));
  }
}

void CheckWorkload(const Workload& w, const RuleOptions& options, std::vector<Finding>* out) {
  if (!w.judged_as.empty()) return;  // another workload's findings are its findings
  std::array<bool, kRuleCount> on;
  for (size_t r = 0; r < kRuleCount; ++r) on[r] = !options.disabled.count(kAllRules[r]->id);
  std::vector<Finding> verdicts;
  for (const Container& c : w.containers) {
    // Every rule is judged, so that later rules can read earlier verdicts; only
    // the rules switched on report.
    JudgeContainer(w, c, options, &verdicts);
    for (size_t r = 0; r < kRuleCount; ++r) {
      if (on[r]) out->push_back(std::move(verdicts[r]));
    }
  }
}

}  // namespace rootlock
