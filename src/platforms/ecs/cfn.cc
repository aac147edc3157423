// CloudFormation: AWS::ECS::TaskDefinition resources. Values given by !Ref to a
// parameter take --param NAME=VALUE or the parameter's Default; any other
// intrinsic function fails closed, with the reason said.
#include "base/text.h"
#include "platforms/ecs/forms.h"
#include "platforms/ecs/task.h"
#include "platforms/exemptions.h"

namespace rootlock::ecs {

namespace {

class CfnResolver {
 public:
  CfnResolver(const DocumentContext& ctx, const Node* parameters)
      : ctx_(ctx), parameters_(parameters) {}

  Resolved operator()(const Node* n) const {
    if (n->IsScalar() && n->tag() == "!Ref") return Ref(n->value(), n);
    if (n->IsMapping() && n->MappingSize() == 1 && n->KeyAt(0)->Scalar() == "Ref") {
      return Ref(n->ValueAt(0)->Scalar(), n);
    }
    if (!n->tag().empty() && n->tag()[0] == '!') {
      return {nullptr,
              "given by " + std::string(n->tag()) + ", which rootlock cannot resolve statically"};
    }
    if (n->IsMapping() && n->MappingSize() == 1 && StartsWith(n->KeyAt(0)->Scalar(), "Fn::")) {
      return {nullptr, "given by " + std::string(n->KeyAt(0)->Scalar()) +
                           ", which rootlock cannot resolve statically"};
    }
    return {n, ""};
  }

 private:
  Resolved Ref(std::string_view name, const Node* at) const {
    std::string ref = "!Ref " + std::string(name);
    if (ctx_.resolve) {
      if (auto it = ctx_.resolve->cfn_params.find(name); it != ctx_.resolve->cfn_params.end()) {
        return {MakeScalar(ctx_.tree, it->second, ScalarStyle::kPlain, at), ""};
      }
    }
    if (StartsWith(name, "AWS::")) {
      return {nullptr, "given by " + ref + ", a pseudo parameter known only at deploy time"};
    }
    const Node* param = parameters_ ? parameters_->Get(name) : nullptr;
    if (!param || !param->IsMapping()) {
      return {nullptr, "given by " + ref + ", which is not a template parameter"};
    }
    const Node* def = param->Get("Default");
    if (!def || def->IsNull()) {
      return {nullptr, "given by " + ref + ", a parameter with no Default (pass --param " +
                           std::string(name) + "=VALUE)"};
    }
    return {def, ""};
  }

  const DocumentContext& ctx_;
  const Node* parameters_;
};

}  // namespace

bool ExtractCloudFormation(const DocumentContext& ctx, std::vector<Workload>* out) {
  const Node* root = ctx.doc.root;
  if (!root->IsMapping()) return false;
  const Node* resources = root->Get("Resources");
  if (!resources || !resources->IsMapping()) resources = root;  // a fragment without the wrapper
  CfnResolver resolver(ctx, root->Get("Parameters"));
  Reader r;
  r.ctx = &ctx;
  r.container_style = r.task_style = KeyStyle::kPascal;
  r.string_bools = true;
  r.resolve = resolver;
  bool found = false;
  for (size_t i = 0; i < resources->MappingSize(); ++i) {
    const Node* res = resources->ValueAt(i);
    if (!res->IsMapping()) continue;
    const Node* type = res->Get("Type");
    if (!type || type->Scalar() != "AWS::ECS::TaskDefinition") continue;
    found = true;
    std::string logical_id(resources->KeyAt(i)->Scalar());
    const Node* props = res->Get("Properties");
    TaskFacts facts;
    if (props && props->IsMapping()) {
      if (const Node* defs = props->Get("ContainerDefinitions")) {
        Resolved d = r.Follow(defs);
        facts.containers = d.node ? d.node : defs;
        facts.containers_unresolved = d.unresolved;
      }
      facts.volumes = r.Get(props, FieldId::kVolumes, KeyStyle::kPascal).node;
      facts.runtime_platform = r.Get(props, FieldId::kRuntimePlatform, KeyStyle::kPascal).node;
      if (const Node* pid = props->Get("PidMode")) {
        facts.pid_mode = r.Follow(pid);
        facts.pid_mode_where = Where(ctx, pid);
      }
    }
    // Exemptions in the resource's Metadata: rootlock's keys, and Checkov's skip list.
    if (const Node* meta = res->Get("Metadata"); meta && meta->IsMapping()) {
      ExemptionsFromKeyValues(ctx, KeyValuesOf(meta), "Metadata", &facts.exemptions,
                              &facts.per_container);
      if (const Node* skips = meta->Path({"checkov", "skip"}); skips && skips->IsSequence()) {
        for (const Node* skip : skips->children()) {
          const Node* id = skip->IsMapping() ? skip->Get("id") : nullptr;
          if (!id || id->Scalar() != "CKV_AWS_336") continue;
          Exemption e;
          e.rule = "read-only-root-fs";
          e.peer = "Checkov";
          e.source = "Metadata checkov.skip CKV_AWS_336";
          const Node* comment = skip->Get("comment");
          e.reason = comment ? std::string(comment->Scalar()) : "";
          e.where = Where(ctx, skip);
          facts.exemptions.push_back(std::move(e));
        }
      }
    }
    Workload w;
    w.where = Where(ctx, resources->KeyAt(i));
    Resolved family = r.Get(props, FieldId::kFamily, KeyStyle::kPascal);
    std::string family_name =
        family.node && family.node->IsScalar() ? std::string(family.node->value()) : "";
    NameTask(&w, family_name, 0, logical_id);
    ReadTask(r, facts, &w);
    out->push_back(std::move(w));
  }
  return found;
}

}  // namespace rootlock::ecs
