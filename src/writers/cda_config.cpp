#include "writers/cda_config.hpp"

#include <fstream>
#include <functional>
#include <map>
#include <regex>

#include "core/errors.hpp"
#include "core/ids.hpp"
#include "core/text.hpp"

namespace netconv::cda {

bool valid_oid(const std::string& s) {
  static const std::regex re("[0-2](\\.(0|[1-9][0-9]*))+");
  return s.size() <= 64 && std::regex_match(s, re);
}

bool valid_document_time(const std::string& ts) {
  static const std::regex day("[0-9]{8}");
  static const std::regex with_time("[0-9]{12}([0-9]{2})?[+-][0-9]{4}");
  return std::regex_match(ts, day) || std::regex_match(ts, with_time);
}

Config parse_config(std::istream& in, const std::string& display_name) {
  Config c;
  std::map<std::string, std::function<void(const std::string&)>> keys = {
      {"title", [&](const std::string& v) { c.title = v; }},
      {"effective_time", [&](const std::string& v) { c.effective_time = v; }},
      {"custodian.name", [&](const std::string& v) { c.custodian.name = v; }},
      {"custodian.id_root", [&](const std::string& v) { c.custodian.id_root = v; }},
      {"custodian.id_extension", [&](const std::string& v) { c.custodian.id_extension = v; }},
      {"custodian.telecom", [&](const std::string& v) { c.custodian.telecom = v; }},
      {"custodian.street", [&](const std::string& v) { c.custodian.addr.street = v; }},
      {"custodian.city", [&](const std::string& v) { c.custodian.addr.city = v; }},
      {"custodian.state", [&](const std::string& v) { c.custodian.addr.state = v; }},
      {"custodian.postal_code", [&](const std::string& v) { c.custodian.addr.postal_code = v; }},
      {"custodian.country", [&](const std::string& v) { c.custodian.addr.country = v; }},
      {"author.device_model", [&](const std::string& v) { c.device_model = v; }},
      {"author.software_name", [&](const std::string& v) { c.software_name = v; }},
      {"patient_id_root", [&](const std::string& v) { c.patient_id_root = v; }},
      {"registry_id", [&](const std::string& v) { c.registry_id = v; }},
  };
  std::string line;
  std::uint64_t n = 0;
  std::map<std::string, std::uint64_t> seen;
  auto fail = [&](const std::string& msg) {
    throw ConfigError(display_name + ":" + std::to_string(n) + ": " + msg);
  };
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    auto eq = t.find('=');
    if (eq == std::string_view::npos) fail("expected key = value");
    std::string key(trim(t.substr(0, eq))), value(trim(t.substr(eq + 1)));
    auto it = keys.find(key);
    if (it == keys.end()) fail("unknown key '" + key + "' (see docs/cda.md)");
    if (!seen.emplace(key, n).second) fail("key '" + key + "' given twice");
    if (find_invalid_utf8(value) != std::string::npos) fail("value of '" + key + "' is not UTF-8");
    if (key == "effective_time" && !value.empty() && !valid_document_time(value))
      fail("effective_time must be YYYYMMDD or YYYYMMDDHHMM[SS] with a zone offset (+HHMM/-HHMM)");
    if ((key == "custodian.id_root" || key == "patient_id_root") && !value.empty() && !valid_oid(value))
      fail(key + " must be an OID (digits and dots, at most 64 characters)");
    if (key == "custodian.name" && value.empty()) fail("custodian.name must not be empty");
    if (key == "registry_id" && !valid_registry_id(value)) fail("registry_id must be 1-64 letters, digits, '.', '_' or '-'");
    it->second(value);
  }
  if (in.bad()) throw IoError("cannot read " + display_name);
  if (!c.custodian.id_extension.empty() && c.custodian.id_root.empty())
    throw ConfigError(display_name + ": custodian.id_extension needs custodian.id_root");
  // US Realm Address (C-CDA): street and city always, state and postal code for US addresses
  const auto& a = c.custodian.addr;
  if (!a.empty()) {
    bool us = a.country.empty() || a.country == "US";
    if (a.street.empty() || a.city.empty() || (us && (a.state.empty() || a.postal_code.empty())))
      throw ConfigError(display_name + ": a custodian address needs custodian.street and custodian.city" +
                        std::string(us ? ", and for the US custodian.state and custodian.postal_code" : ""));
  }
  return c;
}

Config load_config(const std::string& path) {
  if (path.empty()) return Config{};
  std::ifstream f(path, std::ios::binary);
  if (!f) throw ConfigError("cannot open CDA configuration " + path);
  return parse_config(f, path);
}

}  // namespace netconv::cda
