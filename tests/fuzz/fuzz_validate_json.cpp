// libFuzzer target: `netconv validate` on JSON — FhirValidator::validate (src/validation/) on
// arbitrary text, differentially: a validator with the per-thread result cache
// (src/validation/fhir_memo.hpp) and one without must give the same issues. An input
// "A\0B\0...\0LAST" has A, B, ... validated with the cache before LAST is compared: A is
// remembered, a same-shape B is answered by re-running checks and teaches A's byte template where
// resources differ (fhir_byte_template.hpp), and LAST (or its second round) may be answered from
// its bytes. Mutations of the seeds that chain a resource with itself give same-shape variants.
// The validators are compiled once from the FHIR packages (scripts/install-fhir-packages.sh;
// $NETCONV_FHIR_PACKAGES or the cache default).
#include <iostream>

#include "fuzz_common.hpp"
#include "validation/fhir_validator.hpp"

using namespace netconv;

namespace {
FhirValidator load(bool memoize) {
  try {
    FhirValidatorOptions o;
    o.memoize = memoize;
    return FhirValidator::load(resolve_fhir_packages_dir(""), o);
  } catch (const std::exception& e) {
    std::cerr << "fuzz_validate_json: cannot load the FHIR packages: " << e.what() << "\n";
    std::exit(3);
  }
}
const FhirValidator& cached() {
  static FhirValidator v = load(true);
  return v;
}
const FhirValidator& plain() {
  static FhirValidator v = load(false);
  return v;
}

std::string render(const std::vector<ValidationIssue>& issues) {
  std::string s;
  for (const auto& i : issues) {
    if (i.rule.empty()) fuzz::finding("validation issue without a rule");
    s += std::to_string(static_cast<int>(i.severity)) + i.rule + "|" + i.path + "|" + std::to_string(i.line) + "|" + i.message + "\n";
  }
  return s;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)cached();
  (void)plain();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  cached().clear_result_memo();  // each input on its own: a finding reproduces from its file
  for (auto cut = text.find('\0'); cut != std::string_view::npos; cut = text.find('\0')) {
    (void)cached().validate(text.substr(0, cut));
    text.remove_prefix(cut + 1);
  }
  for (int round = 0; round < 2; ++round)  // the second round may come from the cache
    if (render(cached().validate(text)) != render(plain().validate(text))) fuzz::finding("the result cache changed a verdict");
  return 0;
}
