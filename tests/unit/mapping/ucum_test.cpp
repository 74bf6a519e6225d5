// The UCUM syntax subset check-mappings applies to units in the tables and in round-trip output.
#include "mapping/ucum.hpp"

#include <gtest/gtest.h>

namespace netconv {

TEST(Ucum, AcceptsTheUnitsNetconvUses) {
  for (const char* u : {"%", "/(2.mm2)", "ng/mL", "ug/L", "nmol/L", "U/L", "mg/(24.h)", "umol/(24.h)", "mg/L", "pg/mL", "ng/L",
                        "pmol/L", "u[IU]/mL", "m[IU]/L", "mm2", "10*9/L", "10^3", "kg/m2", "{cells}/uL", "/[HPF]", "mm[Hg]", "1",
                        "g.m-2", "mL/min/{1.73_m2}", "[in_i]", "Cel", "daL", "%{vol}", "{score}"})
    EXPECT_TRUE(ucum_valid(u)) << u << ": " << ucum_problem(u);
}

TEST(Ucum, RejectsMalformedUnits) {
  for (const char* u : {"", "mm^2", "(mm", "mm)", "ng/", "/", "%%", "xyz", "kmm", "mg//L", "mg L", "{cells", "[IU", "mg.", "m+",
                        "mg/ml/", "ng/ml ", "IU/L", "mcg"})
    EXPECT_FALSE(ucum_valid(u)) << "'" << u << "' accepted";
}

TEST(Ucum, ExplainsWhere) {
  auto why = ucum_problem("ng/xx");
  EXPECT_NE(why.find("unknown unit 'xx'"), std::string::npos) << why;
  EXPECT_NE(why.find("offset 3"), std::string::npos) << why;
}

TEST(Ucum, PrefixesOnlyOnMetricAtoms) {
  EXPECT_TRUE(ucum_valid("mmol"));
  EXPECT_FALSE(ucum_valid("k%"));
  EXPECT_FALSE(ucum_valid("kh"));  // h (hour) is not metric
  EXPECT_TRUE(ucum_valid("h"));
}

}  // namespace netconv
