// NAACCR XML reader (docs/naaccr.md). Streams with libxml2's xmlTextReader over the input stream:
// no network, no DTD (a DOCTYPE stops the file, so no entity can be declared or expanded), no huge
// nodes. Yields one SourceRecord per Tumor carrying the root and patient items too, as raw items
// (SourceRecord::items) that the NAACCR mapping unit turns into fields; at most one Patient's
// items are held. Item checks follow the reference NAACCR XML library (dictionary facts
// from mappings/naaccr-dictionary.tsv and --naaccr-dictionary files); a bad item rejects its
// tumor (or every tumor of its patient / file for patient- and root-level items), malformed XML
// stops the file.
#include <libxml/xmlreader.h>

#include <algorithm>
#include <deque>
#include <cstring>
#include <map>
#include <istream>
#include <set>
#include <unordered_map>

#include "core/data_paths.hpp"
#include "core/errors.hpp"
#include "core/text.hpp"
#include "readers/naaccr_dictionary.hpp"
#include "readers/reader.hpp"
#include "readers/xml_feed.hpp"

namespace netconv {
namespace {

constexpr const char* kNaaccrNs = "http://naaccr.org/naaccrxml";
// NaaccrData has five attributes plus namespace declarations, Item two, Patient and Tumor none:
// an element with more is refused before libxml2 checks them (docs/security.md "Limits")
constexpr std::size_t kMaxAttributes = 64;

struct StoredItem {
  std::string id, value;
  std::uint64_t line = 0;
};

struct Entity {
  std::vector<StoredItem> items;
  std::unordered_map<std::string, std::size_t> index;
  std::vector<Diagnostic> problems;
  std::uint64_t line = 0;
  void clear() {
    items.clear();
    index.clear();
    problems.clear();
    line = 0;
  }
  const StoredItem* get(const std::string& id) const {
    auto it = index.find(id);
    return it == index.end() ? nullptr : &items[it->second];
  }
};

std::string str(const xmlChar* s) { return s ? std::string(reinterpret_cast<const char*>(s)) : std::string(); }

// libxml2 2.9 raises encoding and I/O errors without a parser context, so the reader's own
// handler never sees them and libxml2 prints them (with input bytes) to stderr. For the length of
// one next() (the calls into the parser it makes), this thread's structured handler is the reader's too; the previous one
// is restored after (libxml2 keeps it per thread: other threads' validators are not affected).
class ThreadErrorScope {
 public:
  ThreadErrorScope(void* ctx, xmlStructuredErrorFunc fn) : fn_(xmlStructuredError), ctx_(xmlStructuredErrorContext) {
    xmlSetStructuredErrorFunc(ctx, fn);
  }
  ~ThreadErrorScope() { xmlSetStructuredErrorFunc(ctx_, fn_); }
  ThreadErrorScope(const ThreadErrorScope&) = delete;
  ThreadErrorScope& operator=(const ThreadErrorScope&) = delete;

 private:
  xmlStructuredErrorFunc fn_;
  void* ctx_;
};

// libxml2's text without the input it quotes ("...\nBytes: 0xFC 0x6C", "..., bytes 0xFF 0x53"):
// those bytes are patient data.
std::string without_input(const xmlError& e) {
  if (e.domain == XML_FROM_I18N) return "a byte sequence at or after this line is not valid in the file's declared encoding";
  std::string msg = e.message ? e.message : "XML error";
  msg.erase(std::min(msg.size(), msg.find('\n')));
  for (const char* quote : {", bytes 0x", " bytes 0x", "Bytes: 0x"}) msg.erase(std::min(msg.size(), msg.find(quote)));
  while (!msg.empty() && (msg.back() == ' ' || msg.back() == ',')) msg.pop_back();
  return msg;
}

class NaaccrReader : public RecordReader {
 public:
  NaaccrReader(std::istream& in, const ReaderConfig& cfg, DiagnosticSink& diags)
      : feed_(in, kMaxAttributes), cfg_(cfg), diags_(diags) {
    std::string dir = cfg.mappings_dir.empty() ? resolve_data_path(DataPath::mappings) : cfg.mappings_dir;
    dict_ = naaccr::Dictionary::load_table(dir + "/naaccr-dictionary.tsv");
    for (const auto& f : split(cfg.naaccr_dictionary, ',')) {
      auto p = std::string(trim(f));
      if (!p.empty()) dict_.add_xml(p);
    }
    // XML_PARSE_NONET: never fetch; no XML_PARSE_NOENT / DTDLOAD / DTDATTR / HUGE; a DOCTYPE stops the file.
    ThreadErrorScope scope(this, &NaaccrReader::on_error);
    reader_ = xmlReaderForIO(&NaaccrReader::io_read, nullptr, this, nullptr, nullptr,
                             XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!reader_) throw IoError("cannot start the XML reader for " + cfg.display_name);
    xmlTextReaderSetStructuredErrorHandler(reader_, &NaaccrReader::on_error, this);
  }
  ~NaaccrReader() override {
    if (reader_) xmlFreeTextReader(reader_);
  }

