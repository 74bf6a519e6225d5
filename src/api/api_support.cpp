// The public API's small parts: its error type and how internal exceptions become it, the Sink's
// default callbacks, the version, and check_mappings().
#include <filesystem>
#include <new>

#include "api/engine_impl.hpp"
#include "core/errors.hpp"

namespace netconv {

const char* library_version() noexcept { return NETCONV_VERSION; }

Error::Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
Error::~Error() = default;

int Error::exit_code() const noexcept {
  switch (kind_) {
    case ErrorKind::config:
    case ErrorKind::limit: return kExitUsage;
    case ErrorKind::io: return kExitIo;
    case ErrorKind::internal: break;
  }
  return kExitInternal;
}

Sink::~Sink() = default;
void Sink::on_fhir(std::string_view, std::string_view, std::string_view) {}
void Sink::on_cda(std::string_view, std::string_view, std::string_view) {}
void Sink::on_reject(const RejectedRecord&) {}
void Sink::on_diagnostic(const Issue&) {}

void rethrow_as_error() {
  try {
    throw;
  } catch (const Error&) {
    throw;
  } catch (const SinkThrew& s) {
    std::rethrow_exception(s.error);  // the caller's own exception, as it threw it
  } catch (const std::bad_alloc&) {
    throw Error(ErrorKind::internal, "out of memory");
  } catch (const std::exception& e) {
    const auto kind = exit_for(e).code == kExitUsage ? ErrorKind::config
                      : exit_for(e).code == kExitIo  ? ErrorKind::io
                                                     : ErrorKind::internal;
    throw Error(kind, e.what());
  } catch (...) {
    throw Error(ErrorKind::internal, "unknown exception");
  }
}

std::vector<Issue> check_mappings(const std::string& dir) {
  return translate_errors([&] {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) throw IoError("mapping tables folder " + dir + " cannot be read");
    std::vector<Diagnostic> problems;
    MappingSet::load(dir, problems);
    std::vector<Issue> out;
    for (const auto& d : problems) out.push_back(to_issue(d));
    return out;
  });
}

Issue to_issue(const Diagnostic& d) {
  Issue i;
  i.severity = d.severity == Severity::error ? IssueSeverity::error : d.severity == Severity::warning ? IssueSeverity::warning : IssueSeverity::note;
  i.code = d.code;
  i.message = d.message;
  i.where = d.location.file;
  i.line = d.location.line;
  i.column = d.location.column;
  i.field = d.location.field;
  return i;
}

}  // namespace netconv
