#include "validation/fhir_schema.hpp"

#include <fstream>

#include "core/errors.hpp"

#if __has_include(<valijson/validator.hpp>)
#define NETCONV_HAVE_VALIJSON 1
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#endif

namespace netconv::fhir {

namespace {
// longest string anywhere in v, with its path (for the std::regex guard)
[[maybe_unused]] std::size_t longest_string(const nlohmann::json& v, std::string& path, std::string& where) {
  std::size_t best = 0;
  if (v.is_string()) {
    best = v.get_ref<const std::string&>().size();
    where = path;
  } else if (v.is_object() || v.is_array()) {
    std::size_t i = 0;
    for (auto it = v.begin(); it != v.end(); ++it, ++i) {
      std::size_t len = path.size();
      if (v.is_object()) path += "." + it.key();
      else path += "[" + std::to_string(i) + "]";
      std::string w;
      std::size_t n = longest_string(*it, path, w);
      if (n > best) best = n, where = w;
      path.resize(len);
    }
  }
  return best;
}
}  // namespace

#ifdef NETCONV_HAVE_VALIJSON

bool schema_support_available() { return true; }

struct SchemaScratch::Impl {
  valijson::Validator validator;  // holds a regex cache
};
SchemaScratch::SchemaScratch() : impl(std::make_unique<Impl>()) {}
SchemaScratch::~SchemaScratch() = default;

struct SchemaValidator::Impl {
  nlohmann::json doc;
  mutable std::mutex mu;
  mutable std::unordered_map<std::string, std::unique_ptr<valijson::Schema>> by_type;

  const valijson::Schema* schema_for(const std::string& type) const {
    std::lock_guard<std::mutex> lock(mu);
    auto it = by_type.find(type);
    if (it != by_type.end()) return it->second.get();
    const auto& defs = doc["definitions"];
    if (!defs.contains(type)) {
      by_type[type] = nullptr;
      return nullptr;
    }
    nlohmann::json root = {{"$ref", "#/definitions/" + type}, {"definitions", defs}};
    auto s = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(root);
    parser.populateSchema(adapter, *s);
    auto* p = s.get();
    by_type[type] = std::move(s);
    return p;
  }
};

SchemaValidator::SchemaValidator() : impl_(std::make_unique<Impl>()) {}
SchemaValidator::~SchemaValidator() = default;

std::unique_ptr<SchemaValidator> SchemaValidator::load(const std::string& schema_file) {
  std::ifstream in(schema_file, std::ios::binary);
  if (!in) throw ConfigError("--fhir-schema: cannot read " + schema_file);
  auto v = std::unique_ptr<SchemaValidator>(new SchemaValidator());
  v->impl_->doc = nlohmann::json::parse(in, nullptr, false);
  if (v->impl_->doc.is_discarded() || !v->impl_->doc.contains("definitions") || !v->impl_->doc.contains("discriminator"))
    throw ConfigError("--fhir-schema: " + schema_file + " is not the HL7 FHIR R4 fhir.schema.json");
  return v;
}

void SchemaValidator::validate(const nlohmann::json& resource, SchemaScratch& scratch, std::vector<ValidationIssue>& out) const {
  if (!resource.is_object() || !resource.contains("resourceType") || !resource["resourceType"].is_string()) return;
  const std::string type = resource["resourceType"].get<std::string>();
  std::string path = type, where;
  if (std::size_t n = longest_string(resource, path, where); n > kMaxSchemaString) {
    out.push_back(ValidationIssue{where, "json-schema",
                                  "string of " + std::to_string(n) + " characters: longer than " + std::to_string(kMaxSchemaString) +
                                      ", not passed to the JSON schema check (valijson std::regex limit)",
                                  Severity::error, 0});
    return;
  }
  const valijson::Schema* schema = impl_->schema_for(type);
  if (!schema) {
    out.push_back(ValidationIssue{type, "json-schema", "no definition for resourceType '" + type + "' in the JSON schema",
                                  Severity::error, 0});
    return;
  }
  valijson::Validator& validator = scratch.impl->validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(resource);
  if (validator.validate(*schema, target, &results)) return;
  valijson::ValidationResults::Error e;
  while (results.popError(e)) {
    std::string p = type;
    for (std::size_t i = 1; i < e.context.size(); ++i) {
      const auto& c = e.context[i];
      if (c.size() > 2 && c.front() == '[' && c.back() == ']') {
        auto inner = c.substr(1, c.size() - 2);
        bool numeric = !inner.empty() && inner.find_first_not_of("0123456789") == std::string::npos;
        p += numeric ? c : "." + inner;
      } else {
        p += "." + c;
      }
    }
    out.push_back(ValidationIssue{p, "json-schema", e.description, Severity::error, 0});
  }
}

#else  // no valijson headers in this build

bool schema_support_available() { return false; }
struct SchemaScratch::Impl {};
SchemaScratch::SchemaScratch() = default;
SchemaScratch::~SchemaScratch() = default;
struct SchemaValidator::Impl {};
SchemaValidator::SchemaValidator() = default;
SchemaValidator::~SchemaValidator() = default;
std::unique_ptr<SchemaValidator> SchemaValidator::load(const std::string&) {
  throw ConfigError(
      "--fhir-schema is not available: this netconv was built without the valijson headers "
      "(scripts/install-fhir-packages.sh --with-schema fetches them; see docs/validation.md)");
}
void SchemaValidator::validate(const nlohmann::json&, SchemaScratch&, std::vector<ValidationIssue>&) const {}

#endif

}  // namespace netconv::fhir
