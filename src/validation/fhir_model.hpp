// Compiled form of the FHIR definitions (internal to the validator). Built once by
// FhirValidator::load from StructureDefinition snapshots; immutable afterwards, so validation
// from many threads needs no locks. Two layers:
//  * TypeDef/ElemDef: the R4 base types and resources (element names incl. choice keys -> hash
//    map, JSON shape, primitive formats, base cardinality, required bindings, invariants);
//  * PNode: one tree per profile / extension definition with only what the snapshot adds over
//    the base (cardinality, choice restrictions, fixed/pattern, bindings, slicing, invariants);
//    subtrees without any such constraint are pruned at compile time.
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "validation/fhir_primitives.hpp"
#include "validation/json_tree.hpp"
#include "validation/fhir_terminology.hpp"

namespace netconv::fhir {

using Json = nlohmann::json;  // the definitions, while compiling
using JNode = JsonNode;       // what is validated
constexpr std::uint32_t kUnbounded = 0xFFFFFFFFu;

// A hand-written invariant: returns true when it holds. `node` is the element value (an object,
// or a primitive for invariants on a choice/primitive element), `type_suffix` its choice suffix.
using InvariantFn = bool (*)(const JNode& node, std::string_view type_suffix, const JNode& root);
struct Invariant {
  std::string key;
  std::string human;
  InvariantFn fn = nullptr;
};
// key -> implementation; nullptr when the invariant is not implemented.
InvariantFn find_invariant(std::string_view key);

struct TypeDef;

struct TypeRef {
  std::string code;    // "CodeableConcept", "dateTime", "Resource"
  std::string suffix;  // capitalised code, used in choice keys (valueDateTime)
  Prim prim = Prim::none;
  const TypeDef* def = nullptr;  // complex types
  bool resource = false;         // Resource / DomainResource: dispatch on resourceType
};

struct ElemDef {
  std::string name;  // JSON key; for choices the stem (value for value[x])
  bool choice = false;
  bool array = false;  // base max != 1 -> JSON array
  std::uint32_t min = 0;
  std::uint32_t max = 1;
  std::vector<TypeRef> types;
  const TypeDef* inline_def = nullptr;  // BackboneElement/Element children, or contentReference
  const Expansion* binding = nullptr;   // required binding (expandable or not; see ok)
  std::string binding_vs;
  std::vector<const Invariant*> invariants;
};

struct KeyRef {
  std::uint16_t elem = 0;
  std::uint16_t type = 0;
};

// Lets the validator look names up by string_view without building a std::string per member.
struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {  // FNV-1a: names are short
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return static_cast<std::size_t>(h);
  }
};
template <class T>
using NameMap = std::unordered_map<std::string, T, NameHash, std::equal_to<>>;

struct TypeDef {
  std::string name;  // "Condition", "CodeableConcept", "Condition.stage"
  bool is_resource = false;
  bool is_extension = false;  // the Extension datatype
  std::vector<ElemDef> elems;
  NameMap<KeyRef> keys;
  std::vector<std::uint16_t> required;  // elems with min > 0
  std::vector<const Invariant*> invariants;
};

// ---- profiles ----
struct PNode;

struct DiscTarget {  // one discriminator resolved for one slice at compile time
  enum Kind : std::uint8_t { unknown, fixed, pattern, binding, url, type } kind = unknown;
  std::vector<std::string> path;  // relative path steps ($this = empty)
  const JNode* value = nullptr;   // fixed / pattern
  const Expansion* exp = nullptr;
  std::string type_code;  // element type for binding membership / type discriminator
  std::vector<std::string> urls;
};

struct PNode {
  std::string name;  // JSON key stem
  std::string id;    // element id, for messages
  bool choice = false;
  std::string slice_name;
  std::uint32_t min = 0, max = kUnbounded;
  bool check_min = false, check_max = false;
  std::vector<std::string> type_codes;  // as in the snapshot
  bool restrict_types = false;          // choice restricted to type_codes
  const JNode* fixed = nullptr;
  bool is_pattern = false;
  std::string fixed_name;  // "fixedUri", "patternCodeableConcept"
  const Expansion* binding = nullptr;
  std::string binding_vs;
  std::vector<const Invariant*> invariants;
  std::vector<std::string> type_profiles;  // type[0].profile (extension slices)
  std::vector<std::unique_ptr<PNode>> children;
  // slicing
  bool sliced = false;
  bool closed = false;
  std::string disc_text;
  std::vector<std::unique_ptr<PNode>> slices;
  std::vector<std::vector<DiscTarget>> slice_disc;  // per slice, per discriminator
  bool interesting = false;
};

struct Profile {
  std::string url, id, type, version;
  bool is_extension = false;
  std::string base_definition;
  PNode root;
  std::vector<std::string> owned_json_keys;  // unused
};

struct Model {
  std::deque<TypeDef> types;  // stable addresses
  NameMap<const TypeDef*> by_name;                // types and resources
  NameMap<std::unique_ptr<Profile>> profiles;  // url -> profile (resource + extension)
  std::unordered_map<std::string, std::string> known_unavailable;      // url -> why (e.g. US Core parents)
  std::deque<Invariant> invariants;
  std::deque<Json> owned;          // definitions kept while compiling
  std::deque<JsonTree> fixed_values;  // fixed/pattern values referenced by PNodes (never moved)
  Terminology terminology;
  // statistics
  std::vector<std::string> unexpandable;  // distinct required-binding ValueSets that cannot be expanded
  std::vector<std::string> unimplemented_invariants;
  std::size_t required_bindings = 0;
};

}  // namespace netconv::fhir
