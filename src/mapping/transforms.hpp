// Value transforms shared by every reader's mapping: dates, decimals, ICD-O-3 spellings and WHO
// grade derivation. Each returns nothing (or an error text) on bad input, never a guess.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "model/values.hpp"

namespace netconv {

// YYYY, YYYY-MM, YYYY-MM-DD, YYYYMM or YYYYMMDD; impossible calendar dates give nullopt.
std::optional<model::PartialDate> parse_partial_date(std::string_view text);
// Plain decimal (optional sign, digits, optional fraction); canonical text keeps the digits.
std::optional<model::Decimal> parse_decimal(std::string_view text);
// C17.2 / C172 / c17.2 -> C17.2; nullopt when not of that shape.
std::optional<std::string> normalize_topography(std::string_view text);

// WHO grade of a gastroenteropancreatic NET from Ki-67 (%) and mitoses per 2 mm²:
// G1 < 3 % and < 2; G2 3-20 % or 2-20; G3 > 20 % or > 20; the higher grade wins.
// Empty when neither value is known.
std::string derive_who_grade(std::optional<double> ki67_percent, std::optional<double> mitoses_per_2mm2);

}  // namespace netconv

namespace netconv {

// WHO ICD-10 code as registries write it (NAACCR Cause of Death [1910]: no dot, "C169") or dotted
// ("C16.9") -> the dotted WHO form: a letter, two digits and, for a subcategory, a dot and one
// digit ("C16.9", "C61"). nullopt for anything else (older ICD revisions, special codes), which
// is never reshaped into ICD-10.
std::optional<std::string> who_icd10_dotted(std::string_view text);

}  // namespace netconv
