// Facts a WHO grade carries beside its value (docs/mapping-decisions.md section 13): the grading
// method when the grade is WHO-based, and the sentence a given grade carries when Ki-67 / mitoses
// or the tumor class contradict it. Shared by the contract mapping and the NAACCR Ki-67 category.
#pragma once
#include <string>

#include "mapping/mapping_set.hpp"
#include "model/net_case.hpp"

namespace netconv {

// For tu.grade G1/G2/G3: sets the HistologicGrade value, its id and, when `method_key` names a
// concept, the grading method. Any other grade leaves the tumor without a grade value.
// patient_system: the patient identifier system the id is hashed with (core/ids.hpp).
void set_grade_value(model::Tumor& tu, const std::string& patient_system, const MappingSet& tables, const std::string& method_key);

// The method of a grade netconv derives (WHO criteria from Ki-67 / mitoses, or G3 by definition
// of a neuroendocrine carcinoma): the method of the `who` schema's row for that grade.
std::string derived_grade_method(const MappingSet& tables, const std::string& grade);

// The note of a given grade that `basis` (e.g. "Ki-67 / mitotic count") puts at `derived`.
std::string grade_conflict_note(const std::string& given, const std::string& derived, const std::string& basis);

}  // namespace netconv
