#include "pipeline/delta.hpp"

#include <algorithm>

#include "core/errors.hpp"
#include "pipeline/json_spans.hpp"

namespace netconv {
namespace js = json_spans;

bool PatientDelta::any_change() const {
  return new_patient || !deleted.empty() ||
         std::any_of(resources.begin(), resources.end(), [](Change c) { return c != Change::unchanged; });
}

PatientDelta diff_patient(const ManifestEntry* prev, const ManifestEntry& cur) {
  PatientDelta d;
  d.new_patient = prev == nullptr;
  if (!prev) {
    d.resources.assign(cur.resources.size(), Change::added);
    return d;
  }
  // the previous resources sorted by type and id, each marked once it is matched: a patient may
  // hold thousands of resources, so no pairwise search
  auto key_less = [](const ManifestResource* a, const ManifestResource* b) {
    return a->type != b->type ? a->type < b->type : a->id < b->id;
  };
  std::vector<const ManifestResource*> sorted;
  sorted.reserve(prev->resources.size());
  for (const auto& r : prev->resources) sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(), key_less);
  std::vector<bool> matched(prev->resources.size());
  for (const auto& r : cur.resources) {
    auto it = std::lower_bound(sorted.begin(), sorted.end(), &r, key_less);
    if (it == sorted.end() || (*it)->type != r.type || (*it)->id != r.id) {
      d.resources.push_back(Change::added);
      continue;
    }
    matched[static_cast<std::size_t>(*it - prev->resources.data())] = true;
    d.resources.push_back((*it)->hash == r.hash ? Change::unchanged : Change::changed);
  }
  for (std::size_t i = 0; i < prev->resources.size(); ++i)
    if (!matched[i]) d.deleted.push_back(prev->resources[i]);
  return d;
}

MissingPatients missing_patients(const PreviousManifest& prev, const std::vector<bool>& seen, bool delete_missing,
                                 const PatientScope& in_scope) {
  MissingPatients m;
  const auto& entries = prev.entries();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if ((i < seen.size() && seen[i]) || (in_scope && !in_scope(entries[i]))) continue;
    (delete_missing ? m.deleted : m.kept).push_back(i);
  }
  return m;
}

std::string delete_bundle(const std::vector<ManifestResource>& resources) {
  std::string out = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[";
  bool first = true;
  for (int patient_pass = 0; patient_pass < 2; ++patient_pass)
    for (const auto& r : resources) {
      if ((r.type == "Patient") != (patient_pass == 1)) continue;
      if (!first) out += ',';
      first = false;
      // types and ids were checked to be FHIR names and ids: nothing to escape
      out += "{\"request\":{\"method\":\"DELETE\",\"url\":\"" + r.type + "/" + r.id + "\"}}";
    }
  out += "]}\n";
  return out;
}

namespace {

// The patient's FHIR resources as the writer described them, with their manifest digests.
ManifestEntry digest_output(const RenderedPatient& out, std::vector<ResourceSpan>& spans) {
  ManifestEntry e;
  for (const auto& t : out.targets) {
    if (t.media != "fhir-json") continue;
    std::string_view text(out.chunks[t.chunk].bytes.data() + t.offset, t.length);
    ManifestResource r;
    if (!digest_resource(text, r)) throw InternalError("the FHIR writer rendered a resource without resourceType or id");
    if (r.type == "Patient" && e.patient.empty()) e.patient = r.id;
    e.resources.push_back(std::move(r));
    spans.push_back({t.chunk, t.offset, t.length});
  }
  return e;
}

std::string delete_entries(const std::vector<ManifestResource>& deleted) {
  std::string b = delete_bundle(deleted);  // {"resourceType":...,"entry":[ENTRIES]}\n
  auto open = b.find('[');
  return b.substr(open + 1, b.size() - open - 4);
}

// The Bundle line with only the entries whose resource is kept, then the DELETE entries. The
// entries are cut from the writer's own bytes, so everything else in them stays as rendered.
std::string rewrite_bundle(std::string_view line, const std::vector<ResourceSpan>& spans, const std::vector<bool>& keep,
                           const std::vector<ManifestResource>& deleted) {
  std::size_t open = js::npos, close = js::npos;
  std::string entries;
  bool broken = false;
  js::for_each_member(line, js::skip_ws(line, 0), [&](const js::Member& m) {
    if (m.key != "entry") return;
    open = m.value_begin;
    close = js::for_each_element(line, m.value_begin, [&](std::size_t b, std::size_t e) {
      std::size_t resource = js::npos;
      js::for_each_member(line.substr(0, e), b, [&](const js::Member& em) {
        if (em.key == "resource") resource = em.value_begin;
      });
      auto it = std::find_if(spans.begin(), spans.end(), [&](const ResourceSpan& s) { return s.offset == resource; });
      if (it == spans.end()) {
        broken = true;
        return;
      }
      if (!keep[static_cast<std::size_t>(it - spans.begin())]) return;
      if (!entries.empty()) entries += ',';
      entries.append(line.substr(b, e - b));
    });
  });
  if (broken || open == js::npos || close == js::npos) throw InternalError("the FHIR writer rendered a Bundle the delta cannot read");
  if (!deleted.empty()) {
    if (!entries.empty()) entries += ',';
    entries += delete_entries(deleted);
  }
  return std::string(line.substr(0, open + 1)) + entries + std::string(line.substr(close - 1));
}

// Bulk layout: each type's chunk keeps only its new and changed lines (a chunk left empty is
// dropped); the DELETE requests go to fhir/deleted.ndjson, as in a Bulk Data export's "deleted".
void keep_bulk(RenderedPatient& out, const std::vector<ResourceSpan>& spans, const std::vector<bool>& keep,
               const std::vector<ManifestResource>& deleted) {
  std::vector<std::string> kept(out.chunks.size());
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (!keep[i]) continue;
    const auto& s = spans[i];
    kept[s.chunk].append(out.chunks[s.chunk].bytes, s.offset, s.length);
    kept[s.chunk] += '\n';
  }
  std::vector<OutputChunk> chunks;
  for (std::size_t c = 0; c < out.chunks.size(); ++c)
    if (!kept[c].empty()) chunks.push_back({out.chunks[c].path, std::move(kept[c]), false});
  if (!deleted.empty()) chunks.push_back({"fhir/deleted.ndjson", delete_bundle(deleted), false});
  out.chunks = std::move(chunks);
}

void tally(const PatientDelta& d, ConvertSummary& counts) {
  static constexpr const char* kNames[] = {"unchanged", "changed", "new"};
  for (auto c : d.resources) ++counts.delta_resources[kNames[static_cast<int>(c)]];
  counts.delta_resources["deleted"] += d.deleted.size();
  ++counts.delta_patients[d.new_patient ? "new" : d.any_change() ? "changed" : "unchanged"];
}

}  // namespace

