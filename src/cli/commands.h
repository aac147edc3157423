// Subcommands that live outside main.cc.
#ifndef ROOTLOCK_CLI_COMMANDS_H_
#define ROOTLOCK_CLI_COMMANDS_H_

namespace rootlock {

/// rootlock fix PATH...: writes the remedy into the user's files.
int RunFix(int argc, char** argv);

}  // namespace rootlock

#endif  // ROOTLOCK_CLI_COMMANDS_H_
