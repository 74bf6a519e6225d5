// Writers render from the NetCase and a render context resolved when they are made: they keep
// no reference to the tables, and the buffers a caller lends (RenderScratch) carry nothing from
// one patient into the next.
#include <gtest/gtest.h>

#include <memory>

#include "mapping/mapper.hpp"
#include "support/shipped_tables.hpp"
#include "writers/writer.hpp"

namespace netconv {
namespace {

// One record of the contract with the given columns (the rest empty).
model::PatientCases patient(const MappingSet& t, std::initializer_list<std::pair<const char*, const char*>> fields) {
  SourceRecord r;
  r.location = {"t.csv", 2, 1, ""};
  for (const auto& [k, v] : fields) {
    RawField f;
    f.name = k;
    f.value = v;
    f.location = {"t.csv", 2, 1, k};
    r.fields.push_back(f);
  }
  auto o = Mapper(t, {"urn:test:pid"}).map(r);
  EXPECT_EQ(o.kind, RecordOutcome::Kind::converted) << (o.reasons.empty() ? "" : o.reasons[0].message);
  return {o.net_case.patient, {o.net_case}};
}

// A patient with every resource family, and a small one.
std::vector<model::PatientCases> patients(const MappingSet& t) {
  auto big = patient(t, {{"patient_id", "P1"}, {"birth_date", "1957-04-03"}, {"sex", "F"}, {"diagnosis_date", "2020-02-14"},
                         {"primary_site", "C17.2"}, {"histology", "8240/3"}, {"grade", "G1"}, {"ki67_percent", "2"},
                         {"mitotic_count", "1"}, {"differentiation", "well"}, {"metastatic_sites", "liver"},
                         {"carcinoid_syndrome", "Y"}, {"symptoms", "flushing|diarrhea"},
                         {"treatments", "surgery:small_bowel_resection@2020-03-10|ssa:octreotide@2020-04-01"},
                         {"diagnostics", "ct@2020-01-20"}, {"labs", "chromogranin_a=412 ng/mL@2020-01-21"},
                         {"vital_status", "alive"}});
  auto small = patient(t, {{"patient_id", "P2"}, {"primary_site", "C25.1"}, {"histology", "8150/3"}});
  return {big, small, big};
}

struct Rendered {
  std::vector<std::string> paths, bytes;
  bool operator==(const Rendered&) const = default;
};

Rendered render(const OutputWriter& w, const model::PatientCases& pc, RenderScratch* scratch) {
  RenderedPatient out;
  if (scratch) w.render(pc, out, *scratch);
  else w.render(pc, out);
  Rendered r;
  for (const auto& c : out.chunks) {
    r.paths.push_back(c.path);
    r.bytes.push_back(c.bytes);
  }
  return r;
}

WriterOptions layout(const std::string& fhir, const std::string& cda) {
  WriterOptions o;
  o.fhir_layout = fhir;
  o.cda_layout = cda;
  return o;
}

}  // namespace

TEST(RenderScratch, ALentScratchGivesTheBytesOfAFreshOneForEveryPatient) {
  const auto& t = test_support::shipped_tables();
  auto pcs = patients(t);
  for (const auto& o : {layout("bulk", "document"), layout("bundle", "entries")}) {
    auto writers = make_writers({"fhir", "cda"}, o, t);
    RenderScratch shared;  // one for both writers and all patients, as a pipeline worker holds it
    for (std::size_t i = 0; i < pcs.size(); ++i)
      for (const auto& w : writers) {
        SCOPED_TRACE(w->name() + " patient " + std::to_string(i) + " " + o.fhir_layout + "/" + o.cda_layout);
        auto fresh = render(*w, pcs[i], nullptr);
        EXPECT_FALSE(fresh.bytes.empty());
        EXPECT_EQ(render(*w, pcs[i], &shared), fresh);
      }
  }
}

// Everything a writer reads from the tables is resolved when it is made: it renders the same
// bytes after the tables are gone (the sanitizer build would see any read of them).
TEST(RenderContext, WritersKeepNoReferenceToTheTables) {
  const auto& shipped = test_support::shipped_tables();
  auto pcs = patients(shipped);
  auto expected_writers = make_writers({"fhir", "cda"}, WriterOptions{}, shipped);
  std::vector<std::unique_ptr<OutputWriter>> writers;
  {
    std::vector<Diagnostic> problems;
    auto own = std::make_unique<MappingSet>(MappingSet::load(NETCONV_MAPPINGS_DIR, problems));
    writers = make_writers({"fhir", "cda"}, WriterOptions{}, *own);
  }
  for (std::size_t i = 0; i < writers.size(); ++i)
    for (const auto& pc : pcs) EXPECT_EQ(render(*writers[i], pc, nullptr), render(*expected_writers[i], pc, nullptr));
}

}  // namespace netconv
