// Section builders (one file each); see cda_sections.hpp.
#pragma once
#include "writers/cda_sections.hpp"

namespace netconv::cda {

SectionBody problems_body(const Context& c, const model::PatientCases& pc);
SectionBody results_body(const Context& c, const model::PatientCases& pc);
SectionBody medications_body(const Context& c, const model::PatientCases& pc);
SectionBody procedures_body(const Context& c, const model::PatientCases& pc);

// RSON entryRelationship pointing at the tumor's Problem Observation (same id), so that a
// treatment says which tumor it was for, as reasonReference does in FHIR.
void indication(XmlOut& x, const Context& c, const model::Tumor& tu);
// Indication naming another Condition (id = its resource id, value = its code).
void indication(XmlOut& x, const Context& c, const std::string& id, const model::Concept& value);
// Display of the primary tumor in narratives.
std::string tumor_label(const model::Tumor& tu);

}  // namespace netconv::cda
