// libFuzzer target: the definitions Bundle prefilter (src/validation/bundle_prefilter.cpp), as a
// differential check, whatever the block size the text arrives in (the first byte picks it): when
// the input is valid JSON and the prefilter answers, its result must be exactly what parsing the
// whole input with the loader's entry rule gives; when that whole parse throws, the prefilter must
// neither throw nor answer (the loader then parses the whole file and meets the same error).
// And the entry scan the terminology uses (Terminology::add_bundle_file): every entry it calls
// decided must parse to a resource whose resourceType and url are those it read from the bytes.
#include <optional>
#include <nlohmann/json.hpp>

#include "fuzz_common.hpp"
#include "validation/bundle_prefilter.hpp"

using nlohmann::json;

static const std::vector<std::string> kKeep = {"Patient", "Condition"};

static const json::parser_callback_t kRule = [](int, json::parse_event_t event, json& parsed) {
  return event != json::parse_event_t::object_end || !netconv::fhir::is_unwanted_definition(parsed, kKeep);
};

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t block = data[0] % 17 == 0 ? std::string::npos : data[0] % 17;
  const std::string text = netconv::fuzz::as_string(data + 1, size - 1);
  json expected;
  bool whole_throws = false;
  try {
    expected = json::parse(text, kRule, false);
  } catch (const json::exception&) {
    whole_throws = true;  // the rule cannot read it (e.g. a non-string id): the loader reports that
  }
  std::optional<json> got;
  try {
    got = netconv::fhir::parse_bundle_text_keeping(text, kKeep, kRule, block);
  } catch (const json::exception&) {
    netconv::fuzz::finding("the prefilter let the loader's rule throw instead of leaving it to the whole parse");
  }
  netconv::fhir::scan_bundle_text_entries(
      text,
      [](std::string_view entry, const netconv::fhir::EntryFacts& facts) {
        if (!facts.decided) return;
        const json e = json::parse(entry, nullptr, false);
        if (e.is_discarded()) return;  // invalid JSON: the terminology's parse of it fails
        if (!e.is_object() || !e.contains("resource") || !e["resource"].is_object())
          netconv::fuzz::finding("a decided entry has no resource object");
        const json& r = e["resource"];
        if (!r.contains("resourceType") || r["resourceType"] != facts.resource_type)
          netconv::fuzz::finding("a decided entry's resourceType is not what the scan read");
        if (r.contains("url") ? r["url"] != facts.url : !facts.url.empty())
          netconv::fuzz::finding("a decided entry's url is not what the scan read");
      },
      block);
  if (whole_throws && got) netconv::fuzz::finding("the prefilter answered where the whole parse throws");
  if (!got) return 0;  // the loader parses the whole file instead
  if (expected.is_discarded()) return 0;  // invalid only inside a skipped definition: documented
  if (*got != expected) netconv::fuzz::finding("prefiltered definitions parse differently");
  return 0;
}
