#include "pipeline/fingerprint.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace netconv {

namespace {

// Length-prefixed pieces, so no two different inputs give the same byte stream. A record is
// serialised whole and hashed in one call (small updates cost more than the bytes).
void put_u64(std::string& out, std::uint64_t v) {
  char n[8];
  for (char& c : n) {
    c = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out.append(n, sizeof n);
}

void add(std::string& out, std::string_view s) {
  put_u64(out, s.size());
  out.append(s);
}

void add(std::string& out, const RawField& f) {
  add(out, f.name);
  add(out, f.value);
  out += f.is_list ? 'L' : 'S';
  put_u64(out, f.items.size());
  for (const auto& i : f.items) add(out, i);
}

// A file an option names counts by its contents (a run that cannot read it stops anyway).
std::string file_digest(const std::string& path) {
  if (path.empty()) return "";
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::string out;
  for (auto b : content_hash(text.str())) out += std::to_string(b) + ".";
  return out;
}

void setting(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append("=").append(std::to_string(value.size())).append(":").append(value).append("\n");
}

}  // namespace

InputFingerprinter::InputFingerprinter(const ConvertOptions& opt, const std::string& tables_sha256) {
  // Every ConvertOptions / WriterOptions member is named here, so adding one does not compile
  // until it is sorted in: an option that changes output bytes (another output format's setting,
  // a registry id, identifier systems, bundle type, base URL, provenance — which names the input
  // files, so their SHA-256s would join too) MUST be hashed, or an unchanged patient would keep
  // last month's resources after the option changed. The others are listed as not deciding bytes.
  const auto& [inputs, from, formats, to, output_dir, patient_id_system, registry_id, icd10cm_current_edition, columns_file,
               naaccr_dictionary, writer, show_values, validate, validation_cache, validation_cache_limit, fhir_packages,
               fhir_schema, cda_schema, jobs, progress, batch_records, max_rows_per_patient, memory_limit, presorted,
               shard_index, shard_count, rejects_file, report_file, since, delete_missing_patients, since_scope] = opt;
  const auto& [fhir_layout, fhir_bundle_type, fhir_base_url, provenance, lineage, cda_layout, cda_config] = writer;
  std::string& s = settings_;
  setting(s, "netconv", NETCONV_VERSION);
  setting(s, "tables", tables_sha256);
  setting(s, "from", from);
  for (const auto& t : to) setting(s, "to", t);
  setting(s, "patient_id_system", patient_id_system);
  setting(s, "icd10cm_current_edition", icd10cm_current_edition ? "1" : "0");
  setting(s, "columns", file_digest(columns_file));
  setting(s, "naaccr_dictionary", file_digest(naaccr_dictionary));
  setting(s, "registry_id", registry_id);
  setting(s, "fhir_layout", fhir_layout);
  setting(s, "fhir_bundle_type", fhir_bundle_type);
  setting(s, "fhir_base_url", fhir_base_url);
  // a Provenance names the run and the input files' digests: with it every run changes each patient
  setting(s, "provenance", provenance ? "1 " + lineage.run_id : "0");
  setting(s, "cda_layout", cda_layout);
  setting(s, "cda_config", file_digest(cda_config));
  // which records pass decides what is written: the checks and their definitions (by location;
  // definitions changed in place are not seen, as for the check skipped for unchanged output)
  setting(s, "validate", validate ? "1" : "0");
  setting(s, "fhir_packages", fhir_packages);
  setting(s, "fhir_schema", fhir_schema);
  setting(s, "cda_schema", cda_schema);
  setting(s, "max_rows_per_patient", std::to_string(max_rows_per_patient));
  // not deciding a patient's output bytes: where inputs and outputs are (a patient's resources
  // do not name them), the formats registry (the names in from/to are hashed), logging,
  // verdict-neutral caches, threads and batching (output is the same at any -j), the delta itself
  static_cast<void>(inputs), static_cast<void>(formats), static_cast<void>(output_dir), static_cast<void>(show_values);
  static_cast<void>(validation_cache), static_cast<void>(validation_cache_limit), static_cast<void>(jobs);
  static_cast<void>(progress), static_cast<void>(batch_records), static_cast<void>(since);
  static_cast<void>(delete_missing_patients), static_cast<void>(since_scope);
  // nor the grouping's memory and order (a patient whose records were all converted is the same
  // patient either way), the shard (it picks patients, not their bytes), the stream's side files;
  // meta.source names the run and is left out of the manifest's content hashes by design
  static_cast<void>(memory_limit), static_cast<void>(presorted), static_cast<void>(shard_index);
  static_cast<void>(shard_count), static_cast<void>(rejects_file), static_cast<void>(report_file);
  seed_.update(settings_);
}

ContentHash InputFingerprinter::patient(const std::vector<SourceRecord>& records) const {
  struct One {
    std::string_view tumor;
    ContentHash digest;
  };
  std::vector<One> parts;
  parts.reserve(records.size());
  std::string bytes;
  for (const auto& r : records) {
    bytes.clear();
    put_u64(bytes, r.fields.size());
    for (const auto& f : r.fields) add(bytes, f);
    put_u64(bytes, r.items.size());  // then the format's own items
    for (const auto& f : r.items) add(bytes, f);
    const RawField* tumor = r.get("tumor_id");
    parts.push_back({tumor ? std::string_view(tumor->value) : std::string_view(), content_hash(bytes)});
  }
  std::stable_sort(parts.begin(), parts.end(), [](const One& a, const One& b) { return a.tumor < b.tumor; });
  ContentHasher h = seed_;  // the digests have a fixed size: their count is in the length
  for (const auto& p : parts) h.update(std::string_view(reinterpret_cast<const char*>(p.digest.data()), p.digest.size()));
  return h.finish();
}

}  // namespace netconv
