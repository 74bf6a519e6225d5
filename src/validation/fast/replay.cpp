#include "validation/fast/replay.hpp"

namespace netconv::fhir {

RecordedCheck record(const LeafCheck& c, const JsonNode* base) {
  RecordedCheck r;
  r.kind = c.kind;
  r.prim = c.prim;
  r.node = static_cast<std::uint32_t>(c.node - base);
  r.root = c.root ? static_cast<std::uint32_t>(c.root - base) : 0;
  r.invariant = c.invariant;
  r.expansion = c.expansion;
  r.fixed = c.fixed;
  r.type = c.type;
  return r;
}

LeafCheck to_leaf(const RecordedCheck& c, const JsonNode* base) {
  LeafCheck l;
  l.kind = c.kind;
  l.node = base + c.node;
  l.root = base + c.root;
  l.prim = c.prim;
  l.invariant = c.invariant;
  l.expansion = c.expansion;
  l.fixed = c.fixed;
  l.type = c.type;
  return l;
}

}  // namespace netconv::fhir
