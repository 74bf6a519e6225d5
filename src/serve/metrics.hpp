// The service's counters in Prometheus text exposition format 0.0.4 (GET /metrics). Labels are
// drawn from a fixed set (endpoint names, status codes), never from request data, so the series
// stay few. Thread-safe.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace netconv::serve {

class Metrics {
 public:
  // Upper bounds of the latency histogram's buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 13> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                      0.25,  0.5,    1,     2.5,  5,    10};

  // One answered request: `endpoint` is one of the fixed route names ("convert", "other", ...).
  void request_done(const std::string& endpoint, unsigned status, double seconds);
  void records(std::uint64_t read, std::uint64_t converted, std::uint64_t rejected, std::uint64_t skipped);
  void in_flight(int delta);
  void connection_dropped();  // timed out or broken before a reply was sent
  std::string render() const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> counts{};  // not cumulative; summed when rendered
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, unsigned>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::uint64_t read_ = 0, converted_ = 0, rejected_ = 0, skipped_ = 0, dropped_ = 0;
  long in_flight_ = 0;
};

}  // namespace netconv::serve
