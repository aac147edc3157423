#include "platforms/compose/compose.h"

#include <cstdlib>
#include <set>

#include "base/text.h"
#include "platforms/exemptions.h"

namespace rootlock {

namespace {

constexpr int kMaxExtends = 16;

bool IsNameChar(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (!first && c >= '0' && c <= '9');
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

// compose-go reads these strings as booleans once interpolated.
int StringBool(std::string_view s) {
  std::string v = ToLower(s);
  if (v == "y" || v == "yes" || v == "true" || v == "on") return 1;
  if (v == "n" || v == "no" || v == "false" || v == "off") return 0;
  return -1;
}

class ComposeFile {
 public:
  ComposeFile(const DocumentContext& ctx, const Node* services) : ctx_(ctx), services_(services) {
    env_ = [this](const std::string& name, std::string* value) {
      if (const char* v = std::getenv(name.c_str())) {
        *value = v;
        return true;
      }
      LoadDotEnv();
      auto it = dotenv_.find(name);
      if (it == dotenv_.end()) return false;
      *value = it->second;
      return true;
    };
  }

  Workload Service(const Node* key, const Node* service);

 private:
  void LoadDotEnv() {
    if (dotenv_loaded_) return;
    dotenv_loaded_ = true;
    if (!ctx_.loader || ctx_.file == "<stdin>") return;
    size_t slash = ctx_.file.rfind('/');
    std::string path = slash == std::string::npos ? ".env" : ctx_.file.substr(0, slash) + "/.env";
    std::string text, error;
    if (ctx_.loader->Read(path, &text, &error)) dotenv_ = ParseDotEnv(text);
  }

  // The service and the services it extends in this file, nearest first.
  std::vector<const Node*> Chain(const Node* service) const {
    std::vector<const Node*> chain;
    std::set<const Node*> seen;
    const Node* cur = service;
    while (cur && cur->IsMapping() && chain.size() < kMaxExtends && seen.insert(cur).second) {
      chain.push_back(cur);
      const Node* ext = cur->Get("extends");
      if (!ext) break;
      std::string_view parent = ext->Scalar();
      if (ext->IsMapping()) {
        if (const Node* f = ext->Get("file"); f && !f->Scalar().empty()) break;  // another file
        parent = ext->Get("service") ? ext->Get("service")->Scalar() : "";
      }
      cur = services_->Get(parent);
    }
    return chain;
  }

  bool Text(const Node* n, std::string* out, std::string* why) const {
    return Interpolate(n->Scalar(), env_, out, why);
  }

  void ReadFlag(const Node* value, FlagSetting* s) const {
    s->where = Where(ctx_, value);
    if (value->IsNull()) {
      s->value = Flag::kUnset;
      s->detail = "set to null";
      return;
    }
    if (value->scalar_style == ScalarStyle::kPlain && value->tag().empty()) {
      BoolValue b = value->AsBool();
      if (b == BoolValue::kTrue || b == BoolValue::kFalse) {
        s->value = b == BoolValue::kTrue ? Flag::kTrue : Flag::kFalse;
        if (b == BoolValue::kFalse) s->detail = "set to false";
        return;
      }
    }
    if (!value->IsScalar()) {
      s->value = Flag::kInvalid;
      s->detail = "set to a collection, not a boolean";
      return;
    }
    std::string text, why;
    bool ok = Text(value, &text, &why);
    if (!ok || text != value->value()) s->interpolated_from = value->value();
    if (!ok) {
      s->value = Flag::kUnresolved;
      s->detail = "set to " + QuoteForMessage(value->value()) + ", and " + why;
      return;
    }
    switch (StringBool(text)) {
      case 1:
        s->value = Flag::kTrue;
        return;
      case 0:
        s->value = Flag::kFalse;
        s->detail = "set to " + QuoteForMessage(value->value()) +
                    (text != value->value() ? ", which is " + QuoteForMessage(text) : "");
        return;
      default:
        s->value = Flag::kInvalid;
        s->detail = "set to " + QuoteForMessage(text) + ", not a boolean";
    }
  }

  // A text setting (user, pid), interpolated.
  void ReadText(const Node* value, TextSetting* s) const {
    s->where = Where(ctx_, value);
    if (value->IsNull()) {
      s->state = Given::kUnset;
      s->detail = "set to null";
      return;
    }
    if (!value->IsScalar()) {
      s->state = Given::kInvalid;
      s->detail = "set to a collection";
      return;
    }
    std::string text, why;
    bool ok = Text(value, &text, &why);
    if (!ok || text != value->value()) s->interpolated_from = value->value();
    if (!ok) {
      s->state = Given::kUnresolved;
      s->detail = "set to " + QuoteForMessage(value->value()) + ", and " + why;
      return;
    }
    if (text.empty()) {
      s->state = Given::kUnset;
      s->detail = value->value().empty()
                      ? "set to the empty string"
                      : "set to " + QuoteForMessage(value->value()) + ", which is empty";
      return;
    }
    s->state = Given::kSet;
    s->value = std::move(text);
    if (!s->interpolated_from.empty()) {
      s->detail =
          "set to " + QuoteForMessage(value->value()) + ", which is " + QuoteForMessage(s->value);
    }
  }

  // environment: a mapping (NAME: value) or a list ("NAME=value", "NAME"). Names and how
  // each is given, never the value: an interpolated one is not even expanded.
  void ReadEnvironment(const Node* service, std::set<std::string, std::less<>>* seen,
                       Container* c) const {
    const Node* env = service->Get("environment");
    if (!env || env->IsNull()) return;
    auto add = [&](std::string name, const Node* value_node, std::string_view value, bool has_value,
                   const Node* at) {
      if (!seen->insert(name).second) return;  // the extending service's entry wins
      EnvVar var;
      var.name = std::move(name);
      var.key = "environment";
      var.where = Where(ctx_, at);
      if (!has_value || (value_node && value_node->IsNull())) {
        var.source = EnvSource::kVariable;
        var.detail =
            "it has no value here, so compose passes it through from the environment "
            "it runs in";
      } else if (value.find('$') != std::string_view::npos) {
        // Whether it names a variable at all ("$$" is a literal dollar), without ever
        // reading one: the value a variable holds here is no business of a report.
        bool names_variable = false;
        std::string text, why;
        Interpolate(value, EnvLookup([&](const std::string&, std::string*) {
                      names_variable = true;
                      return false;
                    }),
                    &text, &why);
        if (names_variable) {
          var.source = EnvSource::kVariable;
          var.detail = "its value is interpolated from the environment compose runs in";
        } else {
          var.source = text.empty() ? EnvSource::kEmpty : EnvSource::kLiteral;
        }
      } else {
        var.source = value.empty() ? EnvSource::kEmpty : EnvSource::kLiteral;
      }
      c->env.push_back(std::move(var));
    };
    if (env->IsMapping()) {
      for (size_t i = 0; i < env->MappingSize(); ++i) {
        const Node* v = env->ValueAt(i);
        add(std::string(env->KeyAt(i)->Scalar()), v, v->Scalar(), !v->IsNull(), env->KeyAt(i));
      }
    } else if (env->IsSequence()) {
      for (const Node* item : env->children()) {
        if (!item->IsScalar()) continue;
        std::string_view kv = item->value();
        size_t eq = kv.find('=');
        add(std::string(kv.substr(0, eq)), nullptr,
            eq == std::string_view::npos ? std::string_view() : kv.substr(eq + 1),
            eq != std::string_view::npos, item);
      }
    } else {
      c->env_known = false;
      c->env_where = Where(ctx_, env);
      c->env_detail = "environment is neither a mapping nor a list";
    }
  }

  void ReadMounts(const Node* service, Container* c) const {
    if (const Node* tmpfs = service->Get("tmpfs")) {
      std::vector<const Node*> items = {tmpfs};
      if (tmpfs->IsSequence()) items.assign(tmpfs->children().begin(), tmpfs->children().end());
      for (const Node* t : items) {
        std::string spec, why;
        if (!t->IsScalar() || !Text(t, &spec, &why)) continue;
        c->mounts.push_back(
            Mount{spec.substr(0, spec.find(':')), "", "tmpfs", true, Where(ctx_, t)});
      }
    }
    const Node* volumes = service->Get("volumes");
    if (!volumes || !volumes->IsSequence()) return;
    for (const Node* v : volumes->children()) {
      Mount m;
      m.where = Where(ctx_, v);
      if (v->IsMapping()) {  // long syntax
        std::string why;
        if (const Node* t = v->Get("target")) Text(t, &m.path, &why);
        if (const Node* s = v->Get("source")) Text(s, &m.source, &why);
        m.type = v->Get("type") ? std::string(v->Get("type")->Scalar()) : "volume";
        const Node* ro = v->Get("read_only");
        m.writable = !ro || ro->AsBool() != BoolValue::kTrue;
      } else if (v->IsScalar()) {  // short syntax: [SOURCE:]TARGET[:MODE]
        std::string spec, why;
        if (!Text(v, &spec, &why)) continue;
        std::vector<std::string> parts;
        size_t from = 0;
        for (size_t i = 0; i <= spec.size(); ++i) {
          // A Windows drive letter ("C:\data") is not a separator.
          if (i == spec.size() ||
              (spec[i] == ':' && !(i == from + 1 && i + 1 < spec.size() &&
                                   (spec[i + 1] == '\\' || spec[i + 1] == '/') && parts.empty()))) {
            parts.push_back(spec.substr(from, i - from));
            from = i + 1;
          }
        }
        if (parts.size() == 1) {
          m.path = parts[0];
          m.type = "volume";
        } else {
          m.source = parts[0];
          m.path = parts[1];
          m.type = (!m.source.empty() &&
                    (m.source[0] == '/' || m.source[0] == '.' || m.source[0] == '~'))
                       ? "bind"
                       : "volume";
          if (parts.size() > 2) {
            std::string mode = "," + parts[2] + ",";
            m.writable = mode.find(",ro,") == std::string::npos;
          }
        }
      } else {
        continue;
      }
      c->mounts.push_back(std::move(m));
    }
  }

  const DocumentContext& ctx_;
  const Node* services_;
  EnvLookup env_;
  bool dotenv_loaded_ = false;
  std::map<std::string, std::string> dotenv_;
};

Workload ComposeFile::Service(const Node* key, const Node* service) {
  Workload w;
  w.platform = Platform::kCompose;
  w.kind = "Service";
  w.single_container = true;
  w.name = std::string(key->Scalar());
  w.resource = "services." + w.name;
  w.display = "Service '" + w.name + "'";
  w.where = Where(ctx_, key);
  Container c;
  c.name = w.name;
  c.read_only_root.key = "read_only";
  c.privileged.key = "privileged";
  c.user.key = "user";
  w.host_pid.key = "pid";
  c.where = w.where;
  std::vector<const Node*> chain = Chain(service);
  const Node* flag = nullptr;
  const Node* privileged = nullptr;
  const Node* user = nullptr;
  const Node* pid = nullptr;
  const Node* log_driver = nullptr;
  const Node* logging = nullptr;
  std::set<std::string, std::less<>> env_seen;
  for (const Node* s : chain) {
    ReadEnvironment(s, &env_seen, &c);
    if (!log_driver) {
      if (const Node* l = s->Get("logging"); l && l->IsMapping()) {
        if (!logging) logging = l;
        log_driver = l->Get("driver");
      }
    }
    if (!flag) flag = s->Get("read_only");
    if (!privileged) privileged = s->Get("privileged");
    if (!user) user = s->Get("user");
    if (!pid) pid = s->Get("pid");
    if (c.image.empty()) {
      if (const Node* image = s->Get("image")) {
        std::string why;
        if (!Text(image, &c.image, &why)) c.image = std::string(image->Scalar());
      }
    }
    if (w.os == OsFamily::kLinux) {
      std::string platform, why;
      if (const Node* p = s->Get("platform");
          p && Text(p, &platform, &why) && StartsWith(ToLower(platform), "windows")) {
        w.os = OsFamily::kWindows;
        w.os_detail = "platform is " + platform;
      }
    }
    ReadMounts(s, &c);
  }
  const char* not_set =
      chain.size() > 1 ? "not set, here or in the services it extends" : "not set";
  if (flag) {
    ReadFlag(flag, &c.read_only_root);
  } else {
    c.read_only_root.value = Flag::kUnset;
    c.read_only_root.detail = not_set;
  }
  if (privileged) {
    ReadFlag(privileged, &c.privileged);
  } else {
    c.privileged.value = Flag::kUnset;
    c.privileged.detail = not_set;
  }
  if (user) {
    ReadText(user, &c.user);
  } else {
    c.user.state = Given::kUnset;
    c.user.detail = not_set;
  }
  c.log_driver.key = "logging.driver";
  if (log_driver) {
    ReadText(log_driver, &c.log_driver);
  } else {
    c.log_driver.state = Given::kUnset;
    c.log_driver.detail = logging ? "logging sets no driver" : not_set;
    if (logging) c.log_driver.where = Where(ctx_, logging);
  }
  // pid: "host" shares the host's PID namespace; "service:x", "container:x" do not.
  TextSetting pid_mode;
  if (pid) ReadText(pid, &pid_mode);
  w.host_pid.where = pid_mode.where;
  w.host_pid.interpolated_from = pid_mode.interpolated_from;
  w.host_pid.detail = pid ? pid_mode.detail : not_set;
  switch (pid ? pid_mode.state : Given::kUnset) {
    case Given::kSet:
      w.host_pid.value = pid_mode.value == "host" ? Flag::kTrue : Flag::kFalse;
      if (pid_mode.detail.empty() && pid_mode.value != "host") {
        w.host_pid.detail = "set to " + QuoteForMessage(pid_mode.value);
      }
      break;
    case Given::kUnset:
      w.host_pid.value = Flag::kUnset;
      break;
    case Given::kInvalid:
      w.host_pid.value = Flag::kInvalid;
      break;
    case Given::kUnresolved:
      w.host_pid.value = Flag::kUnresolved;
      break;
  }
  w.containers.push_back(std::move(c));
  // Exemptions: x-rootlock: {exempt: ...}, labels (a map or KEY=VALUE list), comments.
  std::vector<Exemption> all;
  std::vector<std::pair<std::string, Exemption>> per_container;
  for (const Node* s : chain) {
    if (const Node* x = s->Path({"x-rootlock", "exempt"}); x && x->IsScalar()) {
      ParseExemptValue(x->value(), "x-rootlock.exempt", Where(ctx_, x), &all);
    }
    const Node* labels = s->Get("labels");
    std::vector<KeyValue> pairs = KeyValuesOf(labels);
    if (labels && labels->IsSequence()) {
      for (const Node* l : labels->children()) {
        std::string_view kv = l->Scalar();
        size_t eq = kv.find('=');
        if (eq != std::string_view::npos) pairs.push_back({kv.substr(0, eq), kv.substr(eq + 1), l});
      }
    }
    ExemptionsFromKeyValues(ctx_, pairs, "label", &all, &per_container);
  }
  CommentExemptions(ctx_, w.where.line, &all);
  AttachExemptions(all, per_container, &w);
  return w;
}

}  // namespace

bool Interpolate(std::string_view in, const EnvLookup& env, std::string* out, std::string* why) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '$' || i + 1 >= in.size()) {
      *out += c;
      continue;
    }
    char next = in[i + 1];
    if (next == '$') {
      *out += '$';
      ++i;
      continue;
    }
    std::string name, op, arg;
    size_t end;
    if (next == '{') {
      size_t j = i + 2;
      while (j < in.size() && IsNameChar(in[j], j == i + 2)) ++j;
      name = std::string(in.substr(i + 2, j - i - 2));
      // Find the closing brace, minding nested ${...} in the default.
      int depth = 1;
      size_t k = j;
      for (; k < in.size(); ++k) {
        if (in[k] == '{') ++depth;
        if (in[k] == '}' && --depth == 0) break;
      }
      if (k >= in.size() || name.empty()) {
        *why = "the interpolation " + QuoteForMessage(in.substr(i)) + " is malformed";
        return false;
      }
      std::string_view rest = in.substr(j, k - j);
      for (std::string_view o : {":-", ":?", ":+", "-", "?", "+"}) {
        if (StartsWith(rest, o)) {
          op = std::string(o);
          arg = std::string(rest.substr(o.size()));
          break;
        }
      }
      if (op.empty() && !rest.empty()) {
        *why = "the interpolation " + QuoteForMessage(in.substr(i, k - i + 1)) + " is malformed";
        return false;
      }
      end = k;
    } else if (IsNameChar(next, true)) {
      size_t j = i + 1;
      while (j < in.size() && IsNameChar(in[j], j == i + 1)) ++j;
      name = std::string(in.substr(i + 1, j - i - 1));
      end = j - 1;
    } else {
      *out += c;
      continue;
    }
    std::string value;
    bool set = env(name, &value);
    bool empty_counts_as_unset = op.size() == 2;  // the ':' forms
    bool present = set && !(empty_counts_as_unset && value.empty());
    std::string expanded_arg;
    if (!arg.empty() && !Interpolate(arg, env, &expanded_arg, why)) return false;
    if (op == ":-" || op == "-") {
      *out += present ? value : expanded_arg;
    } else if (op == ":+" || op == "+") {
      *out += present ? expanded_arg : "";
    } else if (op == ":?" || op == "?") {
      if (!present) {
        *why = name + " is not set (" + (expanded_arg.empty() ? "required" : expanded_arg) + ")";
        return false;
      }
      *out += value;
    } else {
      if (!set) {
        *why = name + " is set neither in the environment nor in .env";
        return false;
      }
      *out += value;
    }
    i = end;
  }
  return true;
}

