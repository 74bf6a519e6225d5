// Finds the line of a JSON path (Condition.code.coding[0].system) in JSON text without building a
// DOM: used only to put line numbers on validation issues. The first path step (the resource
// type) is skipped. Returns the line of the deepest step found (1-based), 0 if the text is not
// an object.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace netconv::fhir {
std::uint64_t locate_json_path(std::string_view text, std::string_view path);

// The same answers as locate_json_path for many paths in one text, in time linear in the text
// plus the paths: the first array a path indexes below the root (Bundle.entry) is scanned once
// and each element's position kept, so entry[k] is not found by rescanning entries 0..k-1.
// Holds a view of `text`, which must outlive it.
class JsonLocator {
 public:
  explicit JsonLocator(std::string_view text);
  std::uint64_t line_of(std::string_view path);

 private:
  struct Spot {
    std::size_t offset;
    std::uint64_t line;
  };
  struct Index {
    bool found = false;        // the root object has the member
    std::uint64_t line = 0;    // line of its value
    std::vector<Spot> elements;  // where each element of its array starts
  };
  const Index& index_of(const std::string& member);
  std::string_view text_;
  std::map<std::string, Index> indexes_;
};
}  // namespace netconv::fhir
