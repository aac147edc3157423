// --help, rootlock(1) and the shell completions, rendered from the command
// registry (cli/command.h) and the rule registry: one declaration each, four
// renderings.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "base/text.h"
#include "cli/command.h"
#include "rules/rules.h"

namespace rootlock {

namespace {

constexpr size_t kWidth = 92;       // --help's lines, as the hand-written pages were
constexpr size_t kFlagColumn = 21;  // where an option's text starts
constexpr const char* kTagline =
    "find, explain and fix containers whose root filesystem is writable";
constexpr const char* kMainExit =
    "Exit status: 0 clean, 1 the policy fails, 2 usage or input errors.";

// One command and the words that name it ("webhook serve").
struct Named {
  const CommandSpec* spec;
  std::string path;
};

void Flatten(std::span<const CommandSpec* const> commands, const std::string& prefix,
             bool with_hidden, std::vector<Named>* out) {
  for (const CommandSpec* c : commands) {
    if (c->hidden && !with_hidden) continue;
    std::string path = prefix.empty() ? c->name : prefix + " " + c->name;
    out->push_back({c, path});
    Flatten(c->subcommands, path, with_hidden, out);
  }
}

std::vector<Named> Visible(std::span<const CommandSpec* const> commands) {
  std::vector<Named> out;
  Flatten(commands, "", false, &out);
  return out;
}

std::vector<const FlagSpec*> Flags(const CommandSpec& c) {
  std::vector<const FlagSpec*> out;
  if (!c.flags) return out;
  for (FlagGroup g : c.flags()) {
    for (const FlagSpec& f : g) out.push_back(&f);
  }
  return out;
}

bool TakesFiles(const FlagSpec& f) {
  return f.value && std::string_view(f.value).find("FILE") != std::string_view::npos;
}

// `text` filled into lines of at most kWidth, the first starting at column `column` (already
// written), the others indented by `indent`.
std::string Fill(std::string_view text, size_t column, size_t indent) {
  std::string out;
  size_t at = column;
  bool line_empty = true;
  while (!text.empty()) {
    size_t space = text.find(' ');
    std::string_view word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    if (word.empty()) continue;
    if (!line_empty && at + 1 + word.size() > kWidth) {
      out += "\n" + std::string(indent, ' ');
      at = indent;
      line_empty = true;
    }
    if (!line_empty) out += ' ', ++at;
    out += word;
    at += word.size();
    line_empty = false;
  }
  return out + "\n";
}

// The flag's help, with "{values}" replaced by what it takes: "text, json or html".
std::string HelpOf(const FlagSpec& f) {
  std::string help = f.help ? f.help : "";
  size_t at = help.find("{values}");
  if (at == std::string::npos || !f.values) return help;
  std::vector<std::string> values = f.values();
  std::string list;
  for (size_t i = 0; i < values.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == values.size() ? " or " : ", ") + values[i];
  }
  return help.replace(at, 8, list);
}

std::string FlagHead(const FlagSpec& f) {
  std::string head;
  if (f.short_name) head = std::string(f.short_name) + ", ";
  head += f.name;
  if (f.value) head += std::string(" ") + f.value;
  return head;
}

std::string FlagLine(const std::string& head, std::string_view help) {
  std::string line = "  " + head;
  if (line.size() + 2 <= kFlagColumn) {
    line.resize(kFlagColumn, ' ');
  } else {
    line += "  ";
  }
  return line + Fill(help, line.size(), kFlagColumn);
}

std::string RulesSection() {
  std::string out = "rules:\n";
  for (const RuleInfo* r : AllRules()) {
    char head[64];
    std::snprintf(head, sizeof head, "  %-18s ", r->id);
    std::string_view text = r->summary;
    bool first = true;
    while (!text.empty()) {
      size_t nl = text.find('\n');
      out += first ? std::string(head) : std::string(21, ' ');
      out += text.substr(0, nl);
      out += '\n';
      first = false;
      text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    }
  }
  return out;
}

std::string Usage(const CommandSpec& c, std::string_view path) {
  std::string out = "rootlock " + std::string(path);
  // A command that also runs on its own (webhook serves) takes its subcommand optionally.
  if (!c.subcommands.empty()) out += c.run ? " [<command>]" : " <command>";
  if (c.flags) out += " [options]";
  if (c.operands && *c.operands) out += std::string(" ") + c.operands;
  return out;
}

// ---- roff (man(7)) ----

// Text for a roff line: backslashes escaped, a leading control character neutralised,
// dashes as minus signs where they start an option, other characters than ASCII by code point.
std::string Roff(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(text[i]);
    if (ch == '\\') {
      out += "\\e";
    } else if (ch == '-' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '-' ||
                             text[i - 1] == '(' || text[i - 1] == '|')) {
      out += "\\-";
    } else if (ch >= 0x80) {
      // UTF-8: the code point as \[uXXXX].
      uint32_t cp = 0;
      size_t extra = ch >= 0xF0 ? 3 : ch >= 0xE0 ? 2 : 1;
      cp = ch & (0x3F >> extra);
      for (size_t k = 0; k < extra && i + 1 < text.size(); ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(text[++i]) & 0x3F);
      }
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\[u%04X]", cp);
      out += buf;
    } else {
      out += static_cast<char>(ch);
    }
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

