// libFuzzer target: the definitions Bundle prefilter (src/validation/bundle_prefilter.cpp), as a
// differential check. Whenever the input is valid JSON and the prefilter answers, parsing its
// answer with the loader's entry rule must give exactly what parsing the input with that rule
// gives, whatever the block size the text arrives in (the first byte picks it).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "fuzz_common.hpp"
#include "validation/bundle_prefilter.hpp"

using nlohmann::json;

static const std::vector<std::string> kKeep = {"Patient", "Condition"};

static json parse_with_rule(const std::string& text) {
  json::parser_callback_t rule = [](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_end && parsed.is_object() && parsed.contains("fullUrl")) {
      auto r = parsed.find("resource");
      if (r != parsed.end() && r->is_object() && r->value("resourceType", "") == "StructureDefinition" &&
          r->value("kind", "") == "resource")
        return std::find(kKeep.begin(), kKeep.end(), r->value("id", "")) != kKeep.end();
    }
    return true;
  };
  return json::parse(text, rule, false);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t block = data[0] % 17 == 0 ? std::string::npos : data[0] % 17;
  const std::string text = netconv::fuzz::as_string(data + 1, size - 1);
  auto kept = netconv::fhir::prefilter_bundle_text(text, kKeep, block);
  if (!kept) return 0;
  if (kept->size() > text.size()) netconv::fuzz::finding("prefiltered text longer than the input");
  json expected;
  try {
    expected = parse_with_rule(text);
  } catch (const json::exception&) {
    return 0;  // the rule itself cannot read it (e.g. a non-string id): the loader reports it
  }
  if (expected.is_discarded()) return 0;  // invalid JSON: the loader reports it
  json got;
  try {
    got = parse_with_rule(*kept);
  } catch (const json::exception&) {
    netconv::fuzz::finding("prefiltered text breaks the loader's rule");
  }
  if (got.is_discarded()) netconv::fuzz::finding("valid JSON prefiltered into invalid JSON");
  if (got != expected) netconv::fuzz::finding("prefiltered definitions parse differently");
  return 0;
}
