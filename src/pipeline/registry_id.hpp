// Which registry a run's output belongs to. Its id names the identifier systems (core/ids.hpp):
// two registries with the same local patient ids then get disjoint ids and identifiers on a
// shared server. Without one, the default systems are for local experiments, and output meant
// for a server says so once (NC-ID-003).
#pragma once
#include <string>
#include <string_view>

#include "pipeline/convert.hpp"

namespace netconv {

// The run's registry id: ConvertOptions::registry_id, else the CDA/registry config file's
// registry_id; "" = none (a NAACCR file's registryId may still name one per record). Throws
// ConfigError for an invalid id or an unreadable config file.
std::string run_registry_id(const ConvertOptions& opt);

// The patient identifier system of a run: --patient-id-system, else the registry's
// urn:netconv:registry:<ID>:patient, else the tables' default.
std::string run_patient_id_system(const ConvertOptions& opt, const std::string& registry_id, const std::string& table_default);

// True when the output is meant for a server (the bundle layout, or a delta run: pass
// delta = true) and no registry id is configured: the first patient that falls back to the
// default systems then gets the NC-ID-003 warning, once per run.
bool needs_registry_warning(const ConvertOptions& opt, bool delta = false);

// Warnings a run gives at most once (they are about its configuration, not about a record): a
// merge of shard runs counts each once, as one run over the whole input would have.
inline constexpr std::string_view kOncePerRunWarnings[] = {"NC-ID-003"};

}  // namespace netconv
