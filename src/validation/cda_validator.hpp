// XSD validation of CDA output with libxml2: netconv's own profile (schemas/cda/netconv-ccda.xsd)
// or an official CDA schema a user brings (CDA.xsd, CDA_SDTC.xsd). The schema is compiled once;
// check() is const and thread-safe for distinct sessions: each session gets its own
// xmlSchemaValidCtxt and parser. A valid document is checked in one streaming pass; only a failing
// one is parsed into a tree to locate its problems. Before both, the session's memory of the
// element shapes found valid answers documents made only of them (CdaShapeMemo).
//
//   CdaValidator v(cda_schema_path(""));
//   for (const auto& d : v.validate(xml, "cda/abc.xml")) ...   // d.location.line, .field = XPath
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "validation/checker.hpp"

namespace netconv {

// netconv's schema: the flag, else $NETCONV_CDA_SCHEMA, else schemas/cda/netconv-ccda.xsd beside
// the installed binary (share/netconv/...), else in the source tree the binary was built from.
std::string cda_schema_path(const std::string& flag);

struct CdaCheckContext;  // what a check session keeps for one CDA validator

class CdaValidator : public Checker {
 public:
  // Throws ConfigError naming the file when the schema cannot be read or does not compile.
  // Schema files are read locally only (XML_PARSE_NONET): an import pointing at the network fails.
  // `shape_memo`: answer documents made of shapes libxml2 already found valid without
  // re-validating them (cda_shape_memo.hpp); off only to compare verdicts in tests.
  explicit CdaValidator(const std::string& xsd_path, bool shape_memo = true);
  ~CdaValidator() override;

  // The Checker seam (checker.hpp): NC-CDA-001 (not well-formed) is fatal, NC-CDA-002 an error
  // or a warning; location.field is the element's XPath.
  std::string_view media() const override { return "cda-xml"; }
  std::vector<CheckIssue> check(CheckSession& session, std::string_view xml, const CheckTarget& target) const override;
  CdaValidator(const CdaValidator&) = delete;
  CdaValidator& operator=(const CdaValidator&) = delete;

  // Problems of one document or section file: NC-CDA-001 not well-formed, NC-CDA-002 schema
  // violation. Location: display_name, line, XPath of the element in `field`. Empty = valid.
  std::vector<Diagnostic> validate(const std::string& xml, const std::string& display_name) const;
  const std::string& schema_path() const { return path_; }
  // The validator's own session's shape memo (for tests and benchmarks): documents it answered, shapes,
  // contexts and subtrees kept byte for byte it holds, bytes it counts against its bound.
  struct MemoStats {
    std::uint64_t hits = 0;
    std::size_t shapes = 0, contexts = 0, kept_subtrees = 0, bytes = 0;
  };
  MemoStats memo_stats() const;
  // Forgets what the validator's own session's shape memo learned (fuzzing: each input on its own).
  void clear_memo() const;

  struct Compiled;  // the compiled schema, shared with the sessions' contexts

 private:
  std::vector<Diagnostic> diagnose(CheckSession& session, std::string_view xml, const std::string& display_name) const;
  CdaCheckContext& context(CheckSession& session) const;
  std::string path_;
  std::shared_ptr<Compiled> compiled_;
  bool shape_memo_;
  struct Own;
  std::unique_ptr<Own> own_;  // the session of the entry points that take none
};

}  // namespace netconv
