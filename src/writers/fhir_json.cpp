#include "writers/fhir_json.hpp"

#include <algorithm>
#include <unordered_set>

#include "core/json_writer.hpp"
#include "core/ids.hpp"

namespace netconv {

using model::Concept;

namespace {

void coding(JsonWriter& w, const model::Coding& c) {
  w.begin_object().member("system", c.system_uri).member("code", c.code);
  if (!c.display.empty()) w.member("display", c.display);
  w.end_object();
}

void render_codeable(JsonWriter& w, const Concept& c) {
  w.begin_object().key("coding").begin_array();
  if (c.verified()) {
    for (const auto& cd : c.codings) coding(w, cd);
  } else {
    coding(w, c.local);
  }
  w.end_array();
  // text repeats nothing: it is written when it says more than the first coding's display
  // (always for unverified concepts, whose text is all a reader gets)
  if (!c.text.empty() && (!c.verified() || c.text != c.codings.front().display)) w.member("text", c.text);
  w.end_object();
}

bool same_concept(const Concept& a, const Concept& b) {
  if (a.text != b.text || a.codings.size() != b.codings.size() || a.local.code != b.local.code) return false;
  for (std::size_t i = 0; i < a.codings.size(); ++i) {
    const auto &x = a.codings[i], &y = b.codings[i];
    if (x.code != y.code || x.system_uri != y.system_uri || x.display != y.display) return false;
  }
  return true;
}

// Concepts straight from the tables are rendered once, when the writer is made; a concept a
// mapper changed afterwards (merged codings, other text) no longer matches and is rendered anew.
void codeable(const ConceptJsonCache& cache, JsonWriter& w, const Concept& c, bool& unverified) {
  if (!c.verified()) unverified = true;
  auto it = cache.find(c.key);
  if (it != cache.end())
    for (const auto& [concept_value, json] : it->second)
      if (same_concept(concept_value, c)) {
        w.raw_number(json);  // a pre-rendered JSON value
        return;
      }
  render_codeable(w, c);
}

// A CodeableConcept with one extension whose value is a CodeableConcept (the laterality of a
// body site): the concept is rendered (or taken from the cache) as usual and the extension put
// in front of its members.
void codeable_with_extension(const ConceptJsonCache& cache, JsonWriter& w, const Concept& c, const std::string& url,
                             const Concept& ext_value, bool& unverified) {
  std::string inner, ext;
  JsonWriter iw(inner);
  codeable(cache, iw, c, unverified);
  JsonWriter ew(ext);
  ew.begin_object().member("url", url).key("valueCodeableConcept");
  codeable(cache, ew, ext_value, unverified);
  ew.end_object();
  w.raw_number("{\"extension\":[" + ext + "]," + inner.substr(1));
}

void reference(JsonWriter& w, std::string_view type, std::string_view id) {
  // type and id are plain ASCII ([A-Za-z] and hex digits): no escaping, no temporary string
  w.begin_object().key("reference");
  std::string quoted;
  quoted.reserve(type.size() + id.size() + 3);
  quoted += '"';
  quoted += type;
  quoted += '/';
  quoted += id;
  quoted += '"';
  w.raw_number(quoted);
  w.end_object();
}

// The meta tag depends on what the body contained, so bodies are rendered first into a
// separate buffer and joined behind resourceType, id and meta, into `out` (replacing its text).
void finish(std::string& out, std::string_view type, std::string_view id, const std::string& profile, std::string_view body,
            bool unverified, const std::string& tag_system) {
  out.clear();
  JsonWriter w(out);
  w.begin_object().member("resourceType", type).member("id", id);
  if (profile.empty() && !unverified) {  // FHIR JSON allows no empty objects: no meta at all
    if (!body.empty()) {
      out += ',';
      out += body;
    }
    out += '}';
    return;
  }
  w.key("meta").begin_object();
  if (!profile.empty()) w.key("profile").begin_array().string(profile).end_array();
  if (unverified)
    w.key("tag").begin_array().begin_object().member("system", tag_system).member("code", "unverified-terminology")
        .member("display", "Contains concepts without a verified code").end_object().end_array();
  w.end_object();  // meta; the resource object stays open for the body's members
  if (!body.empty()) {
    out += ',';
    out += body;
  }
  out += '}';
}

// Body writer: a JsonWriter over an object whose braces are stripped when finished. Bodies
// are rendered one after another into the same buffer, which keeps its capacity.
struct Body {
  std::string& buf;
  JsonWriter w{buf};
  bool unverified = false;
  explicit Body(std::string& scratch) : buf(scratch) {
    buf.clear();
    w.begin_object();
  }
  std::string_view take() {  // the members, without the braces; valid while the Body lives
    w.end_object();
    return std::string_view(buf).substr(1, buf.size() - 2);
  }
};

// A treatment date the registry does not know: the Period carries data-absent-reason, which
// keeps effective[x] / performed[x] present (MedicationAdministration requires it) without
// inventing a date. The one date of an event is the day it was done (a dateTime); the one date
// of a course is its start (an open Period: a dateTime would say a single dose).
void period_or_date(JsonWriter& w, const char* prefix, const std::optional<model::PartialDate>& start,
                    const std::optional<model::PartialDate>& end, const std::string& dar_url, bool course = false) {
  std::string p(prefix);
  if (start && !end && !course) {
    w.member(p + "DateTime", start->fhir());
    return;
  }
  w.key(p + "Period").begin_object();
  if (!start && !end) {
    w.key("extension").begin_array().begin_object().member("url", dar_url).member("valueCode", "unknown").end_object().end_array();
  }
  if (start) w.member("start", start->fhir());
  if (end) w.member("end", end->fhir());
  w.end_object();
}

// US Core requires observation dateTimes to the day (us-core-1); a partial date is therefore
// sent as a Period that spans the known month or year, which says exactly what the source said.
void effective(JsonWriter& w, const std::optional<model::PartialDate>& d) {
  if (!d) return;
  if (d->precision == model::DatePrecision::day) {
    w.member("effectiveDateTime", d->fhir());
    return;
  }
  w.key("effectivePeriod").begin_object().member("start", d->fhir()).member("end", d->fhir()).end_object();
}

// Ids already written for this patient. A patient has a handful of resources per tumor: a
// linear scan over views of the model's ids beats a node-based set, which allocated per id;
// past a few hundred ids (registries with very many tumors per patient) a hash set takes over.
class IdsWritten {
 public:
  IdsWritten() { few_.reserve(32); }
  bool insert(std::string_view id) {
    if (many_.empty()) {
      if (std::find(few_.begin(), few_.end(), id) != few_.end()) return false;
      few_.push_back(id);
      if (few_.size() > 256) many_.insert(few_.begin(), few_.end());
      return true;
    }
    return many_.insert(id).second;
  }

