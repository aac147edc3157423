#include "platforms/compose/compose.h"

#include <algorithm>
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

  // How a written value gives its variable: kVariable when it names one to interpolate
  // (`interpolated`; "$$" is a literal dollar), else kEmpty or kLiteral. Never reads a
  // variable: the value one holds here is no business of a report.
  static EnvSource ValueSource(std::string_view value, bool interpolated) {
    if (!interpolated || value.find('$') == std::string_view::npos) {
      return value.empty() ? EnvSource::kEmpty : EnvSource::kLiteral;
    }
    bool names_variable = false;
    std::string text, why;
    Interpolate(value, EnvLookup([&](const std::string&, std::string*) {
                  names_variable = true;
                  return false;
                }),
                &text, &why);
    if (names_variable) return EnvSource::kVariable;
    return text.empty() ? EnvSource::kEmpty : EnvSource::kLiteral;
  }

  // The variables of an env file as the adapter keeps them: names, how each is given and
  // where, never a value; the last line of a name wins, as it does in compose.
  struct EnvFileVars {
    bool read = false;
    std::string error;
    std::vector<EnvVar> vars;
  };

  const EnvFileVars& LoadEnvFile(const std::string& path) {
    auto [it, added] = env_files_.try_emplace(path);
    EnvFileVars& f = it->second;
    if (!added) return f;
    std::string text;
    if (!ctx_.loader) {
      f.error = "no file can be read here";
      return f;
    }
    if (!ctx_.loader->Read(path, &text, &f.error)) return f;
    f.read = true;
    std::vector<DotEnvLine> lines = ReadDotEnvLines(text);
    std::set<std::string_view> named;
    for (size_t i = lines.size(); i-- > 0;) {
      DotEnvLine& l = lines[i];
      if (!named.insert(l.name).second) continue;
      EnvVar var;
      var.name = l.name;
      var.key = "env_file";
      var.where = Location{path, l.line, l.column, l.offset};
      if (!l.has_value) {
        var.source = EnvSource::kVariable;
        var.detail = "env file " + path +
                     " lists it without a value, so compose passes it through from the "
                     "environment it runs in";
      } else {
        var.source = ValueSource(l.value, !l.single_quoted);
        var.detail = var.source == EnvSource::kVariable
                         ? "its value in env file " + path +
                               " is interpolated from the environment compose runs in"
                         : "env file " + path;
      }
      f.vars.push_back(std::move(var));
    }
    std::reverse(f.vars.begin(), f.vars.end());
    return f;
  }

  // env_file: a path, a list of paths, or a list of {path, required} (compose-spec), read
  // relative to the compose file's folder (the working folder for stdin, as compose does).
  // Their variables come after environment's, which wins over them; of two files, the later
  // wins. A required file that cannot be read leaves the environment unknown; a file that
  // need not be there and is not is noted.
  void ReadEnvFiles(const Node* service, std::set<std::string, std::less<>>* seen, Container* c) {
    const Node* files = service->Get("env_file");
    if (!files || files->IsNull()) return;
    std::vector<const Node*> entries;
    if (files->IsScalar()) {
      entries.push_back(files);
    } else if (files->IsSequence()) {
      entries.assign(files->children().begin(), files->children().end());
    } else {
      c->env_known = false;
      c->env_where = Where(ctx_, files);
      c->env_detail = "env_file is neither a path nor a list";
      return;
    }
    size_t slash = ctx_.file.rfind('/');
    std::string dir =
        ctx_.file == "<stdin>" || slash == std::string::npos ? "" : ctx_.file.substr(0, slash);
    for (size_t i = entries.size(); i-- > 0;) {
      const Node* entry = entries[i];
      const Node* path_node = entry;
      bool required = true;
      if (entry->IsMapping()) {
        path_node = entry->Get("path");
        if (const Node* r = entry->Get("required")) {
          BoolValue b = r->AsBool();
          std::string text, why;
          if (b != BoolValue::kTrue && b != BoolValue::kFalse && r->IsScalar() &&
              Text(r, &text, &why)) {
            int sb = StringBool(text);
            b = sb == 1 ? BoolValue::kTrue : sb == 0 ? BoolValue::kFalse : b;
          }
          required = b != BoolValue::kFalse;
        }
      }
      if (!path_node || !path_node->IsScalar() || path_node->IsNull()) {
        c->env_known = false;
        c->env_where = Where(ctx_, entry);
        c->env_detail = "an env_file entry names no path";
        continue;
      }
      std::string rel, why;
      if (!Text(path_node, &rel, &why)) {
        c->env_known = false;
        c->env_where = Where(ctx_, path_node);
        c->env_detail =
            "env_file " + QuoteForMessage(path_node->value()) + " cannot be resolved: " + why;
        continue;
      }
      std::string path =
          LexicalPath(rel.empty() || rel[0] == '/' || dir.empty() ? rel : dir + "/" + rel);
      const EnvFileVars& f = LoadEnvFile(path);
      if (!f.read) {
        if (required) {
          c->env_known = false;
          c->env_where = Where(ctx_, path_node);
          c->env_detail = "env_file " + path + ": " + f.error;
        } else {
          EnvImport import;
          import.key = "env_file";
          import.where = Where(ctx_, path_node);
          import.detail = "env_file " + path +
                          " (required: false) cannot be read here, so the variables it may "
                          "give are not seen";
          c->env_imports.push_back(std::move(import));
        }
        continue;
      }
      for (const EnvVar& var : f.vars) {
        if (seen->insert(var.name).second) c->env.push_back(var);
      }
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
      } else {
        var.source = ValueSource(value, true);
        if (var.source == EnvSource::kVariable) {
          var.detail = "its value is interpolated from the environment compose runs in";
        }
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
  std::map<std::string, EnvFileVars> env_files_;  // by path, for services that share one
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
  // env_file after every environment: environment wins over it, whichever service of the
  // chain sets either.
  for (const Node* s : chain) ReadEnvFiles(s, &env_seen, &c);
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

std::vector<DotEnvLine> ReadDotEnvLines(std::string_view text) {
  std::vector<DotEnvLine> lines;
  size_t pos = StartsWith(text, "\xEF\xBB\xBF") ? 3 : 0;  // after a UTF-8 byte order mark
  for (uint32_t number = 1; pos < text.size(); ++number) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view raw = text.substr(pos, eol - pos);
    size_t line_start = pos;
    pos = eol + 1;
    // The name starts after leading blanks and an `export ` prefix, all ASCII: its byte
    // index is its column.
    size_t at = raw.find_first_not_of(" \t\r");
    if (at == std::string_view::npos || raw[at] == '#') continue;
    if (StartsWith(raw.substr(at), "export ")) {
      at = raw.find_first_not_of(" \t\r", at + 7);
      if (at == std::string_view::npos) continue;
    }
    std::string_view rest = raw.substr(at);
    size_t eq = rest.find('=');
    DotEnvLine out;
    out.line = number;
    out.column = static_cast<uint32_t>(at + 1);
    out.offset = line_start + at;
    out.name = Trim(rest.substr(0, eq));
    if (out.name.empty()) continue;
    if (eq == std::string_view::npos) {
      // NAME alone: compose passes it through from its environment. Not a .env variable.
      bool name = true;
      for (char ch : out.name) name &= IsNameChar(ch, false) || ch == '.' || ch == '-';
      if (name) lines.push_back(std::move(out));
      continue;
    }
    out.has_value = true;
    std::string value = Trim(rest.substr(eq + 1));
    if (!value.empty() && (value[0] == '"' || value[0] == '\'')) {
      // A quoted value, which may go on over the lines that follow.
      char q = value[0];
      size_t open = line_start + at + eq + 1;
      open = text.find(q, open);
      size_t close = open + 1;
      while (close < text.size() && text[close] != q)
        close += q == '"' && text[close] == '\\' ? 2 : 1;
      if (close < text.size()) {
        std::string_view inner = text.substr(open + 1, close - open - 1);
        for (char ch : inner) number += ch == '\n';
        if (close >= eol) {
          size_t end = text.find('\n', close);
          pos = end == std::string_view::npos ? text.size() : end + 1;
        }
        value.clear();
        for (size_t i = 0; i < inner.size(); ++i) {
          if (q == '"' && inner[i] == '\\' && i + 1 < inner.size()) {
            char e = inner[++i];
            value += e == 'n' ? '\n' : e == 't' ? '\t' : e;
          } else {
            value += inner[i];
          }
        }
        out.single_quoted = q == '\'';
      }
    } else if (size_t hash = value.find(" #"); hash != std::string::npos) {
      value = Trim(value.substr(0, hash));
    }
    out.value = std::move(value);
    lines.push_back(std::move(out));
  }
  return lines;
}

std::map<std::string, std::string> ParseDotEnv(std::string_view text) {
  std::map<std::string, std::string> vars;
  for (DotEnvLine& l : ReadDotEnvLines(text)) {
    if (l.has_value) vars[l.name] = std::move(l.value);
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
