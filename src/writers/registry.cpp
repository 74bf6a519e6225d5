#include "formats/format.hpp"
#include "writers/writer.hpp"

namespace netconv {

// The writers are registered with their formats (src/formats/); this asks the shipped ones.
std::vector<std::unique_ptr<OutputWriter>> make_writers(const std::vector<std::string>& formats,
                                                        const WriterOptions& options, const MappingSet& tables) {
  return builtin_formats().make_writers(formats, options, tables);
}

}  // namespace netconv
