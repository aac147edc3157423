// The command registry: every subcommand declared once, with its flags
// (cli/flags.h). --help, the man page rootlock(1) and the bash, zsh and fish
// completions are all rendered from it, so none of them can say something the
// parser does not do. A new command is one CommandSpec in main.cc's table.
#ifndef ROOTLOCK_CLI_COMMAND_H_
#define ROOTLOCK_CLI_COMMAND_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/flags.h"

namespace rootlock {

struct CommandSpec {
  const char* name;  // "scan"
  /// The operands after [options] in the usage line: "PATH...", "[ID]", "" for none.
  const char* operands;
  /// The main page's line for it: what it does, one paragraph, no newlines (wrapped).
  const char* summary;
  /// The page between the usage line and the options, as --help prints it: paragraphs
  /// separated by blank lines; a line that starts with a space is kept as it is (a table).
  const char* description;
  /// The flags it takes, in the order --help lists them (-h/--help is implied).
  std::vector<FlagGroup> (*flags)();
  /// Runs it on a parsed command line (after --help was handled).
  int (*run)(CommandLine& cl);
  /// Lines of "command   what it does", as --help prints them; nullptr for none.
  const char* examples = nullptr;
  /// After the examples (exit status, what goes to stderr); nullptr for none.
  const char* epilogue = nullptr;
  /// Whether the operands are files (completed as such).
  bool file_operands = false;
  /// The values the operands take (rules' rule ids), for completions; nullptr for none.
  std::vector<std::string> (*operand_values)() = nullptr;
  /// --help lists the rules of the registry (scan: what --rules and --fail-on take).
  bool list_rules = false;
  /// Left out of the main page, the man page and completions (completion, man).
  bool hidden = false;
  /// Commands under this one (`rootlock NAME SUB ...`); their run gets what follows SUB.
  std::span<const CommandSpec* const> subcommands = {};
};

/// `rootlock --help`: the commands and where each one's page is.
std::string MainHelp(std::span<const CommandSpec* const> commands);
/// `rootlock NAME --help`. `path` is the command's full name ("scan", "webhook serve").
std::string CommandHelp(const CommandSpec& command, std::string_view path);
/// The man page rootlock(1), in man(7) roff: one section per command.
std::string ManPage(std::span<const CommandSpec* const> commands);
/// A completion script for `shell` (bash, zsh or fish); false for another shell.
bool CompletionScript(std::string_view shell, std::span<const CommandSpec* const> commands,
                      std::string* out);
/// The shells CompletionScript knows.
std::span<const std::string_view> CompletionShells();

}  // namespace rootlock

#endif  // ROOTLOCK_CLI_COMMAND_H_
