// --cda-config parsing and the OID helpers behind CDA identifiers.
#include <gtest/gtest.h>

#include <sstream>

#include "core/errors.hpp"
#include "writers/cda_config.hpp"
#include "writers/cda_ids.hpp"

namespace netconv::cda {
namespace {

Config parse(const std::string& text) {
  std::istringstream in(text);
  return parse_config(in, "test.conf");
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(CdaConfig, EmptyGivesDefaults) {
  auto c = parse("");
  EXPECT_EQ(c.title, Config{}.title);
  EXPECT_TRUE(c.effective_time.empty());
  EXPECT_FALSE(c.custodian.name.empty());
  EXPECT_TRUE(c.custodian.id_root.empty());
  EXPECT_EQ(c.device_model, "netconv");
}

TEST(CdaConfig, ReadsKeysCommentsAndCrlf) {
  auto c = parse(
      "# registry\r\n"
      "custodian.name = Example NET Registry\r\n"
      "custodian.id_root=2.16.840.1.113883.19.5\n"
      "custodian.id_extension = REG-1\n"
      "custodian.telecom = tel:+1-555-0100\n"
      "custodian.street = 1 Main St\n"
      "custodian.city = Springfield\n"
      "custodian.state = MA\n"
      "custodian.postal_code = 01101\n"
      "\n"
      "effective_time = 202501011200+0000\n"
      "title = NET summary\n");
  EXPECT_EQ(c.custodian.name, "Example NET Registry");
  EXPECT_EQ(c.custodian.id_root, "2.16.840.1.113883.19.5");
  EXPECT_EQ(c.custodian.id_extension, "REG-1");
  EXPECT_EQ(c.custodian.telecom, "tel:+1-555-0100");
  EXPECT_EQ(c.custodian.addr.city, "Springfield");
  EXPECT_FALSE(c.custodian.addr.empty());
  EXPECT_EQ(c.effective_time, "202501011200+0000");
  EXPECT_EQ(c.title, "NET summary");
}

TEST(CdaConfig, RejectsUnknownKeyWithLine) {
  auto e = error_of("title = x\ncustodian.fax = 1\n");
  EXPECT_NE(e.find("test.conf:2"), std::string::npos) << e;
  EXPECT_NE(e.find("custodian.fax"), std::string::npos) << e;
}

TEST(CdaConfig, RejectsBadValues) {
  EXPECT_NE(error_of("effective_time = 2025-01-01\n"), "");
  EXPECT_NE(error_of("effective_time = 202501011200\n"), "") << "a time needs a zone offset";
  EXPECT_EQ(error_of("effective_time = 20250101\n"), "");
  EXPECT_NE(error_of("custodian.id_root = not-an-oid\n"), "");
  EXPECT_NE(error_of("patient_id_root = 1.2.03\n"), "");
  EXPECT_NE(error_of("custodian.id_extension = X\n"), "") << "extension without root";
  EXPECT_NE(error_of("title = a\ntitle = b\n"), "");
  EXPECT_NE(error_of("just text\n"), "");
  EXPECT_NE(error_of("custodian.city = Springfield\n"), "") << "US Realm Address needs street, state, postal code";
  EXPECT_EQ(error_of("custodian.street = Hauptstr. 1\ncustodian.city = Bern\ncustodian.country = CH\n"), "");
}

TEST(CdaIds, DecimalOfBigEndianBytes) {
  const std::uint8_t zero[2] = {0, 0};
  const std::uint8_t v[3] = {0x01, 0x00, 0x00};
  EXPECT_EQ(decimal(zero, 2), "0");
  EXPECT_EQ(decimal(v, 3), "65536");
}

TEST(CdaIds, UuidToOid) {
  EXPECT_EQ(uuid_to_oid("55e14583-c42d-4c5f-85e5-fe627a7a825d"), "2.25.114154056360753950995938513266488803933");
  EXPECT_EQ(uuid_to_oid("00000000-0000-0000-0000-000000000001"), "2.25.1");
  EXPECT_EQ(uuid_to_oid("55e14583"), "");
  EXPECT_EQ(uuid_to_oid("zze14583-c42d-4c5f-85e5-fe627a7a825d"), "");
}

TEST(CdaIds, RootForIdentifierSystem) {
  const std::string arc = "2.25.1.3";
  EXPECT_EQ(id_root_for_system("urn:oid:2.16.840.1.113883.19.5", arc), "2.16.840.1.113883.19.5");
  EXPECT_EQ(id_root_for_system("URN:OID:1.2.3", arc), "1.2.3");
  EXPECT_EQ(id_root_for_system("urn:uuid:00000000-0000-0000-0000-000000000002", arc), "2.25.2");
  auto a = id_root_for_system("https://registry.example/patient-id", arc);
  EXPECT_EQ(a.rfind(arc + ".", 0), 0u) << a;
  EXPECT_TRUE(valid_oid(a)) << a;
  EXPECT_EQ(a, id_root_for_system("https://registry.example/patient-id", arc));
  EXPECT_NE(a, id_root_for_system("https://registry.example/other", arc));
  EXPECT_EQ(id_root_for_system("urn:oid:not-an-oid", arc).rfind(arc + ".", 0), 0u);
}

}  // namespace netconv::cda
