#include "commands/explain.hpp"

#include <algorithm>
#include <istream>
#include <map>
#include <ostream>
#include <regex>
#include <set>
#include <sstream>

#include "commands/table_files.hpp"
#include "core/errors.hpp"
#include "core/text.hpp"
#include "mapping/icd10cm_dates.hpp"
#include "mapping/mapper.hpp"
#include "mapping/transforms.hpp"
#include "formats/format.hpp"
#include "readers/reader.hpp"
#include "writers/writer.hpp"

namespace netconv {
namespace {

// Which profile constant the writer puts on the resource a concept namespace ends up in.
const std::map<std::string, std::string>& namespace_profile() {
  static const std::map<std::string, std::string> p = {
      {"dx", "fhir.profile.primary_condition"},      {"body", "fhir.profile.primary_condition"},
      {"morph", "fhir.profile.primary_condition"},   {"metastasis", "fhir.profile.secondary_condition"},
      {"syndrome", "fhir.profile.us_core_condition"}, {"carcinoid_syndrome", "fhir.profile.us_core_condition"},
      {"symptom", "fhir.profile.us_core_condition"}, {"grade", "fhir.profile.histologic_grade"},
      {"drug", "fhir.profile.medication_administration"}, {"surgery", "fhir.profile.surgical_procedure"},
      {"liver_directed", "fhir.profile.surgical_procedure"}, {"sex", "fhir.profile.cancer_patient"}};
  return p;
}

struct Explainer {
  const MappingSet& m;
  const RawTables& raw;
  std::vector<SlotRule> slots;
  std::ostream& out;
  const FormatRegistry& formats;
  bool any_ = false;              // value(): something matched
  std::set<std::string> shown_;   // value(): concepts already shown

  std::string at(const std::string& file, std::uint64_t line) const { return raw.path(file) + ":" + std::to_string(line); }

  void show_concept(const std::string& key, const std::string& indent, std::set<std::string>& shown) {
    if (!shown.insert(key).second) return;
    const auto& ct = raw["concepts.tsv"];
    std::set<std::string> slot_seen;
    for (const auto& r : ct.rows) {
      if (ct.cell(r, "concept") != key) continue;
      out << indent << at("concepts.tsv", r.line) << "  " << key << " [" << ct.cell(r, "slot") << "] " << ct.cell(r, "system") << " "
          << (ct.cell(r, "code").empty() ? "(no code)" : ct.cell(r, "code")) << " \"" << ct.cell(r, "display") << "\""
          << (ct.cell(r, "verified") == "yes" ? "" : "  UNVERIFIED: not emitted") << "\n";
      slot_seen.insert(ct.cell(r, "slot"));
    }
    if (slot_seen.empty()) out << indent << "(concept '" << key << "' has no row in concepts.tsv)\n";
    for (const auto& slot : slot_seen) becomes(key, slot, indent);
  }

  void becomes(const std::string& key, const std::string& slot, const std::string& indent) {
    auto c = m.lookup(key, slot);
    std::string coding;
    if (c.verified())
      for (const auto& cd : c.codings) {
        coding += (coding.empty() ? "" : ", ") + cd.system_uri + "|" + cd.code;
        // dated ICD-10-CM alternatives: only the one valid on the diagnosis date is sent
        if (const auto* r = cd.system_uri == m.icd10cm_validity().system_uri() ? m.icd10cm_validity().range(cd.code) : nullptr;
            r && (r->from > m.icd10cm_validity().oldest_fy() || r->to < m.icd10cm_validity().newest_fy()))
          coding += " (if diagnosed FY" + std::to_string(r->from) + "-FY" + std::to_string(r->to) + ")";
      }
    else
      coding = c.local.system_uri + "|" + c.local.code + " + text \"" + c.text + "\", meta.tag unverified-terminology";
    const auto* rule = find_slot_rule(slots, key, slot);
    auto prof = namespace_profile().find(concept_namespace(key));
    std::string profile = prof == namespace_profile().end() ? "" : m.constant_or(prof->second, "");
    if (rule) {
      for (const auto& e : rule->fhir)
        out << indent << "  -> FHIR " << e << (profile.empty() ? "" : " (" + profile + ")") << ": " << coding << "\n";
      for (const auto& place : rule->cda) {
        auto k = place.substr(0, place.find('/'));
        auto elem = place.find('/') == std::string::npos ? "" : place.substr(place.find('/') + 1);
        out << indent << "  -> C-CDA " << k << " (templateId " << m.constant_or(k, "?") << ") " << elem << "\n";
      }
    } else {
      out << indent << "  -> (no slot-systems.tsv row for " << concept_namespace(key) << "/" << slot << ")\n";
    }
  }

