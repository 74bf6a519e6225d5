// A per-thread cache of FHIR validation results (issue C: validation cheap enough to leave on).
//
// A converter's resources repeat their shape: the same members in the same order, the same
// profiles, codes and extension urls, with ids, dates and quantities that differ. Validating one
// is a walk whose course is decided by the shape (member names, JSON types, array sizes) and by
// the few values the walker reads to choose its way (resourceType, profile and extension urls,
// slice discriminators); everywhere else it runs leaf checks whose only effect is an issue when
// they fail (a primitive's format, an invariant, a required binding, a fixed value).
//
// So a validation is remembered as: its shape, the values that steered it (the nodes JsonNode
// noted as read outside leaf checks), the leaf checks it ran, and its issues (it is remembered
// only when every leaf check passed). A later resource with the same shape and the same steering
// values takes the same course; re-running the remembered leaf checks on it decides the result,
// which is then exactly the remembered issues. Anything else is validated in full.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "validation/fhir_model.hpp"
#include "validation/fhir_validator.hpp"

namespace netconv::fhir {

// One check whose only effect is an issue when it fails. `passes` is the single definition used
// by the walker and by the replay of remembered checks.
struct LeafCheck {
  enum class Kind : std::uint8_t { primitive, invariant, binding, fixed };
  Kind kind = Kind::primitive;
  const JsonNode* node = nullptr;
  const JsonNode* root = nullptr;        // invariant: %rootResource
  Prim prim = Prim::none;                // primitive
  InvariantFn invariant = nullptr;       // invariant
  const Expansion* expansion = nullptr;  // binding
  const PNode* fixed = nullptr;          // fixed[x] / pattern[x]
  std::string_view type;                 // invariant: choice suffix; binding: datatype
};
bool passes(const LeafCheck& check);

// A LeafCheck as remembered: nodes by their index in the tree.
struct RecordedCheck {
  LeafCheck::Kind kind = LeafCheck::Kind::primitive;
  Prim prim = Prim::none;
  std::uint32_t node = 0, root = 0;
  InvariantFn invariant = nullptr;
  const Expansion* expansion = nullptr;
  const PNode* fixed = nullptr;
  std::string type;
  bool operator==(const RecordedCheck&) const = default;
};

// The check as remembered, its nodes relative to the tree's first node `base`, and back.
RecordedCheck record(const LeafCheck& check, const JsonNode* base);
LeafCheck to_leaf(const RecordedCheck& check, const JsonNode* base);

class ByteTemplate;

// What the walker notes during one full validation.
struct MemoRecording {
  const JsonNode* base = nullptr;  // the tree's first node
  std::vector<RecordedCheck> checks;
  bool check_failed = false;
};

class ResultMemo {
 public:
  ResultMemo();
  ~ResultMemo();
  ResultMemo(const ResultMemo&) = delete;
  ResultMemo& operator=(const ResultMemo&) = delete;

  // True when the text is answered by a byte template (fhir_byte_template.hpp), without being
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
  std::size_t bytes_ = 0;
};

// The calling thread's cache for the validator `owner` (a new owner starts an empty cache).
ResultMemo& thread_result_memo(std::uint64_t owner);

}  // namespace netconv::fhir
