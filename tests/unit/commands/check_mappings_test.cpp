// check-mappings: the shipped tables pass --strict; every rule has a broken table set in
// tests/data/mappings/<rule-id>/case.txt that is caught with that rule id at the right line; the
// report formats carry the findings.
//
// case.txt: '#' comment lines, then operations applied to a copy of mappings/:
//   append FILE: TEXT            add TEXT as a new last line of FILE
//   replace FILE: FROM => TO     replace the first FROM in FILE
//   remove FILE                  delete FILE
//   write FILE: TEXT             create/overwrite FILE with TEXT
//   options: --strict            run with --strict
//   expect RULE FILE LINE        LINE: a number | appended | replaced | match=TEXT (first line starting with TEXT)
// TEXT escapes: \t \n \r \\ \xHH. Other files in the case folder are copied over the tables whole.
#include "commands/check_mappings.hpp"
#include "support/files.hpp"
#include "validation/fhir_validator.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace netconv {
namespace fs = std::filesystem;

namespace {

using test_support::slurp;
using test_support::spit;

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) { out += s[i]; continue; }
    char c = s[++i];
    if (c == 't') out += '\t';
    else if (c == 'n') out += '\n';
    else if (c == 'r') out += '\r';
    else if (c == 'x' && i + 2 < s.size() + 1) { out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)); i += 2; }
    else out += c;
  }
  return out;
}

std::uint64_t line_of(const std::string& text, std::size_t pos) {
  return static_cast<std::uint64_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n')) + 1;
}

struct Case {
  std::string name, rule, file, line_spec;
  bool strict = false;
  std::uint64_t expected_line = 0;
  fs::path dir;
};

// A copy of mappings/ in a temp dir, for one case to break.
struct Workspace : test_support::TableCopy {
  explicit Workspace(const std::string& tag) : TableCopy("check-" + tag) {}
};

Case apply_case(const fs::path& case_dir, const fs::path& tables) {
  Case c;
  c.name = case_dir.filename().string();
  c.dir = case_dir;
  std::map<std::string, std::uint64_t> appended, replaced;
  for (const auto& e : fs::directory_iterator(case_dir))
    if (e.path().filename() != "case.txt") fs::copy_file(e.path(), tables / e.path().filename(), fs::copy_options::overwrite_existing);
  std::istringstream in(slurp(case_dir / "case.txt"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto sp = line.find(' ');
    std::string op = line.substr(0, sp), rest = sp == std::string::npos ? "" : line.substr(sp + 1);
    auto colon = rest.find(": ");
    std::string file = rest.substr(0, colon), arg = colon == std::string::npos ? "" : rest.substr(colon + 2);
    if (op == "append") {
      auto text = slurp(tables / file);
      if (!text.empty() && text.back() != '\n') text += '\n';
      auto n = static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n')) + 1;
      appended.emplace(file, n);
      spit(tables / file, text + unescape(arg) + "\n");
    } else if (op == "replace") {
      auto arrow = arg.find(" => ");
      auto from = unescape(arg.substr(0, arrow)), to = unescape(arg.substr(arrow + 4));
      auto text = slurp(tables / file);
      auto pos = text.find(from);
      EXPECT_NE(pos, std::string::npos) << c.name << ": '" << arg << "' not found in " << file;
      if (pos == std::string::npos) continue;
      // the line of the first character that differs
      std::size_t d = 0;
      while (d < from.size() && d < to.size() && from[d] == to[d]) ++d;
      replaced.emplace(file, line_of(text, pos + d));
      text.replace(pos, from.size(), to);
      spit(tables / file, text);
    } else if (op == "remove") {
      fs::remove(tables / file);
    } else if (op == "write") {
      spit(tables / file, unescape(arg));
    } else if (op == "options:") {
      c.strict = rest.find("--strict") != std::string::npos;
    } else if (op == "expect") {
      std::istringstream ex(rest);
      ex >> c.rule >> c.file;
      std::getline(ex, c.line_spec);
      c.line_spec.erase(0, c.line_spec.find_first_not_of(' '));
    } else {
      ADD_FAILURE() << c.name << ": unknown operation '" << op << "'";
    }
  }
  if (c.line_spec == "appended") c.expected_line = appended[c.file];
  else if (c.line_spec == "replaced") c.expected_line = replaced[c.file];
  else if (c.line_spec.rfind("match=", 0) == 0) {
    auto want = unescape(c.line_spec.substr(6));
    std::istringstream t(slurp(tables / c.file));
    std::string l;
    std::uint64_t n = 0;
    while (std::getline(t, l)) {
      ++n;
      if (l.rfind(want, 0) == 0) { c.expected_line = n; break; }
    }
    EXPECT_NE(c.expected_line, 0u) << c.name << ": no line starts with '" << want << "' in " << c.file;
  } else {
    c.expected_line = std::stoull(c.line_spec);
  }
  return c;
}

std::string dump(const CheckReport& r) {
  std::string s;
  for (const auto& d : r.findings)
    if (d.severity != Severity::note) s += "  " + format_diagnostic(d, false) + "\n";
  return s;
}

}  // namespace