  // Explains one value; `field` narrows the interpretation ("" = try all). True when anything matched.
  bool value(const std::string& v, const std::string& field = "") {
    any_ = false;
    shown_.clear();
    // in the order the interpretations were always shown; each says when it applies
    morphology(v, field);
    site(v, field);
    target_code_or_concept(v, field);
    agent(v, field);
    contract_value(v, field);
    grade_code(v, field);
    constant(v, field);
    return any_;
  }

  // A heading line: something matched.
  void head(const std::string& what) {
    out << "  " << what << "\n";
    any_ = true;
  }

  void morphology(const std::string& v, const std::string& field) {
    static const std::regex morph_re("([0-9]{4})(/([0-9]))?");
    std::smatch mm;
    if ((field.empty() || field == "histology") && std::regex_match(v, mm, morph_re)) {
      std::string hist = mm[1], beh = mm[3].matched ? std::string(mm[3]) : "3";
      const auto& mo = raw["icdo3-morphology.tsv"];
      for (const auto& r : mo.rows)
        if (mo.cell(r, "code").rfind(hist + "/", 0) == 0 && (!mm[3].matched || mo.cell(r, "code") == hist + "/" + beh))
          head("ICD-O-3 morphology " + at("icdo3-morphology.tsv", r.line) + "  " + mo.cell(r, "code") + " \"" + mo.cell(r, "display") + "\"");
      const auto* s = m.scope(hist, beh);
      const auto& sc = raw["morphology-scope.tsv"];
      for (const auto& r : sc.rows)
        if (s && sc.cell(r, "morphology") == s->morphology && sc.cell(r, "behavior") == s->behavior) {
          head("scope " + at("morphology-scope.tsv", r.line) + "  " + hist + "/" + beh + ": " + s->decision + ", tumor class '" +
               s->tumor_class + "'" + (sc.cell(r, "note").empty() ? "" : " - " + sc.cell(r, "note")));
          if (s->decision == "convert") {
            out << "    -> FHIR Condition.extension:histologyMorphologyBehavior (" << m.constant_or("fhir.profile.primary_condition", "")
                << "): ICD-O-3 " << hist << "/" << beh << "\n";
            out << "    -> C-CDA " << m.constant_or("cda.template.result_observation", "?") << " code "
                << m.constant_or("cda.code.histology_behavior", "?") << ": value " << hist << "/" << beh << "\n";
            if (!s->morphology_concept.empty()) show_concept(s->morphology_concept, "    ", shown_);
            const auto& dx = raw["diagnoses.tsv"];
            for (const auto& dr : dx.rows)
              if (dx.cell(dr, "tumor_class") == s->tumor_class || dx.cell(dr, "tumor_class") == "*")
                out << "    diagnosis " << at("diagnoses.tsv", dr.line) << "  " << dx.cell(dr, "topography") << " -> "
                    << dx.cell(dr, "concept") << "\n";
          } else {
            out << "    -> records with this code are skipped (counted in report.json)\n";
          }
        }
      if (!s && any_) head("no morphology-scope.tsv row: out of scope, records are skipped");
    }
  }

  void site(const std::string& v, const std::string& field) {
    auto topo = normalize_topography(v);
    std::string site_key = topo ? *topo : (v.size() == 3 && v[0] == 'C' ? v : "");
    if ((field.empty() || field == "primary_site") && !site_key.empty()) {
      const auto& tt = raw["icdo3-topography.tsv"];
      for (const auto& r : tt.rows)
        if (tt.cell(r, "code") == site_key)
          head("ICD-O-3 topography " + at("icdo3-topography.tsv", r.line) + "  " + site_key + " \"" + tt.cell(r, "display") + "\"");
      if (const auto* s = m.site(site_key)) {
        const auto& st = raw["sites.tsv"];
        for (const auto& r : st.rows)
          if (st.cell(r, "topography") == s->topography)
            head("site " + at("sites.tsv", r.line) + "  group '" + s->site_group + "', family '" + s->family + "'");
        out << "    -> FHIR Condition.bodySite (primary): ICD-O-3 " << site_key << "\n";
        if (!s->body_site.empty()) show_concept(s->body_site, "    ", shown_);
        std::set<std::string> classes;
        for (const auto& r : raw["morphology-scope.tsv"].rows)
          if (raw["morphology-scope.tsv"].cell(r, "decision") == "convert") classes.insert(raw["morphology-scope.tsv"].cell(r, "tumor_class"));
        for (const auto& cls : classes) {
          const auto* d = m.diagnosis(site_key, s->site_group, cls);
          out << "    class " << cls << ": ";
          if (!d) { out << "no diagnoses.tsv row (records rejected, NC-MAP-031)\n"; continue; }
          const auto& dx = raw["diagnoses.tsv"];
          for (const auto& dr : dx.rows)
            if (dx.cell(dr, "concept") == d->concept_key && dx.cell(dr, "topography") == d->topography && dx.cell(dr, "tumor_class") == d->tumor_class) {
              out << at("diagnoses.tsv", dr.line) << " -> " << d->concept_key << "; grade schema '" << m.grade_schema(s->site_group, cls) << "'\n";
              break;
            }
          show_concept(d->concept_key, "      ", shown_);
        }
      } else if (any_) {
        head("no sites.tsv row: site group 'other', family 'other'");
      }
    }
  }

