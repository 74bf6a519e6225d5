// libFuzzer target: `netconv validate` on XML — CdaValidator::check (src/validation/
// cda_validator.cpp: libxml2 parse + netconv's C-CDA schema) on arbitrary bytes, differentially:
// a check session with the shape memo (src/validation/cda_shape_memo.hpp), one whose caches are
// bounded to a few KiB (dropped whenever they grow past it) and one without caches must give the
// same problems. An input "A\0B\0...\0LAST" has A, B, ... checked in the caching sessions first,
// so that they learn the shapes libxml2 finds valid; LAST is then compared twice (the second time
// it may be answered from what LAST itself taught). Invariants: no crash or exception; every
// problem is a coded diagnostic; entities/DTDs fetch nothing (the validator parses with
// XML_PARSE_NONET).
#include <iostream>
#include <string_view>

#include "fuzz_common.hpp"
#include "validation/cda_validator.hpp"

using namespace netconv;

namespace {
const CdaValidator& validator() {
  static const CdaValidator& v = []() -> const CdaValidator& {
    try {
      return *new CdaValidator(cda_schema_path(""));
    } catch (const std::exception& e) {
      std::cerr << "fuzz_validate_xml: cannot load the CDA schema: " << e.what() << "\n";
      std::exit(3);
    }
  }();
  return v;
}
// never destroyed: they must not outlive the validator, which lives to the end
CheckSession& cached = *new CheckSession();
CheckSession& bounded = *new CheckSession(CheckSessionOptions{true, 16u << 10});
CheckSession& plain = *new CheckSession(CheckSessionOptions{false});

std::string render(const std::vector<CheckIssue>& problems) {
  std::string s;
  for (const auto& i : problems) {
    const Diagnostic d = i.diagnostic();
    fuzz::check_diagnostic(d);
    s += std::string(to_string(i.severity)) + d.code + "|" + d.location.to_string() + "|" + d.message + "\n";
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
  const CdaValidator& v = validator();
  const CheckTarget target{"fuzz.xml", false, ""};
  cached.clear();  // each input on its own: a finding reproduces from its file
  bounded.clear();
  for (auto cut = text.find('\0'); cut != std::string_view::npos; cut = text.find('\0')) {
    (void)v.check(cached, text.substr(0, cut), target);
    (void)v.check(bounded, text.substr(0, cut), target);
    text.remove_prefix(cut + 1);
  }
  const std::string expected = render(v.check(plain, text, target));
  for (int round = 0; round < 2; ++round) {
    if (render(v.check(cached, text, target)) != expected) fuzz::finding("the shape memo changed a verdict");
    if (render(v.check(bounded, text, target)) != expected) fuzz::finding("the bounded shape memo changed a verdict");
  }
  return 0;
}
