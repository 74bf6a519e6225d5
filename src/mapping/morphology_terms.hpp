// The ICD-O-3 display of a tumor's morphology that fits the case (docs/mapping-decisions.md
// section 14): 8249/3 covers NET G2, NET G3 and atypical carcinoid, while its ICD-O-3.2 preferred
// term says "grade 2". Runs once the grade is final (after the reader-specific fields).
#pragma once
#include "mapping/mapping_set.hpp"
#include "model/net_case.hpp"

namespace netconv {

// Replaces the ICD-O-3 morphology coding's display and the concept text by the
// icdo3-morphology-terms.tsv term for the tumor's site family and grade, when a row matches.
void apply_case_morphology_term(model::Tumor& tu, const MappingSet& tables);

}  // namespace netconv
