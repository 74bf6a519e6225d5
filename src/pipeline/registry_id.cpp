#include "pipeline/registry_id.hpp"

#include "core/errors.hpp"
#include "core/ids.hpp"
#include "writers/cda_config.hpp"

namespace netconv {

std::string run_registry_id(const ConvertOptions& opt) {
  std::string id = opt.registry_id;
  if (id.empty() && !opt.writer.cda_config.empty()) id = cda::load_config(opt.writer.cda_config).registry_id;
  if (!id.empty() && !valid_registry_id(id)) throw ConfigError("registry id must be 1-64 letters, digits, '.', '_' or '-'");
  return id;
}

std::string run_patient_id_system(const ConvertOptions& opt, const std::string& registry_id, const std::string& table_default) {
  if (!opt.patient_id_system.empty()) return opt.patient_id_system;
  return registry_id.empty() ? table_default : registry_system(registry_id, "patient");
}

bool needs_registry_warning(const ConvertOptions& opt, bool delta) {
  return (delta || opt.writer.fhir_layout == "bundle") && run_registry_id(opt).empty();
}

}  // namespace netconv
