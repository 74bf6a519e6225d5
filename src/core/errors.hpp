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
  kExitInternal = 4,      // a defect inside netconv (InternalError, std::logic_error, an unexpected exception)
  kExitMergeCheck = 5,    // netconv merge: the shard folders do not fit together (nothing is written)
  kExitInterrupted = 130,
  kExitStreamClosed = 141,  // -o -: the reader of standard output went away (as a shell reports SIGPIPE)
};

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Shard folders given to a merge that do not make one run together (a shard missing or twice,
// different inputs, a resource id twice, records not accounted for exactly once).
class MergeCheckError : public std::runtime_error {
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

// The exit code and message prefix of an exception that stopped a command: ConfigError 2
// ("configuration error"), IoError and file-system errors 3 ("I/O error"), anything else 4
// ("internal error": a bug). For the CLI's last catch.
struct ExitFor {
  int code;
  const char* what_kind;
};
ExitFor exit_for(const std::exception& e);

}  // namespace netconv
