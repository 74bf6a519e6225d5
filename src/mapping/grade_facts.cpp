#include "core/ids.hpp"
#include "mapping/grade_facts.hpp"

#include "mapping/mapper.hpp"

namespace netconv {

void set_grade_value(model::Tumor& tu, const std::string& patient_system, const MappingSet& t, const std::string& method_key) {
  if (tu.grade != "G1" && tu.grade != "G2" && tu.grade != "G3") return;
  const std::string key = "grade." + tu.grade;
  tu.grade_value = t.lookup(key);
  if (t.has_slot(key, "who"))
    for (const auto& c : t.lookup(key, "who").codings) tu.grade_value->codings.push_back(c);
  auto f = fact_id(patient_system, tu.stable_key, {"grade"});
  tu.grade_observation_id = std::move(f.id);
  tu.grade_observation_key = std::move(f.key);
  if (method_key.empty()) tu.grade_method.reset();
  else tu.grade_method = t.lookup(method_key);
}

std::string derived_grade_method(const MappingSet& t, const std::string& grade) {
  const auto* row = t.grade_code("who", grade);
  return row ? row->method : "";
}

std::string grade_conflict_note(const std::string& given, const std::string& derived, const std::string& basis) {
  // a registry user reads this beside the grade: say what disagrees and which one is sent
  return "Grade " + given + " as given by the registry; by " + basis + " it would be " + derived +
         " (WHO criteria). The given grade is kept; the disagreement is not resolved by netconv.";
}

}  // namespace netconv
