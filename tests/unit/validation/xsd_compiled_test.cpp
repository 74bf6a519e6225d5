// The mirror of libxml2's private attribute-use layout (src/validation/xsd_attribute_uses_mirror.cpp)
// against the library: a small schema is compiled and every attribute use it declares -- local,
// inherited through an extension, from an attribute group, fixed, of a named simple type -- must
// be read back with its declaration, type and fixed flag. A libxml2 whose layout moved fails here
// (the tags no longer match: no use found; or a field read from the wrong offset: wrong flags).
#include <gtest/gtest.h>
#include <libxml/xmlschemas.h>

#include <memory>
#include <string>

#include "validation/xsd_compiled.hpp"

namespace netconv::xsd {
namespace {

constexpr const char* kSchema = R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns="urn:t" elementFormDefault="qualified">
  <xs:simpleType name="Code"><xs:restriction base="xs:string"><xs:pattern value="[A-Z]+"/></xs:restriction></xs:simpleType>
  <xs:attributeGroup name="Group"><xs:attribute name="grouped" type="xs:string"/></xs:attributeGroup>
  <xs:complexType name="Base"><xs:attribute name="inherited" type="Code"/></xs:complexType>
  <xs:complexType name="T"><xs:complexContent><xs:extension base="Base">
    <xs:attribute name="plain" type="xs:string" use="required"/>
    <xs:attribute name="fixed" type="xs:string" fixed="F"/>
    <xs:attribute name="defaulted" type="Code" default="D"/>
    <xs:attribute name="qualified" type="xs:string" form="qualified"/>
    <xs:attributeGroup ref="Group"/>
    <xs:anyAttribute namespace="##other" processContents="lax"/>
  </xs:extension></xs:complexContent></xs:complexType>
  <xs:element name="r" type="T"/>
</xs:schema>)";

struct Compiled {
  std::unique_ptr<xmlSchema, decltype(&xmlSchemaFree)> schema{nullptr, xmlSchemaFree};
  const xmlSchemaType* type = nullptr;
};

Compiled compile() {
  Compiled c;
  xmlSchemaParserCtxtPtr parser = xmlSchemaNewMemParserCtxt(kSchema, static_cast<int>(std::char_traits<char>::length(kSchema)));
  c.schema.reset(xmlSchemaParse(parser));
  xmlSchemaFreeParserCtxt(parser);
  if (c.schema) c.type = global_type(c.schema.get(), "T", "urn:t");
  return c;
}

std::string type_name(const xmlSchemaAttribute* d) {
  const xmlSchemaType* t = d ? d->subtypes : nullptr;
  return t && t->name ? reinterpret_cast<const char*>(t->name) : "<none>";
}

class XsdCompiled : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!attribute_uses_mirrored())
      GTEST_SKIP() << "this build does not read libxml2's attribute uses (libxml2 version not checked; see docs/cda.md)";
    compiled = compile();
    ASSERT_NE(compiled.type, nullptr);
  }
  Compiled compiled;
};

TEST_F(XsdCompiled, MirrorReadsEveryDeclaredAttributeUseBack) {
  struct Expected {
    const char* local;
    const char* ns;
    const char* type;
    bool fixed;
  };
  for (const Expected& e : {Expected{"plain", "", "string", false}, Expected{"fixed", "", "string", true},
                            Expected{"defaulted", "", "Code", false}, Expected{"qualified", "urn:t", "string", false},
                            Expected{"grouped", "", "string", false}, Expected{"inherited", "", "Code", false}}) {
    auto use = attribute_use(compiled.type, e.local, e.ns);
    ASSERT_TRUE(use.has_value()) << e.local;
    ASSERT_NE(use->declaration, nullptr) << e.local;
    EXPECT_STREQ(reinterpret_cast<const char*>(use->declaration->name), e.local);
    EXPECT_EQ(type_name(use->declaration), e.type) << e.local;
    EXPECT_EQ(use->fixed, e.fixed) << e.local;
  }
}

TEST_F(XsdCompiled, MirrorFindsNoUseOfAnUndeclaredNameOrNamespace) {
  EXPECT_FALSE(attribute_use(compiled.type, "undeclared", "").has_value());
  EXPECT_FALSE(attribute_use(compiled.type, "plain", "urn:t").has_value()) << "declared unqualified";
  EXPECT_FALSE(attribute_use(compiled.type, "qualified", "").has_value()) << "declared qualified";
  EXPECT_FALSE(attribute_use(global_type(compiled.schema.get(), "Code", "urn:t"), "plain", "").has_value()) << "a simple type";
}

}  // namespace
}  // namespace netconv::xsd
