// One C-CDA R2.1 Continuity of Care Document (V3) per patient, or the section files of the
// entries layout. Pure functions of the patient and the context: thread-safe.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "model/net_case.hpp"
#include "writers/cda_context.hpp"

namespace netconv::cda {

// `buffer`: where the text grows, lent by the caller and kept between documents (its text is
// replaced); the overloads without it use a buffer of their own.
std::string render_document(const Context& c, const model::PatientCases& pc, std::string& buffer);
std::string render_document(const Context& c, const model::PatientCases& pc);
// (section name, file bytes) for every section that has entries.
std::vector<std::pair<std::string, std::string>> render_section_files(const Context& c, const model::PatientCases& pc,
                                                                      std::string& buffer);
std::vector<std::pair<std::string, std::string>> render_section_files(const Context& c, const model::PatientCases& pc);

}  // namespace netconv::cda
