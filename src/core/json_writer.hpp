// A streaming JSON writer into a string buffer. Writers build resources with it directly, in a
// fixed key order, instead of through a DOM: output is deterministic and decimals keep the
// exact text they had in the source (FHIR decimals are not floats).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace netconv {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& string(std::string_view v);
  JsonWriter& raw_number(std::string_view text);  // caller guarantees a JSON number
  JsonWriter& boolean(bool v);

  // key + value shorthands
  JsonWriter& member(std::string_view k, std::string_view v) { return key(k).string(v); }
  JsonWriter& member_number(std::string_view k, std::string_view v) { return key(k).raw_number(v); }
  JsonWriter& member_bool(std::string_view k, bool v) { return key(k).boolean(v); }

 private:
  void before_value();
  void push();
  void pop();
  std::string& out_;
  // "no member yet" flag per open container: a bit per level, so that a writer per resource
  // allocates nothing; levels deeper than 64 spill into deep_
  std::uint64_t first_bits_ = 0;
  std::size_t depth_ = 0;
  std::vector<bool> deep_;
  bool after_key_ = false;
};

void append_json_string(std::string& out, std::string_view v);

}  // namespace netconv
