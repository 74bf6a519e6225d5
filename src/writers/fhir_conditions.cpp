// FHIR Conditions of a tumor: the mCODE PrimaryCancerCondition, a SecondaryCancerCondition per
// metastasis site, and US Core Conditions for syndromes and symptoms.
#include "writers/fhir_render.hpp"

namespace netconv::fhir_render {

namespace {

// the Condition's own business identifier first, then the registry's tumor numbers
void identifiers(const TumorScope& s, JsonWriter& w, const std::vector<model::Identifier>& ids) {
  fact_identifier(w, s.patient.fact_system, s.nc.tumor.condition_key, true);
  for (const auto& id : ids) {
    w.begin_object();
    if (!id.label.empty()) w.key("type").begin_object().member("text", id.label).end_object();
    w.member("system", id.system).member("value", id.value).end_object();
  }
  w.end_array();
}

// The body site: the site concept given (else the topography's text) with the ICD-O-3
// topography codings, and laterality as an extension when known.
void body_site(const TumorScope& s, Body& b) {
  const auto& tu = s.nc.tumor;
  b.w.key("bodySite").begin_array();
  model::Concept site = tu.body_site ? *tu.body_site : model::Concept{};
  if (!tu.body_site) site.text = tu.topography_concept.text;
  for (const auto& c : tu.topography_concept.codings) site.codings.push_back(c);
  if (site.text.empty()) site.text = tu.topography_concept.text;
  if (tu.laterality)
    codeable_with_extension(s.e.ctx.concept_json, b.w, site, s.e.ctx.extension.laterality, *tu.laterality, b.unverified);
  else s.e.codeable(b, site);
  b.w.end_array();
}

}  // namespace

void primary_condition(const TumorScope& s) {
  const auto& tu = s.nc.tumor;
  Body b = s.e.body();
  auto& w = b.w;
  identifiers(s, w, tu.identifiers);
  w.key("extension").begin_array().begin_object().member("url", s.e.ctx.extension.histology_morphology_behavior)
      .key("valueCodeableConcept");
  s.e.codeable(b, tu.morphology_concept);
  w.end_object().end_array();
  s.condition_common(b);
  w.key("code");
  s.e.codeable(b, tu.diagnosis);
  body_site(s, b);
  s.subject(w);
  if (tu.diagnosis_date) w.member("onsetDateTime", tu.diagnosis_date->fhir());
  s.e.emit("Condition", tu.condition_id, s.e.ctx.profile.primary, b, s.nc.record_key);
}

void secondary_and_other_conditions(const TumorScope& s) {
  const auto& tu = s.nc.tumor;
  for (const auto& m : tu.metastases) {  // SecondaryCancerCondition
    Body b = s.e.body();
    s.identifier(b.w, m.stable_key);
    s.related(b.w, s.e.ctx.extension.condition_related);
    s.condition_common(b);
    b.w.key("code");
    s.e.codeable(b, m.code);
    if (m.body_site) {
      b.w.key("bodySite").begin_array();
      s.e.codeable(b, *m.body_site);
      b.w.end_array();
    }
    s.subject(b.w);
    s.e.emit("Condition", m.resource_id, s.e.ctx.profile.secondary, b, s.nc.record_key);
  }
  for (const auto& c : tu.conditions) {
    Body b = s.e.body();
    s.identifier(b.w, c.stable_key);
    s.condition_common(b);
    b.w.key("code");
    s.e.codeable(b, c.code);
    s.subject(b.w);
    s.e.emit("Condition", c.resource_id, s.e.ctx.profile.us_core_condition, b, s.nc.record_key);
  }
}

}  // namespace netconv::fhir_render
