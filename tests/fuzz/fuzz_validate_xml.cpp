// libFuzzer target: `netconv validate` on XML — CdaValidator::validate (src/validation/
// cda_validator.cpp: libxml2 parse + netconv's C-CDA schema) on arbitrary bytes. Invariants: no
// crash or exception; every problem is a coded diagnostic; entities/DTDs fetch nothing (the
// validator parses with XML_PARSE_NONET).
#include <iostream>

#include "fuzz_common.hpp"
#include "validation/cda_validator.hpp"

using namespace netconv;

namespace {
const CdaValidator& validator() {
  static CdaValidator* v = [] {
    try {
      return new CdaValidator(cda_schema_path(""));
    } catch (const std::exception& e) {
      std::cerr << "fuzz_validate_xml: cannot load the CDA schema: " << e.what() << "\n";
      std::exit(3);
    }
  }();
  return *v;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)validator();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto problems = validator().validate(fuzz::as_string(data, size), "fuzz.xml");
  for (const auto& d : problems) fuzz::check_diagnostic(d);
  return 0;
}
