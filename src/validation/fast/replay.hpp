// The record/replay contract of FHIR validation's fast paths, stated once.
//
// A converter's resources repeat their shape: the same members in the same order, the same
// profiles, codes and extension urls, with ids, dates and quantities that differ. Validating one
// is a walk whose course is decided by the shape (member names, JSON types, array sizes) and by
// the few values the walker reads to choose its way (resourceType, profile and extension urls,
// slice discriminators); everywhere else it runs leaf checks whose only effect is an issue when
// they fail (a primitive's format, an invariant, a required binding, a fixed value).
//
// Record: during a full validation the walker runs every leaf check through one function
// (`passes`), and, when the session keeps a cache, notes each as a RecordedCheck in a
// MemoRecording; values the walker reads outside leaf checks are noted on their nodes by the
// tree (read mark 1: steering); reads inside a leaf check are noted with mark 2 (not steering).
// A validation is remembered only when every leaf check passed.
//
// Replay: a later resource with the same shape and the same steering values takes the same
// course, so re-running the remembered leaf checks on it (with reads not noted, mark 0) decides
// its result, which is then exactly the remembered issues (fast/result_memo.hpp). A text equal
// to a remembered one outside the tokens seen to differ (holes) parses to the same tree with
// those scalars replaced: only the checks that read a hole are re-run (fast/byte_template.hpp).
// Anything else is validated in full. Caches never change a verdict; they live in the
// CheckSession (checker.hpp), which may drop them at any time.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
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

// What the walker notes during one full validation: the only part of the fast paths it sees.
struct MemoRecording {
  const JsonTree* tree = nullptr;  // the tree walked
  const JsonNode* base = nullptr;  // its first node
  std::vector<RecordedCheck> checks;
  bool check_failed = false;
};

}  // namespace netconv::fhir
