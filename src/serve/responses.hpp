// HTTP response bodies of the service, as plain data (no socket, no Beast): what /convert,
// /validate and the error answers send. Pure functions, so their shapes are unit-tested and the
// README's examples stay true. The shapes are documented in README "Service".
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "serve/conversions.hpp"

namespace netconv::serve {

struct Reply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond Content-Type/Length
};

// The system of the NC-* codes in OperationOutcome.issue.details.coding.
inline constexpr const char* kCodeSystem = "urn:netconv:diagnostic-code";

// A service-level failure (bad parameter, limit, busy, internal) as one OperationOutcome issue.
// `fhir_code`: the issue type (invalid, too-costly, transient, not-found, exception, ...).
Reply error_reply(unsigned status, const std::string& nc_code, const std::string& fhir_code, const std::string& message);

// to=fhir: one Bundle (type collection) of every converted patient's resources, then one
// OperationOutcome per rejected record; `ndjson`: one line per patient (a collection Bundle of its
// resources), then one line per rejected record's OperationOutcome (application/fhir+ndjson).
// Other outputs (cda): one document alone as application/xml when nothing was rejected,
// otherwise multipart/mixed of documents and rejects. Counts go in X-Netconv-* headers.
Reply conversion_reply(const ConversionResult& r, const std::string& to, bool ndjson);

// The OperationOutcome of one rejected record: its key and input line as extensions, an issue
// per reason.
std::string reject_outcome(const RejectedRecord& r);

// /validate: 200 with an OperationOutcome of every issue (or one "information" issue saying it is
// valid); X-Netconv-Valid says true/false.
Reply validation_reply(const ValidationResult& v);

}  // namespace netconv::serve
