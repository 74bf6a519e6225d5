// Internal: turns StructureDefinition snapshots into the compiled Model.
#pragma once
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "validation/fhir_model.hpp"

namespace netconv::fhir {

class Compiler {
 public:
  explicit Compiler(Model& m) : m_(m) {}
  void add_base_bundle(const Json& bundle);  // profiles-types.json / profiles-resources.json (kept alive by caller)
  void compile_base();
  void add_profile(Json sd);  // a profile or extension definition with snapshot
  void finish();

 private:
  struct PendingRef {
    TypeDef* owner;
    std::uint16_t idx;
    std::string target;
  };
  const Invariant* invariant(const Json& constraint);
  const Expansion* binding(const Json& ed, std::string& vs);
  void compile_elements(const Json& sd, TypeDef& td);
  TypeRef type_ref(const Json& t, const std::string& path, bool resource_id, ElemDef& el, std::unordered_map<std::string, TypeDef*>& by_path);
  const ElemDef* base_elem(const std::string& path) const;
  void fill_pnode(PNode& n, const Json& ed, bool is_slice);
  void resolve_slices(PNode& n);
  bool mark(PNode& n);

  Model& m_;
  std::vector<const Json*> base_sds_;
  std::unordered_set<std::string> base_urls_;
  std::unordered_set<std::string> base_keys_;
  std::unordered_map<std::string, const Invariant*> inv_by_key_;
  std::set<std::string> unimplemented_;
  std::unordered_set<std::string> bindings_seen_;
  std::unordered_map<const PNode*, Json> disc_;
  std::vector<PendingRef> pending_refs_;
};

}  // namespace netconv::fhir
