// The seam between the NAACCR reader and mapping: the reader hands on raw items, the NAACCR
// mapping unit (mapping/naaccr_translate.hpp) turns them into fields through the tables.
#include "mapping/naaccr_translate.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "support/shipped_tables.hpp"

namespace netconv {
namespace {

const char* kFile =
    "<?xml version=\"1.0\"?>\n<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\" recordType=\"I\" "
    "specificationVersion=\"1.7\" xmlns=\"http://naaccr.org/naaccrxml\">\n<Patient><Item naaccrId=\"patientIdNumber\">00000001</Item>"
    "<Item naaccrId=\"sex\">7</Item>\n<Tumor><Item naaccrId=\"primarySite\">C172</Item><Item naaccrId=\"histologicTypeIcdO3\">8240</Item>"
    "</Tumor></Patient></NaaccrData>\n";

std::vector<SourceRecord> read_raw() {
  std::istringstream in(kFile);
  ReaderConfig cfg;
  cfg.display_name = "t.xml";
  cfg.mappings_dir = NETCONV_MAPPINGS_DIR;
  CollectingSink sink;
  auto reader = make_naaccr_reader(in, cfg, sink);
  std::vector<SourceRecord> out;
  SourceRecord rec;
  while (reader->next(rec)) out.push_back(rec);
  return out;
}

TEST(NaaccrTranslate, TheReaderHandsOnRawItemsOnly) {
  auto recs = read_raw();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].get("primary_site"), nullptr);  // no table was read by the reader
  EXPECT_EQ(recs[0].items.size(), 4u);
  EXPECT_EQ(recs[0].place, "patient 1: ");
}

TEST(NaaccrTranslate, ItemsBecomeFieldsAndUnknownCodesProblems) {
  auto recs = read_raw();
  ASSERT_EQ(recs.size(), 1u);
  auto& rec = recs[0];
  naaccr::translate_items(rec, test_support::shipped_tables().naaccr_tables());
  EXPECT_TRUE(rec.items.empty());
  ASSERT_NE(rec.get("primary_site"), nullptr);
  EXPECT_EQ(rec.get("primary_site")->value, "C172");
  EXPECT_EQ(rec.get("primary_site")->location.field, "primarySite");
  ASSERT_NE(rec.get("patient_id"), nullptr);
  EXPECT_EQ(rec.get("patient_id")->value, "00000001");
  EXPECT_EQ(rec.fields.back().name, "tumor_key");  // the reader's own fields stay after the items'
  ASSERT_EQ(rec.problems.size(), 1u);
  EXPECT_EQ(rec.problems[0].code, "NC-NAACCR-031");  // sex 7 has no naaccr-values.tsv row
  EXPECT_EQ(rec.problems[0].message.rfind("patient 1: ", 0), 0u);
}

}  // namespace
}  // namespace netconv