// Pre-formatted help text as roff: filled paragraphs, lines that start with a space kept
// as they are.
std::string RoffBlock(std::string_view text) {
  std::string out;
  bool literal = false;
  bool paragraph_open = false;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty()) {
      if (literal) out += ".fi\n", literal = false;
      paragraph_open = false;
      continue;
    }
    bool indented = line[0] == ' ';
    if (!paragraph_open) out += ".PP\n", paragraph_open = true;
    if (indented && !literal) out += ".nf\n", literal = true;
    if (!indented && literal) out += ".fi\n", literal = false;
    out += Roff(line) + "\n";
  }
  if (literal) out += ".fi\n";
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string RoffFlag(const FlagSpec& f) {
  std::string out = ".TP\n";
  if (f.short_name) out += "\\fB" + Roff(f.short_name) + "\\fR, ";
  out += "\\fB" + Roff(f.name) + "\\fR";
  if (f.value) out += " \\fI" + Roff(f.value) + "\\fR";
  if (f.alias) out += " (also \\fB" + Roff(f.alias) + "\\fR)";
  out += "\n" + Roff(HelpOf(f)) + "\n";
  return out;
}

// ---- completions ----

// A short description for zsh and fish: the help up to its first clause.
std::string Brief(std::string_view help) {
  size_t cut = help.size();
  for (std::string_view stop : {"; ", ". ", " (", ": "}) {
    size_t at = help.find(stop);
    if (at != std::string_view::npos && at > 8 && at < cut) cut = at;
  }
  std::string out(help.substr(0, cut));
  if (out.size() > 72) out = out.substr(0, out.rfind(' ', 69)) + "...";
  return out;
}

// `s` inside single quotes for any of the three shells.
std::string SingleQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string Join(const std::vector<std::string>& words, const char* sep = " ") {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : sep) + w;
  return out;
}

std::vector<std::string> SubcommandNames(const CommandSpec& c) {
  std::vector<std::string> out;
  for (const CommandSpec* s : c.subcommands) {
    if (!s->hidden) out.emplace_back(s->name);
  }
  return out;
}

std::vector<std::string> FlagWords(const CommandSpec& c) {
  std::vector<std::string> out;
  for (const FlagSpec* f : Flags(c)) {
    out.emplace_back(f->name);
    if (f->short_name) out.emplace_back(f->short_name);
    if (f->alias) out.emplace_back(f->alias);
  }
  out.emplace_back("--help");
  out.emplace_back("-h");
  return out;
}

