#include "cli/flags.h"

#include <cerrno>
#include <cstdlib>
#include <map>

#include "base/text.h"
#include "parse/reader.h"
#include "policy/config.h"
#include "report/report.h"

namespace rootlock {

namespace {

bool ParseRatio(std::string_view s, double* out) {
  if (s.empty()) return false;
  bool percent = s.back() == '%';
  if (percent) s.remove_suffix(1);
  std::string text(s);
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (errno != 0 || end == text.c_str() || *end != '\0') return false;
  // A number above 1 is a percentage: --min-ratio 80 means 80%.
  if (percent || v > 1.0) v /= 100.0;
  if (!(v >= 0.0 && v <= 1.0)) return false;
  *out = v;
  return true;
}

// Reads a .tfvars (HCL) or .tfvars.json file: top-level NAME = scalar.
bool ReadVarFile(const std::string& path, std::map<std::string, std::string, std::less<>>* vars,
                 std::string* error) {
  std::string text;
  ParsedSource parsed;
  Diagnostic d;
  InputFormat format = EndsWith(path, ".json") ? InputFormat::kJson : InputFormat::kHcl;
  if (!ReadAndParse(path, format, 16 << 20, &text, &parsed, &d)) {
    *error = "--var-file " + (parsed.has_error ? d.ToString() : path + ": " + d.message);
    return false;
  }
  if (parsed.documents.empty()) {
    *error = "--var-file " + path + ": empty";
    return false;
  }
  const Node* root = parsed.documents[0].root;
  for (size_t i = 0; root->IsMapping() && i < root->MappingSize(); ++i) {
    const Node* value = root->ValueAt(i);
    if (value->IsScalar())
      (*vars)[std::string(root->KeyAt(i)->Scalar())] = std::string(value->value());
  }
  return true;
}

std::string FormatList() {
  std::string out;
  for (std::string_view f : ReportFormats()) out += (out.empty() ? "" : ", ") + std::string(f);
  return out;
}

std::string NameValue(const char* flag, const std::string& v,
                      std::map<std::string, std::string, std::less<>>* into) {
  size_t eq = v.find('=');
  if (eq == std::string::npos || eq == 0) {
    return std::string(flag) + " takes NAME=VALUE, not " + QuoteForMessage(v);
  }
  (*into)[v.substr(0, eq)] = v.substr(eq + 1);
  return "";
}

std::string AFile() { return "a file"; }
std::string AFormat() { return "a value: " + FormatList(); }

const FlagSpec kInput[] = {
    {"--param", nullptr, "NAME=VALUE",
     "CloudFormation parameter for !Ref (repeatable; beats its Default)",
     [](CommandLine* cl, const std::string& v) {
       return NameValue("--param", v, &cl->scan.resolve.cfn_params);
     }},
    {"--var", nullptr, "NAME=VALUE",
     "Terraform variable for var.NAME (repeatable; beats its default)",
     [](CommandLine* cl, const std::string& v) {
       return NameValue("--var", v, &cl->scan.resolve.tf_vars);
     }},
    {"--var-file", nullptr, "FILE", "Terraform variables from a .tfvars or .tfvars.json file",
     [](CommandLine* cl, const std::string& v) {
       std::string error;
       ReadVarFile(v, &cl->scan.resolve.tf_vars, &error);
       return error;
     },
     AFile},
    {"--max-file-size", nullptr, "S", "refuse larger inputs (default 16M; suffixes K, M, G)",
     [](CommandLine* cl, const std::string& v) -> std::string {
       if (!ParseSize(v, &cl->scan.max_file_bytes)) {
         return "--max-file-size takes a size such as 16M or 500K, not " + QuoteForMessage(v);
       }
       return "";
     }},
    {"--config", nullptr, "FILE",
     "the .rootlock.yaml to use (default: found upward from the first PATH); --no-config ignores "
     "it",
     [](CommandLine* cl, const std::string& v) {
       cl->policy.config = v;
       return v.empty() ? std::string("--config needs a file") : std::string();
     },
     AFile},
    {"--no-config", nullptr, nullptr,
     "use no .rootlock.yaml, not even one found upward from the first PATH",
     [](CommandLine* cl, const std::string&) {
       cl->policy.no_config = true;
       return std::string();
     }},
    {"--no-peer-exemptions", nullptr, nullptr,
     "do not honour kube-linter, Polaris, kube-score, Checkov and Kubescape suppressions "
     "(rootlock.io/exempt and # rootlock:ignore still count)",
     [](CommandLine* cl, const std::string&) {
       cl->policy.no_peer_exemptions = true;
       return std::string();
     }},
};

const FlagSpec kJudge[] = {
    {"--strict", nullptr, nullptr, "judge stateful databases too instead of calling them n/a",
     [](CommandLine* cl, const std::string&) {
       cl->scan.rules.strict = true;
       cl->policy.strict_set = true;
       return std::string();
     }},
    {"--rules", nullptr, "ID,...",
     "run only these rules (default: all of rootlock rules; repeatable)",
     [](CommandLine* cl, const std::string& v) -> std::string {
       std::set<std::string, std::less<>> chosen;
       size_t from = 0;
       while (from <= v.size()) {
         size_t comma = v.find(',', from);
         std::string id =
             v.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
         const RuleInfo* rule = FindRule(id);
         if (!rule) {
           return "--rules takes rule ids or aliases separated by commas (see rootlock rules), "
                  "not " +
                  QuoteForMessage(id);
         }
         chosen.insert(rule->id);
         if (comma == std::string::npos) break;
         from = comma + 1;
       }
       // Repeated --rules add up: a rule runs when any of them names it.
       if (!cl->policy.rules_set) {
         for (const RuleInfo* r : AllRules()) cl->scan.rules.disabled.insert(r->id);
       }
       for (const std::string& id : chosen) cl->scan.rules.disabled.erase(id);
       cl->policy.rules_set = true;
       return "";
     },
     [] { return std::string("rule ids separated by commas (see rootlock rules)"); }, nullptr,
     RuleIdValues},
};

const FlagSpec kBaseline[] = {
    {"--baseline", nullptr, "FILE", "fail only on failures not in FILE; report those fixed since",
     [](CommandLine* cl, const std::string& v) {
       cl->policy.baseline = v;
       return v.empty() ? std::string("--baseline needs a file") : std::string();
     },
     AFile},
    {"--write-baseline", nullptr, "FILE", "record today's failures (by fingerprint, not line)",
     [](CommandLine* cl, const std::string& v) {
       cl->policy.write_baseline = v;
       return v.empty() ? std::string("--write-baseline needs a file") : std::string();
     },
     AFile},
};

const FlagSpec kReport[] = {
    {"--format", "-f", "FORMAT", "the report on stdout: {values} (default: text)",
     [](CommandLine* cl, const std::string& v) -> std::string {
       if (!IsReportFormat(v))
         return "--format takes " + FormatList() + ", not " + QuoteForMessage(v);
       cl->report.format = v;
       cl->report.format_given = true;
       return "";
     },
     AFormat, nullptr, ReportFormatValues},
    {"--output", "-o", "FORMAT=FILE",
     "also write FORMAT to FILE, atomically (repeatable); with --output and no --format, stdout "
     "stays empty",
     [](CommandLine* cl, const std::string& v) -> std::string {
       size_t eq = v.find('=');
       std::string format = v.substr(0, eq == std::string::npos ? 0 : eq);
       std::string file = eq == std::string::npos ? "" : v.substr(eq + 1);
       if (!IsReportFormat(format) || file.empty() || file == "-") {
         return "--output takes FORMAT=FILE with FORMAT one of " + FormatList() +
                " (stdout is --format's), not " + QuoteForMessage(v);
       }
       for (const auto& [f, earlier] : cl->report.outputs) {
         if (earlier == file) return "--output names " + QuoteForMessage(file) + " twice";
       }
       cl->report.outputs.emplace_back(format, file);
       return "";
     },
     [] { return "FORMAT=FILE with FORMAT one of " + FormatList(); }},
    {"--quiet", "-q", nullptr, "no progress line and no notes on stderr",
     [](CommandLine* cl, const std::string&) {
       cl->report.quiet = true;
       return std::string();
     }},
    {"--aws-account-id", nullptr, "ID",
     "asff: the account the findings go to (default AWS_ACCOUNT_ID, else 000000000000)",
     [](CommandLine* cl, const std::string& v) -> std::string {
       if (!IsAwsAccountId(v)) {
         return "--aws-account-id takes a 12-digit AWS account id, not " + QuoteForMessage(v);
       }
       cl->report.aws_account_id = v;
       return "";
     }},
    {"--aws-region", nullptr, "R",
     "asff: the region the findings go to (default AWS_REGION or AWS_DEFAULT_REGION, else "
     "us-east-1)",
     [](CommandLine* cl, const std::string& v) -> std::string {
       if (!IsAwsRegion(v)) {
         return "--aws-region takes a region such as eu-west-1, not " + QuoteForMessage(v);
       }
       cl->report.aws_region = v;
       return "";
     }},
    {"--min-ratio", nullptr, "R",
     "the share of read-only containers that passes: 0..1, or a percentage (80 and 80% both mean "
     "80%; default 0.8); exit 1 below it",
     [](CommandLine* cl, const std::string& v) -> std::string {
       if (!ParseRatio(v, &cl->scan.min_ratio)) {
         return "--min-ratio takes a number from 0 to 1, or a percentage (80 or 80%), not " +
                QuoteForMessage(v);
       }
       cl->policy.min_ratio_set = true;
       return "";
     }},
    {"--allow-empty", nullptr, nullptr,
     "pass when no container was found at all (default: exit 1, so that a wrong path or unrendered "
     "templates never pass a CI gate on nothing)",
     [](CommandLine* cl, const std::string&) {
       cl->scan.allow_empty = true;
       return std::string();
     }},
    {"--fail-on-any", nullptr, nullptr, "also exit 1 when any container fails",
     [](CommandLine* cl, const std::string&) {
       cl->scan.fail_on_any = true;
       return std::string();
     }},
    {"--fail-on", nullptr, "RULE|SEVERITY",
     "also exit 1 on any failure of RULE (an id or alias), or of every rule of SEVERITY or above "
     "(low, medium, high, critical); repeatable; the read-only headline and --min-ratio do not "
     "move",
     [](CommandLine* cl, const std::string& v) -> std::string {
       if (!ParseFailOn(v, &cl->scan.fail_on, &cl->scan.fail_on_severity)) {
         return "--fail-on takes a rule id or alias (see rootlock rules) or a severity (low, "
                "medium, high, critical), not " +
                QuoteForMessage(v);
       }
       cl->policy.fail_on_set = true;
       return "";
     },
     [] { return std::string("a rule id or a severity (low, medium, high, critical)"); }, nullptr,
     FailOnValues},
    {"--verbose", "-v", nullptr, "text: list passing containers too",
     [](CommandLine* cl, const std::string&) {
       cl->report.verbose = true;
       return std::string();
     }},
    {"--color", nullptr, "WHEN", "{values} (default: auto); NO_COLOR turns colour off",
     [](CommandLine* cl, const std::string& v) -> std::string {
       if (v != "auto" && v != "always" && v != "never") {
         return "--color takes auto, always or never, not " + QuoteForMessage(v);
       }
       cl->report.color = v;
       return "";
     },
     nullptr, "--colour",
     [] {
       return std::vector<std::string>{"auto", "always", "never"};
     }},
};

const FlagSpec kJobs[] = {
    {"--jobs", "-j", "N",
     "worker threads, or requests in flight for a live API (default: one per core; ecs and k8s: "
     "8); output "
     "is identical for any N",
     [](CommandLine* cl, const std::string& v) -> std::string {
       uint64_t n = 0;
       if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos ||
           !ParseSize(v, &n) || n > 1024) {
         return "--jobs takes a whole number from 1 to 1024, not " + QuoteForMessage(v);
       }
       cl->scan.jobs = static_cast<unsigned>(n);
       return "";
     }},
};

const FlagSpec kLive[] = {
    {"--timeout", nullptr, "DURATION",
     "the whole run's deadline: 30s, 2m, 1h or seconds (default 5m); past it the run stops with "
     "exit 2 (each request also gives up after 60s)",
     [](CommandLine* cl, const std::string& v) -> std::string {
       if (!ParseDuration(v, &cl->timeout)) {
         return "--timeout takes a duration such as 30s, 2m or 1h (up to 24h), not " +
                QuoteForMessage(v);
       }
       return "";
     },
     [] { return std::string("a duration such as 30s, 2m or 1h"); }},
    {"--max-response-size", nullptr, "SIZE",
     "the most read of any one answer from the server (default 256M for a list, 64M for what a "
     "container wrote, 16M for one object; suffixes K, M, G)",
     [](CommandLine* cl, const std::string& v) -> std::string {
       if (!ParseSize(v, &cl->max_response_bytes)) {
         return "--max-response-size takes a size such as 512M or 1G, not " + QuoteForMessage(v);
       }
       return "";
     },
     [] { return std::string("a size such as 512M or 1G"); }},
};

}  // namespace

