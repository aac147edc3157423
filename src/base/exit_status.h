// How every command ends (ninja's ExitStatus): the ecosystem's 0/1/2.
#ifndef ROOTLOCK_BASE_EXIT_STATUS_H_
#define ROOTLOCK_BASE_EXIT_STATUS_H_

namespace rootlock {

enum ExitStatus : int {
  kExitClean = 0,   // the gate passes; everything fixed
  kExitPolicy = 1,  // the policy fails; something failing was left
  kExitError = 2,   // usage or input errors (wins over 1)
};

}  // namespace rootlock

#endif  // ROOTLOCK_BASE_EXIT_STATUS_H_
