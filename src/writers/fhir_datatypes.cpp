// The FHIR writer's building blocks: CodeableConcepts (from the pre-rendered cache when they
// can), references, dates and periods, quantities; and the Emitter that frames each body.
#include <algorithm>

#include "writers/fhir_render.hpp"

namespace netconv::fhir_render {

using model::Concept;

namespace {

void coding(JsonWriter& w, const model::Coding& c) {
  w.begin_object().member("system", c.system_uri).member("code", c.code);
  if (!c.display.empty()) w.member("display", c.display);
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

// The meta tag depends on what the body contained, so bodies are rendered first into a
// separate buffer and joined behind resourceType, id and meta, into `out` (replacing its text).
void finish(std::string& out, std::string_view type, std::string_view id, const std::string& profile, std::string_view body,
            bool unverified, const FhirContext& ctx) {
  out.clear();
  JsonWriter w(out);
  w.begin_object().member("resourceType", type).member("id", id);
  if (!profile.empty() || unverified || !ctx.meta_source_json.empty()) {  // FHIR JSON allows no empty objects
    w.key("meta").begin_object();
    meta_source(w, ctx.meta_source_json);
    if (!profile.empty()) w.key("profile").begin_array().string(profile).end_array();
    if (unverified)
      w.key("tag").begin_array().begin_object().member("system", ctx.tag_system).member("code", "unverified-terminology")
          .member("display", "Contains concepts without a verified code").end_object().end_array();
    w.end_object();  // meta; the resource object stays open for the body's members
  }
  if (!body.empty()) {
    out += ',';
    out += body;
  }
  out += '}';
}

}  // namespace

void meta_source(JsonWriter& w, const std::string& source_json) {
  if (!source_json.empty()) w.key("source").raw_number(source_json);  // a JSON string, escaped by the context
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

// Concepts straight from the tables are rendered once, when the context is made; a concept a
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

// The concept is rendered (or taken from the cache) as usual and the extension put in front of
// its members (the laterality of a body site).
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

void fact_identifier(JsonWriter& w, std::string_view system, std::string_view key, bool open) {
  w.key("identifier").begin_array().begin_object().member("system", system).member("value", key).end_object();
  if (!open) w.end_array();
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

// A treatment date the registry does not know: the Period carries data-absent-reason, which
// keeps effective[x] / performed[x] present (MedicationAdministration requires it) without
// inventing a date. The one date of an event is the day it was done (a dateTime); the one date
// of a course is its start (an open Period: a dateTime would say a single dose).
void period_or_date(JsonWriter& w, const char* prefix, const std::optional<model::PartialDate>& start,
                    const std::optional<model::PartialDate>& end, const std::string& dar_url, bool course) {
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

void quantity(JsonWriter& w, const model::Quantity& q) {
  w.key("valueQuantity").begin_object().member_number("value", q.value.text);
  if (!q.comparator.empty()) w.member("comparator", q.comparator);
  w.member("unit", q.unit_display).member("system", "http://unitsofmeasure.org").member("code", q.unit).end_object();
}

bool IdsWritten::insert(std::string_view id) {
  if (many_.empty()) {
    if (std::find(few_.begin(), few_.end(), id) != few_.end()) return false;
    few_.push_back(id);
    if (few_.size() > 256) many_.insert(few_.begin(), few_.end());
    return true;
  }
  return many_.insert(id).second;
}

Emitter::Emitter(const FhirContext& c, const Sink& sink) : ctx(c), sink_(sink) {
  scratch_.reserve(2048);
  resource_.reserve(2048);
}

void Emitter::emit(std::string_view type, const std::string& id, const std::string& profile, Body& b,
                   std::string_view record_key) {
  if (!written_.insert(id)) return;  // ids are hashes over the type, so unique across types
  bool unverified = b.unverified;
  finish(resource_, type, id, profile, b.take(), unverified, ctx);
  sink_({type, id, resource_, record_key});
}

void TumorScope::subject(JsonWriter& w) const {
  w.key("subject");
  reference(w, "Patient", patient.resource_id);
}

void TumorScope::related(JsonWriter& w, const std::string& url) const {
  w.key("extension").begin_array().begin_object().member("url", url).key("valueReference");
  reference(w, "Condition", nc.tumor.condition_id);
  w.end_object().end_array();
}

void TumorScope::condition_common(Body& b) const {
  b.w.key("verificationStatus");
  e.codeable(b, e.ctx.confirmed);
  b.w.key("category").begin_array();
  e.codeable(b, e.ctx.category_problem);
  b.w.end_array();
}

void TumorScope::lab_observation(Body& b, const model::Concept& code) const {
  auto& w = b.w;
  w.member("status", "final");
  w.key("category").begin_array();
  e.codeable(b, e.ctx.category_lab);
  w.end_array();
  w.key("code");
  e.codeable(b, code);
  subject(w);
  effective(w, nc.tumor.diagnosis_date);
}

}  // namespace netconv::fhir_render
