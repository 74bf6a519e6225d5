// The terminology's Bundle files are kept as entry texts and parsed only when needed
// (Terminology::add_bundle_file): expansions, precedence and failures must be those of the
// parsed Bundles they replace.
#include "validation/fhir_terminology.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "validation/fhir_validator.hpp"

namespace fs = std::filesystem;
using netconv::fhir::Expansion;
using netconv::fhir::Terminology;
using nlohmann::json;

namespace {

std::string render(const Expansion& e) {
  std::set<std::string> sc(e.system_codes.begin(), e.system_codes.end()), c(e.codes.begin(), e.codes.end());
  std::string s = (e.ok ? "ok" : "not ok: " + e.why) + "\n";
  for (const auto& x : sc) s += x + "\n";
  s += "--\n";
  for (const auto& x : c) s += x + "\n";
  return s;
}

json read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return json::parse(in);
}

fs::path write(const std::string& name, const std::string& text) {
  const auto p = fs::temp_directory_path() / ("netconv-terminology-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

TEST(Terminology, EntriesKeptAsTextExpandLikeTheParsedBundles) {
  const fs::path r4 = fs::path(netconv::resolve_fhir_packages_dir("")) / "@medplum__definitions#4.5.2" / "package" / "dist" / "fhir" / "r4";
  if (!fs::exists(r4 / "valuesets.json")) GTEST_SKIP() << "FHIR packages not installed: run scripts/install-fhir-packages.sh";
  Terminology parsed, kept;
  std::vector<std::string> urls;
  for (const char* name : {"valuesets.json", "v3-codesystems.json"}) {
    const json bundle = read(r4 / name);
    parsed.add_bundle(bundle);
    ASSERT_TRUE(kept.add_bundle_file(r4 / name)) << name;
    for (const auto& e : bundle["entry"])
      if (e["resource"].value("resourceType", "") == "ValueSet") urls.push_back(e["resource"].value("url", ""));
  }
  ASSERT_GT(urls.size(), 800u);
  std::size_t expandable = 0;
  for (const auto& url : urls) {
    const auto a = render(parsed.expand(url)), b = render(kept.expand(url));
    ASSERT_EQ(a, b) << url;
    expandable += parsed.expand(url).ok;
  }
  EXPECT_GT(expandable, 500u) << "the comparison must cover real expansions";
}

TEST(Terminology, FirstOneWinsAcrossTextEntriesParsedEntriesAndAddedResources) {
  auto vs = [](const std::string& url, const std::string& code) {
    return R"({"resourceType":"ValueSet","url":")" + url + R"(","compose":{"include":[{"system":"http://s","concept":[{"code":")" + code +
           R"("}]}]}})";
  };
  const std::string text = R"({"resourceType":"Bundle","entry":[)"
                           R"({"fullUrl":"a","resource":)" + vs("http://v/1", "first") + "}," +
                           R"({"fullUrl":"b","resource":)" + vs("http://v/1", "second") + "}," +
                           // escaped: the scan cannot read the url, the parser does
                           R"({"fullUrl":"c","resource":{"resourceType":"ValueSet","url":"http:\/\/v\/2","compose":{"include":[{"system":"http://s","concept":[{"code":"escaped"}]}]}}},)" +
                           R"({"fullUrl":"d","resource":)" + vs("http://v/2", "later") + "}," +
                           R"({"fullUrl":"e","resource":{"resourceType":"CodeSystem","url":"http://cs","content":"complete","concept":[{"code":"k"}]}},)" +
                           R"({"fullUrl":"f","resource":{"resourceType":"ValueSet","url":"http://v/3","compose":{"include":[{"system":"http://cs"}]}}}]})";
  const auto file = write("bundle.json", text);
  Terminology t;
  ASSERT_TRUE(t.add_bundle_file(file));
  t.add(json::parse(vs("http://v/1", "added")));  // after the file: the file's wins
  t.add(json::parse(vs("http://v/4", "added")));
  EXPECT_EQ(render(t.expand("http://v/1")), "ok\nhttp://s|first\n--\nfirst\n");
  EXPECT_EQ(render(t.expand("http://v/2")), "ok\nhttp://s|escaped\n--\nescaped\n");
  EXPECT_EQ(render(t.expand("http://v/3")), "ok\nhttp://cs|k\n--\nk\n") << "a CodeSystem kept as text is found by system";
  EXPECT_EQ(render(t.expand("http://v/4")), "ok\nhttp://s|added\n--\nadded\n");

  Terminology u;
  u.add(json::parse(vs("http://v/1", "added first")));
  ASSERT_TRUE(u.add_bundle_file(file));
  EXPECT_EQ(render(u.expand("http://v/1")), "ok\nhttp://s|added first\n--\nadded first\n");
  fs::remove(file);
}

TEST(Terminology, AFileTheScanDoesNotUnderstandAddsNothing) {
  for (const std::string text : {"[1,2]", R"({"resourceType":"Bundle","entry":[{"resource":{"resourceType":"ValueSet","url":"http://v"}})",
                                 R"({"entry":[],"entry":[]})"}) {
    const auto file = write("odd.json", text);
    Terminology t;
    EXPECT_FALSE(t.add_bundle_file(file)) << text;
    EXPECT_FALSE(t.expand("http://v").ok) << text;
    fs::remove(file);
  }
  Terminology t;
  EXPECT_FALSE(t.add_bundle_file(fs::temp_directory_path() / "netconv-no-such-file.json"));
}

TEST(Terminology, AnEntryThatIsNotJsonFailsWhenItIsNeeded) {
  const auto file = write("broken-entry.json",
                          R"({"resourceType":"Bundle","entry":[{"resource":{"resourceType":"ValueSet","url":"http://v","compose":{"include":[{"system":"http://s","concept":[{"code":tru}]}]}}}]})");
  Terminology t;
  ASSERT_TRUE(t.add_bundle_file(file));
  EXPECT_THROW(t.expand("http://v"), json::parse_error);
  fs::remove(file);
}

}  // namespace
