#include "mapping/transforms.hpp"

#include <gtest/gtest.h>

namespace netconv {

struct PartialDateCase {
  const char* text;
  const char* fhir;  // nullptr = rejected
  const char* hl7;
};

TEST(PartialDate, TableOfValidAndInvalidDates) {
  const PartialDateCase cases[] = {
      {"2021", "2021", "2021"},
      {"2021-03", "2021-03", "202103"},
      {"2021-03-15", "2021-03-15", "20210315"},
      {"20210315", "2021-03-15", "20210315"},
      {"202103", "2021-03", "202103"},
      {"2024-02-29", "2024-02-29", "20240229"},
      {"2000-02-29", "2000-02-29", "20000229"},
      {"2023-02-29", nullptr, nullptr},
      {"1900-02-29", nullptr, nullptr},
      {"2023-02-31", nullptr, nullptr},
      {"20230231", nullptr, nullptr},
      {"2021-13", nullptr, nullptr},
      {"2021-00", nullptr, nullptr},
      {"2021-04-31", nullptr, nullptr},
      {"2021-1-5", nullptr, nullptr},
      {"21-03-15", nullptr, nullptr},
      {"2021/03/15", nullptr, nullptr},
      {"0000", nullptr, nullptr},
      {"99999999", nullptr, nullptr},
      {"", nullptr, nullptr},
      {"2021-03-15T10:00", nullptr, nullptr},
      {"abcd", nullptr, nullptr},
  };
  for (const auto& c : cases) {
    auto d = parse_partial_date(c.text);
    if (!c.fhir) {
      EXPECT_FALSE(d.has_value()) << c.text;
      continue;
    }
    ASSERT_TRUE(d.has_value()) << c.text;
    EXPECT_EQ(d->fhir(), c.fhir) << c.text;
    EXPECT_EQ(d->hl7(), c.hl7) << c.text;
  }
}

TEST(PartialDate, CompareOnCommonPrecision) {
  auto a = *parse_partial_date("2021-03"), b = *parse_partial_date("2021-03-15"), c = *parse_partial_date("2020");
  EXPECT_EQ(a.compare(b), 0);
  EXPECT_EQ(c.compare(a), -1);
  EXPECT_EQ(b.compare(c), 1);
}

struct DecimalCase {
  const char* text;
  const char* canonical;  // nullptr = rejected
};

TEST(Decimal, TableOfValidAndInvalidDecimals) {
  const DecimalCase cases[] = {
      {"12.5", "12.5"}, {"12.50", "12.50"}, {"0", "0"}, {"007", "7"}, {"+3", "3"}, {"-2", "-2"},
      {"-0", "0"}, {"100", "100"}, {"0.0", "0.0"},
      {"1e3", nullptr}, {".5", nullptr}, {"5.", nullptr}, {"1,5", nullptr}, {"abc", nullptr},
      {"", nullptr}, {"1.2.3", nullptr}, {"NaN", nullptr}, {"123456789012345678901234567890123", nullptr},
  };
  for (const auto& c : cases) {
    auto d = parse_decimal(c.text);
    if (!c.canonical) {
      EXPECT_FALSE(d.has_value()) << c.text;
      continue;
    }
    ASSERT_TRUE(d.has_value()) << c.text;
    EXPECT_EQ(d->text, c.canonical) << c.text;
  }
}

TEST(Topography, Spellings) {
  EXPECT_EQ(normalize_topography("C17.2").value(), "C17.2");
  EXPECT_EQ(normalize_topography("C172").value(), "C17.2");
  EXPECT_EQ(normalize_topography("c172").value(), "C17.2");
  EXPECT_FALSE(normalize_topography("C17").has_value());
  EXPECT_FALSE(normalize_topography("C17.22").has_value());
  EXPECT_FALSE(normalize_topography("D17.2").has_value());
  EXPECT_FALSE(normalize_topography("").has_value());
}

struct GradeCase {
  std::optional<double> ki67, mitoses;
  const char* grade;
};

// WHO 2019 digestive system tumours: G1 <3 % and <2 mitoses/2 mm2, G2 3-20 % or 2-20,
// G3 >20 % or >20; the higher grade wins.
TEST(WhoGrade, Derivation) {
  const GradeCase cases[] = {
      {2.9, 1.9, "G1"}, {3, std::nullopt, "G2"}, {20, std::nullopt, "G2"}, {20.1, std::nullopt, "G3"},
      {std::nullopt, 2, "G2"}, {std::nullopt, 20, "G2"}, {std::nullopt, 21, "G3"}, {1, 25, "G3"},
      {25, 0, "G3"}, {2, 5, "G2"}, {0, 0, "G1"}, {std::nullopt, std::nullopt, ""}, {std::nullopt, 1.5, "G1"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(derive_who_grade(c.ki67, c.mitoses), c.grade)
        << (c.ki67 ? *c.ki67 : -1) << " " << (c.mitoses ? *c.mitoses : -1);
}

}  // namespace netconv
