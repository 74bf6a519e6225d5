#include "core/errors.hpp"
#include "writers/writer.hpp"

namespace netconv {

std::unique_ptr<OutputWriter> make_cda_writer(const WriterOptions&, const MappingSet&) {
  throw ConfigError("CDA output is not available in this build");
}

}  // namespace netconv