TEST(CheckMappings, ShippedTablesPassStrictWithZeroErrors) {
  CheckOptions o;
  o.mappings_dir = NETCONV_MAPPINGS_DIR;
  o.strict = true;
  auto r = check_mappings(o);
  EXPECT_EQ(r.errors, 0u) << dump(r);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.round_trip_ran) << r.round_trip_note;
  EXPECT_GT(r.records, 100u);
  EXPECT_EQ(r.records, r.converted);
}

TEST(CheckMappings, EveryRuleHasABrokenTableSetCaughtWithRuleAndLine) {
  std::string note;  // netconv's validators, loaded once for all cases instead of once per case
  const auto validator = load_round_trip_validator("", "", note);
  std::set<std::string> with_case;
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(fs::path(NETCONV_TEST_DATA) / "mappings"))
    if (e.is_directory()) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  for (const auto& d : dirs) {
    SCOPED_TRACE(d.filename().string());
    Workspace ws(d.filename().string());
    auto c = apply_case(d, ws.dir);
    ASSERT_FALSE(c.rule.empty()) << c.name << ": no expect line";
    CheckOptions o;
    o.mappings_dir = ws.dir.string();
    o.strict = c.strict;
    o.validator = validator;
    auto r = check_mappings(o);
    bool found = false;
    for (const auto& f : r.findings) {
      auto file = fs::path(f.location.file).filename().string();
      if (f.code == c.rule && file == c.file && f.location.line == c.expected_line) found = true;
    }
    EXPECT_TRUE(found) << c.name << ": expected " << c.rule << " at " << c.file << ":" << c.expected_line << "; got\n" << dump(r);
    with_case.insert(c.rule);
  }
  for (const auto& rule : mapping_rules()) EXPECT_TRUE(with_case.count(rule.id)) << rule.id << " has no case in tests/data/mappings/";
}

TEST(CheckMappings, StrictTurnsWarningsIntoErrors) {
  Workspace ws("strict");
  std::ofstream(ws.dir / "concepts.tsv", std::ios::app) << "symptom.flushing\tcode\ticd10cm\t\tFlushing\tsrc\tno\t\n";
  CheckOptions o;
  o.mappings_dir = ws.dir.string();
  auto lax = check_mappings(o);
  o.strict = true;
  auto strict = check_mappings(o);
  EXPECT_GT(lax.warnings, 0u);
  EXPECT_EQ(strict.warnings, 0u);
  EXPECT_EQ(strict.errors, lax.errors + lax.warnings);
  EXPECT_EQ(strict.exit_code, 1);
}

TEST(CheckMappings, AllowListFromOption) {
  Workspace ws("allow");
  fs::remove(ws.dir / "unverified-allowlist.tsv");
  CheckOptions o;
  o.mappings_dir = ws.dir.string();
  o.strict = true;
  auto without = check_mappings(o);
  EXPECT_GT(without.errors, 0u);  // every unverified row is now an error
  o.allow_file = std::string(NETCONV_MAPPINGS_DIR) + "/unverified-allowlist.tsv";
  auto with = check_mappings(o);
  auto count = [](const CheckReport& r, const char* rule) {
    std::size_t n = 0;
    for (const auto& f : r.findings) n += f.code == rule;
    return n;
  };
  EXPECT_GT(count(without, "NC-MAP-042"), 0u);
  EXPECT_EQ(count(with, "NC-MAP-042"), 0u) << dump(with);
  EXPECT_EQ(count(with, "NC-MAP-043"), count(without, "NC-MAP-042"));
  o.allow_file = (ws.dir / "no-such-file.tsv").string();
  EXPECT_THROW(check_mappings(o), std::exception);
}

TEST(CheckMappings, MissingDirectoryIsAnIoError) {
  CheckOptions o;
  o.mappings_dir = "/nonexistent/netconv/mappings";
  EXPECT_THROW(check_mappings(o), std::exception);
}

TEST(CheckMappings, RoundTripValidatorHookReportsProblems) {
  CheckOptions o;
  o.mappings_dir = NETCONV_MAPPINGS_DIR;
  int calls = 0;
  o.validator = [&](const std::string& format, const std::string& label, const std::string&, std::vector<std::string>& problems) {
    ++calls;
    if (format == "fhir" && label.rfind("Patient/", 0) == 0 && calls < 3) problems.push_back("hook says no");
  };
  auto r = check_mappings(o);
  EXPECT_GT(calls, 100);
  bool found = false;
  for (const auto& f : r.findings) found = found || (f.code == "NC-MAP-071" && f.message.find("hook says no") != std::string::npos);
  EXPECT_TRUE(found);
}

