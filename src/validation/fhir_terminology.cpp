#include "validation/fhir_terminology.hpp"

#include <fstream>

#include "validation/bundle_prefilter.hpp"

namespace netconv::fhir {

using nlohmann::json;

std::string strip_version(const std::string& canonical) {
  auto bar = canonical.find('|');
  return bar == std::string::npos ? canonical : canonical.substr(0, bar);
}

void Terminology::add(json r) {
  if (!r.is_object()) return;
  auto rt = r.value("resourceType", std::string());
  auto url = r.value("url", std::string());
  if (url.empty()) return;
  if (rt == "ValueSet" && !pending_value_sets_.count(url)) value_sets_.try_emplace(url, std::move(r));
  else if (rt == "CodeSystem" && !pending_code_systems_.count(url)) code_systems_.try_emplace(url, std::move(r));
}

bool Terminology::add_bundle_file(const std::filesystem::path& file) {
  struct Entry {
    std::string type, url, text;
    bool decided;
  };
  std::vector<Entry> entries;
  const bool scanned = scan_bundle_entries(file, [&](std::string_view text, const EntryFacts& f) {
    entries.push_back({std::string(f.resource_type), std::string(f.url), std::string(text), f.decided});
  });
  if (!scanned) return false;
  for (auto& e : entries) {
    if (!e.decided)  // the parser decides, as add_bundle() does on the parsed entry
      add_bundle(json{{"entry", json::array({parse_entry(e.text)})}});
    else if ((e.type == "ValueSet" || e.type == "CodeSystem") && !e.url.empty())
      add_entry_text(e.type, e.url, std::move(e.text));
  }
  return true;
}

void Terminology::add_entry_text(std::string_view resource_type, std::string_view url, std::string entry_json) {
  const std::string key(url);
  if (resource_type == "ValueSet" && !value_sets_.count(key)) pending_value_sets_.try_emplace(key, std::move(entry_json));
  else if (resource_type == "CodeSystem" && !code_systems_.count(key)) pending_code_systems_.try_emplace(key, std::move(entry_json));
}

void Terminology::add_bundle(const json& bundle) {
  auto it = bundle.find("entry");
  if (it == bundle.end() || !it->is_array()) return;
  for (const auto& e : *it) {
    auto r = e.find("resource");
    if (r == e.end()) continue;
    auto rt = r->value("resourceType", std::string());
    if (rt == "ValueSet" || rt == "CodeSystem") add(*r);
  }
}

// US Core 6.1.0 category sets behind the REQUIRED bindings mCODE inherits. Facts from US Core 6.1.0
// (HL7/US-Core tag 6.1.0, commit 7dd8da082d9ece3a9cde209d7f5b792c082988c2, input/resources/):
// ValueSet us-core-problem-or-health-concern, us-core-screening-assessment-condition-category,
// us-core-clinical-result-observation-category; CodeSystems condition-category, us-core-category.
// The US Core package is not among the packages netconv installs; these few codes are carried here.
void Terminology::add_us_core_category_sets() {
  add(json::parse(R"({"resourceType":"CodeSystem","url":"http://hl7.org/fhir/us/core/CodeSystem/condition-category",
    "content":"complete","concept":[{"code":"problem"},{"code":"health-concern"}]})"));
  add(json::parse(R"({"resourceType":"CodeSystem","url":"http://hl7.org/fhir/us/core/CodeSystem/us-core-category",
    "content":"complete","concept":[{"code":"sdoh"},{"code":"functional-status"},{"code":"disability-status"},
    {"code":"cognitive-status"}]})"));
  add(json::parse(R"({"resourceType":"ValueSet","url":"http://hl7.org/fhir/us/core/ValueSet/us-core-problem-or-health-concern",
    "compose":{"include":[{"system":"http://terminology.hl7.org/CodeSystem/condition-category","concept":[{"code":"problem-list-item"}]},
    {"system":"http://hl7.org/fhir/us/core/CodeSystem/condition-category","concept":[{"code":"health-concern"}]}]}})"));
  add(json::parse(R"({"resourceType":"ValueSet","url":"http://hl7.org/fhir/us/core/ValueSet/us-core-screening-assessment-condition-category",
    "compose":{"include":[{"system":"http://hl7.org/fhir/us/core/CodeSystem/us-core-category"}]}})"));
  add(json::parse(R"({"resourceType":"ValueSet","url":"http://hl7.org/fhir/us/core/ValueSet/us-core-clinical-result-observation-category",
    "compose":{"include":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","concept":[{"code":"laboratory"},
    {"code":"exam"},{"code":"therapy"},{"code":"imaging"},{"code":"procedure"},{"code":"vital-signs"},{"code":"activity"}]}]}})"));
}

