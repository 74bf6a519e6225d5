// netconv's CDA schema and its libxml2 validator: every output of the writer passes, typical
// defects fail with a line number, the schema agrees with the mapping tables, threads are safe.
#include "validation/cda_validator.hpp"
#include "validation/cda_xsd_ids.hpp"

#include <gtest/gtest.h>

#include "support/shared_reference.hpp"
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "core/errors.hpp"
#include "mapping/mapper.hpp"
#include "support/records.hpp"
#include "support/shipped_tables.hpp"
#include "writers/cda_document.hpp"
#include "support/files.hpp"

namespace netconv {
namespace {

const std::string kSchema = std::string(NETCONV_SOURCE_DIR) + "/schemas/cda/netconv-ccda.xsd";

const MappingSet& tables() { return test_support::shipped_tables(); }

const CdaValidator& validator() {
  static CdaValidator v(kSchema);
  return v;
}

model::PatientCases patient() {
  return test_support::patient_cases(test_support::map_with_shipped_tables(test_support::make_record(
      {{"patient_id", "P1"}, {"birth_date", "1958"}, {"sex", "M"}, {"primary_site", "C25.1"}, {"histology", "8240/3"},
       {"diagnosis_date", "2021-03"}, {"ki67_percent", "3"}, {"mitotic_count", "1"}, {"differentiation", "well"},
       {"metastatic_sites", "liver"}, {"syndromes", "MEN1"},
       {"treatments", "surgery:distal_pancreatectomy@2021-04-02|ssa:lanreotide@2021-05/2022-01"}})));
}

std::string document() {
  static cda::Context c(tables(), cda::Config{});
  return cda::render_document(c, patient());
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

std::string problems(const std::vector<Diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) s += d.code + " " + d.location.to_string() + " " + d.message + "\n";
  return s;
}

}  // namespace

TEST(CdaValidator, WriterOutputIsValid) {
  EXPECT_EQ(problems(validator().validate(document(), "doc.xml")), "");
  cda::Context c(tables(), cda::Config{});
  for (const auto& [name, xml] : cda::render_section_files(c, patient()))
    EXPECT_EQ(problems(validator().validate(xml, name)), "") << name;
}

TEST(CdaValidator, ConfiguredHeaderIsValid) {
  cda::Config cfg;
  cfg.effective_time = "202501021030+0100";
  cfg.custodian = {"Registry", "2.16.840.1.113883.19.5", "R1", "tel:+1-555-0100", {"1 Main St", "Town", "MA", "01000", "US"}};
  cda::Context c(tables(), cfg);
  EXPECT_EQ(problems(validator().validate(cda::render_document(c, patient()), "doc.xml")), "");
}

TEST(CdaValidator, DefectsAreFoundWithLines) {
  auto doc = document();
  struct Case {
    const char* what;
    std::string xml;
  } cases[] = {
      {"ISO date in TS", replace(doc, "<birthTime value=\"1958\"/>", "<birthTime value=\"1958-01-01\"/>")},
      {"month 13", replace(doc, "<birthTime value=\"1958\"/>", "<birthTime value=\"195813\"/>")},
      {"value without xsi:type", replace(doc, "<value xsi:type=\"PQ\"", "<value")},
      {"wrong section templateId", replace(doc, "root=\"2.16.840.1.113883.10.20.22.2.5.1\"", "root=\"2.16.840.1.113883.10.20.22.2.5\"")},
      {"unknown element", replace(doc, "<title>", "<subtitle>x</subtitle><title>")},
      {"missing element", replace(doc, "<languageCode code=\"en-US\"/>", "")},
      {"element order", replace(replace(doc, "<title>Neuroendocrine tumor registry summary</title>", ""), "<realmCode",
                                "<title>Neuroendocrine tumor registry summary</title><realmCode")},
      {"bad OID", replace(doc, "<id root=\"2.25.", "<id root=\"2.25.0")},
      {"wrong statusCode", replace(doc, "<statusCode code=\"active\"/>", "<statusCode code=\"suspended\"/>")},
      {"duplicate narrative ID", replace(doc, "ID=\"problem-2\"", "ID=\"problem-1\"")},
      {"wrong namespace", replace(doc, "xmlns=\"urn:hl7-org:v3\"", "xmlns=\"urn:hl7-org:v2\"")},
  };
  for (const auto& c : cases) {
    auto ds = validator().validate(c.xml, "doc.xml");
    ASSERT_FALSE(ds.empty()) << c.what;
    EXPECT_EQ(ds[0].code, "NC-CDA-002") << c.what;
    EXPECT_GT(ds[0].location.line, 0u) << c.what;
  }
  auto broken = validator().validate(doc.substr(0, doc.size() / 2), "half.xml");
  ASSERT_FALSE(broken.empty());
  EXPECT_EQ(broken[0].code, "NC-CDA-001");
  EXPECT_GT(broken[0].location.line, 0u);
}

// validate() decides in a streaming pass and parses into a tree only to locate problems: its
// verdict must be the one of libxml2's tree validation on damaged documents of every kind.
TEST(CdaValidator, StreamingVerdictIsTheTreeVerdict) {
  xmlDocPtr sd = xmlReadFile(kSchema.c_str(), nullptr, XML_PARSE_NONET);
  xmlSchemaParserCtxtPtr pc = xmlSchemaNewDocParserCtxt(sd);
  xmlSchemaPtr schema = xmlSchemaParse(pc);
  xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
  int said = 0;
  auto count = [](void* n, xmlErrorPtr) { ++*static_cast<int*>(n); };
  auto tree_verdict = [&](const std::string& xml) {
    said = 0;
    xmlSetStructuredErrorFunc(&said, count);
    xmlSchemaSetValidStructuredErrors(vc, count, &said);
    xmlDocPtr d = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "t.xml", nullptr, XML_PARSE_NONET);
    int rc = d ? xmlSchemaValidateDoc(vc, d) : -1;
    if (d) xmlFreeDoc(d);
    xmlSetStructuredErrorFunc(nullptr, nullptr);
    return rc == 0 && said == 0;
  };
  auto doc = document();
  std::mt19937 rng(7);
  int invalid = 0;
  for (int i = 0; i < 400; ++i) {
    std::string x = doc;
    std::size_t at = std::uniform_int_distribution<std::size_t>(0, x.size() - 1)(rng);
    switch (i % 5) {
      case 4: {  // a narrative ID repeated (xs:ID: checked apart from the streaming validator)
        auto id = x.find(" ID=\"", at);
        auto prev = id == std::string::npos ? std::string::npos : x.rfind(" ID=\"", id - 1);
        if (prev == std::string::npos) break;
        auto value = [&](std::size_t a) { return x.substr(a + 5, x.find('"', a + 5) - a - 5); };
        x.replace(id + 5, value(id).size(), value(prev));
        break;
      }
      case 0: x.erase(at, std::uniform_int_distribution<std::size_t>(1, 12)(rng)); break;  // a cut
      case 1: x.insert(at, x.substr(std::uniform_int_distribution<std::size_t>(0, x.size() - 40)(rng), 40)); break;
      case 2: x[at] = "0aZ-<\"&. "[i % 10]; break;  // one byte changed
      default: {  // one line dropped
        auto bol = x.rfind('\n', at), eol = x.find('\n', at);
        if (bol != std::string::npos && eol != std::string::npos) x.erase(bol, eol - bol);
      }
    }
    bool tree_ok = tree_verdict(x);
    invalid += !tree_ok;
    EXPECT_EQ(validator().validate(x, "t.xml").empty(), tree_ok) << "mutation " << i;
  }
  EXPECT_GT(invalid, 250);  // the mutations do break documents
  xmlSchemaFreeValidCtxt(vc);
  xmlSchemaFree(schema);
  xmlSchemaFreeParserCtxt(pc);
  xmlFreeDoc(sd);
}