  void target_code_or_concept(const std::string& v, const std::string& field) {
    if (field.empty()) {
      const auto& ct = raw["concepts.tsv"];
      for (const auto& r : ct.rows)
        if (ct.cell(r, "code") == v && !v.empty()) {
          head("target code " + ct.cell(r, "system") + " " + v + " of concept '" + ct.cell(r, "concept") + "'");
          show_concept(ct.cell(r, "concept"), "    ", shown_);
        }
      if (m.has_concept(v)) {
        head("concept key '" + v + "'");
        show_concept(v, "    ", shown_);
        references(v);
      }
    }
  }

  void agent(const std::string& v, const std::string& field) {
    if (field.empty() || field == "treatments") {
      if (const auto* a = m.agent(to_lower(v))) {
        const auto& ag = raw["agents.tsv"];
        for (const auto& r : ag.rows)
          if (ag.cell(r, "agent") == a->agent)
            head("agent " + at("agents.tsv", r.line) + "  " + a->agent + ": " + a->resource + ", kinds " + ag.cell(r, "kinds"));
        out << "    -> FHIR " << a->resource << " (" << m.constant_or(a->resource == "Procedure" ? "fhir.profile.surgical_procedure" : "fhir.profile.medication_administration", "")
            << "), reasonReference -> primary Condition\n";
        for (const auto& k : a->kinds)
          if (const auto* kr = m.kind(k); kr && !kr->category_concept.empty()) {
            out << "    kind " << k << " category:\n";
            show_concept(kr->category_concept, "      ", shown_);
          }
        show_concept(a->concept_key, "    ", shown_);
      }
    }
  }

  void contract_value(const std::string& v, const std::string& field) {
    const auto& vt = raw["values.tsv"];
    for (const auto& r : vt.rows) {
      if (to_lower(vt.cell(r, "value")) != to_lower(v) || (!field.empty() && vt.cell(r, "field") != field)) continue;
      head("contract value " + at("values.tsv", r.line) + "  " + vt.cell(r, "field") + "=" + vt.cell(r, "value") + " -> " +
           (vt.cell(r, "concept").empty() ? "(nothing: " + vt.cell(r, "note") + ")" : vt.cell(r, "concept")));
      if (!vt.cell(r, "concept").empty()) show_concept(vt.cell(r, "concept"), "    ", shown_);
    }
  }

  void grade_code(const std::string& v, const std::string& field) {
    if (field.empty() || field == "grade") {
      const auto& gc = raw["grade-codes.tsv"];
      for (const auto& r : gc.rows)
        if (gc.cell(r, "code") == v || (field == "grade" && to_lower(gc.cell(r, "code")) == to_lower(v)))
          head("grade code " + at("grade-codes.tsv", r.line) + "  schema " + gc.cell(r, "schema") + ": grade '" + gc.cell(r, "grade") +
               "', differentiation '" + gc.cell(r, "differentiation") + "'");
    }
  }

  void constant(const std::string& v, const std::string& field) {
    if (field.empty()) {
      for (const char* f : {"profiles.tsv", "cda-templates.tsv"}) {
        const auto& t = raw[f];
        for (const auto& r : t.rows)
          if (t.cell(r, "key") == v || t.cell(r, "value") == v) head("constant " + at(f, r.line) + "  " + t.cell(r, "key") + " = " + t.cell(r, "value"));
      }
    }
  }


  void references(const std::string& key) {
    struct Ref {
      const char* file;
      const char* col;
    };
    for (const auto& ref : {Ref{"values.tsv", "concept"}, Ref{"agents.tsv", "concept"}, Ref{"sites.tsv", "body_site"},
                            Ref{"diagnoses.tsv", "concept"}, Ref{"morphology-scope.tsv", "morphology_concept"},
                            Ref{"treatment-kinds.tsv", "category_concept"}, Ref{"naaccr-values.tsv", "concept"},
                            Ref{"naaccr-treatments.tsv", "concept"}}) {
      const auto& t = raw[ref.file];
      for (const auto& r : t.rows)
        if (t.cell(r, ref.col) == key) out << "    used by " << at(ref.file, r.line) << " (" << ref.col << ")\n";
    }
  }

