#include "serve/responses.hpp"

#include <nlohmann/json.hpp>

namespace netconv::serve {

namespace {

using ojson = nlohmann::ordered_json;

// FHIR's issue severities are fatal | error | warning | information; netconv's "note" is information.
std::string fhir_severity(const std::string& s) { return s == "note" ? "information" : s; }

std::string where_text(const Issue& i) {
  std::string s;
  if (i.line) s = "line " + std::to_string(i.line);
  if (i.line && i.column) s += ", column " + std::to_string(i.column);
  if (!i.field.empty()) s += (s.empty() ? "" : ", ") + std::string("field ") + i.field;
  if (!i.rule.empty()) s += (s.empty() ? "" : ", ") + std::string("rule ") + i.rule;
  return s;
}

ojson issue_json(const Issue& i, const std::string& fhir_code) {
  ojson j;
  j["severity"] = fhir_severity(i.severity);
  j["code"] = fhir_code;
  ojson details;
  if (!i.code.empty()) details["coding"] = ojson::array({{{"system", kCodeSystem}, {"code", i.code}}});
  details["text"] = i.message;
  j["details"] = std::move(details);
  if (auto where = where_text(i); !where.empty()) j["diagnostics"] = where;
  return j;
}

std::string outcome(const std::vector<Issue>& issues, const std::string& fhir_code) {
  ojson o;
  o["resourceType"] = "OperationOutcome";
  o["issue"] = ojson::array();
  for (const auto& i : issues) o["issue"].push_back(issue_json(i, fhir_code));
  return o.dump();
}

void add_counts(Reply& r, const ConversionResult& c) {
  r.headers.emplace_back("X-Netconv-Read", std::to_string(c.read));
  r.headers.emplace_back("X-Netconv-Converted", std::to_string(c.converted));
  r.headers.emplace_back("X-Netconv-Rejected", std::to_string(c.rejected));
  r.headers.emplace_back("X-Netconv-Skipped", std::to_string(c.skipped));
}

// Resources are embedded as the writer made them: they are already valid compact JSON.
void append_entries(std::string& out, const std::vector<std::string>& resources, bool& first) {
  for (const auto& res : resources) {
    out += first ? "{\"resource\":" : ",{\"resource\":";
    out += res;
    out += '}';
    first = false;
  }
}

std::string bundle_begin() { return R"({"resourceType":"Bundle","type":"collection","entry":[)"; }

Reply fhir_reply(const ConversionResult& c, bool ndjson) {
  Reply r;
  if (ndjson) {
    r.content_type = "application/fhir+ndjson";
    for (const auto& p : c.patients) {
      bool first = true;
      r.body += bundle_begin();
      append_entries(r.body, p, first);
      r.body += "]}\n";
    }
    for (const auto& rej : c.rejects) r.body += reject_outcome(rej) + "\n";
    return r;
  }
  r.content_type = "application/fhir+json";
  bool first = true;
  r.body = bundle_begin();
  for (const auto& p : c.patients) append_entries(r.body, p, first);
  std::vector<std::string> outcomes;
  for (const auto& rej : c.rejects) outcomes.push_back(reject_outcome(rej));
  append_entries(r.body, outcomes, first);
  r.body += "]}";
  return r;
}

// A boundary no part contains (parts hold the caller's data, so a fixed string alone could clash).
std::string boundary_for(const std::vector<std::string>& parts) {
  for (unsigned n = 0;; ++n) {
    std::string b = "netconv-part-boundary-" + std::to_string(n);
    bool clash = false;
    for (const auto& p : parts) clash = clash || p.find(b) != std::string::npos;
    if (!clash) return b;
  }
}

Reply document_reply(const ConversionResult& c) {
  Reply r;
  std::vector<std::string> docs, outcomes;
  for (const auto& p : c.patients) docs.insert(docs.end(), p.begin(), p.end());
  if (docs.size() == 1 && c.rejects.empty()) {
    r.content_type = "application/xml";
    r.body = std::move(docs.front());
    return r;
  }
  for (const auto& rej : c.rejects) outcomes.push_back(reject_outcome(rej));
  std::vector<std::string> all = docs;
  all.insert(all.end(), outcomes.begin(), outcomes.end());
  const std::string b = boundary_for(all);
  r.content_type = "multipart/mixed; boundary=" + b;
  for (std::size_t i = 0; i < all.size(); ++i) {
    r.body += "--" + b + "\r\nContent-Type: " + (i < docs.size() ? "application/xml" : "application/fhir+json") + "\r\n\r\n";
    r.body += all[i];
    r.body += "\r\n";
  }
  r.body += "--" + b + "--\r\n";
  return r;
}

}  // namespace

Reply error_reply(unsigned status, const std::string& nc_code, const std::string& fhir_code, const std::string& message) {
  Reply r;
  r.status = status;
  r.content_type = "application/fhir+json";
  r.body = outcome({Issue{"error", nc_code, "", "", message, 0, 0}}, fhir_code);
  return r;
}

std::string reject_outcome(const RejectedRecord& rej) {
  ojson o;
  o["resourceType"] = "OperationOutcome";
  o["extension"] = ojson::array({{{"url", "urn:netconv:rejected-record"}, {"valueString", rej.record_key}},
                                 {{"url", "urn:netconv:input-line"}, {"valueUnsignedInt", rej.line}}});
  o["issue"] = ojson::array();
  for (const auto& i : rej.reasons) o["issue"].push_back(issue_json(i, "invalid"));
  return o.dump();
}

Reply conversion_reply(const ConversionResult& c, const std::string& to, bool ndjson) {
  Reply r;
  if (c.too_many_records) {
    r = error_reply(413, "NC-SRV-002", "too-costly", "the request holds more records than --max-records allows");
  } else if (c.input_failed) {
    r.status = 422;
    r.content_type = "application/fhir+json";
    r.body = outcome(c.input_errors, "invalid");
  } else {
    r = to == "fhir" ? fhir_reply(c, ndjson) : document_reply(c);
  }
  add_counts(r, c);
  return r;
}

Reply validation_reply(const ValidationResult& v) {
  Reply r;
  r.content_type = "application/fhir+json";
  if (v.issues.empty()) {
    r.body = outcome({Issue{"information", "", "", "", "valid", 0, 0}}, "informational");
  } else {
    ojson o;
    o["resourceType"] = "OperationOutcome";
    o["issue"] = ojson::array();
    for (const auto& i : v.issues) o["issue"].push_back(issue_json(i, i.severity == "warning" ? "business-rule" : "invalid"));
    r.body = o.dump();
  }
  r.headers.emplace_back("X-Netconv-Valid", v.valid() ? "true" : "false");
  return r;
}

}  // namespace netconv::serve
