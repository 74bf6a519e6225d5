// The run manifest: what a resource's content hash covers (not meta.source), the line format,
// and how a previous manifest given to --since is read and refused.
#include "pipeline/manifest.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "core/errors.hpp"
#include "pipeline/json_spans.hpp"

namespace netconv {
namespace {

std::string hex_of(const ContentHash& h) {
  std::string s;
  for (auto b : h) {
    static const char* d = "0123456789abcdef";
    s += d[b >> 4];
    s += d[b & 15];
  }
  return s;
}

ManifestResource digest(std::string_view json) {
  ManifestResource r;
  EXPECT_TRUE(digest_resource(json, r)) << json;
  return r;
}

TEST(Manifest, HashIgnoresMetaSourceWhereverItIs) {
  const auto plain = digest(R"({"resourceType":"Condition","id":"c1","meta":{"profile":["p"]},"code":{"text":"x"}})");
  struct Case {
    const char* name;
    const char* json;
  } cases[] = {
      {"source first", R"({"resourceType":"Condition","id":"c1","meta":{"source":"urn:a","profile":["p"]},"code":{"text":"x"}})"},
      {"source last", R"({"resourceType":"Condition","id":"c1","meta":{"profile":["p"],"source":"urn:b"},"code":{"text":"x"}})"},
      {"source with escapes", R"({"resourceType":"Condition","id":"c1","meta":{"profile":["p"],"source":"urn:\"}x"},"code":{"text":"x"}})"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = digest(c.json);
    EXPECT_EQ(r.type, "Condition");
    EXPECT_EQ(r.id, "c1");
    EXPECT_EQ(r.hash, plain.hash);
  }
  // meta holding only source hashes like a resource without meta
  auto bare = digest(R"({"resourceType":"Patient","id":"p1","gender":"male"})");
  EXPECT_EQ(digest(R"({"resourceType":"Patient","id":"p1","meta":{"source":"urn:run:1"},"gender":"male"})").hash, bare.hash);
  EXPECT_EQ(digest(R"({"resourceType":"Patient","meta":{"source":"urn:run:1"},"id":"p1","gender":"male"})").hash,
            digest(R"({"resourceType":"Patient","id":"p1","gender":"male"})").hash);
  EXPECT_EQ(digest(R"({"resourceType":"Patient","id":"p1","gender":"male","meta":{"source":"urn:run:1"}})").hash, bare.hash);
}

TEST(Manifest, HashSeesEveryOtherChange) {
  const auto a = digest(R"({"resourceType":"Observation","id":"o1","meta":{"source":"urn:a"},"valueQuantity":{"value":1.50}})");
  for (const char* other : {R"({"resourceType":"Observation","id":"o1","meta":{"source":"urn:a"},"valueQuantity":{"value":1.5}})",
                            R"({"resourceType":"Observation","id":"o1","meta":{"source":"urn:a","profile":["p"]},"valueQuantity":{"value":1.50}})",
                            R"({"resourceType":"Observation","id":"o1","meta":{"sourcex":"urn:a"},"valueQuantity":{"value":1.50}})"}) {
    SCOPED_TRACE(other);
    EXPECT_NE(digest(other).hash, a.hash);
  }
  // the hash is of the bytes as written, so it matches the content hash of a resource without source
  const std::string_view text = R"({"resourceType":"Patient","id":"p1"})";
  EXPECT_EQ(digest(text).hash, content_hash(text));
}

// The hash depends on the bytes only, not on how they were fed in; lengths, zero padding and
// single-bit changes in any position give other hashes.
TEST(Manifest, ContentHashOfPiecesAndEveryBit) {
  std::string text;
  for (int i = 0; i < 41; ++i) text += static_cast<char>('a' + i % 26);
  const ContentHash whole = content_hash(text);
  for (std::size_t a = 0; a <= text.size(); ++a)
    for (std::size_t b = a; b <= text.size(); b += 5) {
      ContentHasher h;
      h.update(std::string_view(text).substr(0, a));
      h.update(std::string_view(text).substr(a, b - a));
      h.update(std::string_view(text).substr(b));
      ASSERT_EQ(h.finish(), whole) << a << " " << b;
    }
  std::vector<ContentHash> seen{content_hash("")};
  for (std::size_t n = 1; n <= 17; ++n) seen.push_back(content_hash(std::string(n, '\0')));
  for (std::size_t i = 0; i < text.size(); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      std::string t = text;
      t[i] = static_cast<char>(t[i] ^ (1 << bit));
      seen.push_back(content_hash(t));
    }
  seen.push_back(whole);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());
}

TEST(Manifest, DigestRefusesWhatIsNoResource) {
  ManifestResource r;
  for (const char* bad : {"", "[]", R"({"id":"x"})", R"({"resourceType":"Patient"})", R"({"resourceType":"Patient","id":"x")",
                          R"({"resourceType":"Patient","id":"x","meta":{"source":"unterminated}})"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(digest_resource(bad, r));
  }
}

