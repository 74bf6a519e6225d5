#include "mapping/morphology_terms.hpp"

namespace netconv {

void apply_case_morphology_term(model::Tumor& tu, const MappingSet& t) {
  const std::string* term = t.morphology_term(tu.morphology, tu.site_family, tu.grade);
  if (!term) return;
  tu.morphology_concept.text = *term;
  for (auto& c : tu.morphology_concept.codings)
    if (c.code == tu.morphology) c.display = *term;  // the ICD-O-3 coding; a SNOMED CT morphology keeps its own
}

}  // namespace netconv