  bool next(SourceRecord& rec) override {
    rec.clear();
    ThreadErrorScope scope(this, &NaaccrReader::on_error);  // every call into the parser below
    while (ready_.empty() && !done_) {
      int ret = read_node();
      if (ret == 0) {
        done_ = true;
        if (!root_seen_) fail("NC-NAACCR-001", 0, 0, "empty file: no NaaccrData element");
      } else if (ret < 0) {
        xml_failure();
      } else {
        handle_node(rec);
      }
    }
    if (ready_.empty()) return false;
    rec = std::move(ready_.front());
    ready_.pop_front();
    return true;
  }
  std::uint64_t bytes_read() const override { return feed_.bytes_read(); }
  bool failed() const override { return failed_; }

 private:
  static int io_read(void* ctx, char* buf, int len) { return static_cast<NaaccrReader*>(ctx)->feed_.next(buf, len); }
  // After a fatal error libxml2's reader still walks up the tree it has, reporting an end for
  // every open element: those ends are not in the file, so a fatal error ends the reading here.
  int read_node() {
    int ret = xmlTextReaderRead(reader_);
    return fatal_ ? -1 : ret;
  }

  // Every libxml2 message comes here: the first fatal one is the file's NC-NAACCR-001, the others
  // that do not stop the file are warnings NC-NAACCR-013 (once per libxml2 error code). None
  // carries input bytes.
  static void on_error(void* ctx, xmlErrorPtr e) {
    auto* self = static_cast<NaaccrReader*>(ctx);
    if (!e) return;
    std::uint64_t line = e->line > 0 ? static_cast<std::uint64_t>(e->line) : 0;
    if (!line && self->reader_) line = static_cast<std::uint64_t>(std::max(0, xmlTextReaderGetParserLineNumber(self->reader_)));
    std::uint64_t col = e->int2 > 0 ? static_cast<std::uint64_t>(e->int2) : 0;
    if (e->level != XML_ERR_FATAL) {
      if (self->fatal_ || !self->xml_codes_.insert(e->code).second) return;
      self->diags_.report({Severity::warning, "NC-NAACCR-013", {self->cfg_.display_name, line, col, ""},
                           "XML parser: " + without_input(*e), ""});
      return;
    }
    self->fatal_ = true;
    if (self->xml_error_set_) return;
    self->xml_error_set_ = true;
    self->xml_error_line_ = line;
    self->xml_error_col_ = col;
    self->xml_error_msg_ = without_input(*e);
  }

  void xml_failure() {
    if (feed_.refused()) {
      fail("NC-NAACCR-011", feed_.refused_line(), feed_.refused_column(),
           "element with more than " + std::to_string(kMaxAttributes) + " attributes (NAACCR XML needs a few); the rest of the file is not read");
      return;
    }
    std::string msg = xml_error_set_ ? xml_error_msg_ : "the XML parser stopped";
    fail("NC-NAACCR-001", xml_error_line_, xml_error_col_, "malformed XML: " + msg + "; the rest of the file is not read");
  }

