// Shared helpers of the NAACCR reader tests.
#pragma once
#include <sstream>
#include <string>
#include <vector>

#include "mapping/naaccr_translate.hpp"
#include "readers/reader.hpp"
#include "support/records.hpp"
#include "support/shipped_tables.hpp"

namespace netconv::naaccr_test {

struct ReadResult {
  std::vector<SourceRecord> records;
  CollectingSink sink;
  bool failed = false;
  // every diagnostic code: the sink's and the records' problems
  std::vector<std::string> codes() const {
    std::vector<std::string> c;
    for (const auto& d : sink.items) c.push_back(d.code);
    for (const auto& r : records)
      for (const auto& p : r.problems) c.push_back(p.code);
    return c;
  }
  bool has(const std::string& code) const {
    for (const auto& c : codes())
      if (c == code) return true;
    return false;
  }
  // The reference library's notion of a valid file: nothing stopped it and no item was rejected.
  bool valid() const {
    if (failed) return false;
    for (const auto& d : sink.items)
      if (d.severity == Severity::error) return false;
    for (const auto& r : records)
      if (!r.problems.empty()) return false;
    return true;
  }
};

inline void read_all(std::istream& in, ReadResult& out, const std::string& dictionary = "", const std::string& name = "test.xml") {
  ReaderConfig cfg;
  cfg.display_name = name;
  cfg.mappings_dir = NETCONV_MAPPINGS_DIR;
  cfg.naaccr_dictionary = dictionary;
  // as convert reads it: the raw items translated by the NAACCR mapping unit
  auto reader = naaccr::translating_reader(make_naaccr_reader(in, cfg, out.sink), test_support::shipped_tables());
  SourceRecord rec;
  while (reader->next(rec)) out.records.push_back(rec);
  out.failed = reader->failed();
}

inline void read_text(const std::string& xml, ReadResult& out, const std::string& dictionary = "") {
  std::istringstream in(xml);
  read_all(in, out, dictionary);
}

using test_support::field_value;

}  // namespace netconv::naaccr_test
