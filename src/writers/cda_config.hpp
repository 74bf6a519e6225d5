// The CDA header and registry configuration (--cda-config FILE): who the author device and the
// custodian are, and the registry id. Format and defaults: docs/cda.md. Registry records do not carry these facts.
#pragma once
#include <istream>
#include <string>

namespace netconv::cda {

struct Address {
  std::string street, city, state, postal_code, country;
  bool empty() const { return street.empty() && city.empty() && state.empty() && postal_code.empty() && country.empty(); }
};

struct Organization {
  std::string name;
  std::string id_root, id_extension;  // id_root "" = id with nullFlavor
  std::string telecom;                // URL form: tel:+1-555-0100, mailto:...
  Address addr;
};

struct Config {
  std::string title = "Neuroendocrine tumor registry summary";
  std::string effective_time;  // HL7 TS; "" = nullFlavor (keeps output byte-identical across runs)
  Organization custodian{"NET registry (name not configured)", "", "", "", {}};
  std::string device_model = "netconv";
  std::string software_name;   // "" = "netconv <version>"
  std::string patient_id_root; // "" = derived from the patient identifier system
  // The registry's id (core/ids.hpp): the identifier systems of a run without --registry-id.
  // The file configures the registry, not only the CDA header; "" = none.
  std::string registry_id;
};

// Empty path = defaults. Throws ConfigError naming file:line for unknown keys or bad values.
Config load_config(const std::string& path);
Config parse_config(std::istream& in, const std::string& display_name);

// HL7 TS precise to the day at least, with a time-zone offset when it carries a time
// (US Realm Date and Time rule).
bool valid_document_time(const std::string& ts);
bool valid_oid(const std::string& s);

}  // namespace netconv::cda
