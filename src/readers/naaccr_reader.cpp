#include "core/errors.hpp"
#include "readers/reader.hpp"

namespace netconv {

std::unique_ptr<RecordReader> make_naaccr_reader(std::istream&, const ReaderConfig&, DiagnosticSink&) {
  throw ConfigError("NAACCR XML input is not available in this build");
}

}  // namespace netconv
