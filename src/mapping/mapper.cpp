#include "mapping/mapper.hpp"

#include "core/sha256.hpp"
#include "core/text.hpp"
#include "mapping/concepts/record_context.hpp"
#include "mapping/icd10cm_dates.hpp"
#include "mapping/morphology_terms.hpp"
#include "mapping/naaccr_mapping.hpp"
#include "mapping/treatment_rules.hpp"

namespace netconv {

void clear_unreportable_key(std::string& patient_id, std::string& tumor_id) {
  if (patient_id.size() > 64 || find_control_char(patient_id) != std::string::npos) patient_id.clear();
  if (tumor_id.size() > 16 || find_control_char(tumor_id) != std::string::npos) tumor_id.clear();
}

using model::Concept;

Mapper::Mapper(const MappingSet& tables, MapperOptions options) : t_(tables), opt_(std::move(options)) {
  // ICD-O-3 is one FHIR system; the tables may key its two axes separately for their formats
  auto pick = [&](const char* key, std::string& uri, std::string& oid) {
    const auto* s = t_.system(key);
    if (!s) s = t_.system("icdo3");
    if (s) { uri = s->uri; oid = s->oid; }
  };
  pick("icdo3-topography", systems_.topo_uri, systems_.topo_oid);
  pick("icdo3-morphology", systems_.morph_uri, systems_.morph_oid);
}

namespace {

// A NAACCR Patient without a Tumor is read as one record: nothing to convert, but counted
// (rejected with the patient's problems, else skipped), never lost.
void map_patient_without_tumor(concepts::RecordContext& cx) {
  cx.out.patient_id = cx.value("patient_id");
  clear_unreportable_key(cx.out.patient_id, cx.out.tumor_id);
  if (!cx.rec.problems.empty()) return;
  cx.out.kind = RecordOutcome::Kind::skipped;
  cx.out.skip_reason = "naaccr-patient-without-tumor";
}

// What every concept may change is settled last: the NAACCR-only fields, the ICD-10-CM edition,
// the morphology term (the grade is final now) and the treatment rules.
void finish_case(concepts::RecordContext& cx, bool current_edition) {
  auto& tu = cx.out.net_case.tumor;
  map_naaccr_fields(cx.rec, cx.t, cx.out.net_case, cx.out);
  // ICD-10-CM codes change by fiscal year: the one valid on the diagnosis date (docs/mapping-decisions.md section 1)
  keep_icd10cm_valid_in(tu, cx.t.icd10cm_validity(), current_edition || !tu.diagnosis_date ? 0 : fiscal_year(*tu.diagnosis_date));
  apply_case_morphology_term(tu, cx.t);
  apply_treatment_rules(cx.t, tu);
}

}  // namespace

RecordOutcome Mapper::map(const SourceRecord& rec) const {
  RecordOutcome out;
  concepts::RecordContext cx{rec, out, t_};
  out.reasons = rec.problems;
  out.net_case.location = rec.location;
  if (rec.get("naaccr.no_tumor")) {
    map_patient_without_tumor(cx);
    return out;
  }
  concepts::map_identity(cx);
  concepts::check_tumor_codes(cx);  // the tumor codes decide scope, so they are checked first
  if (out.kind == RecordOutcome::Kind::skipped) return out;
  concepts::map_patient(cx, opt_);
  concepts::map_tumor_identity(cx);
  if (!cx.codes.scope || !cx.codes.topography) {
    out.kind = RecordOutcome::Kind::rejected;
    return out;
  }
  concepts::map_tumor_codes(cx, systems_);
  concepts::map_grade(cx);
  concepts::map_metastases(cx);
  concepts::map_syndromes_and_symptoms(cx);
  concepts::map_treatments(cx);
  concepts::map_diagnostics(cx);
  concepts::map_labs(cx);
  concepts::map_follow_up(cx);
  finish_case(cx, opt_.icd10cm_current_edition);
  out.kind = out.reasons.empty() ? RecordOutcome::Kind::converted : RecordOutcome::Kind::rejected;
  return out;
}

}  // namespace netconv
