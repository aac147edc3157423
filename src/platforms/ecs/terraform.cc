// Terraform: aws_ecs_task_definition (container_definitions as jsonencode(...),
// a heredoc or string of JSON, file() or templatefile() of a JSON file) and
// awscc_ecs_task_definition (container_definitions as an HCL list), in .tf,
// .tf.json and `terraform show -json` output. var.x and local.x resolve from
// --var, then the module's defaults and locals (every .tf file of the folder);
// anything else fails closed with the reason said.
#include <memory>

#include "base/json_writer.h"
#include "base/text.h"
#include "parse/hcl_reader.h"
#include "platforms/ecs/forms.h"
#include "platforms/ecs/task.h"
#include "platforms/exemptions.h"

namespace rootlock::ecs {

namespace {

constexpr int kMaxResolveDepth = 16;

std::string Dir(const std::string& file) {
  size_t slash = file.rfind('/');
  return slash == std::string::npos ? "" : file.substr(0, slash);
}

std::string JoinPath(const std::string& dir, std::string_view rel) {
  if (rel.empty() || rel[0] == '/' || dir.empty()) return std::string(rel);
  return dir + "/" + std::string(rel);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool IsName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// The variables and locals of one Terraform module (a folder of .tf files).
class Module {
 public:
  Module(const DocumentContext& ctx) : ctx_(ctx) { Add(ctx.doc.root); }

  // Follows var.x, local.x and "${var.x}" to a value; says why not otherwise.
  Resolved Resolve(const Node* n, int depth = 0) const {
    std::string_view expr;
    if (n->IsScalar() && n->tag() == "!expr") {
      expr = Trim(n->value());
    } else if (n->IsScalar() && n->scalar_style == ScalarStyle::kDoubleQuoted &&
               StartsWith(n->value(), "${") && EndsWith(n->value(), "}") &&
               n->value().find("${", 2) == std::string_view::npos) {
      expr = Trim(n->value().substr(2, n->value().size() - 3));
    } else {
      return {n, ""};
    }
    return Lookup(expr, n, depth);
  }

  Resolved Lookup(std::string_view expr, const Node* at, int depth) const {
    if (depth > kMaxResolveDepth) return {nullptr, "given by " + std::string(expr) + ", a loop"};
    if (StartsWith(expr, "var.") && IsName(expr.substr(4))) {
      std::string_view name = expr.substr(4);
      if (ctx_.resolve) {
        if (auto it = ctx_.resolve->tf_vars.find(name); it != ctx_.resolve->tf_vars.end()) {
          return {MakeScalar(ctx_.tree, it->second, ScalarStyle::kPlain, at), ""};
        }
      }
      const Node* def = Find(variables_, name);
      if (!def) LoadSiblings(), def = Find(variables_, name);
      if (!def || def->IsNull()) {
        return {nullptr, "given by var." + std::string(name) +
                             ", which has no default (pass --var " + std::string(name) + "=VALUE)"};
      }
      return Resolve(def, depth + 1);
    }
    if (StartsWith(expr, "local.") && IsName(expr.substr(6))) {
      std::string_view name = expr.substr(6);
      const Node* v = Find(locals_, name);
      if (!v) LoadSiblings(), v = Find(locals_, name);
      if (!v) return {nullptr, "given by local." + std::string(name) + ", which is not defined"};
      return Resolve(v, depth + 1);
    }
    return {nullptr, "given by the expression " + QuoteForMessage(expr) +
                         ", which rootlock cannot resolve statically"};
  }

 private:
  static const Node* Find(const std::vector<std::pair<std::string_view, const Node*>>& list,
                          std::string_view name) {
    for (auto it = list.rbegin(); it != list.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    return nullptr;
  }

  void Add(const Node* root) {
    if (!root || !root->IsMapping()) return;
    if (const Node* vars = root->Get("variable"); vars && vars->IsMapping()) {
      for (size_t i = 0; i < vars->MappingSize(); ++i) {
        const Node* body = vars->ValueAt(i);
        const Node* def = body->IsMapping() ? body->Get("default") : nullptr;
        if (def) variables_.emplace_back(vars->KeyAt(i)->Scalar(), def);
      }
    }
    // .tf reads locals as a mapping; .tf.json may give a list of mappings.
    const Node* locals = root->Get("locals");
    std::vector<const Node*> blocks;
    if (locals && locals->IsMapping()) blocks.push_back(locals);
    if (locals && locals->IsSequence())
      blocks.assign(locals->children().begin(), locals->children().end());
    for (const Node* b : blocks) {
      if (!b->IsMapping()) continue;
      for (size_t i = 0; i < b->MappingSize(); ++i) {
        locals_.emplace_back(b->KeyAt(i)->Scalar(), b->ValueAt(i));
      }
    }
  }

  void LoadSiblings() const {
    if (siblings_loaded_ || !ctx_.loader || ctx_.file == "<stdin>") return;
    siblings_loaded_ = true;
    std::string dir = Dir(ctx_.file);
    std::string self = ctx_.file.substr(ctx_.file.rfind('/') + 1);
    for (const std::string& name : ctx_.loader->List(dir)) {
      if (name == self || !EndsWith(name, ".tf")) continue;
      std::string text, error;
      if (!ctx_.loader->Read(JoinPath(dir, name), &text, &error)) continue;
      auto parsed = std::make_unique<ParsedSource>(ReadHcl(name, text));
      if (!parsed->documents.empty()) const_cast<Module*>(this)->Add(parsed->documents[0].root);
      siblings_.push_back(std::move(parsed));
    }
  }

  const DocumentContext& ctx_;
  std::vector<std::pair<std::string_view, const Node*>> variables_;
  std::vector<std::pair<std::string_view, const Node*>> locals_;
  mutable bool siblings_loaded_ = false;
  mutable std::vector<std::unique_ptr<ParsedSource>> siblings_;
};

// Replaces ${...} in JSON text: resolved values are written in; an unresolved
// one outside a string becomes a marked string that the reader reports.
std::string SubstituteTemplates(std::string_view text, const Module& module, const Node* at) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string && c == '\\' && i + 1 < text.size()) {
      out += c;
      out += text[++i];
      continue;
    }
    if (c == '"') in_string = !in_string;
    if (c != '$' || i + 1 >= text.size() || text[i + 1] != '{') {
      out += c;
      continue;
    }
    size_t j = HclTemplateEnd(text, i, text.size());
    if (j == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    std::string_view expr = Trim(text.substr(i + 2, j - i - 3));
    Resolved r = module.Lookup(expr, at, 0);
    bool scalar = r.node && r.node->IsScalar();
    if (scalar && in_string) {
      std::string escaped;
      JsonWriter::AppendEscaped(&escaped, r.node->value());
      out.append(escaped.substr(1, escaped.size() - 2));
    } else if (scalar && r.node->scalar_style == ScalarStyle::kPlain) {
      out.append(r.node->value());
    } else if (scalar) {
      JsonWriter::AppendEscaped(&out, r.node->value());
    } else if (in_string) {
      out.append(text.substr(i, j - i));
    } else {
      out += "\"\\u0001rootlock-unresolved:${";
      std::string escaped;
      JsonWriter::AppendEscaped(&escaped, expr);
      out.append(escaped.substr(1, escaped.size() - 2));
      out += "}\"";
    }
    i = j - 1;
  }
  return out;
}

struct Embedded {
  std::unique_ptr<ParsedSource> parsed;
  std::string file;        // the file its positions refer to
  int64_t line_shift = 0;  // added to its lines (a heredoc's body starts below the <<)
  bool exact = true;       // false: point every node at `at` (an escaped JSON string)
  const Node* at = nullptr;
};

// Reads container definitions given as text: a heredoc or string of JSON, or a file.
Resolved ParseDefinitions(const DocumentContext& ctx, const Module& module, const Node* value,
                          Embedded* keep) {
  std::string text;
  keep->at = value;
  keep->file = ctx.file;
  const Node* n = value;
  std::string what;
  if (StartsWith(n->tag(), "!call:file") || n->tag() == "!call:templatefile") {
    bool templated = n->tag() == "!call:templatefile";
    what = std::string(n->tag().substr(6)) + "()";
    if (n->children().empty()) return {nullptr, "given by " + what + " without a path"};
    const Node* path_node = n->children()[0];
    // Relative paths are relative to the folder Terraform runs in: for a root
    // module, the folder of its files; ${path.module} says so explicitly.
    std::string path(path_node->Scalar());
    for (std::string_view var : {"${path.module}/", "${path.root}/", "${path.cwd}/"}) {
      if (StartsWith(path, var)) path = path.substr(var.size());
    }
    if (path_node->tag() == "!expr" || path.find("${") != std::string::npos) {
      return {nullptr, "given by " + what + " of a path that is not a literal"};
    }
    path = JoinPath(Dir(ctx.file), path);
    std::string error;
    if (!ctx.loader || !ctx.loader->Read(path, &text, &error)) {
      return {nullptr, "given by " + what + " of " + path + ", which cannot be read: " + error};
    }
    keep->file = path;
    if (templated) text = SubstituteTemplates(text, module, value), keep->exact = false;
  } else if (n->IsScalar()) {
    what = "JSON text";
    text = SubstituteTemplates(n->value(), module, value);
    if (n->scalar_style == ScalarStyle::kLiteral) {
      keep->line_shift = n->start.line;  // the body starts on the line after <<EOT
    } else {
      keep->exact = false;  // escapes inside a quoted string move every column
    }
  } else {
    return {nullptr, "not understood"};
  }
  keep->parsed = std::make_unique<ParsedSource>(ReadJson(keep->file, text));
  if (keep->parsed->has_error || keep->parsed->documents.empty()) {
    return {nullptr, "given by " + what + " that is not valid JSON (" +
                         (keep->parsed->has_error ? keep->parsed->error.message : "empty") + ")"};
  }
  return {keep->parsed->documents[0].root, ""};
}

void ReadResource(const DocumentContext& ctx, const Module& module, std::string_view type,
                  std::string_view name, const Node* key, const Node* body,
                  std::vector<Workload>* out) {
  bool awscc = type == "awscc_ecs_task_definition";
  Reader r;
  r.ctx = &ctx;
  r.task_style = KeyStyle::kSnake;
  r.container_style = awscc ? KeyStyle::kSnake : KeyStyle::kCamel;
  r.string_bools = awscc;  // a typed attribute converts "true"; JSON inside jsonencode does not
  r.fold_container_keys = !awscc;  // the AWS provider decodes container_definitions as Go JSON
  r.resolve = [&module](const Node* n) { return module.Resolve(n); };
  TaskFacts facts;
  Embedded embedded;
  if (const Node* defs = body->Get("container_definitions")) {
    Resolved d = module.Resolve(defs);
    if (!d.unresolved.empty()) {
      facts.containers = defs;
      facts.containers_unresolved = d.unresolved;
    } else if (d.node->tag() == "!call:jsonencode" && !d.node->children().empty()) {
      Resolved arg = module.Resolve(d.node->children()[0]);
      facts.containers = arg.node ? arg.node : defs;
      facts.containers_unresolved = arg.unresolved;
    } else if (d.node->IsSequence() && d.node->tag().empty()) {
      facts.containers = d.node;  // awscc: an HCL list of objects
    } else if (!awscc && (d.node->IsScalar() || StartsWith(d.node->tag(), "!call:"))) {
      Resolved parsed = ParseDefinitions(ctx, module, d.node, &embedded);
      facts.containers = parsed.node ? parsed.node : defs;
      facts.containers_unresolved = parsed.unresolved;
      if (parsed.node) {
        r.resolve = nullptr;  // plain JSON now; unresolved ${} are marked inside it
        const Node* at = d.node;
        const Embedded* e = &embedded;
        r.where = [&ctx, at, e](const Node* n) {
          if (!e->exact) return Where(ctx, at);
          return Location{e->file, static_cast<uint32_t>(n->start.line + e->line_shift),
                          n->start.column, 0};
        };
      }
    } else {
      facts.containers = defs;
      facts.containers_unresolved =
          "given by " + QuoteForMessage(d.node->tag().empty() ? "a value" : d.node->tag()) +
          ", which rootlock cannot read as container definitions";
    }
  }
  facts.volumes = body->Get(awscc ? "volumes" : "volume");
  facts.runtime_platform = body->Get("runtime_platform");
  if (const Node* pid = body->Get("pid_mode")) {
    facts.pid_mode = module.Resolve(pid);
    facts.pid_mode_where = Where(ctx, pid);
  }
  const Node* tags = body->Get("tags");
  ExemptionsFromKeyValues(ctx, tags && tags->IsSequence() ? TagListOf(tags) : KeyValuesOf(tags),
                          "tag", &facts.exemptions, &facts.per_container);
  Workload w;
  w.volume_blocks = !awscc;  // aws_ecs_task_definition declares volume { name = ... } blocks
  w.where = Where(ctx, key);
  Resolved family = module.Resolve(body->Get("family") ? body->Get("family") : key);
  std::string family_name = body->Get("family") && family.node && family.node->IsScalar()
                                ? std::string(family.node->value())
                                : "";
  NameTask(&w, family_name, 0, std::string(type) + "." + std::string(name));
  ReadTask(r, facts, &w);
  // A file() target is judged here, as this task's containers, not again on its own.
  if (embedded.parsed && !embedded.parsed->has_error && embedded.file != ctx.file) {
    w.read_from.push_back(embedded.file);
  }
  // Positions in an embedded file name that file; the task itself stays where it is declared.
  out->push_back(std::move(w));
}

bool IsTaskType(std::string_view type) {
  return type == "aws_ecs_task_definition" || type == "awscc_ecs_task_definition";
}

// `terraform show -json`: planned_values (plan) or values (state), modules nested.
void ReadPlanModule(const DocumentContext& ctx, const Node* module, int depth,
                    std::vector<Workload>* out) {
  if (!module || !module->IsMapping() || depth > 32) return;
  if (const Node* resources = module->Get("resources"); resources && resources->IsSequence()) {
    for (const Node* res : resources->children()) {
      if (!res->IsMapping()) continue;
      std::string_view type = res->Get("type") ? res->Get("type")->Scalar() : "";
      if (!IsTaskType(type)) continue;
      const Node* values = res->Get("values");
      if (!values || !values->IsMapping()) continue;
      bool awscc = type == "awscc_ecs_task_definition";
      Reader r;
      r.ctx = &ctx;
      r.task_style = KeyStyle::kSnake;
      r.container_style = awscc ? KeyStyle::kSnake : KeyStyle::kCamel;
      r.string_bools = awscc;
      r.fold_container_keys = !awscc;
      TaskFacts facts;
      std::unique_ptr<ParsedSource> parsed;
      const Node* defs = values->Get("container_definitions");
      if (defs && defs->IsScalar() && !defs->IsNull()) {
        parsed = std::make_unique<ParsedSource>(ReadJson(ctx.file, defs->value()));
        if (parsed->has_error || parsed->documents.empty()) {
          facts.containers = defs;
          facts.containers_unresolved = "is not valid JSON";
        } else {
          facts.containers = parsed->documents[0].root;
          r.where = [&ctx, defs](const Node*) { return Where(ctx, defs); };
        }
      } else if (defs && defs->IsNull()) {
        facts.containers = defs;
        facts.containers_unresolved = "is known only after apply";
      } else {
        facts.containers = defs;
      }
      facts.volumes = values->Get(awscc ? "volumes" : "volume");
      facts.runtime_platform = values->Get("runtime_platform");
      if (const Node* pid = values->Get("pid_mode"); pid && !pid->IsNull()) {
        facts.pid_mode = {pid, ""};
        facts.pid_mode_where = Where(ctx, pid);
      }
      Workload w;
      w.where = Where(ctx, res);
      std::string address(res->Get("address") ? res->Get("address")->Scalar() : type);
      std::string family(values->Get("family") ? values->Get("family")->Scalar() : "");
      NameTask(&w, family, 0, address);
      ReadTask(r, facts, &w);
      out->push_back(std::move(w));
    }
  }
  if (const Node* children = module->Get("child_modules"); children && children->IsSequence()) {
    for (const Node* child : children->children()) ReadPlanModule(ctx, child, depth + 1, out);
  }
}

}  // namespace

bool ExtractTerraform(const DocumentContext& ctx, std::vector<Workload>* out) {
  const Node* root = ctx.doc.root;
  if (!root->IsMapping()) return false;
  if (const Node* planned = root->Get("planned_values")) {
    ReadPlanModule(ctx, planned->Get("root_module"), 0, out);
    return true;
  }
  if (root->Get("format_version") && root->Get("values")) {
    ReadPlanModule(ctx, root->Path({"values", "root_module"}), 0, out);
    return true;
  }
  const Node* resources = root->Get("resource");
  if (!resources) return false;
  // .tf.json may give "resource" as a list of objects; .tf as one mapping.
  std::vector<const Node*> groups;
  if (resources->IsMapping()) groups.push_back(resources);
  if (resources->IsSequence())
    groups.assign(resources->children().begin(), resources->children().end());
  bool found = false;
  Module module(ctx);
  for (const Node* group : groups) {
    if (!group->IsMapping()) continue;
    for (size_t i = 0; i < group->MappingSize(); ++i) {
      std::string_view type = group->KeyAt(i)->Scalar();
      if (!IsTaskType(type)) continue;
      const Node* named = group->ValueAt(i);
      if (!named->IsMapping()) continue;
      for (size_t k = 0; k < named->MappingSize(); ++k) {
        const Node* body = named->ValueAt(k);
        if (body->IsSequence() && !body->children().empty()) body = body->children()[0];
        if (!body->IsMapping()) continue;
        found = true;
        ReadResource(ctx, module, type, named->KeyAt(k)->Scalar(), named->KeyAt(k), body, out);
      }
    }
  }
  return found;
}

}  // namespace rootlock::ecs
