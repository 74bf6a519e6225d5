// libFuzzer target: `netconv validate` on JSON — FhirValidator::check (src/validation/) on
// arbitrary text, differentially: a check session with caches (the result cache,
// src/validation/fast/result_memo.hpp), one whose caches are bounded to a few KiB (dropped
// whenever they grow past it) and one without caches must give the same issues. An input
// "A\0B\0...\0LAST" has A, B, ... checked in the caching sessions before LAST is compared: A is
// remembered, a same-shape B is answered by re-running checks and teaches A's byte template where
// resources differ (fast/byte_template.hpp), and LAST (or its second round) may be answered from
// its bytes. Mutations of the seeds that chain a resource with itself give same-shape variants.
// The validator is compiled once from the FHIR packages (scripts/install-fhir-packages.sh;
// $NETCONV_FHIR_PACKAGES or the cache default).
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
// never destroyed: they must not outlive the validator, which lives to the end
CheckSession& cached = *new CheckSession();
CheckSession& bounded = *new CheckSession(CheckSessionOptions{true, 16u << 10});
CheckSession& plain = *new CheckSession(CheckSessionOptions{false});

std::string render(const std::vector<CheckIssue>& issues) {
  std::string s;
  for (const auto& i : issues) {
    if (i.rule.empty()) fuzz::finding("validation issue without a rule");
    s += std::string(to_string(i.severity)) + i.rule + "|" + i.location.to_string() + "|" + i.message + "\n";
  }
  return s;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)validator();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const FhirValidator& v = validator();
  const CheckTarget target{"fuzz.json", false, ""};
  cached.clear();  // each input on its own: a finding reproduces from its file
  bounded.clear();
  for (auto cut = text.find('\0'); cut != std::string_view::npos; cut = text.find('\0')) {
    (void)v.check(cached, text.substr(0, cut), target);
    (void)v.check(bounded, text.substr(0, cut), target);
    text.remove_prefix(cut + 1);
  }
  const std::string expected = render(v.check(plain, text, target));
  for (int round = 0; round < 2; ++round) {  // the second round may come from the cache
    if (render(v.check(cached, text, target)) != expected) fuzz::finding("the result cache changed a verdict");
    if (render(v.check(bounded, text, target)) != expected) fuzz::finding("the bounded result cache changed a verdict");
  }
  return 0;
}
