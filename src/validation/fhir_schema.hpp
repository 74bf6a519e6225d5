// Optional check against the official HL7 R4 JSON schema (fhir.schema.json, `--fhir-schema FILE`)
// through valijson (header-only; see docs/validation.md for how its headers are installed).
// Each resource is validated against its own definition (#/definitions/<resourceType>), not the
// root oneOf (~20x faster); per-type schemas are parsed on first use. Strings longer than
// kMaxSchemaString are rejected before valijson sees them: its `pattern` check uses recursive
// std::regex, which overflows the stack on strings of ~20,000+ characters (valijson issue #191).
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "validation/fhir_validator.hpp"

namespace netconv::fhir {

constexpr std::size_t kMaxSchemaString = 10000;

// true when this build has the valijson headers (otherwise load() throws ConfigError)
bool schema_support_available();

// What one check session reuses between schema checks (valijson's validator and its regex
// cache); one session, one thread.
class SchemaScratch {
 public:
  SchemaScratch();
  ~SchemaScratch();
  struct Impl;
  std::unique_ptr<Impl> impl;
};

class SchemaValidator {
 public:
  static std::unique_ptr<SchemaValidator> load(const std::string& schema_file);
  ~SchemaValidator();
  // Appends issues with rule "json-schema" (thread-safe for distinct scratches).
  void validate(const nlohmann::json& resource, SchemaScratch& scratch, std::vector<ValidationIssue>& out) const;

  struct Impl;

 private:
  SchemaValidator();
  std::unique_ptr<Impl> impl_;
};

}  // namespace netconv::fhir
