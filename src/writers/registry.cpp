#include "core/errors.hpp"
#include "writers/writer.hpp"

namespace netconv {

std::unique_ptr<OutputWriter> make_fhir_writer(const WriterOptions& o, const MappingSet& t);
std::unique_ptr<OutputWriter> make_cda_writer(const WriterOptions& o, const MappingSet& t);

std::vector<std::unique_ptr<OutputWriter>> make_writers(const std::vector<std::string>& formats,
                                                        const WriterOptions& options, const MappingSet& tables) {
  std::vector<std::unique_ptr<OutputWriter>> out;
  for (const auto& f : formats) {
    if (f == "fhir") out.push_back(make_fhir_writer(options, tables));
    else if (f == "cda") out.push_back(make_cda_writer(options, tables));
    else throw ConfigError("unknown output format '" + f + "' (expected fhir or cda)");
  }
  return out;
}

}  // namespace netconv