bool fhir_packages_installed() {
  std::error_code ec;
  return fs::is_directory(resolve_fhir_packages_dir(""), ec);
}

std::size_t count_071(const CheckReport& r, const std::string& says) {
  std::size_t n = 0;
  for (const auto& f : r.findings) n += f.code == "NC-MAP-071" && f.message.find(says) != std::string::npos;
  return n;
}

// A row whose output is well-formed and passes the lint's own coding checks, yet is not valid
// FHIR: the verification status outside its required value set. Only the real validator sees it.
TEST(CheckMappings, RoundTripRunsTheRealFhirValidator) {
  if (!fhir_packages_installed()) GTEST_SKIP() << "FHIR packages not installed: run scripts/install-fhir-packages.sh";
  Workspace ws("real-fhir");
  auto concepts = slurp(ws.dir / "concepts.tsv");
  const std::string from = "status.confirmed\tcode\tcondition-ver-status\tconfirmed\t";
  auto at = concepts.find(from);
  ASSERT_NE(at, std::string::npos);
  concepts.replace(at, from.size(), "status.confirmed\tcode\tcondition-ver-status\tconfirmedly\t");
  spit(ws.dir / "concepts.tsv", concepts);
  CheckOptions o;
  o.mappings_dir = ws.dir.string();
  auto r = check_mappings(o);
  EXPECT_TRUE(r.round_trip_ran) << r.round_trip_note;
  EXPECT_EQ(r.round_trip_note.find("not validated"), std::string::npos) << r.round_trip_note;
  EXPECT_GT(count_071(r, "verificationStatus"), 0u) << dump(r);
}

// Without the FHIR packages the round trip still runs (its own checks, the C-CDA schema) and
// the report says what it could not validate.
TEST(CheckMappings, RoundTripWithoutFhirPackagesSaysSo) {
  CheckOptions o;
  o.mappings_dir = NETCONV_MAPPINGS_DIR;
  o.fhir_packages = "/nonexistent/netconv/fhir-packages";
  auto r = check_mappings(o);
  EXPECT_TRUE(r.round_trip_ran);
  EXPECT_NE(r.round_trip_note.find("FHIR output not validated"), std::string::npos) << r.round_trip_note;
  EXPECT_EQ(r.round_trip_note.find("C-CDA output not validated"), std::string::npos) << r.round_trip_note;
  EXPECT_EQ(r.errors, 0u) << dump(r);
  EXPECT_NE(render_check_report(r, "text").find("FHIR output not validated"), std::string::npos);
}

TEST(CheckMappings, ReportFormats) {
  Workspace ws("formats");
  std::ofstream(ws.dir / "concepts.tsv", std::ios::app) << "symptom.x\tcode\tsct\t443492009\tX, y: 100%\tsrc\tyes\t\n";
  CheckOptions o;
  o.mappings_dir = ws.dir.string();
  auto r = check_mappings(o);
  ASSERT_GT(r.errors, 0u);

  auto text = render_check_report(r, "text");
  EXPECT_NE(text.find(": error: NC-MAP-022: "), std::string::npos) << text;
  EXPECT_NE(text.find("check-mappings: "), std::string::npos);

  auto gh = render_check_report(r, "github");
  EXPECT_NE(gh.find("::error file="), std::string::npos) << gh;
  EXPECT_NE(gh.find(",line="), std::string::npos);
  EXPECT_NE(gh.find("title=NC-MAP-022::"), std::string::npos);

  auto ju = render_check_report(r, "junit");
  EXPECT_EQ(ju.rfind("<?xml", 0), 0u);
  EXPECT_NE(ju.find("<testcase classname=\"check-mappings.codes\" name=\"NC-MAP-022"), std::string::npos);
  EXPECT_NE(ju.find("<failure"), std::string::npos);

  auto js = nlohmann::json::parse(render_check_report(r, "json"));
  EXPECT_EQ(js["summary"]["errors"].get<std::size_t>(), r.errors);
  bool has = false;
  for (const auto& f : js["findings"]) has = has || (f["rule"] == "NC-MAP-022" && f["line"].get<int>() > 0);
  EXPECT_TRUE(has);

  EXPECT_THROW(render_check_report(r, "xml"), std::exception);
}

TEST(CheckMappings, RuleIdsAreUniqueAndSorted) {
  std::string prev;
  for (const auto& r : mapping_rules()) {
    EXPECT_LT(prev, std::string(r.id));
    prev = r.id;
  }
}

}  // namespace netconv
