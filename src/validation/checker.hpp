// The one seam for checking an output: every format's validator is a Checker, every check runs in
// a CheckSession, and every problem comes back as a CheckIssue, whatever the format.
//
// A Checker is immutable once loaded (compiled definitions, a compiled schema) and shared by all
// workers. Everything a check learns or reuses — result caches, byte templates, the CDA shape
// memo, parse trees, scratch buffers, libxml2 parser and validation contexts — belongs to the
// CheckSession the caller passes in. A session is used by one thread at a time (one per worker);
// the caller owns it, so a long-running process bounds, clears or drops it when it likes.
//
//   CheckSession session;                        // one per worker, created by the pipeline
//   for (const auto& i : fhir.check(session, json, {"fhir/Condition.ndjson"}))
//     sink.report(i.diagnostic());
//
// Caches never change a verdict: a session without caches (`caches = false`, what
// --no-validation-cache asks for) gives the same issues, only slower. When what the caches hold
// goes over `memory_limit`, they are dropped and start again; results stay the same.
//
// Contract: a session must not outlive the checkers it was used with (it keeps per-checker state
// keyed by the checker's compiled definitions, which the state may point into).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.hpp"

namespace netconv {

// fatal: the output could not be checked at all (not well-formed JSON or XML); error: it breaks
// a rule and must not be written; warning: worth telling, not a reason to reject.
enum class CheckSeverity : std::uint8_t { fatal, error, warning };
const char* to_string(CheckSeverity s);

// One problem of one output, in the spirit of an error reporter's entry: severity, a stable code
// from the README's table, the rule broken, a message that never quotes the data, and where.
struct CheckIssue {
  CheckSeverity severity = CheckSeverity::error;
  std::string code;     // NC-OUT-001 (FHIR), NC-CDA-001 (not well-formed), NC-CDA-002 (schema)
  std::string rule;     // FHIR: unknown-element, type, cardinality, binding, con-4, json...; CDA: empty
  std::string message;  // human-readable, without the rule
  Location location;    // file: the output's name; line (0 = unknown); field: JSON path or XPath

  bool is_error() const { return severity != CheckSeverity::warning; }
  // The same problem on the diagnostics channel: fatal and error become Severity::error, the
  // message is prefixed with the rule when there is one.
  Diagnostic diagnostic() const;
};

// What one check is asked for.
struct CheckTarget {
  std::string file;          // names the output in the issues' location
  bool errors_only = false;  // only fatal and error issues, and FHIR ones without lines (what a
                             // converter needs to reject an output; cheaper)
  std::string profile;       // FHIR: also check against this profile (a known one on its type)
};

struct CheckSessionOptions {
  // The result cache, byte templates and CDA shape memo; off = every output checked in full.
  bool caches = true;
  // Bytes the session's caches may hold together; beyond it they are dropped and start again.
  std::size_t memory_limit = 64u << 20;
};

class CheckSession {
 public:
  explicit CheckSession(CheckSessionOptions options = {});
  ~CheckSession();
  CheckSession(CheckSession&&) noexcept;
  CheckSession& operator=(CheckSession&&) noexcept;
  CheckSession(const CheckSession&) = delete;
  CheckSession& operator=(const CheckSession&) = delete;

  const CheckSessionOptions& options() const;

  struct Stats {
    std::uint64_t fhir_hits = 0, fhir_misses = 0;  // FHIR checks answered by the result cache / not
    std::uint64_t fhir_byte_hits = 0;              // of the hits, answered from the bytes alone
    std::uint64_t cda_hits = 0;                    // CDA documents answered by the shape memo
    std::uint64_t resets = 0;                      // times the caches went over the limit and were dropped
    std::size_t cache_bytes = 0;                   // what the caches hold now, roughly
  };
  Stats stats() const;
  // Forgets everything learned (tests and fuzzing start from a known state); counters stay.
  void clear();

  // For checkers: the state one checker keeps in this session, made on its first check. `checker`
  // identifies it: an address that stays the same for the checker's life (its compiled rules).
  class Part {
   public:
    virtual ~Part() = default;
    virtual std::size_t cache_bytes() const = 0;  // counted against the memory limit
    virtual void clear_caches() = 0;              // what clear() and the limit do to it
    virtual void add_stats(Stats& s) const = 0;
  };
  template <class T, class Make>
  T& part(const void* checker, Make&& make) {
    if (Part* p = find(checker)) return static_cast<T&>(*p);
    return static_cast<T&>(add(checker, make()));
  }
  // Called by a checker after each check: drops every cache when together they hold more than
  // the limit.
  void enforce_limit();

 private:
  Part* find(const void* checker) const;
  Part& add(const void* checker, std::unique_ptr<Part> part);
  struct State;
  std::unique_ptr<State> s_;
};

// Sessions for workers that do not know which worker they are (a task pool): a task borrows one
// and gives it back when done, so there are never more sessions than tasks that ran at once.
// Which session a task gets changes no verdict.
class CheckSessionPool {
 public:
  explicit CheckSessionPool(CheckSessionOptions options = {}) : options_(options) {}
  class Lease {
   public:
    Lease(CheckSessionPool& pool, std::unique_ptr<CheckSession> s) : pool_(pool), s_(std::move(s)) {}
    ~Lease() { pool_.give_back(std::move(s_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    CheckSession& operator*() const { return *s_; }
    CheckSession* operator->() const { return s_.get(); }

   private:
    CheckSessionPool& pool_;
    std::unique_ptr<CheckSession> s_;
  };
  Lease borrow();
  // Counters of every session given back so far, added up.
  CheckSession::Stats stats() const;

 private:
  void give_back(std::unique_ptr<CheckSession> s);
  CheckSessionOptions options_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<CheckSession>> idle_;
};

// A validator of one output format.
class Checker {
 public:
  virtual ~Checker() = default;
  // The media of the outputs it checks, as writers name them: "fhir-json", "cda-xml".
  virtual std::string_view media() const = 0;
  // The problems of one output (a FHIR resource; a CDA document or section file); empty = valid.
  // Thread-safe for distinct sessions. Throws InternalError when the check itself fails.
  virtual std::vector<CheckIssue> check(CheckSession& session, std::string_view bytes, const CheckTarget& target) const = 0;
};

}  // namespace netconv
