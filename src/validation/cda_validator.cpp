#include "validation/cda_validator.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <utility>

#include "core/errors.hpp"

namespace netconv {

struct CdaValidator::Compiled {
  xmlSchemaPtr schema = nullptr;
  ~Compiled() {
    if (schema) xmlSchemaFree(schema);
  }
};

namespace {

std::atomic<std::uint64_t> next_serial{1};

struct Collect {
  std::vector<Diagnostic>* out;
  const std::string* file;
  const char* code;
};

std::string trimmed(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
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
  d.message = trimmed(e->message);
  c->out->push_back(std::move(d));
}

// One validation context per thread and validator; it keeps the compiled schema alive.
struct ThreadContext {
  std::uint64_t serial = 0;
  std::shared_ptr<CdaValidator::Compiled> compiled;
  xmlSchemaValidCtxtPtr ctx = nullptr;
  ~ThreadContext() {
    if (ctx) xmlSchemaFreeValidCtxt(ctx);
  }
};

}  // namespace

std::string cda_schema_path(const std::string& flag) {
  namespace fs = std::filesystem;
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("NETCONV_CDA_SCHEMA"); env && *env) return env;
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto cand = exe.parent_path().parent_path() / "share/netconv/schemas/cda/netconv-ccda.xsd";
    if (fs::exists(cand, ec)) return cand.string();
  }
  return std::string(NETCONV_SOURCE_DIR) + "/schemas/cda/netconv-ccda.xsd";
}

CdaValidator::CdaValidator(const std::string& xsd_path)
    : path_(xsd_path), compiled_(std::make_shared<Compiled>()), serial_(next_serial++) {
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
}

CdaValidator::~CdaValidator() = default;

std::vector<Diagnostic> CdaValidator::validate(const std::string& xml, const std::string& display_name) const {
  thread_local std::vector<ThreadContext> contexts;
  ThreadContext* tc = nullptr;
  for (auto& t : contexts)
    if (t.serial == serial_) tc = &t;
  if (!tc) {
    contexts.emplace_back();
    tc = &contexts.back();
    tc->serial = serial_;
    tc->compiled = compiled_;
    tc->ctx = xmlSchemaNewValidCtxt(compiled_->schema);
    if (!tc->ctx) throw std::runtime_error("CDA validator: out of memory");
  }

  std::vector<Diagnostic> out;
  Collect parse_errors{&out, &display_name, "NC-CDA-001"};
  xmlParserCtxtPtr pctx = xmlNewParserCtxt();
  if (!pctx) throw std::runtime_error("CDA validator: out of memory");
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
  Collect schema_errors{&out, &display_name, "NC-CDA-002"};
  xmlSchemaSetValidStructuredErrors(tc->ctx, on_error, &schema_errors);
  int rc = xmlSchemaValidateDoc(tc->ctx, doc);
  xmlSchemaSetValidStructuredErrors(tc->ctx, nullptr, nullptr);
  xmlFreeDoc(doc);
  if (rc != 0 && out.empty())
    out.push_back({Severity::error, "NC-CDA-002", {display_name, 0, 0, ""}, "schema validation failed", ""});
  return out;
}

}  // namespace netconv
