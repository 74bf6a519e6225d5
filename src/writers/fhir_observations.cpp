// FHIR Observations of a tumor: the mCODE HistologicGrade, the tumor's measured or stated facts
// (Ki-67 as an mCODE TumorMarkerTest; mitotic count and differentiation with a focus on the
// tumor) and the tumor-marker lab results (mCODE TumorMarkerTest).
#include "writers/fhir_render.hpp"

namespace netconv::fhir_render {

namespace {

void histologic_grade(const TumorScope& s) {
  const auto& tu = s.nc.tumor;
  if (!tu.grade_value) return;
  Body b = s.e.body();
  s.identifier(b.w, tu.grade_observation_key);
  s.related(b.w, s.e.ctx.extension.related_condition);
  s.lab_observation(b, s.e.ctx.grade_code);
  b.w.key("valueCodeableConcept");
  s.e.codeable(b, *tu.grade_value);
  if (!tu.grade_conflict.empty())  // a contradicted given grade says so where it is read
    b.w.key("note").begin_array().begin_object().member("text", tu.grade_conflict).end_object().end_array();
  if (tu.grade_method) {
    b.w.key("method");
    s.e.codeable(b, *tu.grade_method);
  }
  s.e.emit("Observation", tu.grade_observation_id, s.e.ctx.profile.grade, b, s.nc.record_key);
}

}  // namespace

void grade_and_tumor_observations(const TumorScope& s) {
  histologic_grade(s);
  for (const auto& o : s.nc.tumor.observations) {
    Body b = s.e.body();
    s.identifier(b.w, o.stable_key);
    bool marker = o.kind == "ki67";
    if (marker) s.related(b.w, s.e.ctx.extension.related_condition);
    s.lab_observation(b, o.code);
    if (!marker) {
      b.w.key("focus").begin_array();
      reference(b.w, "Condition", s.nc.tumor.condition_id);
      b.w.end_array();
    }
    if (o.quantity) {
      quantity(b.w, *o.quantity);
    } else if (o.value) {
      b.w.key("valueCodeableConcept");
      s.e.codeable(b, *o.value);
    }
    s.e.emit("Observation", o.resource_id, marker ? s.e.ctx.profile.marker : std::string(), b, s.nc.record_key);
  }
}

void lab_results(const TumorScope& s) {
  for (const auto& l : s.nc.tumor.labs) {
    Body b = s.e.body();
    auto& w = b.w;
    s.identifier(w, l.stable_key);
    s.related(w, s.e.ctx.extension.related_condition);
    w.member("status", "final");
    w.key("category").begin_array();
    s.e.codeable(b, s.e.ctx.category_lab);
    w.end_array();
    w.key("code");
    s.e.codeable(b, l.code);
    s.subject(w);
    effective(w, l.date);
    quantity(w, l.quantity);
    s.e.emit("Observation", l.resource_id, s.e.ctx.profile.marker, b, s.nc.record_key);
  }
}

}  // namespace netconv::fhir_render
