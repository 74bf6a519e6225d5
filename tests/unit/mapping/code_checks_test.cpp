#include "mapping/code_checks.hpp"

#include <gtest/gtest.h>

namespace netconv {

struct CodeCase {
  const char* format;
  const char* code;
  bool ok;
};

TEST(CodeFormats, TableOfCodes) {
  const CodeCase cases[] = {
      {"snomed", "443492008", true},        // Carcinoid tumor
      {"snomed", "443492009", false},       // wrong Verhoeff digit
      {"snomed", "133531000119104", true},  // extension namespace id
      {"snomed", "12345", false},           // too short
      {"snomed", "0443492008", false},      // leading zero
      {"loinc", "29593-1", true},
      {"loinc", "29593-2", false},
      {"loinc", "9811-1", true},
      {"loinc", "1695-6", true},
      {"loinc", "29593", false},
      {"icd10cm", "C7A.012", true},
      {"icd10cm", "C25.4", true},
      {"icd10cm", "E34.00", true},
      {"icd10cm", "C7A", true},
      {"icd10cm", "U07.1", true},           // U codes exist (COVID-19)
      {"icd10cm", "7A.0", false},
      {"icd10cm", "C7A.0123x", false},
      {"icd10", "C179", true},
      {"icd10", "C17.9", true},
      {"icdo3", "C17.2", true},
      {"icdo3", "8240/3", true},
      {"icdo3", "8240", false},
      {"rxnorm", "141704", true},
      {"rxnorm", "14a", false},
      {"ncit", "C18000", true},
      {"ncit", "18000", false},
      {"ucum", "%", true},
      {"ucum", "ng/mL", true},
      {"ucum", "ng mL", false},
      {"hl7", "problem-list-item", true},
      {"nonsense", "x", false},
  };
  for (const auto& c : cases) EXPECT_EQ(code_format_problem(c.format, c.code).empty(), c.ok) << c.format << " " << c.code;
}

TEST(CheckDigits, VerhoeffAndLoinc) {
  EXPECT_TRUE(verhoeff_valid("236"));  // textbook example
  EXPECT_FALSE(verhoeff_valid("237"));
  EXPECT_FALSE(verhoeff_valid(""));
  EXPECT_TRUE(loinc_check_digit_valid("21908-9"));
  EXPECT_FALSE(loinc_check_digit_valid("21908-8"));
  EXPECT_FALSE(loinc_check_digit_valid("-1"));
}

}  // namespace netconv
