// libFuzzer target: `netconv validate` on JSON — FhirValidator::validate (src/validation/) on
// arbitrary text. The validator is compiled once from the FHIR packages
// (scripts/install-fhir-packages.sh; $NETCONV_FHIR_PACKAGES or the cache default).
#include <iostream>

#include "fuzz_common.hpp"
#include "validation/fhir_validator.hpp"

using namespace netconv;

namespace {
const FhirValidator& validator() {
  static FhirValidator v = [] {
    try {
      return FhirValidator::load(resolve_fhir_packages_dir(""));
    } catch (const std::exception& e) {
      std::cerr << "fuzz_validate_json: cannot load the FHIR packages: " << e.what() << "\n";
      std::exit(3);
    }
  }();
  return v;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)validator();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto issues = validator().validate(std::string_view(reinterpret_cast<const char*>(data), size));
  for (const auto& i : issues)
    if (i.rule.empty()) fuzz::finding("validation issue without a rule");
  return 0;
}
