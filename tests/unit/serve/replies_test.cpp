// The service's routes, query parsing, reply shapes and metrics text, without a socket (the
// loopback tests in tests/serve/ run the server itself).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "serve/metrics.hpp"
#include "serve/request.hpp"
#include "serve/responses.hpp"

using namespace netconv::serve;

namespace {

ConversionResult two_patients_one_reject() {
  ConversionResult r;
  r.patients = {{R"({"resourceType":"Patient","id":"a"})", R"({"resourceType":"Condition","id":"c"})"},
                {R"({"resourceType":"Patient","id":"b"})"}};
  r.rejects = {{"P3/1", 4, {{"error", "NC-CODE-002", "histology", "", "histology is not an ICD-O-3 morphology code", 4, 42}}}};
  r.read = 4;
  r.converted = 3;
  r.rejected = 1;
  return r;
}

std::string header(const Reply& r, const std::string& name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return "";
}

}  // namespace

TEST(ServeRoutes, PathDecidesTheRouteAndQueryIsIgnored) {
  EXPECT_EQ(route_of("/convert?from=csv"), Route::convert);
  EXPECT_EQ(route_of("/validate"), Route::validate);
  EXPECT_EQ(route_of("/convertx"), Route::other);
  EXPECT_EQ(route_of("/metrics/"), Route::other);
  EXPECT_STREQ(route_path(Route::other), "-");  // an unknown path is never logged
}

TEST(ServeRoutes, QueryParametersAreCheckedStrictly) {
  auto rq = parse_route_request(Route::convert, "/convert?from=naaccr%2Dxml&to=cda&format=ndjson", "");
  EXPECT_EQ(rq.from, "naaccr-xml");
  EXPECT_EQ(rq.to, "cda");
  EXPECT_TRUE(rq.ndjson);
  EXPECT_EQ(parse_route_request(Route::convert, "/convert", "").to, "fhir");
  EXPECT_TRUE(parse_route_request(Route::convert, "/convert", "application/fhir+ndjson").ndjson);
  EXPECT_THROW(parse_route_request(Route::convert, "/convert?form=csv", ""), RequestError);
  EXPECT_THROW(parse_route_request(Route::convert, "/convert?to=fhir&to=cda", ""), RequestError);
  EXPECT_THROW(parse_route_request(Route::convert, "/convert?format=xml", ""), RequestError);
  EXPECT_THROW(parse_route_request(Route::convert, "/convert?kind=fhir", ""), RequestError);
  EXPECT_THROW(parse_route_request(Route::validate, "/validate", ""), RequestError);
  EXPECT_EQ(parse_route_request(Route::validate, "/validate?kind=cda", "").kind, "cda");
}

TEST(ServeReplies, FhirBundleHoldsResourcesThenOneOutcomePerReject) {
  auto r = conversion_reply(two_patients_one_reject(), "fhir", false);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "application/fhir+json");
  EXPECT_EQ(header(r, "X-Netconv-Rejected"), "1");
  auto b = nlohmann::json::parse(r.body);
  EXPECT_EQ(b["type"], "collection");
  ASSERT_EQ(b["entry"].size(), 4u);
  EXPECT_EQ(b["entry"][2]["resource"]["id"], "b");
  const auto& outcome = b["entry"][3]["resource"];
  EXPECT_EQ(outcome["resourceType"], "OperationOutcome");
  EXPECT_EQ(outcome["extension"][0]["valueString"], "P3/1");
  EXPECT_EQ(outcome["issue"][0]["details"]["coding"][0]["code"], "NC-CODE-002");
  EXPECT_EQ(outcome["issue"][0]["diagnostics"], "line 4, column 42, field histology");
}

TEST(ServeReplies, FhirNdjsonIsOneBundlePerPatientThenRejects) {
  auto r = conversion_reply(two_patients_one_reject(), "fhir", true);
  EXPECT_EQ(r.content_type, "application/fhir+ndjson");
  std::vector<nlohmann::json> lines;
  std::size_t pos = 0;
  for (auto nl = r.body.find('\n'); nl != std::string::npos; pos = nl + 1, nl = r.body.find('\n', pos))
    lines.push_back(nlohmann::json::parse(r.body.substr(pos, nl - pos)));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["entry"].size(), 2u);
  EXPECT_EQ(lines[1]["entry"][0]["resource"]["id"], "b");
  EXPECT_EQ(lines[2]["resourceType"], "OperationOutcome");
}

TEST(ServeReplies, OneCdaDocumentAloneOtherwiseMultipartWithABoundaryNoPartHolds) {
  ConversionResult one;
  one.patients = {{"<ClinicalDocument/>"}};
  auto r = conversion_reply(one, "cda", false);
  EXPECT_EQ(r.content_type, "application/xml");
  EXPECT_EQ(r.body, "<ClinicalDocument/>");
  ConversionResult clash;
  clash.patients = {{"<a>netconv-part-boundary-0</a>"}, {"<b/>"}};
  r = conversion_reply(clash, "cda", false);
  EXPECT_EQ(r.content_type, "multipart/mixed; boundary=netconv-part-boundary-1");
  EXPECT_NE(r.body.find("--netconv-part-boundary-1\r\nContent-Type: application/xml\r\n\r\n<b/>\r\n"), std::string::npos);
  EXPECT_TRUE(r.body.ends_with("\r\n--netconv-part-boundary-1--\r\n"));
}

TEST(ServeReplies, LimitsAndUnreadableInputAreOutcomes) {
  ConversionResult many;
  many.too_many_records = true;
  EXPECT_EQ(conversion_reply(many, "fhir", false).status, 413u);
  ConversionResult broken;
  broken.input_failed = true;
  broken.input_errors = {{"error", "NC-CSV-009", "", "", "no patient_id column", 1, 0}};
  auto r = conversion_reply(broken, "fhir", false);
  EXPECT_EQ(r.status, 422u);
  EXPECT_EQ(nlohmann::json::parse(r.body)["issue"][0]["details"]["coding"][0]["code"], "NC-CSV-009");
}

TEST(ServeMetrics, HistogramBucketsAreCumulative) {
  Metrics m;
  m.request_done("convert", 200, 0.003);
  m.request_done("convert", 200, 20);
  m.request_done("convert", 503, 0.0001);
  auto text = m.render();
  EXPECT_NE(text.find("netconv_http_requests_total{endpoint=\"convert\",code=\"200\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("netconv_http_request_duration_seconds_bucket{endpoint=\"convert\",le=\"0.001\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("netconv_http_request_duration_seconds_bucket{endpoint=\"convert\",le=\"0.005\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("netconv_http_request_duration_seconds_bucket{endpoint=\"convert\",le=\"10\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("netconv_http_request_duration_seconds_bucket{endpoint=\"convert\",le=\"+Inf\"} 3\n"), std::string::npos);
}
