#include "validation/cda_validator.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "core/data_paths.hpp"
#include "core/errors.hpp"
#include "validation/cda_shape_memo.hpp"
#include "validation/cda_xsd_ids.hpp"

namespace netconv {

struct CdaValidator::Compiled {
  xmlSchemaPtr schema = nullptr;
  // names of the xs:ID attributes; without them (nullopt) every document is validated as a tree
  std::optional<std::vector<std::string>> id_attributes;
  ~Compiled() {
    if (schema) xmlSchemaFree(schema);
  }
};

namespace {

struct Collect {
  std::vector<Diagnostic>* out;
  const std::string* file;
  const char* code;
  xmlParserCtxtPtr parser = nullptr;  // locates errors libxml2 raises without a line (encoding errors)
};

// libxml2's message without what it quotes of the input's raw bytes: an encoding error says
// "input conversion failed due to input error, bytes 0xFF 0x53 0x45 0x43", the start of a value.
std::string trimmed(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  if (auto b = s.find(", bytes 0x"); b != std::string::npos) s = s.substr(0, b) + " (the input's bytes are not shown)";
  return s;
}

void on_error(void* user, xmlErrorPtr e) {
  auto* c = static_cast<Collect*>(user);
  if (!e || e->level == XML_ERR_NONE) return;
  Diagnostic d;
  d.severity = e->level == XML_ERR_WARNING ? Severity::warning : Severity::error;
  d.code = c->code;
  d.location.file = *c->file;
  d.location.line = e->line > 0 ? static_cast<std::uint64_t>(e->line) : 0;
  if (e->node) {
    auto* node = static_cast<xmlNodePtr>(e->node);
    if (xmlChar* path = xmlGetNodePath(node)) {
      d.location.field = reinterpret_cast<const char*>(path);
      xmlFree(path);
    }
    if (d.location.line == 0) d.location.line = static_cast<std::uint64_t>(xmlGetLineNo(node) > 0 ? xmlGetLineNo(node) : 0);
  }
  if (d.location.line == 0 && c->parser && c->parser->input) d.location.line = static_cast<std::uint64_t>(c->parser->input->line);
  d.message = trimmed(e->message);
  // libxml2 raises one encoding error once per buffer it converts: the same message on the same
  // line is one problem
  if (!c->out->empty()) {
    const Diagnostic& last = c->out->back();
    if (last.code == d.code && last.location.line == d.location.line && last.message == d.message) return;
  }
  c->out->push_back(std::move(d));
}

void id_attributes(void* user, const xmlChar*, const xmlChar*, const xmlChar*, int, const xmlChar**, int nb_attributes, int,
                   const xmlChar** attributes) {
  auto* ids = static_cast<XsdIdValues*>(user);
  for (int i = 0; i < nb_attributes; ++i) {
    const xmlChar** a = attributes + 5 * i;  // local name, prefix, URI, value, value end
    std::string_view prefix = a[1] ? reinterpret_cast<const char*>(a[1]) : "";
    if (ids->counts(reinterpret_cast<const char*>(a[0]), prefix))
      ids->add({reinterpret_cast<const char*>(a[3]), static_cast<std::size_t>(a[4] - a[3])});
  }
}

}  // namespace

// What one check session keeps for one CDA validator: a validation context and a parser (reused
// so their name dictionary and buffers are not rebuilt per document), the ID collector and, when
// the session keeps caches, the shape memo. It keeps the compiled schema alive.
struct CdaCheckContext final : CheckSession::Part {
  std::shared_ptr<CdaValidator::Compiled> compiled;
  xmlSchemaValidCtxtPtr ctx = nullptr;
  xmlParserCtxtPtr parser = nullptr;
  xmlSAXHandler id_handler{};
  XsdIdValues ids;
  std::optional<CdaShapeMemo> memo;
  CdaCheckContext() = default;
  CdaCheckContext(const CdaCheckContext&) = delete;
  CdaCheckContext& operator=(const CdaCheckContext&) = delete;
  ~CdaCheckContext() override {
    if (parser) xmlFreeParserCtxt(parser);
    if (ctx) xmlSchemaFreeValidCtxt(ctx);
  }
  std::size_t cache_bytes() const override { return memo ? memo->bytes() : 0; }
  void clear_caches() override {
    if (memo) memo.emplace(compiled->schema, ids.names);
  }
  void add_stats(CheckSession::Stats& s) const override {
    if (memo) s.cda_hits += memo->hits();
  }
};

namespace {

void count_problem(void* user, xmlErrorPtr e) {
  if (e && e->level != XML_ERR_NONE) ++*static_cast<int*>(user);
}

// The verdict alone, while parsing: the schema validator is plugged into the parser's SAX events
// in place of the tree builder, so no document tree is built (building and freeing the tree
// was a third of the validation time), beside a handler collecting xs:ID values. Same parser
// options as the located check below: no network, no entity expansion. True only when neither
// the parser nor the validator said anything at all and the IDs are unique.
bool valid_streaming(CdaCheckContext& tc, std::string_view xml, const std::string& display_name) {
  int problems = 0;
  xmlParserCtxtPtr p = tc.parser;
  xmlSAXHandlerPtr tree_builder = p->sax;
  void* tree_user = p->userData;
  tc.ids.clear();
  p->sax = &tc.id_handler;
  p->userData = &tc.ids;
  xmlSchemaSAXPlugPtr plug = xmlSchemaSAXPlug(tc.ctx, &p->sax, &p->userData);
  bool ok = false;
  if (plug) {
    xmlSetStructuredErrorFunc(&problems, count_problem);
    xmlSchemaSetValidStructuredErrors(tc.ctx, count_problem, &problems);
    xmlDocPtr doc = xmlCtxtReadMemory(p, xml.data(), static_cast<int>(xml.size()), display_name.c_str(), nullptr,
                                      XML_PARSE_NONET);
    ok = doc == nullptr && p->wellFormed;  // no tree builder: no document
    xmlSchemaSAXUnplug(plug);
    xmlSchemaSetValidStructuredErrors(tc.ctx, nullptr, nullptr);
    xmlSetStructuredErrorFunc(nullptr, nullptr);
    if (doc) xmlFreeDoc(doc);
    ok = ok && problems == 0 && xmlSchemaIsValid(tc.ctx) == 1 && tc.ids.unique();
  }
  p->sax = tree_builder;
  p->userData = tree_user;
  return ok;
}

// After a streaming pass that failed, the session's validation context is replaced: libxml2 leaves
// it in the state of the element where the document failed, which the next document must not see.
void fresh_context(CdaCheckContext& tc) {
  xmlSchemaValidCtxtPtr fresh = xmlSchemaNewValidCtxt(tc.compiled->schema);
  if (!fresh) throw InternalError("CDA validator: libxml2 could not allocate a context");
  xmlSchemaFreeValidCtxt(tc.ctx);
  tc.ctx = fresh;
}

std::unique_ptr<CdaCheckContext> new_context(const std::shared_ptr<CdaValidator::Compiled>& compiled, bool shape_memo) {
  auto tc = std::make_unique<CdaCheckContext>();
  tc->compiled = compiled;
  tc->ctx = xmlSchemaNewValidCtxt(compiled->schema);
  tc->parser = xmlNewParserCtxt();
  if (!tc->ctx || !tc->parser) throw InternalError("CDA validator: libxml2 could not allocate a context");
  tc->id_handler.initialized = XML_SAX2_MAGIC;
  tc->id_handler.startElementNs = id_attributes;
  if (compiled->id_attributes) {
    tc->ids.names = &*compiled->id_attributes;
    if (shape_memo) tc->memo.emplace(compiled->schema, tc->ids.names);
  }
  return tc;
}

}  // namespace

std::string cda_schema_path(const std::string& flag) { return resolve_data_path(DataPath::cda_schema, flag); }

CdaValidator::CdaValidator(const std::string& xsd_path, bool shape_memo)
    : path_(xsd_path),
      compiled_(std::make_shared<Compiled>()),
      shape_memo_(shape_memo),
      own_(std::make_unique<Own>()) {
  xmlInitParser();
  if (!std::filesystem::exists(xsd_path)) throw ConfigError("CDA schema not found: " + xsd_path);
  std::vector<Diagnostic> problems;
  Collect c{&problems, &path_, "NC-CDA-003"};
  // the schema document and its includes/imports are read without network access
  xmlSetStructuredErrorFunc(&c, on_error);
  xmlDocPtr doc = xmlReadFile(xsd_path.c_str(), nullptr, XML_PARSE_NONET);
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  if (!doc)
    throw ConfigError("CDA schema " + xsd_path + " is not well-formed XML" +
                      (problems.empty() ? "" : ": line " + std::to_string(problems.front().location.line) + ": " + problems.front().message));
  xmlSchemaParserCtxtPtr pc = xmlSchemaNewDocParserCtxt(doc);
  xmlSchemaSetParserStructuredErrors(pc, on_error, &c);
  compiled_->schema = xmlSchemaParse(pc);
  xmlSchemaFreeParserCtxt(pc);
  xmlFreeDoc(doc);
  if (!compiled_->schema) {
    std::string why = problems.empty() ? "unknown error" : problems.front().location.to_string() + " " + problems.front().message;
    throw ConfigError("CDA schema " + xsd_path + " does not compile: " + why);
  }
  compiled_->id_attributes = xsd_id_attributes(xsd_path);
}

CdaValidator::~CdaValidator() = default;

// The entry points without a session use the validator's own; a thread that finds it busy
// checks in a session of its own for this call, without caches (same verdicts).
struct CdaValidator::Own {
  std::mutex mu;
  CheckSession session;
};

CdaValidator::MemoStats CdaValidator::memo_stats() const {
  std::lock_guard<std::mutex> lock(own_->mu);
  const CdaCheckContext& tc = context(own_->session);
  if (!tc.memo) return {};
  return {tc.memo->hits(), tc.memo->shape_count(), tc.memo->context_count(), tc.memo->kept_subtree_count(), tc.memo->bytes()};
}

void CdaValidator::clear_memo() const {
  std::lock_guard<std::mutex> lock(own_->mu);
  own_->session.clear();
}

CdaCheckContext& CdaValidator::context(CheckSession& session) const {
  return session.part<CdaCheckContext>(compiled_.get(), [&] { return new_context(compiled_, shape_memo_ && session.options().caches); });
}

std::vector<CheckIssue> CdaValidator::check(CheckSession& session, std::string_view xml, const CheckTarget& target) const {
  std::vector<CheckIssue> out;
  for (auto& d : diagnose(session, xml, target.file)) {
    if (target.errors_only && d.severity != Severity::error) continue;
    CheckIssue c;
    c.severity = d.severity != Severity::error ? CheckSeverity::warning : d.code == "NC-CDA-001" ? CheckSeverity::fatal : CheckSeverity::error;
    c.code = std::move(d.code);
    c.message = std::move(d.message);
    c.location = std::move(d.location);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<Diagnostic> CdaValidator::validate(const std::string& xml, const std::string& display_name) const {
  std::unique_lock<std::mutex> lock(own_->mu, std::try_to_lock);
  if (lock.owns_lock()) return diagnose(own_->session, xml, display_name);
  CheckSession solo(CheckSessionOptions{false});
  return diagnose(solo, xml, display_name);
}

std::vector<Diagnostic> CdaValidator::diagnose(CheckSession& session, std::string_view xml, const std::string& display_name) const {
  CdaCheckContext& tc = context(session);
  if (tc.memo && tc.memo->known_valid(xml)) return {};
  if (tc.ids.names && valid_streaming(tc, xml, display_name)) {
    if (tc.memo) {
      tc.memo->learn();
      session.enforce_limit();
    }
    return {};
  }

  // Something is wrong: parse again into a tree, so that each problem is reported with its line
  // and the XPath of its element (the streaming validator knows neither).
  std::vector<Diagnostic> out;
  xmlParserCtxtPtr pctx = xmlNewParserCtxt();
  if (!pctx) throw InternalError("CDA validator: libxml2 could not allocate a context");
  Collect parse_errors{&out, &display_name, "NC-CDA-001", pctx};
  // no network, no entity expansion: output files are data, never instructions to fetch
  xmlSetStructuredErrorFunc(&parse_errors, on_error);
  xmlDocPtr doc = xmlCtxtReadMemory(pctx, xml.data(), static_cast<int>(xml.size()), display_name.c_str(), nullptr,
                                    XML_PARSE_NONET);
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  xmlFreeParserCtxt(pctx);
  if (!doc) {
    if (out.empty()) out.push_back({Severity::error, "NC-CDA-001", {display_name, 0, 0, ""}, "not well-formed XML", ""});
    return out;
  }
  // A fresh validation context: the session's one was left mid-document by the streaming pass that
  // stopped at the first error, and reusing it reported valid xsi:type values after that error as
  // "QName value 'CD' does not resolve" and "type definition is abstract" (12-41 false errors).
  xmlSchemaValidCtxtPtr located = xmlSchemaNewValidCtxt(compiled_->schema);
  fresh_context(tc);
  if (!located) {
    xmlFreeDoc(doc);
    throw InternalError("CDA validator: libxml2 could not allocate a context");
  }
  Collect schema_errors{&out, &display_name, "NC-CDA-002"};
  xmlSchemaSetValidStructuredErrors(located, on_error, &schema_errors);
  int rc = xmlSchemaValidateDoc(located, doc);
  xmlSchemaFreeValidCtxt(located);
  xmlFreeDoc(doc);
  if (rc != 0 && out.empty())
    out.push_back({Severity::error, "NC-CDA-002", {display_name, 0, 0, ""}, "schema validation failed", ""});
  return out;
}

}  // namespace netconv
