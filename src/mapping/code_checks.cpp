#include "mapping/code_checks.hpp"

#include <regex>

#include "mapping/ucum.hpp"

namespace netconv {

bool verhoeff_valid(std::string_view digits) {
  static const int d[10][10] = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
                                {2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
                                {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
                                {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
                                {8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
  static const int p[8][10] = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
                               {5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
                               {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
                               {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}};
  if (digits.empty()) return false;
  int c = 0;
  std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    char ch = digits[n - 1 - i];
    if (ch < '0' || ch > '9') return false;
    c = d[c][p[i % 8][ch - '0']];
  }
  return c == 0;
}

bool loinc_check_digit_valid(std::string_view code) {
  auto dash = code.find('-');
  if (dash == std::string_view::npos || dash + 2 != code.size()) return false;
  int sum = 0;
  bool twice = true;  // rightmost digit of the body is doubled (Luhn)
  for (std::size_t i = dash; i-- > 0;) {
    char ch = code[i];
    if (ch < '0' || ch > '9') return false;
    int v = ch - '0';
    if (twice) { v *= 2; if (v > 9) v -= 9; }
    sum += v;
    twice = !twice;
  }
  char check = code[dash + 1];
  return check >= '0' && check <= '9' && (10 - sum % 10) % 10 == check - '0';
}

bool is_known_code_format(std::string_view f) {
  return f == "snomed" || f == "loinc" || f == "icd10cm" || f == "icd10" || f == "icdo3" || f == "icdo3-topography" || f == "icdo3-morphology" || f == "rxnorm" ||
         f == "ncit" || f == "ucum" || f == "hl7" || f == "local";
}

std::string code_format_problem(std::string_view format, std::string_view code) {
  static const std::regex snomed("[1-9][0-9]{5,17}"), loinc("[0-9]{1,7}-[0-9]"),
      icd10cm("[A-Z][0-9][0-9A-Z](\\.[0-9A-Z]{1,4})?"), icd10("[A-Z][0-9]{2}(\\.?[0-9X])?"),
      icdo3("C[0-9]{2}\\.[0-9]|[89][0-9]{3}/[0-9]"), rxnorm("[0-9]{1,10}"), ncit("C[0-9]{1,7}"),
      hl7("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"), local("[!-~]{1,128}");
  std::string c(code);
  if (c.empty()) return "empty code";
  auto fits = [&](const std::regex& re) { return std::regex_match(c, re); };
  if (format == "snomed") {
    if (!fits(snomed)) return "not a SNOMED CT identifier (6-18 digits)";
    if (!verhoeff_valid(c)) return "SNOMED CT Verhoeff check digit is wrong";
    return "";
  }
  if (format == "loinc") {
    if (!fits(loinc)) return "not a LOINC code (nnnnn-n)";
    if (!loinc_check_digit_valid(c)) return "LOINC mod-10 check digit is wrong";
    return "";
  }
  if (format == "icd10cm") return fits(icd10cm) ? "" : "not an ICD-10-CM code";
  if (format == "icd10") return fits(icd10) ? "" : "not a WHO ICD-10 code";
  if (format == "icdo3") return fits(icdo3) ? "" : "not an ICD-O-3 code (Cnn.n or nnnn/n)";
  if (format == "icdo3-topography") return fits(icdo3) && c[0] == 'C' ? "" : "not an ICD-O-3 topography code (Cnn.n)";
  if (format == "icdo3-morphology") return fits(icdo3) && c[0] != 'C' ? "" : "not an ICD-O-3 morphology code (nnnn/n)";
  if (format == "rxnorm") return fits(rxnorm) ? "" : "not an RxNorm identifier (digits)";
  if (format == "ncit") return fits(ncit) ? "" : "not an NCIt code (Cnnnn)";
  if (format == "ucum") return ucum_valid(c) ? "" : "not a UCUM code: " + ucum_problem(c);
  if (format == "hl7") return fits(hl7) ? "" : "not an HL7 code";
  if (format == "local") return fits(local) ? "" : "not a local code";
  return "unknown code format '" + std::string(format) + "'";
}

}  // namespace netconv