  // The file stopped inside a patient: its tumors (held until the Patient ends) and the tumor cut
  // off are rejected, never converted as if complete (NC-NAACCR-012).
  void reject_open_patient() {
    if (level_ < 2 || failed_) return;
    if (level_ == 3) end_tumor();
    if (tumor_ordinal_ == 0) held_.push_back(patient_record());  // cut off before any tumor: still counted
    for (auto& r : held_) {
      r.problems.push_back({Severity::error, "NC-NAACCR-012", r.location,
                            where_patient() + "the file stops inside this patient (see the XML error): its tumors are not converted", ""});
      ready_.push_back(std::move(r));
    }
    held_.clear();
    level_ = 1;
  }
  std::string where_patient() const { return "patient " + std::to_string(patient_ordinal_) + ": "; }

  // Stops the file; the patient open at that point is rejected, never dropped.
  void fail(const char* code, std::uint64_t line, std::uint64_t col, std::string msg) {
    if (failed_) return;
    reject_open_patient();
    failed_ = true;
    done_ = true;
    diags_.report({Severity::error, code, {cfg_.display_name, line, col, ""}, std::move(msg), ""});
  }
  void note_once(const char* code, Severity sev, std::uint64_t line, std::string msg) {
    if (!noted_.insert(code).second) return;
    diags_.report({sev, code, {cfg_.display_name, line, 0, ""}, std::move(msg), ""});
  }

  std::uint64_t node_line() {
    xmlNodePtr n = xmlTextReaderCurrentNode(reader_);
    long l = n ? xmlGetLineNo(n) : -1;
    return l > 0 ? static_cast<std::uint64_t>(l) : static_cast<std::uint64_t>(std::max(0, xmlTextReaderGetParserLineNumber(reader_)));
  }

  std::string where() const {
    if (level_ >= 2) {
      std::string s = "patient " + std::to_string(patient_ordinal_);
      if (level_ == 3) s += ", tumor " + std::to_string(tumor_ordinal_);
      return s + ": ";
    }
    return "file header: ";
  }
  Entity& current() { return level_ == 3 ? tumor_ : level_ == 2 ? patient_ : root_; }
  void problem(const char* code, std::uint64_t line, const std::string& item, std::string msg, const std::string& value = "") {
    current().problems.push_back({Severity::error, code, {cfg_.display_name, line, 0, item}, where() + msg, value});
  }

  bool in_naaccr_ns() {
    std::string ns = str(xmlTextReaderConstNamespaceUri(reader_));
    return ns == root_ns_;
  }

