#include "serve/request.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace netconv::serve {

Route route_of(std::string_view target) {
  auto path = target.substr(0, target.find('?'));
  if (path == "/convert") return Route::convert;
  if (path == "/validate") return Route::validate;
  if (path == "/healthz") return Route::healthz;
  if (path == "/metrics") return Route::metrics;
  return Route::other;
}

const char* route_name(Route r) {
  switch (r) {
    case Route::convert: return "convert";
    case Route::validate: return "validate";
    case Route::healthz: return "healthz";
    case Route::metrics: return "metrics";
    case Route::other: break;
  }
  return "other";
}

// Any other path is not logged: a client could put anything in it.
const char* route_path(Route r) {
  switch (r) {
    case Route::convert: return "/convert";
    case Route::validate: return "/validate";
    case Route::healthz: return "/healthz";
    case Route::metrics: return "/metrics";
    case Route::other: break;
  }
  return "-";
}

Method allowed_method(Route r) { return r == Route::convert || r == Route::validate ? Method::post : Method::get; }

bool needs_admission(Route r) { return r == Route::convert || r == Route::validate; }

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') out += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else out += s[i];
  }
  return out;
}

void set_param(RouteRequest& rq, const std::string& name, const std::string& value) {
  const bool convert = rq.route == Route::convert;
  if (convert && name == "from") rq.from = value;
  else if (convert && name == "to") rq.to = value;
  else if (convert && name == "format") {
    if (value != "ndjson" && value != "json") throw RequestError("format must be json or ndjson");
    rq.ndjson = value == "ndjson";
  } else if (!convert && name == "kind") rq.kind = value;
  else throw RequestError("unknown query parameter (" + std::string(convert ? "from, to, format" : "kind") + " are known)");
}

}  // namespace

RouteRequest parse_route_request(Route route, std::string_view target, std::string_view accept) {
  RouteRequest rq;
  rq.route = route;
  rq.ndjson = accept.find("application/fhir+ndjson") != std::string_view::npos ||
              accept.find("application/x-ndjson") != std::string_view::npos;
  auto q = target.find('?');
  std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
  std::set<std::string> seen;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string name = percent_decode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
    if (!seen.insert(name).second) throw RequestError("a query parameter is given twice");
    set_param(rq, name, value);
  }
  if (route == Route::validate && rq.kind.empty()) throw RequestError("kind is required (fhir or cda)");
  return rq;
}

Reply answer(const Conversions& engine, Metrics& metrics, const RouteRequest& rq, std::uint64_t max_records) {
  try {
    if (rq.route == Route::validate) return validation_reply(engine.validate(rq.body, rq.kind));
    auto result = engine.convert({rq.body, rq.from, rq.to, max_records});
    metrics.records(result.read, result.converted, result.rejected, result.skipped);
    return conversion_reply(result, rq.to, rq.ndjson);
  } catch (const RequestError& e) {
    return error_reply(400, "NC-SRV-003", "invalid", e.what());
  } catch (const std::exception&) {
    // the message could quote the body; the reply and the log say only that it failed
    return error_reply(500, "NC-SRV-008", "exception", "internal error (please report it)");
  }
}

Reply health_reply(const Conversions& engine, bool draining) {
  nlohmann::ordered_json j;
  j["status"] = draining ? "draining" : "ok";
  j["version"] = NETCONV_VERSION;
  j["inputs"] = engine.input_formats();
  j["outputs"] = engine.output_formats();
  Reply r;
  r.status = draining ? 503 : 200;
  r.body = j.dump();
  return r;
}

}  // namespace netconv::serve