TEST(CdaValidator, IdAttributesAreReadFromTheSchema) {
  EXPECT_EQ(xsd_id_attributes(kSchema), std::vector<std::string>{"ID"});
  EXPECT_EQ(xsd_id_attributes("/nonexistent.xsd"), std::nullopt);
}

TEST(CdaValidator, IdAttributesAreReadFromTheOfficialSchema) {
  // the official CDA schema with SDTC extensions, through its includes
  std::string official = std::string(NETCONV_SHARED_DIR) + "/reference/cda-r2-schema/extensions/SDTC/infrastructure/cda/CDA_SDTC.xsd";
  NETCONV_NEEDS_SHARED(official);
  EXPECT_EQ(xsd_id_attributes(official), std::vector<std::string>{"ID"});
}

TEST(CdaValidator, ExternalEntitiesAreNotFetched) {
  std::string xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"http://127.0.0.1:9/x\">]><section xmlns=\"urn:hl7-org:v3\">&e;</section>";
  EXPECT_FALSE(validator().validate(xxe, "xxe.xml").empty());
}

TEST(CdaValidator, ThreadsShareOneSchema) {
  auto doc = document();
  std::vector<std::thread> ts;
  std::atomic<int> bad{0};
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&] {
      for (int k = 0; k < 20; ++k)
        if (!validator().validate(doc, "doc.xml").empty()) ++bad;
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(bad.load(), 0);
}