  // Returns true when a record is ready in `rec`.
  bool handle_node(SourceRecord& rec) {
    int type = xmlTextReaderNodeType(reader_);
    if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
      // libxml2's DTD node has no line, and the parser is past it: the feed noted where it starts
      fail("NC-NAACCR-002", feed_.doctype_line() ? feed_.doctype_line() : node_line(), 0, "DOCTYPE is not allowed in NAACCR XML (no DTD, no entity declarations); the file is not read");
      return false;
    }
    if (type == XML_READER_TYPE_ENTITY_REFERENCE) {
      fail("NC-NAACCR-002", node_line(), 0, "entity reference is not allowed; the file is not read");
      return false;
    }
    if (type == XML_READER_TYPE_ELEMENT) return start_element(rec);
    if (type == XML_READER_TYPE_END_ELEMENT) return end_element(rec);
    if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) && level_ >= 1) {
      std::string t = str(xmlTextReaderConstValue(reader_));
      if (!trim(t).empty()) problem("NC-NAACCR-009", node_line(), "", "text outside an Item");
    }
    return false;
  }

  bool start_element(SourceRecord& rec) {
    std::string name = str(xmlTextReaderConstLocalName(reader_));
    std::string ns = str(xmlTextReaderConstNamespaceUri(reader_));
    bool empty = xmlTextReaderIsEmptyElement(reader_) == 1;
    std::uint64_t line = node_line();
    if (level_ == 0) {
      if (root_seen_) { fail("NC-NAACCR-003", line, 0, "content after the NaaccrData element"); return false; }
      root_seen_ = true;
      if (name != "NaaccrData") { fail("NC-NAACCR-003", line, 0, "root element is '" + name + "', not NaaccrData: not a NAACCR XML data file"); return false; }
      if (ns.empty()) {
        note_once("NC-NAACCR-005", Severity::warning, line,
                  "NaaccrData has no namespace (expected " + std::string(kNaaccrNs) + "); read in relaxed mode like the reference library's non-strict option");
      } else if (ns != kNaaccrNs) {
        fail("NC-NAACCR-003", line, 0, "NaaccrData is in namespace '" + ns + "', not " + kNaaccrNs);
        return false;
      }
      root_ns_ = ns;
      std::string base = attribute("baseDictionaryUri");
      if (base.empty()) { fail("NC-NAACCR-004", line, 0, "NaaccrData has no baseDictionaryUri (required)"); return false; }
      std::vector<std::string> users;
      for (const auto& u : split(attribute("userDictionaryUri"), ' '))
        if (!trim(u).empty()) users.emplace_back(trim(u));
      auto fd = dict_.use_for_file(base, users);
      version_ = fd.version;
      if (!fd.version_known)
        note_once("NC-NAACCR-006", Severity::warning, line, "baseDictionaryUri names no NAACCR version; items are checked against v" + std::to_string(fd.version / 10));
      else if (!fd.supported)
        note_once("NC-NAACCR-006", Severity::warning, line,
                  "base dictionary v" + std::to_string(fd.version / 10) + " is outside v23-v26: read best effort (items checked against the nearest version netconv carries; items it does not know are ignored)");
      for (const auto& m : fd.missing_user_dictionaries)
        diags_.report({Severity::warning, "NC-NAACCR-030", {cfg_.display_name, line, 0, ""},
                       "user dictionary '" + m + "' was not given (--naaccr-dictionary); its items will be reported as unknown", ""});
      best_effort_ = !fd.supported;
      level_ = 1;
      root_.line = line;
      if (empty) { level_ = 0; }
      return false;
    }
    if (ns != root_ns_) {  // an extension in another namespace: ignored with a note
      note_once("NC-NAACCR-007", Severity::note, line, "elements in other namespaces (extensions) are ignored");
      if (!empty) skip_subtree();
      return false;
    }
    if (name == "Item") {
      read_item(line, empty);
      return false;
    }
    if (name == "Patient" && level_ == 1) {
      level_ = 2;
      ++patient_ordinal_;
      tumor_ordinal_ = 0;
      patient_.clear();
      patient_.line = line;
      tumor_keys_.clear();
      if (empty) end_patient();
      return false;
    }
    if (name == "Tumor" && level_ == 2) {
      level_ = 3;
      ++tumor_ordinal_;
      tumor_.clear();
      tumor_.line = line;
      if (empty) end_tumor();
      return false;
    }
    // a NAACCR-namespace element that the format does not have here
    std::string msg = "element '" + name + "' is not part of NAACCR XML here (extensions must be in their own namespace)";
    if (level_ == 1) {
      fail("NC-NAACCR-008", line, 0, "file header: " + msg);
      return false;
    }
    problem("NC-NAACCR-008", line, "", msg);
    if (!empty) skip_subtree();
    return false;
  }

  bool end_element(SourceRecord& rec) {
    if (level_ == 3) { end_tumor(); return false; }
    if (level_ == 2) { end_patient(); return false; }
    if (level_ == 1) { level_ = 0; }
    return false;
  }

  std::string attribute(const char* name) {
    xmlChar* v = xmlTextReaderGetAttribute(reader_, BAD_CAST name);
    std::string s = str(v);
    if (v) xmlFree(v);
    return s;
  }

  void skip_subtree() {
    int depth = xmlTextReaderDepth(reader_);
    while (read_node() == 1) {
      if (xmlTextReaderNodeType(reader_) == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(reader_) == depth) return;
      if (xmlTextReaderNodeType(reader_) == XML_READER_TYPE_DOCUMENT_TYPE) return;
    }
    // a parse error inside: the next Read reports it
  }

  void read_item(std::uint64_t line, bool empty) {
    std::string id = attribute("naaccrId");
    std::string num = attribute("naaccrNum");
    std::string value;
    bool too_big = false, nested = false;
    if (!empty) {
      int depth = xmlTextReaderDepth(reader_);
      while (true) {
        int ret = read_node();
        if (ret != 1) { if (ret < 0) xml_failure(); else done_ = true; return; }
        int t = xmlTextReaderNodeType(reader_);
        if (t == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(reader_) == depth) break;
        if (t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA || t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
            t == XML_READER_TYPE_WHITESPACE) {
          const char* v = reinterpret_cast<const char*>(xmlTextReaderConstValue(reader_));
          std::size_t n = v ? std::strlen(v) : 0;
          if (value.size() + n > cfg_.max_record_bytes) too_big = true;
          else value.append(v ? v : "", n);
        } else if (t == XML_READER_TYPE_ELEMENT) {
          nested = true;
          if (!xmlTextReaderIsEmptyElement(reader_)) skip_subtree();
        } else if (t == XML_READER_TYPE_ENTITY_REFERENCE) {
          fail("NC-NAACCR-002", node_line(), 0, "entity reference is not allowed; the file is not read");
          return;
        }
      }
    }
    const char* lvl = level_ == 3 ? "Tumor" : level_ == 2 ? "Patient" : "NaaccrData";
    if (id.empty()) { problem("NC-NAACCR-010", line, "", "Item without naaccrId"); return; }
    if (nested) problem("NC-NAACCR-009", line, id, "Item contains elements");
    if (too_big) { problem("NC-NAACCR-022", line, id, "value longer than " + std::to_string(cfg_.max_record_bytes) + " bytes"); return; }
    if (value.empty()) return;  // an empty item says nothing (the reference library drops it too)
    const naaccr::ItemDef* def = dict_.find(id);
    if (!def) {
      if (best_effort_) {
        if (ignored_.insert(id).second)
          diags_.report({Severity::warning, "NC-NAACCR-021", {cfg_.display_name, line, 0, id},
                         "item is not in the dictionaries netconv carries (v23-v26) and the file declares an older base dictionary; ignored", ""});
        return;
      }
      auto other = dict_.other_versions(id);
      problem("NC-NAACCR-020", line, id,
              "unknown NAACCR item '" + id + "'" + (other.empty() ? "" : " (it is in base dictionary versions " + other + ", not in the file's v" + std::to_string(version_ / 10) + ")"));
      return;
    }
    if (!num.empty() && num != std::to_string(def->num))
      problem("NC-NAACCR-026", line, id, "naaccrNum does not match: " + id + " is item #" + std::to_string(def->num));
    if (def->parent != lvl)
      problem("NC-NAACCR-027", line, id, "item belongs to " + def->parent + ", found in " + lvl);
    auto& ent = current();
    if (ent.index.count(id)) {
      problem("NC-NAACCR-028", line, id, "item appears twice in one " + std::string(lvl));
      return;
    }
    std::string v = value;
    std::string_view tv = trim(v);
    bool lead = !v.empty() && tv.data() != v.data(), trail = tv.size() + static_cast<std::size_t>(tv.data() - v.data()) != v.size();
    if (tv.empty()) return;  // whitespace only: nothing said
    if ((lead && def->padding != "leftBlank") || (trail && def->padding != "rightBlank"))
      problem("NC-NAACCR-029", line, id, "value has leading or trailing spaces");
    v = std::string(tv);
    auto vp = naaccr::check_value(*def, v);
    if (!vp.code.empty()) problem(vp.code.c_str(), line, id, vp.message, v);
    ent.index.emplace(id, ent.items.size());
    ent.items.push_back({id, std::move(v), line});
  }

  // A patient's tumors go out when it ends (so one cut off by a fatal error can be rejected
  // whole), or as they end once it has more than max_records_per_patient (it is rejected whole
  // downstream, NC-REC-007). A patient without tumors is one record: rejected with its problems,
  // else skipped (counted) by the mapper.
  void end_patient() {
    level_ = 1;
    if (tumor_ordinal_ == 0) ready_.push_back(patient_record());
    for (auto& r : held_) ready_.push_back(std::move(r));
    held_.clear();
    releasing_ = false;
    patient_.clear();
  }

  // The record of a patient without tumors: its problems, its id, and the mark the mapper reads.
  SourceRecord patient_record() const {
    SourceRecord r;
    r.location = {cfg_.display_name, patient_.line, 0, ""};
    for (const auto* e : {&root_, &patient_})
      for (const auto& p : e->problems) r.problems.push_back(p);
    if (const auto* pid = patient_.get("patientIdNumber"))
      r.fields.push_back({"patient_id", pid->value, {}, false, {cfg_.display_name, pid->line, 0, pid->id}});
    r.fields.push_back({"naaccr.no_tumor", "1", {}, false, r.location});
    return r;
  }

  void hold(SourceRecord&& rec) {
    if (releasing_) { ready_.push_back(std::move(rec)); return; }
    held_.push_back(std::move(rec));
    if (held_.size() <= cfg_.max_records_per_patient) return;
    releasing_ = true;
    for (auto& r : held_) ready_.push_back(std::move(r));
    held_.clear();
  }

  const StoredItem* find(const std::string& id) const {
    if (auto* s = tumor_.get(id)) return s;
    if (auto* s = patient_.get(id)) return s;
    return root_.get(id);
  }

  // Builds the tumor's record and holds it (see end_patient).
  void end_tumor() {
    level_ = 2;
    SourceRecord rec;
    rec.location = {cfg_.display_name, tumor_.line, 0, ""};
    for (const auto* e : {&root_, &patient_, &tumor_})
      for (const auto& p : e->problems) rec.problems.push_back(p);
    auto add = [&](const std::string& name, std::string value) {
      rec.fields.push_back({name, std::move(value), {}, false, {cfg_.display_name, tumor_.line, 0, name}});
    };
    // the raw items, each id once (a tumor's item before its patient's before the file's): the
    // NAACCR mapping unit (mapping/naaccr_translate.hpp) turns them into fields
    rec.items.reserve(tumor_.items.size() + patient_.items.size() + root_.items.size());
    for (const auto* e : {&tumor_, &patient_, &root_})
      for (const auto& s : e->items)
        if (find(s.id) == &s) rec.items.push_back({s.id, s.value, {}, false, {cfg_.display_name, s.line, 0, s.id}});
    rec.place = where();
    add("tumor_id", std::to_string(tumor_ordinal_));
    // stable tumor key: site, histology, diagnosis date; a second tumor of the patient with the
    // same three gets its record number (or ordinal) added so that ids never collide
    auto val = [&](const char* id) { const auto* s = find(id); return s ? s->value : std::string(); };
    std::string key = val("primarySite") + "|" + val("histologicTypeIcdO3") + "|" + val("dateOfDiagnosis");
    if (!tumor_keys_.insert(key).second) {
      std::string rn = val("tumorRecordNumber");
      key += rn.empty() ? "|ordinal:" + std::to_string(tumor_ordinal_) : "|record:" + rn;
      tumor_keys_.insert(key);
      rec.fields.push_back({"naaccr.tumor_key_collision", "1", {}, false, {cfg_.display_name, tumor_.line, 0, ""}});
    }
    add("tumor_key", key);
    tumor_.clear();
    hold(std::move(rec));
  }

  XmlFeed feed_;
  ReaderConfig cfg_;
  DiagnosticSink& diags_;
  naaccr::Dictionary dict_;
  xmlTextReaderPtr reader_ = nullptr;
  bool failed_ = false, done_ = false, root_seen_ = false, best_effort_ = false;
  bool xml_error_set_ = false;
  std::uint64_t xml_error_line_ = 0, xml_error_col_ = 0;
  std::string xml_error_msg_;
  std::string root_ns_;
  int level_ = 0, version_ = naaccr::Dictionary::kNewest;
  std::uint64_t patient_ordinal_ = 0, tumor_ordinal_ = 0;
  bool fatal_ = false, releasing_ = false;
  std::vector<SourceRecord> held_;   // the open patient's finished tumors
  std::deque<SourceRecord> ready_;   // records to hand out, in file order
  Entity root_, patient_, tumor_;
  std::set<std::string> tumor_keys_, noted_, ignored_;
  std::set<int> xml_codes_;  // libxml2 error codes already reported as NC-NAACCR-013
};

}  // namespace

std::unique_ptr<RecordReader> make_naaccr_reader(std::istream& in, const ReaderConfig& cfg, DiagnosticSink& diags) {
  return std::make_unique<NaaccrReader>(in, cfg, diags);
}

}  // namespace netconv