  // Explains every record of `in` (read whole; its format detected as convert detects it).
  int stdin_records(std::istream& in) {
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream stream(text);
    CollectingSink sink;
    ReaderConfig cfg;
    cfg.display_name = "<stdin>";
    cfg.mappings_dir = raw.dir;
    auto reader = formats.detect(std::string_view(text).substr(0, kSniffBytes), "").open(stream, cfg, sink, m);
    Mapper mapper(m, MapperOptions{m.constant_or("fhir.system.patient_id_default", "urn:netconv:patient-id")});
    auto writers = all_writers();
    SourceRecord rec;
    int n = 0, rc = 0;
    while (reader->next(rec)) {
      auto o = mapper.map(rec);
      outcome(++n, rec, o);
      if (o.kind == RecordOutcome::Kind::rejected) rc = 1;
      for (const auto& f : rec.fields) explain_field(f);
      if (o.kind != RecordOutcome::Kind::converted) continue;
      model::PatientCases pc{o.net_case.patient, {o.net_case}};
      for (const auto& [format, writer] : writers) rendered(*format, *writer, pc);
    }
    for (const auto& d : sink.items) out << format_diagnostic(d, false) << "\n";
    if (n == 0) {
      out << "no record read from standard input (CSV with a header row expected)\n";
      return 1;
    }
    return rc;
  }

  // A writer for every registered output format that can start with default options (one whose
  // configuration is not available is left out).
  std::vector<std::pair<const OutputFormat*, std::unique_ptr<OutputWriter>>> all_writers() const {
    std::vector<std::pair<const OutputFormat*, std::unique_ptr<OutputWriter>>> writers;
    for (const auto& f : formats.outputs()) {
      try {
        writers.emplace_back(&f, f.writer(WriterOptions{}, m));
      } catch (const ConfigError&) {
      }
    }
    return writers;
  }

  void outcome(int n, const SourceRecord& rec, const RecordOutcome& o) {
    out << "record " << n << " (" << rec.location.to_string() << "): "
        << (o.kind == RecordOutcome::Kind::converted ? "converted"
            : o.kind == RecordOutcome::Kind::skipped ? "skipped (" + o.skip_reason + ")"
                                                      : "rejected")
        << "\n";
    for (const auto& d : o.reasons) out << "  " << format_diagnostic(d, false) << "\n";
    for (const auto& d : o.warnings) out << "  " << format_diagnostic(d, false) << "\n";
  }

  // The table rows each coded item of a field matches.
  void explain_field(const RawField& f) {
    if (f.value.empty() && f.items.empty()) return;
    std::vector<std::string> items;
    if (f.is_list) items = f.items;
    else if (is_list_column(f.name)) items = split(f.value, '|');
    else items = {f.value};
    static const std::set<std::string> coded{"primary_site", "histology", "sex", "differentiation", "metastatic_sites",
                                             "syndromes", "carcinoid_syndrome", "symptoms", "grade"};
    for (auto item : items) {
      item = std::string(trim(item));
      if (item.empty()) continue;
      if (f.name == "treatments") {  // KIND:AGENT[+AGENT][@dates]
        auto colon = item.find(':');
        std::string rest = colon == std::string::npos ? item : item.substr(colon + 1);
        rest = rest.substr(0, rest.find('@'));
        for (const auto& a : split(rest, '+')) {
          out << "field treatments: " << std::string(trim(a)) << "\n";
          value(std::string(trim(a)), "treatments");
        }
        continue;
      }
      if (!coded.count(f.name)) continue;
      out << "field " << f.name << ": " << item << "\n";
      value(item, f.name);
    }
  }

  // What a converted record renders to, as each output format describes its units.
  void rendered(const OutputFormat& format, const OutputWriter& writer, const model::PatientCases& pc) {
    RenderedPatient r;
    writer.render(pc, r);
    for (const auto& chunk : r.chunks)
      for (const auto& unit : format.units ? format.units(chunk) : std::vector<OutputUnit>{{chunk.bytes, chunk.path}})
        if (format.describe) format.describe(chunk, unit, out);
  }
};

}  // namespace

int explain(const ExplainOptions& o, std::istream& in, std::ostream& out) {
  std::vector<Diagnostic> problems;
  auto m = MappingSet::load(o.mappings_dir, problems);
  std::size_t errors = 0;
  for (const auto& p : problems)
    if (p.severity == Severity::error) ++errors;
  if (errors) throw ConfigError(std::to_string(errors) + " error(s) in the mapping tables in " + o.mappings_dir + " (run netconv check-mappings)");
  auto raw = read_raw_tables(o.mappings_dir);
  Explainer ex{m, raw, slot_rules(raw), out, o.formats ? *o.formats : builtin_formats()};
  int rc = 0;
  for (const auto& v : o.values) {
    if (v == "-") {
      rc = std::max(rc, ex.stdin_records(in));
      continue;
    }
    out << v << ":\n";
    if (!ex.value(v)) {
      out << "  no table row matches '" << v << "'\n";
      rc = 1;
    }
  }
  return rc;
}

}  // namespace netconv
