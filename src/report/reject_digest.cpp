#include "report/reject_digest.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace netconv::report {
namespace {

std::string text_of(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string number_of(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_number_unsigned() ? std::to_string(it->get<std::uint64_t>()) : std::string("?");
}

// Where a reason points: an input check names input:line:column, an output check the output.
std::string where_of(const nlohmann::json& reason, const std::string& input) {
  std::string output = text_of(reason, "output");
  if (!output.empty()) return output;
  return input + ":" + number_of(reason, "line") + ":" + number_of(reason, "column");
}

}  // namespace

void RejectDigest::add_lines(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    std::size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) nl = text.size();
    if (nl > at) add_line(text.substr(at, nl - at));
    at = nl + 1;
  }
}

void RejectDigest::add_line(std::string_view line) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  auto reasons = j.is_object() ? j.find("reasons") : j.end();
  if (!j.is_object() || reasons == j.end() || !reasons->is_array()) {
    ++unreadable_;
    return;
  }
  ++records_;
  const std::string input = text_of(j, "input"), key = text_of(j, "record_key");
  for (const auto& r : *reasons) {
    if (!r.is_object()) continue;
    add_reason(text_of(r, "code"), text_of(r, "field"), text_of(r, "message"), {where_of(r, input), key});
  }
}

void RejectDigest::add_reason(const std::string& code, const std::string& field, const std::string& message, RejectExample ex) {
  Key k{code, field, message};
  auto it = reasons_.find(k);
  if (it == reasons_.end()) {
    // bounded: past kMaxReasons distinct reasons, new ones are counted under their code alone
    if (reasons_.size() >= kMaxReasons) k = Key{code, "", "(other messages)"};
    it = reasons_.try_emplace(k, RejectReason{std::get<0>(k), std::get<1>(k), std::get<2>(k), 0, {}}).first;
  }
  ++it->second.count;
  if (it->second.examples.size() < kExamples) it->second.examples.push_back(std::move(ex));
}

std::vector<RejectReason> RejectDigest::top(std::size_t n) const {
  std::vector<const RejectReason*> all;
  all.reserve(reasons_.size());
  for (const auto& [k, r] : reasons_) all.push_back(&r);
  // stable: equal counts keep the map's (code, field, message) order
  std::stable_sort(all.begin(), all.end(), [](const auto* a, const auto* b) { return a->count > b->count; });
  std::vector<RejectReason> out;
  for (std::size_t i = 0; i < all.size() && i < n; ++i) out.push_back(*all[i]);
  return out;
}

}  // namespace netconv::report