ManifestStage::ManifestStage(std::size_t fhir, const PreviousManifest* prev, std::string layout, bool carry)
    : fhir_(fhir), prev_(prev), layout_(std::move(layout)), carry_(carry) {}

bool ManifestStage::carry_unchanged(const ContentHash& input, std::size_t records, ConvertSummary& counts,
                                    std::vector<std::size_t>& matched, std::vector<OutputChunk>& chunks) const {
  if (!prev_ || !carry_ || fhir_ == kNoOutput) return false;
  const std::size_t at = prev_->find_input(input);
  if (at == PreviousManifest::npos) return false;
  const ManifestEntry& e = prev_->entries()[at];
  matched.push_back(at);
  counts.read += records;
  counts.converted += records;
  ++counts.patients_written;
  for (const auto& r : e.resources) ++counts.resources_by_type["fhir:" + r.type];
  counts.delta_resources["unchanged"] += e.resources.size();
  ++counts.delta_patients["unchanged"];
  chunks.push_back({"manifest.ndjson", manifest_line(e), false});
  return true;
}

PreparedPatient ManifestStage::prepare(const std::vector<RenderedPatient>& rendered) const {
  PreparedPatient p;
  if (fhir_ == kNoOutput) return p;
  p.entry = digest_output(rendered[fhir_], p.spans);
  p.delta_mode = prev_ != nullptr;
  if (!prev_ || p.entry.patient.empty()) return p;
  p.previous = prev_->find(p.entry.patient);
  p.delta = diff_patient(p.previous == PreviousManifest::npos ? nullptr : &prev_->entries()[p.previous], p.entry);
  return p;
}

void ManifestStage::apply(const PreparedPatient& p, std::vector<RenderedPatient>& rendered, ConvertSummary& counts,
                          std::vector<std::size_t>& matched, const ContentHash* input) const {
  if (fhir_ == kNoOutput || p.entry.patient.empty()) return;  // nothing rendered for the patient
  auto& out = rendered[fhir_];
  if (p.delta_mode) {
    if (p.previous != PreviousManifest::npos) matched.push_back(p.previous);
    tally(p.delta, counts);
    if (!p.delta.any_change()) {
      for (auto& r : rendered) r.chunks.clear();
    } else {
      std::vector<bool> keep;
      for (auto c : p.delta.resources) keep.push_back(c != Change::unchanged);
      if (layout_ == "bundle") {
        if (out.chunks.size() != 1) throw InternalError("a bundle-layout patient must be one chunk");
        out.chunks[0].bytes = rewrite_bundle(out.chunks[0].bytes, p.spans, keep, p.delta.deleted);
      } else {
        keep_bulk(out, p.spans, keep, p.delta.deleted);
      }
    }
  }
  if (!input) {
    out.chunks.push_back({"manifest.ndjson", manifest_line(p.entry), false});
    return;
  }
  ManifestEntry e{p.entry.patient, {}, *input};
  e.resources = p.entry.resources;  // PreparedPatient is shared with the checks: copied, not moved
  out.chunks.push_back({"manifest.ndjson", manifest_line(e), false});
}

void ManifestStage::apply(std::vector<RenderedPatient>& rendered, ConvertSummary& counts, std::vector<std::size_t>& matched) const {
  apply(prepare(rendered), rendered, counts, matched);
}

}  // namespace netconv
