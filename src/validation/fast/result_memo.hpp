// The FHIR result cache: remembered validations, answered again by replaying their leaf checks
// (the contract is in fast/replay.hpp), and the byte templates built from them
// (fast/byte_template.hpp). One per check session: not thread-safe, bounded (kMaxBytes).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "validation/fast/replay.hpp"

namespace netconv::fhir {

class ByteTemplate;

class ResultMemo {
 public:
  ResultMemo();
  ~ResultMemo();
  ResultMemo(const ResultMemo&) = delete;
  ResultMemo& operator=(const ResultMemo&) = delete;

  // True when the text is answered by a byte template (fast/byte_template.hpp), without being
  // parsed; its issues are then appended to `out`.
  bool answer_bytes(std::string_view text, std::vector<ValidationIssue>& out);
  // True when the tree's result is known; its issues are then appended to `out`. A tree whose
  // shape and steering values match a remembered validation but whose leaf checks do not all
  // pass is not known (its full validation will report them).
  bool lookup(const JsonTree& tree, std::vector<ValidationIssue>& out);
  // Remembers the full validation of the tree lookup() was last called with, parsed from `text`.
  void remember(std::string_view text, const JsonTree& tree, const MemoRecording& recording, const std::vector<ValidationIssue>& issues);
  void clear();

  std::uint64_t hits = 0, misses = 0;
  std::uint64_t byte_hits = 0;  // of the hits, answered by a byte template
  std::size_t bytes() const { return bytes_; }

  // Beyond these a resource is validated without the cache (and the cache starts again), which
  // bounds its memory whatever the input.
  static constexpr std::size_t kMaxNodes = 4096;
  static constexpr std::size_t kMaxBytes = 8u << 20;

 private:
  struct Variant {
    std::string values;  // the steering values, JsonNode::append_value_key of each control node
    std::uint32_t checks = 0;  // index into Plan::check_lists
    std::vector<ValidationIssue> issues;
    std::unique_ptr<ByteTemplate> bytes;  // the first resource validated in this variant
  };
  struct Plan {  // validations of one shape that were steered by the same nodes
    std::vector<std::uint32_t> control;
    std::vector<std::vector<RecordedCheck>> check_lists;  // shared by variants
    std::unordered_multimap<std::uint64_t, Variant> variants;
  };
  struct Shape {
    std::vector<Plan> plans;
  };
  static constexpr std::size_t kMaxPlans = 8;
  // Remembering costs a few µs; input whose shapes never repeat would pay it for every resource.
  // Per window of lookups, when too few were answered, remembering pauses (longer each time).
  static constexpr std::uint32_t kWindow = 1024, kMinHitsPerWindow = kWindow / 8, kMaxPause = 64 * kWindow;
  void count_lookup(bool hit);
  std::uint32_t window_lookups_ = 0, window_hits_ = 0, pause_ = 0, pause_left_ = 0;

  void values_of(const JsonTree& tree, const std::vector<std::uint32_t>& control);
  void learn(ByteTemplate& t, const JsonTree& tree);

  // Usable byte templates grouped by the bytes before their first hole; within a group the ones
  // answering most often drift to the front.
  struct Group {
    std::string lead;
    std::vector<ByteTemplate*> members;
  };
  static constexpr std::size_t kMaxGroups = 64, kMaxTries = 16;
  void file(ByteTemplate* t);
  void unfile(ByteTemplate* t, std::string_view lead);
  std::vector<Group> groups_;
  bool clear_pending_ = false;  // learning went over the memory bound: cleared before the next use

  std::unordered_map<std::string, Shape> shapes_;
  std::string skeleton_;  // of the tree lookup() last saw; empty when it is not cacheable
  std::string values_;
  std::string arena_;  // a byte template's escaped strings, decoded (ByteTemplate::answer)
  std::size_t bytes_ = 0;
};

}  // namespace netconv::fhir
