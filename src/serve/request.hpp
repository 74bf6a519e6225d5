// The service's routes and what a request asks for, independent of the HTTP library: which
// endpoint a target names, its query parameters (checked strictly, so a typo is a 400 rather than
// a silently different conversion), and the answer computed on a worker thread.
#pragma once
#include <string>
#include <string_view>

#include "serve/conversions.hpp"
#include "serve/metrics.hpp"
#include "serve/responses.hpp"

namespace netconv::serve {

enum class Route { convert, validate, healthz, metrics, other };
enum class Method { get, post };

Route route_of(std::string_view target);  // by the path; the query is ignored
const char* route_name(Route r);          // metrics label: convert, validate, healthz, metrics, other
const char* route_path(Route r);          // access log: /convert, ... and "-" for any other path
Method allowed_method(Route r);
bool needs_admission(Route r);  // counted against --max-concurrent (the ones that convert or validate)

struct RouteRequest {
  Route route = Route::other;
  std::string from, to = "fhir", kind;
  bool ndjson = false;  // format=ndjson or Accept: application/fhir+ndjson
  std::string body;
};

// Throws RequestError for an unknown parameter, a repeated one, or a bad value of format.
RouteRequest parse_route_request(Route route, std::string_view target, std::string_view accept);

// /convert and /validate, on a worker thread: never throws (an engine failure is a 500 reply).
Reply answer(const Conversions& engine, Metrics& metrics, const RouteRequest& rq, std::uint64_t max_records);

Reply health_reply(const Conversions& engine, bool draining);

}  // namespace netconv::serve