std::string BashScript(std::span<const CommandSpec* const> commands) {
  std::vector<Named> all = Visible(commands);
  std::vector<std::string> top;
  for (const CommandSpec* c : commands) {
    if (!c->hidden) top.emplace_back(c->name);
  }
  std::string out =
      "# bash completion for rootlock: generated by `rootlock completion bash` from the\n"
      "# command registry (src/cli/command.h); do not edit.\n"
      "_rootlock_words() {\n"
      "  mapfile -t COMPREPLY < <(compgen -W \"$1\" -- \"$2\")\n"
      "}\n"
      "# rule ids separated by commas: completes the one after the last comma\n"
      "_rootlock_list() {\n"
      "  local head=\n"
      "  [[ $2 == *,* ]] && head=${2%,*},\n"
      "  mapfile -t COMPREPLY < <(compgen -P \"$head\" -W \"$1\" -- \"${2##*,}\")\n"
      "  compopt -o nospace 2>/dev/null\n"
      "  return 0\n"
      "}\n"
      "_rootlock_files() {\n"
      "  compopt -o filenames 2>/dev/null\n"
      "  mapfile -t COMPREPLY < <(compgen -f -- \"$1\")\n"
      "}\n"
      "_rootlock() {\n"
      "  COMPREPLY=()\n"
      "  local cur=${COMP_WORDS[COMP_CWORD]} prev= path= i=1\n"
      "  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
      "  # --flag=value: bash splits the word at '=' (COMP_WORDBREAKS)\n"
      "  if [[ $cur == = ]]; then\n"
      "    cur=\n"
      "  elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then\n"
      "    prev=${COMP_WORDS[COMP_CWORD-2]}\n"
      "  fi\n"
      "  while ((i < COMP_CWORD)); do\n"
      "    case \"$path ${COMP_WORDS[i]}\" in\n";
  std::string paths;
  for (const Named& n : all) paths += (paths.empty() ? "" : "|") + SingleQuote(" " + n.path);
  out += "      " + paths + ") path=\"$path ${COMP_WORDS[i]}\"; ((i++)) ;;\n";
  out +=
      "      *) break ;;\n"
      "    esac\n"
      "  done\n"
      "  case $path in\n"
      "    '')\n"
      "      ((i == COMP_CWORD)) && _rootlock_words " +
      SingleQuote(Join(top)) + " \"$cur\" ;;\n";
  for (const Named& n : all) {
    const CommandSpec& c = *n.spec;
    out += "    " + SingleQuote(" " + n.path) + ")\n      case $prev in\n";
    for (const FlagSpec* f : Flags(c)) {
      if (!f->value) continue;
      std::string names = f->name;
      if (f->short_name) names += std::string("|") + f->short_name;
      if (f->alias) names += std::string("|") + f->alias;
      out += "        " + names + ") ";
      if (f->values) {
        std::string values = Join(f->values());
        bool list = std::string_view(f->value).find(",...") != std::string_view::npos;
        out += std::string(list ? "_rootlock_list " : "_rootlock_words ") + SingleQuote(values) +
               " \"$cur\"";
      } else if (TakesFiles(*f)) {
        out += "_rootlock_files \"$cur\"";
      } else {
        out += ":";  // free text: nothing to offer
      }
      out += "; return ;;\n";
    }
    out += "      esac\n";
    out += "      if [[ $cur == -* ]]; then\n        _rootlock_words " +
           SingleQuote(Join(FlagWords(c))) + " \"$cur\"\n";
    std::vector<std::string> operands = SubcommandNames(c);
    if (c.operand_values) {
      for (std::string& v : c.operand_values()) operands.push_back(std::move(v));
    }
    if (!operands.empty()) {
      out += "      else\n        _rootlock_words " + SingleQuote(Join(operands)) + " \"$cur\"\n";
    } else if (c.file_operands) {
      out += "      else\n        _rootlock_files \"$cur\"\n";
    }
    out += "      fi ;;\n";
  }
  out +=
      "  esac\n"
      "  return 0\n"
      "}\n"
      "complete -F _rootlock rootlock\n";
  return out;
}

