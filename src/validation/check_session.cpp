#include "validation/checker.hpp"

#include <utility>

namespace netconv {

const char* to_string(CheckSeverity s) {
  switch (s) {
    case CheckSeverity::fatal: return "fatal";
    case CheckSeverity::error: return "error";
    case CheckSeverity::warning: return "warning";
  }
  return "error";
}

Diagnostic CheckIssue::diagnostic() const {
  Diagnostic d;
  d.severity = severity == CheckSeverity::warning ? Severity::warning : Severity::error;
  d.code = code;
  d.location = location;
  d.message = rule.empty() ? message : rule + ": " + message;
  return d;
}

// Parts are few (one per checker used with the session): a vector searched linearly beats a map.
struct CheckSession::State {
  CheckSessionOptions options;
  std::vector<std::pair<const void*, std::unique_ptr<Part>>> parts;
  std::uint64_t resets = 0;
};

CheckSession::CheckSession(CheckSessionOptions options) : s_(std::make_unique<State>()) { s_->options = options; }
CheckSession::~CheckSession() = default;
CheckSession::CheckSession(CheckSession&&) noexcept = default;
CheckSession& CheckSession::operator=(CheckSession&&) noexcept = default;

const CheckSessionOptions& CheckSession::options() const { return s_->options; }

CheckSession::Stats CheckSession::stats() const {
  Stats s;
  for (const auto& [checker, part] : s_->parts) {
    part->add_stats(s);
    s.cache_bytes += part->cache_bytes();
  }
  s.resets = s_->resets;
  return s;
}

void CheckSession::clear() {
  for (auto& [checker, part] : s_->parts) part->clear_caches();
}

void CheckSession::enforce_limit() {
  std::size_t total = 0;
  for (const auto& [checker, part] : s_->parts) total += part->cache_bytes();
  if (total <= s_->options.memory_limit) return;
  clear();
  ++s_->resets;
}

CheckSession::Part* CheckSession::find(const void* checker) const {
  for (const auto& [c, part] : s_->parts)
    if (c == checker) return part.get();
  return nullptr;
}

CheckSession::Part& CheckSession::add(const void* checker, std::unique_ptr<Part> part) {
  s_->parts.emplace_back(checker, std::move(part));
  return *s_->parts.back().second;
}

CheckSessionPool::Lease CheckSessionPool::borrow() {
  std::unique_ptr<CheckSession> s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      s = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!s) s = std::make_unique<CheckSession>(options_);
  return Lease(*this, std::move(s));
}

void CheckSessionPool::give_back(std::unique_ptr<CheckSession> s) {
  if (!s) return;
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(s));
}

CheckSession::Stats CheckSessionPool::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  CheckSession::Stats total;
  for (const auto& s : idle_) {
    const auto x = s->stats();
    total.fhir_hits += x.fhir_hits;
    total.fhir_misses += x.fhir_misses;
    total.fhir_byte_hits += x.fhir_byte_hits;
    total.cda_hits += x.cda_hits;
    total.resets += x.resets;
    total.cache_bytes += x.cache_bytes;
  }
  return total;
}

}  // namespace netconv
