// Program/configuration problems stop the run; each maps to a documented exit code.
#pragma once
#include <stdexcept>
#include <string>

namespace netconv {

enum ExitCode : int {
  kExitOk = 0,
  kExitDataProblems = 1,  // finished, but records were rejected or checks failed
  kExitUsage = 2,         // bad option, broken mapping table or configuration
  kExitIo = 3,            // input/output error
  kExitInternal = 4,      // a defect inside netconv (InternalError): not the data's, not the user's
  kExitInterrupted = 130,
};

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Something netconv itself got wrong or could not do (a library refused memory, a state that
// should be impossible): neither a data problem nor a configuration or I/O one, so callers can
// tell it apart and exit with kExitInternal.
class InternalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace netconv