 private:
  std::vector<std::string_view> few_;
  std::unordered_set<std::string_view> many_;
};

}  // namespace

FhirJsonWriter::FhirJsonWriter(const MappingSet& t) : t_(t) {
  for (const auto& [key_slot, rows] : t.concept_rows()) {
    auto c = t.lookup(key_slot.first, key_slot.second);
    std::string json;
    JsonWriter w(json);
    render_codeable(w, c);
    cache_[c.key].emplace_back(std::move(c), std::move(json));
  }
  p_patient_ = t.constant("fhir.profile.cancer_patient");
  p_primary_ = t.constant("fhir.profile.primary_condition");
  p_secondary_ = t.constant("fhir.profile.secondary_condition");
  p_grade_ = t.constant("fhir.profile.histologic_grade");
  p_marker_ = t.constant("fhir.profile.tumor_marker_test");
  p_surgery_ = t.constant("fhir.profile.surgical_procedure");
  p_med_ = t.constant("fhir.profile.medication_administration");
  p_uscore_cond_ = t.constant("fhir.profile.us_core_condition");
  x_hmb_ = t.constant("fhir.extension.histology_morphology_behavior");
  x_related_ = t.constant("fhir.extension.related_condition");
  x_condition_related_ = t.constant("fhir.extension.condition_related");
  x_laterality_ = t.constant("fhir.extension.laterality_qualifier");
  x_dar_ = t.constant("fhir.extension.data_absent_reason");
  x_birthsex_ = t.constant("fhir.extension.us_core_birthsex");
  tag_system_ = t.constant("fhir.system.tag");
  cat_problem_ = t.lookup("category.problem_list_item");
  cat_lab_ = t.lookup("category.laboratory");
  cat_diagnostic_ = t.lookup("category.diagnostic_procedure");
  p_uscore_procedure_ = t.constant("fhir.profile.us_core_procedure");
  ver_confirmed_ = t.lookup("status.confirmed");
  obs_grade_ = t.lookup("observation.histologic_grade");
}

std::vector<FhirResource> FhirJsonWriter::render(const model::PatientCases& pc) const {
  std::vector<FhirResource> out;
  render_each(pc, [&](const FhirResourceView& r) {
    out.push_back({std::string(r.type), std::string(r.id), std::string(r.json), r.record_key});
  });
  return out;
}

void FhirJsonWriter::render_each(const model::PatientCases& pc, const std::function<void(const FhirResourceView&)>& sink) const {
  std::string scratch, resource;  // one body and one finished resource at a time
  scratch.reserve(2048);
  resource.reserve(2048);
  IdsWritten written;
  auto emit = [&](std::string_view type, const std::string& id, const std::string& profile, Body& b,
                  std::string_view record_key) {  // a NetCase's own key, or "" for the Patient
    if (!written.insert(id)) return;  // ids are hashes over the type, so unique across types
    bool unverified = b.unverified;
    finish(resource, type, id, profile, b.take(), unverified, tag_system_);
    sink({type, id, resource, record_key});
  };
  const auto& p = pc.patient;

  {  // Patient (mCODE CancerPatient; registry data has no names)
    Body b(scratch);
    auto& w = b.w;
    w.key("identifier").begin_array().begin_object().member("system", p.id_system).member("value", p.id_value).end_object().end_array();
    w.key("name").begin_array().begin_object().key("extension").begin_array().begin_object()
        .member("url", x_dar_).member("valueCode", "unknown").end_object().end_array().end_object().end_array();
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
      w.key("extension").begin_array().begin_object().member("url", x_birthsex_)
          .member("valueCode", p.birth_sex->codings.front().code).end_object().end_array();
    }
    emit("Patient", p.resource_id, p_patient_, b, "");
  }