std::map<std::string, std::string> ParseDotEnv(std::string_view text) {
  std::map<std::string, std::string> vars;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string line = Trim(text.substr(pos, eol - pos));
    pos = eol + 1;
    if (line.empty() || line[0] == '#') continue;
    if (StartsWith(line, "export ")) line = Trim(line.substr(7));
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = Trim(line.substr(0, eq));
    std::string value = Trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'')) {
      char q = value[0];
      size_t close = value.find(q, 1);
      if (close != std::string::npos) {
        std::string inner = value.substr(1, close - 1);
        if (q == '"') {
          std::string unescaped;
          for (size_t i = 0; i < inner.size(); ++i) {
            if (inner[i] == '\\' && i + 1 < inner.size()) {
              char e = inner[++i];
              unescaped += e == 'n' ? '\n' : e == 't' ? '\t' : e;
            } else {
              unescaped += inner[i];
            }
          }
          inner = unescaped;
        }
        value = inner;
      }
    } else if (size_t hash = value.find(" #"); hash != std::string::npos) {
      value = Trim(value.substr(0, hash));
    }
    if (!key.empty()) vars[key] = value;
  }
  return vars;
}

bool ExtractCompose(const DocumentContext& ctx, std::vector<Workload>* out) {
  const Node* root = ctx.doc.root;
  if (!root || !root->IsMapping() || root->Get("kind") || root->Get("apiVersion")) return false;
  const Node* services = root->Get("services");
  if (!services || !(services->IsMapping() || services->IsNull())) return false;
  if (services->IsNull()) return true;
  ComposeFile file(ctx, services);
  for (size_t i = 0; i < services->MappingSize(); ++i) {
    const Node* key = services->KeyAt(i);
    const Node* service = services->ValueAt(i);
    if (!key->IsScalar() || StartsWith(key->value(), "x-")) continue;
    if (!service->IsMapping() && !service->IsNull()) continue;
    out->push_back(file.Service(key, service));
  }
  return true;
}

}  // namespace rootlock