// Text inside _arguments' [explanation]: brackets and backslashes quoted.
std::string ZshQuoteBrackets(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// A value's name in _arguments' :message: part: colons would end it.
std::string ZshMessage(std::string s) {
  for (char& c : s) {
    if (c == ':') c = ' ';
  }
  return s;
}

std::string ZshFunctionName(const std::string& path) {
  std::string out = "_rootlock_";
  for (char c : path) out += (c == ' ' || c == '-') ? '_' : c;
  return out;
}

std::string ZshScript(std::span<const CommandSpec* const> commands) {
  std::vector<Named> all = Visible(commands);
  std::string out =
      "#compdef rootlock\n"
      "# zsh completion for rootlock: generated by `rootlock completion zsh` from the\n"
      "# command registry (src/cli/command.h); do not edit.\n\n";
  for (const Named& n : all) {
    const CommandSpec& c = *n.spec;
    out += ZshFunctionName(n.path) + "() {\n  _arguments -s -S \\\n";
    for (const FlagSpec* f : Flags(c)) {
      std::string names = f->short_name ? std::string("{") + f->short_name + "," + f->name + "}"
                                        : std::string(f->name);
      std::string spec =
          "'*'" + names + SingleQuote("[" + ZshQuoteBrackets(Brief(HelpOf(*f))) + "]");
      if (f->value) {
        std::string action;
        if (f->values && std::string_view(f->value).find(",...") != std::string_view::npos) {
          action = "_values -s , " + std::string(f->value) + " " + Join(f->values());
        } else if (f->values) {
          action = "(" + Join(f->values()) + ")";
        } else if (TakesFiles(*f)) {
          action = "_files";
        } else {
          action = " ";
        }
        spec += SingleQuote(":" + ZshMessage(f->value) + ":" + action);
      }
      out += "    " + spec + " \\\n";
    }
    out += "    '(- *)'{-h,--help}'[print the help]'";
    std::vector<std::string> operands = SubcommandNames(c);
    if (c.operand_values) {
      for (std::string& v : c.operand_values()) operands.push_back(std::move(v));
    }
    if (!operands.empty()) {
      out += " \\\n    " +
             SingleQuote("1:" + std::string(c.operands && *c.operands ? "ID" : "command") + ":(" +
                         Join(operands) + ")");
    } else if (c.file_operands) {
      out += " \\\n    '*:PATH:_files'";
    }
    out += "\n}\n\n";
  }
  out += "_rootlock() {\n  local -a commands\n  commands=(\n";
  for (const CommandSpec* c : commands) {
    if (c->hidden) continue;
    out += "    " + SingleQuote(std::string(c->name) + ":" + Brief(c->summary)) + "\n";
  }
  out +=
      "  )\n"
      "  if (( CURRENT == 2 )); then\n"
      "    _describe -t commands 'rootlock command' commands\n"
      "    return\n"
      "  fi\n"
      "  local command=$words[2]\n"
      "  shift words\n"
      "  (( CURRENT-- ))\n"
      "  case $command in\n";
  for (const CommandSpec* c : commands) {
    if (c->hidden) continue;
    out += "    " + std::string(c->name) + ") " + ZshFunctionName(c->name) + " ;;\n";
  }
  out +=
      "  esac\n"
      "}\n\n"
      "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n"
      "  _rootlock \"$@\"\n"
      "else\n"
      "  compdef _rootlock rootlock\n"
      "fi\n";
  return out;
}

std::string FishScript(std::span<const CommandSpec* const> commands) {
  std::vector<std::string> top;
  for (const CommandSpec* c : commands) {
    if (!c->hidden) top.emplace_back(c->name);
  }
  std::string out =
      "# fish completion for rootlock: generated by `rootlock completion fish` from the\n"
      "# command registry (src/cli/command.h); do not edit.\n"
      "complete -c rootlock -f\n";
  for (const CommandSpec* c : commands) {
    if (c->hidden) continue;
    out += "complete -c rootlock -n " +
           SingleQuote("not __fish_seen_subcommand_from " + Join(top)) + " -a " + c->name + " -d " +
           SingleQuote(Brief(c->summary)) + "\n";
  }
  for (const Named& n : Visible(commands)) {
    const CommandSpec& c = *n.spec;
    if (n.path.find(' ') != std::string::npos) continue;  // fish: one level
    std::string when = " -n " + SingleQuote("__fish_seen_subcommand_from " + n.path);
    for (const FlagSpec* f : Flags(c)) {
      out += "complete -c rootlock" + when + " -l " + std::string(f->name + 2);
      if (f->short_name) out += std::string(" -s ") + (f->short_name + 1);
      if (f->alias) out += std::string(" -l ") + (f->alias + 2);
      if (f->value) {
        if (f->values) {
          out += " -x -a " + SingleQuote(Join(f->values()));
        } else if (TakesFiles(*f)) {
          out += " -r -F";
        } else {
          out += " -x";
        }
      }
      out += " -d " + SingleQuote(Brief(HelpOf(*f))) + "\n";
    }
    std::vector<std::string> operands = SubcommandNames(c);
    if (c.operand_values) {
      for (std::string& v : c.operand_values()) operands.push_back(std::move(v));
    }
    if (!operands.empty()) {
      out += "complete -c rootlock" + when + " -a " + SingleQuote(Join(operands)) + "\n";
    } else if (c.file_operands) {
      out += "complete -c rootlock" + when + " -F\n";
    }
  }
  return out;
}

}  // namespace