  for (const auto& nc : pc.cases) {
    const auto& tu = nc.tumor;
    const std::string subject_id = p.resource_id;
    auto subject = [&](JsonWriter& w) { w.key("subject"); reference(w, "Patient", subject_id); };
    // mcode-related-condition (HistologicGrade, TumorMarkerTest) or, for a SecondaryCancerCondition,
    // condition-related: the extension its relatedPrimaryCancerCondition slice names
    auto related = [&](JsonWriter& w, const std::string& url) {
      w.key("extension").begin_array().begin_object().member("url", url).key("valueReference");
      reference(w, "Condition", tu.condition_id);
      w.end_object().end_array();
    };
    auto condition_common = [&](Body& b) {
      b.w.key("verificationStatus");
      codeable(cache_, b.w, ver_confirmed_, b.unverified);
      b.w.key("category").begin_array();
      codeable(cache_, b.w, cat_problem_, b.unverified);
      b.w.end_array();
    };

    {  // PrimaryCancerCondition
      Body b(scratch);
      auto& w = b.w;
      if (!tu.identifiers.empty()) {
        w.key("identifier").begin_array();
        for (const auto& id : tu.identifiers) {
          w.begin_object();
          if (!id.label.empty()) w.key("type").begin_object().member("text", id.label).end_object();
          w.member("system", id.system).member("value", id.value).end_object();
        }
        w.end_array();
      }
      w.key("extension").begin_array().begin_object().member("url", x_hmb_).key("valueCodeableConcept");
      codeable(cache_, w, tu.morphology_concept, b.unverified);
      w.end_object().end_array();
      condition_common(b);
      w.key("code");
      codeable(cache_, w, tu.diagnosis, b.unverified);
      w.key("bodySite").begin_array();
      Concept site = tu.body_site ? *tu.body_site : Concept{};
      if (!tu.body_site) site.text = tu.topography_concept.text;
      for (const auto& c : tu.topography_concept.codings) site.codings.push_back(c);
      if (site.text.empty()) site.text = tu.topography_concept.text;
      if (tu.laterality) codeable_with_extension(cache_, w, site, x_laterality_, *tu.laterality, b.unverified);
      else codeable(cache_, w, site, b.unverified);
      w.end_array();
      subject(w);
      if (tu.diagnosis_date) w.member("onsetDateTime", tu.diagnosis_date->fhir());
      emit("Condition", tu.condition_id, p_primary_, b, nc.record_key);
    }

    auto lab_observation = [&](Body& b, const Concept& code) {
      auto& w = b.w;
      w.member("status", "final");
      w.key("category").begin_array();
      codeable(cache_, w, cat_lab_, b.unverified);
      w.end_array();
      w.key("code");
      codeable(cache_, w, code, b.unverified);
      subject(w);
      effective(w, tu.diagnosis_date);
    };

    if (tu.grade_value) {  // HistologicGrade
      Body b(scratch);
      related(b.w, x_related_);
      lab_observation(b, obs_grade_);
      b.w.key("valueCodeableConcept");
      codeable(cache_, b.w, *tu.grade_value, b.unverified);
      if (!tu.grade_conflict.empty())  // a contradicted given grade says so where it is read
        b.w.key("note").begin_array().begin_object().member("text", tu.grade_conflict).end_object().end_array();
      if (tu.grade_method) {
        b.w.key("method");
        codeable(cache_, b.w, *tu.grade_method, b.unverified);
      }
      emit("Observation", tu.grade_observation_id, p_grade_, b, nc.record_key);
    }
    for (const auto& o : tu.observations) {
      Body b(scratch);
      bool marker = o.kind == "ki67";
      if (marker) related(b.w, x_related_);
      lab_observation(b, o.code);
      if (!marker) { b.w.key("focus").begin_array(); reference(b.w, "Condition", tu.condition_id); b.w.end_array(); }
      if (o.quantity) {
        b.w.key("valueQuantity").begin_object().member_number("value", o.quantity->value.text);
        if (!o.quantity->comparator.empty()) b.w.member("comparator", o.quantity->comparator);
        b.w.member("unit", o.quantity->unit_display).member("system", "http://unitsofmeasure.org")
            .member("code", o.quantity->unit).end_object();
      } else if (o.value) {
        b.w.key("valueCodeableConcept");
        codeable(cache_, b.w, *o.value, b.unverified);
      }
      emit("Observation", o.resource_id, marker ? p_marker_ : "", b, nc.record_key);
    }
    for (const auto& m : tu.metastases) {  // SecondaryCancerCondition
      Body b(scratch);
      related(b.w, x_condition_related_);
      condition_common(b);
      b.w.key("code");
      codeable(cache_, b.w, m.code, b.unverified);
      if (m.body_site) { b.w.key("bodySite").begin_array(); codeable(cache_, b.w, *m.body_site, b.unverified); b.w.end_array(); }
      subject(b.w);
      emit("Condition", m.resource_id, p_secondary_, b, nc.record_key);
    }
    for (const auto& c : tu.conditions) {
      Body b(scratch);
      condition_common(b);
      b.w.key("code");
      codeable(cache_, b.w, c.code, b.unverified);
      subject(b.w);
      emit("Condition", c.resource_id, p_uscore_cond_, b, nc.record_key);
    }
    // what a treatment is given for (indications.tsv), else the tumor
    auto treatment_reasons = [&](JsonWriter& w, const model::Treatment& tr) {
      w.key("reasonReference").begin_array();
      if (tr.reason_ids.empty()) reference(w, "Condition", tu.condition_id);
      for (const auto& id : tr.reason_ids) reference(w, "Condition", id);
      w.end_array();
    };
    for (const auto& tr : tu.treatments) {
      Body b(scratch);
      b.unverified = tr.code_unverified;
      auto& w = b.w;
      if (tr.resource == "Procedure") {
        w.member("status", tr.status.empty() ? "completed" : tr.status);
        if (tr.status_reason) { w.key("statusReason"); codeable(cache_, w, *tr.status_reason, b.unverified); }
        if (tr.category) { w.key("category"); codeable(cache_, w, *tr.category, b.unverified); }
        w.key("code");
        codeable(cache_, w, tr.code, b.unverified);
        subject(w);
        if (tr.status != "not-done") period_or_date(w, "performed", tr.start, tr.end, x_dar_, tr.course);
        treatment_reasons(w, tr);
        emit("Procedure", tr.resource_id, tr.profile_key.empty() ? p_surgery_ : t_.constant(tr.profile_key), b, nc.record_key);
      } else {
        w.member("status", tr.status.empty() ? "completed" : tr.status);
        if (tr.status_reason) { w.key("statusReason").begin_array(); codeable(cache_, w, *tr.status_reason, b.unverified); w.end_array(); }
        if (tr.category) { w.key("category"); codeable(cache_, w, *tr.category, b.unverified); }
        w.key("medicationCodeableConcept");
        codeable(cache_, w, tr.code, b.unverified);
        subject(w);
        period_or_date(w, "effective", tr.start, tr.end, x_dar_, tr.course);
        treatment_reasons(w, tr);
        if (!tr.regimen.empty()) w.key("note").begin_array().begin_object().member("text", "Part of regimen " + tr.regimen).end_object().end_array();
        emit("MedicationAdministration", tr.resource_id, p_med_, b, nc.record_key);
      }
    }
    for (const auto& d : tu.diagnostics) {  // diagnostic procedures: US Core Procedure
      Body b(scratch);
      auto& w = b.w;
      w.member("status", "completed");
      w.key("category");
      codeable(cache_, w, cat_diagnostic_, b.unverified);
      w.key("code");
      codeable(cache_, w, d.code, b.unverified);
      subject(w);
      period_or_date(w, "performed", d.date, std::nullopt, x_dar_);
      w.key("reasonReference").begin_array();
      reference(w, "Condition", tu.condition_id);
      w.end_array();
      emit("Procedure", d.resource_id, p_uscore_procedure_, b, nc.record_key);
    }
    for (const auto& l : tu.labs) {  // tumor markers: mCODE TumorMarkerTest
      Body b(scratch);
      auto& w = b.w;
      related(w, x_related_);
      w.member("status", "final");
      w.key("category").begin_array();
      codeable(cache_, w, cat_lab_, b.unverified);
      w.end_array();
      w.key("code");
      codeable(cache_, w, l.code, b.unverified);
      subject(w);
      effective(w, l.date);
      w.key("valueQuantity").begin_object().member_number("value", l.quantity.value.text);
      if (!l.quantity.comparator.empty()) w.member("comparator", l.quantity.comparator);
      w.member("unit", l.quantity.unit_display).member("system", "http://unitsofmeasure.org").member("code", l.quantity.unit).end_object();
      emit("Observation", l.resource_id, p_marker_, b, nc.record_key);
    }
  }
  if (p.cause_of_death && !p.cause_of_death_id.empty()) {  // NAACCR cause of death (WHO ICD-10)
    Body b(scratch);
    auto& w = b.w;
    w.member("status", "final");
    w.key("code");
    codeable(cache_, w, t_.lookup("observation.cause_of_death"), b.unverified);
    w.key("subject");
    reference(w, "Patient", p.resource_id);
    effective(w, p.death_date);
    w.key("valueCodeableConcept");
    codeable(cache_, w, *p.cause_of_death, b.unverified);
    emit("Observation", p.cause_of_death_id, "", b, "");
  }
}

std::string FhirJsonWriter::bundle(const model::PatientCases& pc, const std::vector<FhirResource>& resources,
                                   std::vector<std::size_t>* offsets) const {
  std::string out;
  out.reserve(256 + resources.size() * 512);
  JsonWriter w(out);
  w.begin_object().member("resourceType", "Bundle").member("id", hash_id({"Bundle", pc.patient.resource_id}))
      .member("type", "transaction").key("entry").begin_array();
  for (const auto& r : resources) {
    w.begin_object().key("resource");
    if (offsets) offsets->push_back(out.size());
    w.raw_number(r.json);
    w.key("request").begin_object().member("method", "PUT").member("url", r.type + "/" + r.id).end_object();
    w.end_object();
  }
  w.end_array().end_object();
  return out;
}

}  // namespace netconv
