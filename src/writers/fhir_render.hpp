// Internals of the FHIR writer shared by its per-family files (not a public interface): the JSON
// building blocks, the Emitter that finishes and hands over one resource at a time, and one
// function per resource family. Each family function renders from the NetCase and the render
// context only, in the fixed order render_each() documents.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/json_writer.hpp"
#include "writers/fhir_context.hpp"
#include "writers/fhir_json.hpp"

namespace netconv::fhir_render {

// meta.source of the run (FhirContext::meta_source_json), first member of meta (R4 element
// order), when the run has one. The one place it is rendered: whatever hashes a resource's
// content without it (run manifests) can rely on this exact member, "source":"<uri>".
void meta_source(JsonWriter& w, const std::string& source_json);
// A CodeableConcept rendered in full (also what the context pre-renders).
void render_codeable(JsonWriter& w, const model::Concept& c);
// A CodeableConcept, from the context's pre-rendered JSON when the concept is the table's own;
// sets `unverified` for a concept without a verified code.
void codeable(const ConceptJsonCache& cache, JsonWriter& w, const model::Concept& c, bool& unverified);
// The same with one extension (value a CodeableConcept) in front of its members.
void codeable_with_extension(const ConceptJsonCache& cache, JsonWriter& w, const model::Concept& c, const std::string& url,
                             const model::Concept& ext_value, bool& unverified);
void reference(JsonWriter& w, std::string_view type, std::string_view id);
// identifier: [{system, value}] — a fact's business identifier (its stable key, core/ids.hpp),
// so that a server can match it conditionally; open leaves the array open for more.
void fact_identifier(JsonWriter& w, std::string_view system, std::string_view key, bool open = false);
// performed[x] / effective[x] of a treatment or diagnostic procedure (fhir_datatypes.cpp says how).
void period_or_date(JsonWriter& w, const char* prefix, const std::optional<model::PartialDate>& start,
                    const std::optional<model::PartialDate>& end, const std::string& dar_url, bool course = false);
// effective[x] of an Observation: a dateTime to the day, else a Period over the known month/year.
void effective(JsonWriter& w, const std::optional<model::PartialDate>& d);
// valueQuantity with UCUM
void quantity(JsonWriter& w, const model::Quantity& q);

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

// Ids already written for this patient. A patient has a handful of resources per tumor: a
// linear scan over views of the model's ids beats a node-based set, which allocated per id;
// past a few hundred ids (registries with very many tumors per patient) a hash set takes over.
class IdsWritten {
 public:
  IdsWritten() { few_.reserve(32); }
  bool insert(std::string_view id);

 private:
  std::vector<std::string_view> few_;
  std::unordered_set<std::string_view> many_;
};

// One patient's rendering: the context, one body and one finished resource at a time, the ids
// written so far, and where finished resources go.
class Emitter {
 public:
  using Sink = std::function<void(const FhirResourceView&)>;
  Emitter(const FhirContext& ctx, const Sink& sink);
  Body body() { return Body(scratch_); }
  // Finishes the body behind resourceType, id and meta and hands it to the sink, unless a
  // resource with that id was written already. record_key: a NetCase's own key, "" = the patient.
  void emit(std::string_view type, const std::string& id, const std::string& profile, Body& b, std::string_view record_key);
  void codeable(Body& b, const model::Concept& c) const { fhir_render::codeable(ctx.concept_json, b.w, c, b.unverified); }

  const FhirContext& ctx;

 private:
  const Sink& sink_;
  std::string scratch_, resource_;
  IdsWritten written_;
};

// What the resources of one tumor share: the subject and the references to its Condition.
struct TumorScope {
  Emitter& e;
  const model::Patient& patient;
  const model::NetCase& nc;
  void subject(JsonWriter& w) const;
  // identifier of one of the tumor's facts, in the patient's fact system
  void identifier(JsonWriter& w, std::string_view key) const { fact_identifier(w, patient.fact_system, key); }
  // mcode-related-condition (HistologicGrade, TumorMarkerTest) or, for a SecondaryCancerCondition,
  // condition-related: the extension its relatedPrimaryCancerCondition slice names
  void related(JsonWriter& w, const std::string& url) const;
  // verificationStatus and category of a Condition
  void condition_common(Body& b) const;
  // status, category laboratory, code, subject and effective[x] of a laboratory Observation
  void lab_observation(Body& b, const model::Concept& code) const;
};

// The families, in the order render_each() writes them.
void patient(Emitter& e, const model::Patient& p);                 // fhir_patient.cpp
void primary_condition(const TumorScope& s);                       // fhir_conditions.cpp
void grade_and_tumor_observations(const TumorScope& s);            // fhir_observations.cpp
void secondary_and_other_conditions(const TumorScope& s);          // fhir_conditions.cpp
void treatments(const TumorScope& s);                              // fhir_procedures.cpp
void diagnostic_procedures(const TumorScope& s);                   // fhir_procedures.cpp
void lab_results(const TumorScope& s);                             // fhir_observations.cpp
void cause_of_death(Emitter& e, const model::Patient& p);          // fhir_patient.cpp

}  // namespace netconv::fhir_render