std::string MainHelp(std::span<const CommandSpec* const> commands) {
  std::string out = std::string("rootlock \u2014 ") + kTagline +
                    "\n\nusage: rootlock <command> [options]\n\ncommands:\n";
  std::string pages;
  for (const CommandSpec* c : commands) {
    if (c->hidden) continue;
    std::string head = "  " + std::string(c->name);
    if (c->operands && *c->operands) head += std::string(" ") + c->operands;
    head += head.size() + 2 <= 18 ? std::string(18 - head.size(), ' ') : std::string("  ");
    out += head + Fill(c->summary, head.size(), 18);
    // \x01: a space the filling never breaks at, so that each page's name stays on one line.
    pages += std::string(pages.empty() ? "" : " ") + "'rootlock\x01" + c->name + "\x01--help',";
  }
  pages.back() = '.';
  std::string each = Fill("Each command has its own page: " + pages, 0, 0);
  for (char& ch : each) {
    if (ch == '\x01') ch = ' ';
  }
  out += "\n" + each + kMainExit + "\n";
  return out;
}

std::string CommandHelp(const CommandSpec& c, std::string_view path) {
  std::string out = "usage: " + Usage(c, path) + "\n\n";
  if (c.description) out += std::string(c.description) + "\n";
  if (c.list_rules) out += RulesSection() + "\n";
  if (!c.subcommands.empty()) {
    out += "commands:\n";
    for (const CommandSpec* s : c.subcommands) {
      if (!s->hidden) out += FlagLine(s->name, s->summary);
    }
    out += "\n";
  }
  out += "options:\n";
  for (const FlagSpec* f : Flags(c)) out += FlagLine(FlagHead(*f), HelpOf(*f));
  out += FlagLine("-h, --help", "this help");
  if (c.examples) out += "\nexamples:\n" + std::string(c.examples);
  if (c.epilogue) out += "\n" + std::string(c.epilogue);
  return out;
}