bool IsAwsAccountId(std::string_view s) {
  return s.size() == 12 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

bool IsAwsRegion(std::string_view s) {
  return !s.empty() && s.size() <= 32 &&
         s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
}

FlagGroup InputFlags() { return kInput; }
// --config, --no-config, --no-peer-exemptions: the last three of kInput.
FlagGroup ConfigFlags() { return FlagGroup(kInput).subspan(4); }
FlagGroup JudgeFlags() { return kJudge; }
FlagGroup BaselineFlags() { return kBaseline; }
FlagGroup ReportFlagsGroup() { return kReport; }
FlagGroup LiveFlags() { return kLive; }
FlagGroup JobsFlags() { return kJobs; }

bool ParseSize(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  uint64_t v = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + static_cast<uint64_t>(s[i] - '0');
  }
  if (i == 0) return false;
  std::string suffix = ToLower(s.substr(i));
  uint64_t mult = 1;
  if (suffix == "" || suffix == "b") {
    mult = 1;
  } else if (suffix == "k" || suffix == "kb" || suffix == "kib") {
    mult = 1024;
  } else if (suffix == "m" || suffix == "mb" || suffix == "mib") {
    mult = 1024 * 1024;
  } else if (suffix == "g" || suffix == "gb" || suffix == "gib") {
    mult = 1024ull * 1024 * 1024;
  } else {
    return false;
  }
  if (v > UINT64_MAX / mult) return false;
  *out = v * mult;
  return v > 0;
}

