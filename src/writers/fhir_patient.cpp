// FHIR resources about the patient as a whole: the Patient (mCODE CancerPatient) and the cause
// of death Observation.
#include "writers/fhir_render.hpp"

namespace netconv::fhir_render {

// Registry data has no names: the name carries data-absent-reason.
void patient(Emitter& e, const model::Patient& p) {
  Body b = e.body();
  auto& w = b.w;
  w.key("identifier").begin_array().begin_object().member("system", p.id_system).member("value", p.id_value).end_object().end_array();
  w.key("name").begin_array().begin_object().key("extension").begin_array().begin_object()
      .member("url", e.ctx.extension.data_absent_reason).member("valueCode", "unknown").end_object().end_array().end_object().end_array();
  std::string gender = "unknown";
  if (p.gender && p.gender->verified()) gender = p.gender->codings.front().code;
  w.member("gender", gender);
  if (p.birth_date) w.member("birthDate", p.birth_date->fhir());
  // vital status: dead -> the date of death when known, else true; alive -> false; unknown -> nothing
  if (p.vital_status == "dead" && p.death_date) w.member("deceasedDateTime", p.death_date->fhir());
  else if (p.vital_status == "dead") w.member_bool("deceasedBoolean", true);
  else if (p.vital_status == "alive") w.member_bool("deceasedBoolean", false);
  if (p.birth_sex && p.birth_sex->verified()) {
    // us-core-birthsex is an extension on Patient; it must precede the other members in
    // mCODE examples but JSON member order carries no meaning in FHIR.
    w.key("extension").begin_array().begin_object().member("url", e.ctx.extension.birth_sex)
        .member("valueCode", p.birth_sex->codings.front().code).end_object().end_array();
  }
  e.emit("Patient", p.resource_id, e.ctx.profile.patient, b, "");
}

// NAACCR cause of death (WHO ICD-10)
void cause_of_death(Emitter& e, const model::Patient& p) {
  if (!p.cause_of_death || p.cause_of_death_id.empty()) return;
  Body b = e.body();
  auto& w = b.w;
  fact_identifier(w, p.fact_system, p.cause_of_death_key);
  w.member("status", "final");
  w.key("code");
  e.codeable(b, e.ctx.cause_of_death_code);
  w.key("subject");
  reference(w, "Patient", p.resource_id);
  effective(w, p.death_date);
  w.key("valueCodeableConcept");
  e.codeable(b, *p.cause_of_death);
  e.emit("Observation", p.cause_of_death_id, "", b, "");
}

}  // namespace netconv::fhir_render