std::string ManPage(std::span<const CommandSpec* const> commands) {
  std::vector<Named> all = Visible(commands);
  std::string out =
      ".\\\" rootlock(1): generated by `rootlock man` from the command registry\n"
      ".\\\" (src/cli/command.h); do not edit.\n"
      ".TH ROOTLOCK 1 \"\" \"rootlock " ROOTLOCK_VERSION
      "\" \"User Commands\"\n"
      // No hyphenation, ragged right: flag names and variables must not break.
      ".nh\n.ad l\n"
      ".SH NAME\nrootlock \\- " +
      Roff(kTagline) + "\n.SH SYNOPSIS\n";
  bool first = true;
  for (const Named& n : all) {
    if (!first) out += ".br\n";
    first = false;
    out += ".B rootlock " + Roff(n.path) + "\n";
    std::string rest;
    if (!n.spec->subcommands.empty()) {
      rest += n.spec->run ? " [\\fIcommand\\fR]" : " \\fIcommand\\fR";
    }
    if (n.spec->flags) rest += " [\\fIoptions\\fR]";
    if (n.spec->operands && *n.spec->operands) rest += " \\fI" + Roff(n.spec->operands) + "\\fR";
    if (!rest.empty()) out += rest.substr(1) + "\n";
  }
  out +=
      ".SH DESCRIPTION\n"
      "rootlock judges whether containers run with a read-only root filesystem, and the rules "
      "next to it, in Kubernetes manifests, ECS task definitions (JSON, CloudFormation, "
      "Terraform), Docker Compose files and docker inspect output, and in live systems; it "
      "explains each failure and writes the remedy into the files.\n"
      ".PP\n"
      "Each command below has its own page too: \\fBrootlock\\fR \\fIcommand\\fR "
      "\\fB\\-\\-help\\fR prints the same text.\n"
      ".SH COMMANDS\n";
  for (const Named& n : all) {
    out += ".TP\n.B rootlock " + Roff(n.path) + "\n" + Roff(n.spec->summary) + "\n";
  }
  for (const Named& n : all) {
    const CommandSpec& c = *n.spec;
    out += ".SH " + Roff(Upper("rootlock " + n.path)) + "\n";
    if (c.description) out += RoffBlock(c.description);
    if (c.list_rules) out += ".PP\nThe rules are listed under \\fBRULES\\fR below.\n";
    out += ".SS Options\n";
    for (const FlagSpec* f : Flags(c)) out += RoffFlag(*f);
    out += ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nprint this command's help and exit.\n";
    if (c.examples) out += ".SS Examples\n" + RoffBlock(c.examples);
    if (c.epilogue) out += RoffBlock(c.epilogue);
  }
  out += ".SH RULES\n";
  for (const RuleInfo* r : AllRules()) {
    std::string summary = r->summary;
    for (char& ch : summary) {
      if (ch == '\n') ch = ' ';
    }
    out += ".TP\n.B " + Roff(r->id) + "\n" + Roff(summary) + "\n";
  }
  out +=
      ".PP\n\\fBrootlock rules\\fR \\fIID\\fR explains one rule: what it checks, why, and how "
      "to fix it.\n"
      ".SH EXIT STATUS\n"
      ".TP\n.B 0\nclean: the policy passes.\n"
      ".TP\n.B 1\nthe policy fails.\n"
      ".TP\n.B 2\nusage or input errors (2 wins over 1).\n"
      ".SH ENVIRONMENT\n"
      ".TP\n.B NO_COLOR\nturns colour off in the text report.\n"
      ".TP\n.B SOURCE_DATE_EPOCH\nthe time stamped on reports, for reproducible output.\n"
      ".TP\n.B DOCKER_HOST\nthe engine \\fBrootlock docker\\fR reads.\n"
      ".TP\n.BR AWS_REGION \", \" AWS_PROFILE\n"
      "where \\fBrootlock ecs\\fR reads, as the AWS SDKs find it.\n"
      ".SH SEE ALSO\n"
      ".BR kubectl (1),\n.BR docker (1)\n"
      ".PP\n" +
      Roff(ROOTLOCK_HOMEPAGE) + "\n";
  return out;
}

std::span<const std::string_view> CompletionShells() {
  static constexpr std::string_view kShells[] = {"bash", "zsh", "fish"};
  return kShells;
}

bool CompletionScript(std::string_view shell, std::span<const CommandSpec* const> commands,
                      std::string* out) {
  if (shell == "bash") {
    *out = BashScript(commands);
  } else if (shell == "zsh") {
    *out = ZshScript(commands);
  } else if (shell == "fish") {
    *out = FishScript(commands);
  } else {
    return false;
  }
  return true;
}

}  // namespace rootlock
