// NetCase: the target-neutral clinical model between readers/mapper and writers. Writers render
// exactly this; FHIR and CDA therefore cannot disagree about what a record means.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "model/values.hpp"

namespace netconv::model {

struct Patient {
  std::string id_system;  // identifier system URI
  std::string id_value;   // registry identifier (PHI: never logged)
  std::string resource_id;  // hashed from (id_system, id_value)
  // Business-identifier system of the patient's other resources (core/ids.hpp): the registry's
  // urn:netconv:registry:<ID>:fact, or urn:netconv:fact without a registry id.
  std::string fact_system;
  std::string file_key;     // hashed patient key used in file names
  std::optional<PartialDate> birth_date;
  std::optional<Concept> gender;     // administrative gender (FHIR codes)
  std::optional<Concept> birth_sex;  // sex assigned at birth, when the source states it
  // Follow-up: "" (unknown), alive or dead; with dead, the date of death when known.
  std::string vital_status;
  std::optional<PartialDate> death_date, last_contact;
  std::optional<Concept> cause_of_death;  // WHO ICD-10 (NAACCR)
  std::string cause_of_death_id, cause_of_death_key;
};

struct Observation {  // a measured or stated fact about the tumor
  std::string kind;   // ki67, mitotic_count, differentiation
  Concept code;
  std::optional<Quantity> quantity;
  std::optional<Concept> value;
  std::string resource_id;
  std::string stable_key{};  // the business identifier value the id is hashed from (core/ids.hpp)
};

struct Metastasis {
  std::string key;  // metastatic site key from the input
  Concept code;
  std::optional<Concept> body_site;
  std::string resource_id;
  std::string stable_key{};
};

struct SimpleCondition {  // syndromes, carcinoid syndrome, symptoms
  std::string kind;       // syndrome, carcinoid_syndrome, symptom
  std::string key;
  Concept code;
  std::string resource_id;
  std::string stable_key{};
};

struct Treatment {
  std::string kind;      // surgery, ssa, targeted, chemo, prrt, liver_directed, other
  std::string agent;     // mapping key
  std::string resource;  // MedicationAdministration or Procedure
  Concept code;
  std::optional<Concept> category;
  std::optional<PartialDate> start, end;
  std::string regimen;   // the whole item text's agents joined by '+', for combined regimens
  std::string resource_id;
  std::string stable_key{};
  // FHIR status: "completed" (an end date, or an event such as a surgery recorded as done),
  // "unknown" (a course without end date: it may go on or have stopped), "not-done" (NAACCR, with
  // an optional reason: Procedure.statusReason). "" before mapping/treatment_rules.hpp ran.
  std::string status;
  // A course (given over time: its one date is its start) or an event (its date is the day).
  bool course = true;
  // A registry code whose meaning is not verified rides along (NAACCR site-specific surgery
  // codes): the resource is tagged unverified-terminology.
  bool code_unverified = false;
  // The Conditions it is given for (indications.tsv); empty = the tumor.
  std::vector<std::string> reason_ids;
  std::optional<Concept> status_reason;
  // profiles.tsv key of the profile to claim ("" = the writer's default for the resource);
  // NAACCR non-surgical procedures use fhir.profile.us_core_procedure.
  std::string profile_key;
};

struct DiagnosticTest {  // biopsy, imaging, endoscopy... that found or staged the tumor
  std::string kind;
  Concept code;
  std::optional<PartialDate> date;
  std::string resource_id;
  std::string stable_key{};
};

struct LabResult {  // a tumor marker measurement
  std::string test;
  Concept code;  // LOINC, chosen by test and unit
  Quantity quantity;
  std::optional<PartialDate> date;
  std::string resource_id;
  std::string stable_key{};
};

struct Identifier {  // a business identifier that is not part of any resource id
  std::string system;  // URI
  std::string value;
  std::string label;   // what it is, e.g. "NAACCR Tumor Record Number [60]"
};

struct Tumor {
  std::string tumor_id;  // sequence within the patient
  // stable key "patient/tumor" (core/ids.hpp), base of every key below; key = its hash, which
  // CDA-only ids are derived from
  std::string stable_key{};
  std::string key;
  std::string condition_id, condition_key;
  std::optional<PartialDate> diagnosis_date;
  std::string topography;   // ICD-O-3, dotted
  std::string site_group, site_family;
  Concept topography_concept;  // ICD-O-3 topography coding
  std::optional<Concept> body_site;
  std::optional<Concept> laterality;  // side of a paired organ (NAACCR laterality), SNOMED CT qualifier
  std::string morphology;   // nnnn/b
  std::string tumor_class;  // net, nec, nec_small_cell, ...
  Concept morphology_concept;  // ICD-O-3 morphology (+ SNOMED CT morphology)
  Concept diagnosis;           // SNOMED CT disorder + ICD-10-CM
  // Grade: G1/G2/G3/GX as given or derived, and where it came from.
  std::string grade;            // "", G1, G2, G3, GX
  std::string grade_source;     // given, derived
  std::optional<Concept> grade_value;
  std::string grade_observation_id, grade_observation_key;
  std::optional<Concept> grade_method;  // the grading system (WHO 5th edition) when the grade is WHO-based
  // A given grade that Ki-67 / mitoses or the tumor class contradict: the sentence the grade
  // observation carries (FHIR note, CDA narrative); "" when nothing contradicts it.
  std::string grade_conflict;
  std::vector<Observation> observations;
  std::vector<Metastasis> metastases;
  std::vector<SimpleCondition> conditions;
  std::vector<Treatment> treatments;
  std::vector<DiagnosticTest> diagnostics;
  std::vector<LabResult> labs;
  std::vector<Identifier> identifiers;  // NAACCR tumor record number, sequence numbers (Condition.identifier)
};

// One converted tumor record of a patient.
struct NetCase {
  Location location;   // where the record came from
  std::string record_key;
  Patient patient;
  Tumor tumor;
};

// The unit writers render: a patient and the tumors of that patient that converted.
struct PatientCases {
  Patient patient;
  std::vector<NetCase> cases;
};

}  // namespace netconv::model
