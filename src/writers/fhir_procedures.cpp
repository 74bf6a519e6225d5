// FHIR resources of what was done for a tumor: treatments as Procedures (surgery, radiation,
// PRRT... with the profile their table row names) or MedicationAdministrations, and diagnostic
// procedures as US Core Procedures.
#include "writers/fhir_render.hpp"

namespace netconv::fhir_render {

namespace {

// what a treatment is given for (indications.tsv), else the tumor
void treatment_reasons(const TumorScope& s, JsonWriter& w, const model::Treatment& tr) {
  w.key("reasonReference").begin_array();
  if (tr.reason_ids.empty()) reference(w, "Condition", s.nc.tumor.condition_id);
  for (const auto& id : tr.reason_ids) reference(w, "Condition", id);
  w.end_array();
}

void procedure(const TumorScope& s, const model::Treatment& tr) {
  Body b = s.e.body();
  b.unverified = tr.code_unverified;
  auto& w = b.w;
  s.identifier(w, tr.stable_key);
  w.member("status", tr.status.empty() ? "completed" : tr.status);
  if (tr.status_reason) {
    w.key("statusReason");
    s.e.codeable(b, *tr.status_reason);
  }
  if (tr.category) {
    w.key("category");
    s.e.codeable(b, *tr.category);
  }
  w.key("code");
  s.e.codeable(b, tr.code);
  s.subject(w);
  if (tr.status != "not-done") period_or_date(w, "performed", tr.start, tr.end, s.e.ctx.extension.data_absent_reason, tr.course);
  treatment_reasons(s, w, tr);
  const auto& profile = tr.profile_key.empty() ? s.e.ctx.profile.surgery : s.e.ctx.profile_by_key(tr.profile_key);
  s.e.emit("Procedure", tr.resource_id, profile, b, s.nc.record_key);
}

void medication_administration(const TumorScope& s, const model::Treatment& tr) {
  Body b = s.e.body();
  b.unverified = tr.code_unverified;
  auto& w = b.w;
  s.identifier(w, tr.stable_key);
  w.member("status", tr.status.empty() ? "completed" : tr.status);
  if (tr.status_reason) {
    w.key("statusReason").begin_array();
    s.e.codeable(b, *tr.status_reason);
    w.end_array();
  }
  if (tr.category) {
    w.key("category");
    s.e.codeable(b, *tr.category);
  }
  w.key("medicationCodeableConcept");
  s.e.codeable(b, tr.code);
  s.subject(w);
  period_or_date(w, "effective", tr.start, tr.end, s.e.ctx.extension.data_absent_reason, tr.course);
  treatment_reasons(s, w, tr);
  if (!tr.regimen.empty())
    w.key("note").begin_array().begin_object().member("text", "Part of regimen " + tr.regimen).end_object().end_array();
  s.e.emit("MedicationAdministration", tr.resource_id, s.e.ctx.profile.medication, b, s.nc.record_key);
}

}  // namespace

void treatments(const TumorScope& s) {
  for (const auto& tr : s.nc.tumor.treatments) {
    if (tr.resource == "Procedure") procedure(s, tr);
    else medication_administration(s, tr);
  }
}

// diagnostic procedures: US Core Procedure
void diagnostic_procedures(const TumorScope& s) {
  for (const auto& d : s.nc.tumor.diagnostics) {
    Body b = s.e.body();
    auto& w = b.w;
    s.identifier(w, d.stable_key);
    w.member("status", "completed");
    w.key("category");
    s.e.codeable(b, s.e.ctx.category_diagnostic);
    w.key("code");
    s.e.codeable(b, d.code);
    s.subject(w);
    period_or_date(w, "performed", d.date, std::nullopt, s.e.ctx.extension.data_absent_reason);
    w.key("reasonReference").begin_array();
    reference(w, "Condition", s.nc.tumor.condition_id);
    w.end_array();
    s.e.emit("Procedure", d.resource_id, s.e.ctx.profile.us_core_procedure, b, s.nc.record_key);
  }
}

}  // namespace netconv::fhir_render