TEST(Manifest, LineRoundTrips) {
  ManifestEntry e{"p1", {{"Patient", "p1", content_hash("a")}, {"Condition", "c-1.2", content_hash("b")}}};
  const std::string line = manifest_line(e);
  EXPECT_EQ(line, R"({"patient":"p1","resources":[["Patient","p1",")" + hex_of(content_hash("a")) + R"("],["Condition","c-1.2",")" +
                      hex_of(content_hash("b")) + "\"]]}\n");
  auto m = PreviousManifest::parse(line + "\n" + manifest_line({"p2", {}}), "m");
  ASSERT_EQ(m.entries().size(), 2u);
  EXPECT_EQ(m.entries()[0].resources, e.resources);
  EXPECT_EQ(m.find("p2"), 1u);
  EXPECT_EQ(m.find("p3"), PreviousManifest::npos);
}

// A broken manifest stops the run (exit 2) with a code and line, never quoting the line.
TEST(Manifest, BadManifestsAreRefusedWithCodes) {
  const std::string ok = manifest_line({"p1", {{"Patient", "p1", content_hash("a")}}});
  struct Case {
    const char* name;
    std::string text;
    const char* code;
  } cases[] = {
      {"not json", "{nope\n", "NC-DELTA-002"},
      {"not an object", "[1]\n", "NC-DELTA-002"},
      {"extra member", R"({"patient":"p","resources":[],"x":1})", "NC-DELTA-002"},
      {"bad patient id", R"({"patient":"a/b","resources":[]})", "NC-DELTA-002"},
      {"bad type", R"({"patient":"p","resources":[["Pat ient","p","00"]]})", "NC-DELTA-002"},
      {"short hash", R"({"patient":"p","resources":[["Patient","p","00"]]})", "NC-DELTA-002"},
      {"trailing bytes", R"({"patient":"p","resources":[]} x)", "NC-DELTA-002"},
      {"patient not a string", R"({"patient":1,"resources":[]})", "NC-DELTA-002"},
      {"escaped id", R"({"patient":"p\u0041","resources":[]})", "NC-DELTA-002"},
      {"missing comma", R"({"patient":"p","resources":[["Patient","p",")" + std::string(32, 'a') + R"("] ["Patient","q",")" + std::string(32, 'a') + "\"]]}", "NC-DELTA-002"},
      {"resource of two", R"({"patient":"p","resources":[["Patient","p"]]})", "NC-DELTA-002"},
      {"upper-case hash", R"({"patient":"p","resources":[["Patient","p",")" + std::string(32, 'A') + "\"]]}", "NC-DELTA-002"},
      {"sha-256 sized hash", R"({"patient":"p","resources":[["Patient","p",")" + std::string(64, 'a') + "\"]]}", "NC-DELTA-002"},
      {"patient twice", ok + ok, "NC-DELTA-005"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    try {
      PreviousManifest::parse(c.text, "prev/manifest.ndjson");
      ADD_FAILURE() << "accepted";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(c.code), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("prev/manifest.ndjson:"), std::string::npos) << e.what();
    }
  }
  ManifestLimits small{ok.size() * 2, ok.size()};
  EXPECT_THROW(PreviousManifest::parse(ok + ok + ok, "m", small), ConfigError);  // NC-DELTA-003
  try {
    PreviousManifest::parse(ok + "\n", "m", ManifestLimits{1000, 10});
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("NC-DELTA-004"), std::string::npos) << e.what();
  }
  EXPECT_THROW(PreviousManifest::load("/nonexistent/netconv-prev"), IoError);  // NC-DELTA-001
}

TEST(JsonSpans, ValueEndsAndMembers) {
  namespace js = json_spans;
  const std::string_view s = R"({"a":[1,{"b":"]}"}],"c":"x\"y","d":-1.5e3,"e":{}})";
  std::vector<std::string> keys;
  EXPECT_EQ(js::for_each_member(s, 0, [&](const js::Member& m) { keys.emplace_back(m.key); }), s.size());
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "c", "d", "e"}));
  EXPECT_EQ(js::value_end(s, 0), s.size());
  EXPECT_EQ(js::value_end(s.substr(0, s.size() - 1), 0), js::npos);
  EXPECT_EQ(js::value_end("\"abc", 0), js::npos);
  EXPECT_EQ(js::for_each_member("{\"a\" 1}", 0, [](const js::Member&) {}), js::npos);
}

// Strings end at the first quote preceded by an even number of backslashes (the scan jumps from
// quote to quote).
TEST(JsonSpans, StringEndsCountBackslashes) {
  namespace js = json_spans;
  EXPECT_EQ(js::string_end(R"("")", 0), 2u);
  EXPECT_EQ(js::string_end(R"("a\\" x")", 0), 5u);     // "a\\" ends after the escaped backslash
  EXPECT_EQ(js::string_end(R"("a\"b" x")", 0), 6u);    // "a\"b"
  EXPECT_EQ(js::string_end(R"("a\\\"b" x")", 0), 8u);  // "a\\\"b"
  EXPECT_EQ(js::string_end(R"("\\\\")", 0), 6u);
  EXPECT_EQ(js::string_end(R"(\"\"")", 1), 5u);        // a backslash before the opening quote does not count
  EXPECT_EQ(js::string_end(R"("a\")", 0), js::npos);
  EXPECT_EQ(js::string_end(R"("abc)", 0), js::npos);
}

}  // namespace
}  // namespace netconv
