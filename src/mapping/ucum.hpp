// A small UCUM syntax checker (Unified Code for Units of Measure, case-sensitive "c/s" codes) for
// the grammar subset netconv's tables and outputs use: prefixes on metric atoms, exponents,
// '.' and '/' operators, parentheses, integer factors, 10* / 10^ powers, bracketed atoms and
// {annotations}. It checks that a unit is well formed, not that it is commensurable with anything.
#pragma once
#include <string>
#include <string_view>

namespace netconv {

// Empty when `unit` parses; otherwise why not (with the 0-based offset where parsing stopped).
std::string ucum_problem(std::string_view unit);
inline bool ucum_valid(std::string_view unit) { return ucum_problem(unit).empty(); }

}  // namespace netconv
