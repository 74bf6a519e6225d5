// libFuzzer target: `netconv validate` on XML — CdaValidator::validate (src/validation/
// cda_validator.cpp: libxml2 parse + netconv's C-CDA schema) on arbitrary bytes, differentially:
// a validator with the per-thread shape memo (src/validation/cda_shape_memo.hpp) and one without
// must give the same problems. An input "A\0B\0...\0LAST" has A, B, ... validated with the memo
// first, so that it learns their shapes from those libxml2 finds valid; LAST is then compared
// twice (the second time it may be answered from what LAST itself taught). Invariants: no crash
// or exception; every problem is a coded diagnostic; entities/DTDs fetch nothing (the validator
// parses with XML_PARSE_NONET).
#include <iostream>
#include <string_view>

#include "fuzz_common.hpp"
#include "validation/cda_validator.hpp"

using namespace netconv;

namespace {
const CdaValidator& load(bool shape_memo) {
  try {
    return *new CdaValidator(cda_schema_path(""), shape_memo);
  } catch (const std::exception& e) {
    std::cerr << "fuzz_validate_xml: cannot load the CDA schema: " << e.what() << "\n";
    std::exit(3);
  }
}
const CdaValidator& with_memo() {
  static const CdaValidator& v = load(true);
  return v;
}
const CdaValidator& plain() {
  static const CdaValidator& v = load(false);
  return v;
}

std::string render(const std::vector<Diagnostic>& problems) {
  std::string s;
  for (const auto& d : problems) {
    fuzz::check_diagnostic(d);
    s += d.code + "|" + d.location.to_string() + "|" + d.message + "\n";
  }
  return s;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)with_memo();
  (void)plain();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  with_memo().clear_memo();  // each input on its own: a finding reproduces from its file
  for (auto cut = text.find('\0'); cut != std::string_view::npos; cut = text.find('\0')) {
    (void)with_memo().validate(std::string(text.substr(0, cut)), "fuzz.xml");
    text.remove_prefix(cut + 1);
  }
  const std::string last(text);
  const std::string expected = render(plain().validate(last, "fuzz.xml"));
  for (int round = 0; round < 2; ++round)
    if (render(with_memo().validate(last, "fuzz.xml")) != expected) fuzz::finding("the shape memo changed a verdict");
  return 0;
}