bool ParseDuration(std::string_view s, std::chrono::milliseconds* out) {
  uint64_t v = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (v > 100000000) return false;  // far past 24 h in any unit
    v = v * 10 + static_cast<uint64_t>(s[i] - '0');
  }
  if (i == 0) return false;
  std::string_view unit = s.substr(i);
  uint64_t ms_per = 0;
  if (unit == "ms") {
    ms_per = 1;
  } else if (unit == "" || unit == "s") {
    ms_per = 1000;
  } else if (unit == "m") {
    ms_per = 60 * 1000;
  } else if (unit == "h") {
    ms_per = 3600 * 1000;
  } else {
    return false;
  }
  uint64_t ms = v * ms_per;
  if (ms == 0 || ms > 24ull * 3600 * 1000) return false;
  *out = std::chrono::milliseconds(static_cast<int64_t>(ms));
  return true;
}

std::string FormatDuration(std::chrono::milliseconds d) {
  int64_t ms = d.count();
  if (ms != 0 && ms % 3600000 == 0) return std::to_string(ms / 3600000) + "h";
  if (ms != 0 && ms % 60000 == 0) return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::vector<std::string> ReportFormatValues() {
  return std::vector<std::string>(ReportFormats().begin(), ReportFormats().end());
}

std::vector<std::string> RuleIdValues() {
  std::vector<std::string> out;
  for (const RuleInfo* r : AllRules()) out.emplace_back(r->id);
  return out;
}

std::vector<std::string> FailOnValues() {
  std::vector<std::string> out = RuleIdValues();
  for (const char* severity : {"low", "medium", "high", "critical"}) out.emplace_back(severity);
  return out;
}

bool ParseFlags(int argc, char** argv, std::span<const FlagGroup> groups, CommandLine* cl,
                std::string* error) {
  bool only_args = false;
  for (int i = 0; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (only_args || arg == "-" || arg.empty() || arg[0] != '-') {
      cl->args.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      only_args = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      cl->help = true;
      return true;
    }
    bool is_long = arg.size() > 2 && arg[1] == '-';
    std::string_view name = is_long ? arg.substr(0, arg.find('=')) : arg;
    const FlagSpec* found = nullptr;
    std::string value;
    bool has_value = false;
    for (FlagGroup g : groups) {
      for (const FlagSpec& f : g) {
        if (is_long && (name == f.name || (f.alias && name == f.alias))) {
          found = &f;
          if (name.size() < arg.size()) value = arg.substr(name.size() + 1), has_value = true;
        } else if (!is_long && f.short_name && arg == f.short_name) {
          found = &f;
        } else if (!is_long && f.short_name && f.value && arg.size() > 2 &&
                   arg.substr(0, 2) == f.short_name) {
          found = &f;  // a short flag with its value attached: -j4
          value = arg.substr(2), has_value = true;
        }
        if (found) break;
      }
      if (found) break;
    }
    if (!found) {
      *error = "unknown option " + QuoteForMessage(arg);
      return false;
    }
    if (!found->value && has_value) {
      *error = std::string(name) + " takes no value";
      return false;
    }
    if (found->value && !has_value) {
      if (i + 1 >= argc) {
        *error = std::string(name) + " needs " + (found->expects ? found->expects() : "a value");
        return false;
      }
      value = argv[++i];
    }
    if (std::string e = found->apply(cl, value); !e.empty()) {
      *error = std::move(e);
      return false;
    }
  }
  return true;
}

std::vector<std::string> FlagNames(std::initializer_list<FlagGroup> groups) {
  std::vector<std::string> out;
  for (FlagGroup g : groups) {
    for (const FlagSpec& f : g) {
      out.emplace_back(f.name);
      if (f.short_name) out.emplace_back(f.short_name);
      if (f.alias) out.emplace_back(f.alias);
    }
  }
  return out;
}

}  // namespace rootlock
