// What a netconv::Engine holds (include/netconv/netconv.hpp): the tables, the shared checkers and
// one prepared stage per output choice a request may make. Built once by the constructor and
// never changed afterwards, so every const call may use it from any thread; what a call changes
// (check sessions, render buffers) it borrows from the pools held here.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "netconv/netconv.hpp"
#include "pipeline/checking.hpp"
#include "pipeline/convert.hpp"
#include "pipeline/work.hpp"
#include "readers/reader.hpp"

namespace netconv {

// The outputs of one combination of formats and layouts, with the per-record work over them.
struct EngineStage {
  ConvertOptions options;
  std::unique_ptr<OutputStage> outputs;
  std::unique_ptr<PatientWork> work;
};

// Engine::Impl (private to the Engine) is this state; the internal functions take it by this name.
struct EngineState {
  explicit EngineState(const EngineOptions& o);

  // The stage for a request's formats and layouts; throws ConfigError when it asks for a format
  // the engine was not opened with, or an unknown layout.
  const EngineStage& stage_for(const ConvertRequest& request) const;

  EngineOptions options;
  const FormatRegistry& formats;
  MappingSet tables;
  ConvertOptions base;  // the engine's options in the pipeline's terms
  ColumnMap columns;
  LoadedCheckers checkers;  // convert's, shared by every stage
  std::map<std::string, std::shared_ptr<const OutputChecker>> validators;  // validate()'s, by kind
  std::map<std::string, EngineStage> stages;  // by stage_key()
  std::string tables_sha256;
};

// The key of a stage: "fhir:bulk+cda:document" (formats in registry order).
std::string stage_key(const FormatRegistry& formats, const std::vector<std::string>& to, const std::string& fhir_layout,
                      const std::string& cda_layout);

// Runs `body`, turning the library's internal exceptions into netconv::Error with the CLI's exit
// code category; an exception a Sink threw passes through unchanged.
template <class F>
auto translate_errors(F&& body) -> decltype(body());

// A Sink's exception on its way out through the pipeline, rethrown as it was by translate_errors.
struct SinkThrew {
  std::exception_ptr error;
};

[[noreturn]] void rethrow_as_error();

template <class F>
auto translate_errors(F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (...) {
    rethrow_as_error();
  }
}

// A diagnostic as the public API shows it (the offending value is never carried over).
Issue to_issue(const Diagnostic& d);

// The in-memory conversion behind Engine::convert (src/api/memory_convert.cpp).
Counts convert_in_memory(const EngineState& engine, std::string_view input, const ConvertRequest& request, Sink& sink);

}  // namespace netconv
