#include "pipeline/work.hpp"

#include <optional>

#include "core/ids.hpp"
#include "core/text.hpp"
#include "pipeline/registry_id.hpp"

namespace netconv {
namespace {

MapperOptions mapper_options(const ConvertOptions& opt, const MappingSet& t) {
  MapperOptions m;
  m.registry_id = run_registry_id(opt);
  m.patient_id_system = run_patient_id_system(opt, m.registry_id, t.constant("fhir.system.patient_id_default"));
  m.icd10cm_current_edition = opt.icd10cm_current_edition;
  return m;
}

}  // namespace

PatientWork::PatientWork(const ConvertOptions& opt, const MappingSet& t, const OutputStage& outputs)
    : max_rows_(opt.max_rows_per_patient),
      mapper_(t, mapper_options(opt, t)),
      outputs_(outputs) {}

WorkResult PatientWork::process(WorkItem& item) const {
  ItemScratch scratch;
  if (!outputs_.sessions()) return process(item, scratch);
  auto session = outputs_.sessions()->borrow();  // this worker's caches and scratch, for this item
  scratch.session = &*session;
  return process(item, scratch);
}

WorkResult PatientWork::process(WorkItem& item, ItemScratch& scratch) const {
  WorkResult r;
  r.diagnostics = std::move(item.reader_diagnostics);
  for (auto& patient : item.patients) {
    if (patient.too_many) reject_too_many(patient, r);
    else convert_patient(patient, r, scratch);
  }
  return r;
}

void PatientWork::convert_patient(const PatientRecords& patient, WorkResult& r, ItemScratch& scratch) const {
  auto& s = r.counts;
  // the fingerprint of what decides the patient's output: a --since run carries an unchanged
  // patient's previous manifest line instead of converting it again
  std::optional<ContentHash> input;
  if (const auto* f = outputs_.fingerprints()) {
    input = f->patient(patient.records);
    if (!patient.reappeared && outputs_.carry_unchanged(*input, patient.records.size(), r)) return;
  }
  model::PatientCases group;
  for (const auto& rec : patient.records) {
    ++s.read;
    RecordOutcome o = mapper_.map(rec);
    for (const auto& c : o.counted) ++s.counted[c];
    for (const auto& w : o.warnings) {
      r.diagnostics.push_back(w);
      ++s.warnings_by_code[w.code];
    }
    if (o.kind != RecordOutcome::Kind::converted || patient.reappeared) input.reset();  // only all-converted patients
    if (o.kind == RecordOutcome::Kind::skipped) {
      ++s.skipped;
      ++s.skipped_by_reason[o.skip_reason];
      continue;
    }
    if (patient.reappeared) {
      o.reasons.push_back({Severity::error, "NC-REC-006", rec.location,
                           patient.other_element ? "patient id repeats an earlier NAACCR Patient element's (one element per patient)"
                                                 : "patient reappears after other patients (sort the input by patient first, or drop --presorted)",
                           ""});
      o.kind = RecordOutcome::Kind::rejected;
    }
    if (o.kind == RecordOutcome::Kind::rejected) {
      ++s.rejected;
      for (const auto& reason : o.reasons) {
        r.diagnostics.push_back(reason);
        ++s.rejected_by_code[reason.code];
      }
      add_reject(r, o.patient_id + "/" + o.tumor_id, rec.location, o.reasons);
      continue;
    }
    if (group.cases.empty()) {
      group.patient = o.net_case.patient;
    } else if (!(group.patient.birth_date == o.net_case.patient.birth_date)) {
      Diagnostic d{Severity::warning, "NC-REC-005", rec.location, "patient's birth_date differs from an earlier row; the first is kept", ""};
      r.diagnostics.push_back(d);
      ++s.warnings_by_code[d.code];
    }
    ++s.converted;
    group.cases.push_back(std::move(o.net_case));
  }
  // the run warns once that the default identifier systems are for local experiments (NC-ID-003)
  if (!group.cases.empty() && !r.default_systems_at && group.patient.fact_system == kDefaultFactSystem)
    r.default_systems_at = group.cases.front().location;
  outputs_.render_checked(group, r, scratch, input ? &*input : nullptr);
}

void PatientWork::reject_too_many(const PatientRecords& patient, WorkResult& r) const {
  auto& s = r.counts;
  for (const auto& rec : patient.records) {
    Diagnostic d{Severity::error, "NC-REC-007", rec.location,
                 "patient has more than " + std::to_string(max_rows_) + " records (--max-rows-per-patient): all of them are rejected", ""};
    if (&rec == &patient.records.front() && !patient.continued) r.diagnostics.push_back(d);
    ++s.read;
    ++s.rejected;
    ++s.rejected_by_code[d.code];
    const auto* pid = rec.get("patient_id");
    const auto* tid = rec.get("tumor_id");
    std::string p = pid ? pid->value : "", t = tid && !tid->value.empty() ? tid->value : "1";
    clear_unreportable_key(p, t);
    add_reject(r, p + "/" + t, rec.location, {d});
  }
}

}  // namespace netconv
