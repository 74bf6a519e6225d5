#include "serve/metrics.hpp"

#include <cstdio>
#include <sstream>

namespace netconv::serve {

void Metrics::request_done(const std::string& endpoint, unsigned status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{endpoint, status}];
  auto& h = latency_[endpoint];
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) {
      ++h.counts[i];
      break;
    }
  ++h.count;
  h.sum += seconds;
}

void Metrics::records(std::uint64_t read, std::uint64_t converted, std::uint64_t rejected, std::uint64_t skipped) {
  std::lock_guard lock(mu_);
  read_ += read;
  converted_ += converted;
  rejected_ += rejected;
  skipped_ += skipped;
}

void Metrics::in_flight(int delta) {
  std::lock_guard lock(mu_);
  in_flight_ += delta;
}

void Metrics::connection_dropped() {
  std::lock_guard lock(mu_);
  ++dropped_;
}

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

void counter(std::ostream& out, const char* name, const char* help, std::uint64_t v) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " counter\n" << name << ' ' << v << '\n';
}

}  // namespace

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  std::ostringstream out;
  out << "# HELP netconv_http_requests_total HTTP requests answered, by endpoint and status code.\n"
         "# TYPE netconv_http_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    out << "netconv_http_requests_total{endpoint=\"" << key.first << "\",code=\"" << key.second << "\"} " << n << '\n';
  out << "# HELP netconv_http_request_duration_seconds Time from a request's header read to its reply written.\n"
         "# TYPE netconv_http_request_duration_seconds histogram\n";
  for (const auto& [endpoint, h] : latency_) {
    std::uint64_t cumulative = 0;
    const std::string label = "netconv_http_request_duration_seconds_bucket{endpoint=\"" + endpoint + "\",le=\"";
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.counts[i];
      out << label << number(kBuckets[i]) << "\"} " << cumulative << '\n';
    }
    out << label << "+Inf\"} " << h.count << '\n';
    out << "netconv_http_request_duration_seconds_sum{endpoint=\"" << endpoint << "\"} " << number(h.sum) << '\n';
    out << "netconv_http_request_duration_seconds_count{endpoint=\"" << endpoint << "\"} " << h.count << '\n';
  }
  counter(out, "netconv_records_read_total", "Records read from /convert request bodies.", read_);
  counter(out, "netconv_records_converted_total", "Records converted.", converted_);
  counter(out, "netconv_records_rejected_total", "Records rejected (an OperationOutcome each in the reply).", rejected_);
  counter(out, "netconv_records_skipped_total", "Records skipped (out of scope).", skipped_);
  counter(out, "netconv_http_connections_dropped_total", "Connections closed for a timeout or a broken read before a reply.", dropped_);
  out << "# HELP netconv_http_requests_in_flight Requests admitted and not yet answered.\n"
         "# TYPE netconv_http_requests_in_flight gauge\nnetconv_http_requests_in_flight " << in_flight_ << '\n';
  return out.str();
}

}  // namespace netconv::serve