// terminology.hl7.org canonical http://terminology.hl7.org/ValueSet/<id> lives in <dir>/ValueSet-<id>.json
const json* Terminology::find(std::map<std::string, json>& m, const std::string& url, const char* kind) {
  auto it = m.find(url);
  if (it != m.end()) return &it->second;
  auto& pending = &m == &value_sets_ ? pending_value_sets_ : pending_code_systems_;
  if (auto p = pending.find(url); p != pending.end()) {
    json entry = parse_entry(p->second);
    pending.erase(p);
    json r = entry.is_object() && entry.contains("resource") ? std::move(entry["resource"]) : json();
    auto [pos, _] = m.insert_or_assign(url, std::move(r));
    return pos->second.is_null() ? nullptr : &pos->second;
  }
  std::string prefix = std::string("http://terminology.hl7.org/") + kind + "/";
  if (tho_dir_.empty() || url.rfind(prefix, 0) != 0) return nullptr;
  std::string id = url.substr(prefix.size());
  if (id.empty() || id.find('/') != std::string::npos || id.find("..") != std::string::npos) return nullptr;
  std::ifstream in(tho_dir_ / (std::string(kind) + "-" + id + ".json"), std::ios::binary);
  if (!in) {
    m.emplace(url, json());  // remember the miss
    return nullptr;
  }
  json r = json::parse(in, nullptr, false);
  if (r.is_discarded() || r.value("url", std::string()) != url) r = json();
  auto [pos, _] = m.insert_or_assign(url, std::move(r));
  return pos->second.is_null() ? nullptr : &pos->second;
}

bool Terminology::system_codes(const std::string& system, std::vector<std::string>& out, std::string& why) {
  const json* cs = find(code_systems_, strip_version(system), "CodeSystem");
  if (!cs || cs->is_null()) {
    why = "needs all codes of " + system + " (not available locally)";
    return false;
  }
  auto content = cs->value("content", std::string("complete"));
  if (content != "complete") {
    why = "needs all codes of " + system + " (CodeSystem content is '" + content + "')";
    return false;
  }
  std::vector<const json*> stack{cs};
  while (!stack.empty()) {
    const json* n = stack.back();
    stack.pop_back();
    auto c = n->find("concept");
    if (c == n->end() || !c->is_array()) continue;
    for (const auto& x : *c) {
      if (x.contains("code") && x["code"].is_string()) out.push_back(x["code"].get<std::string>());
      stack.push_back(&x);
    }
  }
  return true;
}

bool Terminology::part(const json& inc, CodeSet& out, std::string& why, int depth) {
  if (inc.contains("filter") && inc["filter"].is_array() && !inc["filter"].empty()) {
    why = "uses a filter on " + inc.value("system", std::string("?"));
    return false;
  }
  std::string system = inc.value("system", std::string());
  CodeSet set;
  if (!system.empty()) {
    if (inc.contains("concept") && inc["concept"].is_array()) {
      for (const auto& c : inc["concept"])
        if (c.contains("code") && c["code"].is_string()) set.insert(system + "|" + c["code"].get<std::string>());
    } else {
      std::vector<std::string> all;
      if (!system_codes(system, all, why)) return false;
      for (auto& c : all) set.insert(system + "|" + c);
    }
  }
  if (inc.contains("valueSet") && inc["valueSet"].is_array()) {
    for (const auto& sub : inc["valueSet"]) {
      if (!sub.is_string()) continue;
      const Expansion& e = expand(strip_version(sub.get<std::string>()), depth + 1);
      if (!e.ok) {
        why = e.why;
        return false;
      }
      if (!system.empty()) {
        for (auto it = set.begin(); it != set.end();) it = e.system_codes.count(*it) ? std::next(it) : set.erase(it);
      } else {
        set.insert(e.system_codes.begin(), e.system_codes.end());
      }
    }
  }
  out.insert(set.begin(), set.end());
  return true;
}

const Expansion& Terminology::expand(const std::string& url) { return expand(strip_version(url), 0); }

const Expansion& Terminology::expand(const std::string& url, int depth) {
  auto hit = cache_.find(url);
  if (hit != cache_.end()) return *hit->second;
  auto e = std::make_unique<Expansion>();
  e->url = url;
  const json* vs = find(value_sets_, url, "ValueSet");
  if (!vs || vs->is_null()) {
    e->why = "ValueSet " + url + " not available locally";
  } else if (depth > 10) {
    e->why = "ValueSet nesting too deep";
  } else {
    std::string why;
    bool ok = true;
    const json compose = vs->value("compose", json::object());
    if (!compose.contains("include") && vs->contains("expansion")) {
      std::vector<const json*> stack{&(*vs)["expansion"]};
      while (!stack.empty()) {
        const json* n = stack.back();
        stack.pop_back();
        auto c = n->find("contains");
        if (c == n->end() || !c->is_array()) continue;
        for (const auto& x : *c) {
          if (x.contains("code") && x.contains("system"))
            e->system_codes.insert(x.value("system", std::string()) + "|" + x.value("code", std::string()));
          stack.push_back(&x);
        }
      }
    }
    if (compose.contains("include"))
      for (const auto& inc : compose["include"])
        if (!(ok = part(inc, e->system_codes, why, depth))) break;
    if (ok && compose.contains("exclude")) {
      CodeSet ex;
      for (const auto& exc : compose["exclude"])
        if (!(ok = part(exc, ex, why, depth))) {
          why = "exclude " + why;
          break;
        }
      for (const auto& c : ex) e->system_codes.erase(c);
    }
    if (ok) {
      e->ok = true;
      for (const auto& sc : e->system_codes) e->codes.insert(sc.substr(sc.rfind('|') + 1));
    } else {
      e->why = "ValueSet " + url + " " + why;
      e->system_codes.clear();
    }
  }
  auto& ref = *e;
  cache_.emplace(url, std::move(e));
  return ref;
}

}  // namespace netconv::fhir