using test_support::slurp;

// Single clinical statements made elsewhere: the verdicts of the CDA R2 oracle on its fixtures and
// on tests/data/validation. netconv's section profile is stricter than CDA R2 (by design).
TEST(CdaValidator, SnippetsAgreeWithOracleFixtures) {
  namespace fs = std::filesystem;
  std::vector<std::pair<fs::path, bool>> dirs = {{fs::path(NETCONV_TEST_DATA) / "validation/cda/valid", true},
                                                  {fs::path(NETCONV_TEST_DATA) / "validation/cda/invalid", false},
                                                  {fs::path(NETCONV_SHARED_DIR) / "oracles/cda/selftest/good", true},
                                                  {fs::path(NETCONV_SHARED_DIR) / "oracles/cda/selftest/bad", false}};
  NETCONV_NEEDS_SHARED(dirs[2].first);  // the oracle's own fixtures are half of the evidence
  NETCONV_NEEDS_SHARED(dirs[3].first);
  int n = 0;
  for (const auto& [dir, valid] : dirs) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() != ".xml") continue;
      if (e.path().filename() == "section-problems.xml") continue;  // foreign section: netconv's section profile is stricter
      auto ds = validator().validate(slurp(e.path()), e.path().filename().string());
      EXPECT_EQ(ds.empty(), valid) << e.path() << "\n" << problems(ds);
      ++n;
    }
  }
  EXPECT_GT(n, 10);
}

TEST(CdaValidator, MissingOrBrokenSchemaIsAConfigError) {
  EXPECT_THROW(CdaValidator("/nonexistent/x.xsd"), ConfigError);
}

// Every templateId root and fixed code in the schema is one the mapping tables define, so the
// schema cannot drift from what the writer is configured to emit.
TEST(CdaValidator, SchemaAgreesWithCdaTemplatesTable) {
  std::ifstream f(kSchema);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string xsd = ss.str();
  std::set<std::string> known;
  for (const auto& key : {"cda.template.us_realm_header", "cda.template.ccd", "cda.template.problem_section",
                          "cda.template.results_section", "cda.template.medications_section", "cda.template.procedures_section",
                          "cda.template.allergies_section", "cda.template.social_history_section",
                          "cda.template.vital_signs_section", "cda.template.problem_concern_act", "cda.template.problem_observation",
                          "cda.template.result_organizer", "cda.template.result_observation",
                          "cda.template.procedure_activity_procedure", "cda.template.medication_activity",
                          "cda.template.medication_information", "cda.template.indication", "cda.typeid",
                          "cda.template.birth_sex_observation"}) {
    const auto& v = tables().constant(key);
    known.insert(v.substr(0, v.find('^')));
    known.insert(v.substr(v.find('^') + 1));
  }
  for (const auto& key : {"cda.code.document", "cda.code.confidentiality", "cda.code.concern", "cda.code.problem_type",
                          "cda.code.problem_type.translation", "cda.code.histology_behavior", "cda.code.birth_sex"}) {
    const auto& v = tables().constant(key);
    known.insert(v.substr(0, v.find('^')));
    known.insert(v.substr(v.find('^') + 1, v.rfind('^') - v.find('^') - 1));
  }
  for (const auto& key : {"cda.section.problem.code", "cda.section.results.code", "cda.section.medications.code",
                          "cda.section.procedures.code", "cda.section.allergies.code", "cda.section.social_history.code",
                          "cda.section.vital_signs.code"})
    known.insert(tables().constant(key));
  std::regex oid_like("(fixed|value)=\"([0-9]+(\\.[0-9]+)+|[0-9]+-[0-9]|[0-9]{5,})\"");
  int checked = 0;
  for (std::sregex_iterator it(xsd.begin(), xsd.end(), oid_like), end; it != end; ++it, ++checked)
    EXPECT_TRUE(known.count((*it)[2].str())) << (*it)[2].str() << " is in the schema but not in the mapping tables";
  EXPECT_GT(checked, 30);
}

}  // namespace netconv
