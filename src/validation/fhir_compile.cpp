// Compiles StructureDefinition snapshots into the Model (fhir_model.hpp). Runs once per load.
#include <algorithm>
#include <cctype>
#include <set>

#include "validation/fhir_compile.hpp"

namespace netconv::fhir {
namespace {

const std::string kFhirType = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type";

std::string capital(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::uint32_t parse_max(const Json& v) {
  if (!v.is_string()) return kUnbounded;
  auto s = v.get<std::string>();
  if (s == "*") return kUnbounded;
  try {
    return static_cast<std::uint32_t>(std::stoul(s));
  } catch (...) {
    return kUnbounded;
  }
}

std::string str(const Json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string last_segment(const std::string& path) {
  auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

std::string stem(const std::string& name) {
  return name.size() > 3 && name.ends_with("[x]") ? name.substr(0, name.size() - 3) : name;
}

}  // namespace

const Invariant* Compiler::invariant(const Json& c) {
  if (str(c, "severity") != "error") return nullptr;
  auto key = str(c, "key");
  if (key.empty() || key == "ele-1") return nullptr;  // ele-1 is checked generically by the walker
  InvariantFn fn = find_invariant(key);
  if (!fn) {
    unimplemented_.insert(key);
    return nullptr;
  }
  auto it = inv_by_key_.find(key);
  if (it != inv_by_key_.end()) return it->second;
  m_.invariants.push_back(Invariant{key, str(c, "human"), fn});
  inv_by_key_[key] = &m_.invariants.back();
  return &m_.invariants.back();
}

const Expansion* Compiler::binding(const Json& ed, std::string& vs) {
  auto b = ed.find("binding");
  if (b == ed.end() || str(*b, "strength") != "required") return nullptr;
  vs = strip_version(str(*b, "valueSet"));
  if (vs.empty()) return nullptr;
  const Expansion& e = m_.terminology.expand(vs);
  if (bindings_seen_.insert(vs).second) {
    ++m_.required_bindings;
    if (!e.ok) m_.unexpandable.push_back(e.why);
  }
  return &e;
}

void Compiler::add_base_bundle(const Json& bundle) {
  auto entries = bundle.find("entry");
  if (entries == bundle.end() || !entries->is_array()) return;
  for (const auto& e : *entries) {
    auto r = e.find("resource");
    if (r == e.end()) continue;
    const Json& sd = *r;
    if (str(sd, "resourceType") != "StructureDefinition") continue;
    auto kind = str(sd, "kind");
    if (kind != "complex-type" && kind != "resource") continue;
    if (!sd.contains("snapshot")) continue;
    base_sds_.push_back(&sd);
  }
}

void Compiler::compile_base() {
  // 1. one TypeDef per specialization (types and resources)
  std::vector<std::pair<const Json*, TypeDef*>> work;
  for (const Json* sd : base_sds_) {
    if (str(*sd, "derivation") == "constraint") continue;  // SimpleQuantity, MoneyQuantity: aliases below
    auto& td = m_.types.emplace_back();
    td.name = str(*sd, "type");
    td.is_resource = str(*sd, "kind") == "resource";
    td.is_extension = td.name == "Extension";
    m_.by_name[td.name] = &td;
    work.emplace_back(sd, &td);
    base_urls_.insert(str(*sd, "url"));
  }
  for (const Json* sd : base_sds_)
    if (str(*sd, "derivation") == "constraint") {
      auto base = m_.by_name.find(str(*sd, "type"));
      if (base != m_.by_name.end()) m_.by_name[str(*sd, "id")] = base->second;
    }
  // 2. elements
  for (auto& [sd, td] : work) compile_elements(*sd, *td);
}

// One of an element's types. System.* types (FHIRPath) become the primitive their extension
// names; a BackboneElement or Element type opens an inline definition for the element's children.
TypeRef Compiler::type_ref(const Json& t, const std::string& path, bool resource_id, ElemDef& el,
                           std::unordered_map<std::string, TypeDef*>& by_path) {
  TypeRef tr;
  tr.code = str(t, "code");
  if (tr.code.rfind("http://hl7.org/fhirpath/System.", 0) == 0) {
    std::string ft;
    for (const auto& x : t.value("extension", Json::array()))
      if (str(x, "url") == kFhirType) ft = str(x, "valueUrl");
    if (resource_id) ft = "id";  // Resource.id is an id
    if (path == "Extension.url") ft = "uri";
    tr.code = ft.empty() ? "string" : ft;
    tr.prim = prim_from_name(tr.code);
    if (tr.prim == Prim::none) tr.prim = Prim::string;
  } else if ((tr.prim = prim_from_name(tr.code)) != Prim::none) {
  } else if (tr.code == "Resource" || tr.code == "DomainResource") {
    tr.resource = true;
  } else if (tr.code == "BackboneElement" || tr.code == "Element") {
    auto& inl = m_.types.emplace_back();
    inl.name = path;
    by_path[path] = &inl;
    el.inline_def = &inl;
  } else {
    auto it = m_.by_name.find(tr.code);
    if (it != m_.by_name.end()) tr.def = it->second;
  }
  tr.suffix = capital(tr.code);
  return tr;
}

void Compiler::compile_elements(const Json& sd, TypeDef& root) {
  const auto& els = sd["snapshot"]["element"];
  std::unordered_map<std::string, TypeDef*> by_path;
  std::string root_path;
  for (const auto& ed : els) {
    auto path = str(ed, "path");
    auto id = str(ed, "id");
    if (root_path.empty()) {
      root_path = path;
      by_path[path] = &root;
      for (const auto& c : ed.value("constraint", Json::array()))
        if (auto* inv = invariant(c)) root.invariants.push_back(inv), base_keys_.insert(inv->key);
      for (const auto& c : ed.value("constraint", Json::array())) base_keys_.insert(str(c, "key"));
      continue;
    }
    if (id.find(':') != std::string::npos) continue;
    for (const auto& c : ed.value("constraint", Json::array())) base_keys_.insert(str(c, "key"));
    auto dot = path.rfind('.');
    auto parent = by_path.find(path.substr(0, dot));
    if (parent == by_path.end()) continue;
    TypeDef& owner = *parent->second;
    ElemDef el;
    auto name = path.substr(dot + 1);
    el.choice = name.ends_with("[x]");
    el.name = stem(name);
    el.min = ed.value("min", 0u);
    el.max = parse_max(ed.value("max", Json("*")));
    auto basemax = parse_max(ed.value("base", Json::object()).value("max", ed.value("max", Json("*"))));
    el.array = basemax != 1;
    for (const auto& t : ed.value("type", Json::array())) el.types.push_back(type_ref(t, path, path == root_path + ".id" && root.is_resource, el, by_path));
    auto cref = str(ed, "contentReference");
    el.binding = binding(ed, el.binding_vs);
    for (const auto& c : ed.value("constraint", Json::array())) {
      const Invariant* inv = invariant(c);
      if (!inv) continue;
      bool on_type = false;  // evaluated on the datatype's own root already
      for (const auto& t : el.types)
        if (t.def)
          for (const auto* ti : t.def->invariants) on_type = on_type || ti == inv;
      if (!on_type) el.invariants.push_back(inv);
    }
    auto idx = static_cast<std::uint16_t>(owner.elems.size());
    if (el.min > 0) owner.required.push_back(idx);
    if (el.choice) {
      for (std::size_t i = 0; i < el.types.size(); ++i)
        owner.keys[el.name + el.types[i].suffix] = KeyRef{idx, static_cast<std::uint16_t>(i)};
    } else {
      owner.keys[el.name] = KeyRef{idx, 0};
      if (el.types.empty()) el.types.push_back(TypeRef{});  // contentReference: no type
    }
    owner.elems.push_back(std::move(el));
    // resolved by index below: owner.elems may still grow
    if (!cref.empty()) pending_refs_.push_back({&owner, idx, cref.substr(cref.find('#') + 1)});
  }
  for (auto& pr : pending_refs_) {
    auto it = by_path.find(pr.target);
    if (it != by_path.end()) pr.owner->elems[pr.idx].inline_def = it->second;
  }
  pending_refs_.clear();
}

// ---------------- profiles ----------------

const ElemDef* Compiler::base_elem(const std::string& path) const {
  std::vector<std::string> steps;
  std::size_t start = 0;
  while (true) {
    auto dot = path.find('.', start);
    steps.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  auto it = m_.by_name.find(steps[0]);
  if (it == m_.by_name.end()) return nullptr;
  const TypeDef* td = it->second;
  const ElemDef* el = nullptr;
  for (std::size_t i = 1; i < steps.size(); ++i) {
    if (!td) return nullptr;
    auto s = stem(steps[i]);
    el = nullptr;
    for (const auto& e : td->elems)
      if (e.name == s) el = &e;
    if (!el) return nullptr;
    td = el->inline_def;
    if (!td && el->types.size() == 1) td = el->types[0].def;
  }
  return el;
}

void Compiler::fill_pnode(PNode& n, const Json& ed, bool is_slice) {
  auto path = str(ed, "path");
  n.id = str(ed, "id");
  auto name = last_segment(path);
  n.choice = name.ends_with("[x]");
  n.name = stem(name);
  n.min = ed.value("min", 0u);
  n.max = parse_max(ed.value("max", Json("*")));
  const auto& base = ed.value("base", Json::object());
  auto bmin = base.value("min", 0u);
  auto bmax = parse_max(base.value("max", Json("*")));
  n.check_min = is_slice || n.min > bmin;
  n.check_max = is_slice || n.max < bmax;
  for (const auto& t : ed.value("type", Json::array())) {
    n.type_codes.push_back(str(t, "code"));
    if (n.type_profiles.empty())
      for (const auto& p : t.value("profile", Json::array()))
        if (p.is_string()) n.type_profiles.push_back(strip_version(p.get<std::string>()));
  }
  if (n.choice && !n.type_codes.empty()) {
    const ElemDef* b = base_elem(path);
    n.restrict_types = !b || n.type_codes.size() < b->types.size();
  }
  for (auto it = ed.begin(); it != ed.end(); ++it) {
    const auto& k = it.key();
    bool fx = k.rfind("fixed", 0) == 0 && k.size() > 5;
    bool pt = k.rfind("pattern", 0) == 0 && k.size() > 7;
    if (fx || pt) {
      auto& tree = m_.fixed_values.emplace_back();
      tree.parse_owned(it.value().dump());
      n.fixed = &tree.root();
      n.is_pattern = pt;
      n.fixed_name = k;
    }
  }
  n.binding = binding(ed, n.binding_vs);
  for (const auto& c : ed.value("constraint", Json::array())) {
    if (base_keys_.count(str(c, "key"))) continue;  // evaluated by the base layer
    if (const Invariant* inv = invariant(c)) n.invariants.push_back(inv);
  }
  if (ed.contains("slicing")) {
    const auto& s = ed["slicing"];
    n.sliced = true;
    n.closed = str(s, "rules") == "closed";
    for (const auto& d : s.value("discriminator", Json::array())) {
      if (!n.disc_text.empty()) n.disc_text += ", ";
      n.disc_text += str(d, "type") + ":" + str(d, "path");
    }
    disc_[&n] = s.value("discriminator", Json::array());
  }
}

static const PNode* descend(const PNode& n, const std::vector<std::string>& steps) {
  const PNode* cur = &n;
  for (const auto& s : steps) {
    const PNode* next = nullptr;
    for (const auto& c : cur->children)
      if (c->name == stem(s)) next = c.get();
    if (!next) return nullptr;
    cur = next;
  }
  return cur;
}

void Compiler::resolve_slices(PNode& n) {
  for (auto& c : n.children) resolve_slices(*c);
  for (auto& s : n.slices) resolve_slices(*s);
  if (!n.sliced) return;
  const Json& disc = disc_[&n];
  for (auto& s : n.slices) {
    std::vector<DiscTarget> ts;
    for (const auto& d : disc) {
      DiscTarget t;
      auto type = str(d, "type");
      auto p = str(d, "path");
      if (p.rfind("$this.", 0) == 0) p = p.substr(6);
      if (p != "$this" && !p.empty()) {
        std::size_t start = 0;
        while (true) {
          auto dot = p.find('.', start);
          t.path.push_back(p.substr(start, dot - start));
          if (dot == std::string::npos) break;
          start = dot + 1;
        }
      }
      if (type == "value" || type == "pattern") {
        const PNode* target = t.path.empty() ? s.get() : descend(*s, t.path);
        if (target && target->fixed) {
          t.kind = target->is_pattern ? DiscTarget::pattern : DiscTarget::fixed;
          t.value = target->fixed;
        } else if (target && target->binding && target->binding->ok) {
          t.kind = DiscTarget::binding;
          t.exp = target->binding;
          t.type_code = target->type_codes.empty() ? "" : target->type_codes[0];
        } else if (p == "url" && !s->type_profiles.empty()) {
          t.kind = DiscTarget::url;
          t.urls = s->type_profiles;
        }
      } else if (type == "type" && t.path.empty() && s->type_codes.size() == 1) {
        t.kind = DiscTarget::type;
        t.type_code = s->type_codes[0];
      }
      ts.push_back(std::move(t));
    }
    n.slice_disc.push_back(std::move(ts));
  }
}

bool Compiler::mark(PNode& n) {
  bool any = false;
  for (auto& c : n.children) any = mark(*c) || any;
  bool slices_matter = false;
  for (auto& s : n.slices) {
    mark(*s);
    slices_matter = true;  // slice counts are always checked
  }
  n.interesting = any || n.check_min || n.check_max || n.restrict_types || n.fixed || (n.binding && n.binding->ok) ||
                  !n.invariants.empty() || (n.sliced && slices_matter);
  return n.interesting;
}

void Compiler::add_profile(Json sd_in) {
  if (str(sd_in, "resourceType") != "StructureDefinition" || !sd_in.contains("snapshot")) return;
  auto url = str(sd_in, "url");
  if (url.empty() || m_.profiles.count(url) || base_urls_.count(url)) return;
  m_.owned.push_back(std::move(sd_in));
  const Json& sd = m_.owned.back();
  auto p = std::make_unique<Profile>();
  p->url = url;
  p->id = str(sd, "id");
  p->type = str(sd, "type");
  p->version = str(sd, "version");
  p->is_extension = p->type == "Extension";
  p->base_definition = strip_version(str(sd, "baseDefinition"));
  std::unordered_map<std::string, PNode*> by_id;
  bool first = true;
  for (const auto& ed : sd["snapshot"]["element"]) {
    auto id = str(ed, "id");
    if (first) {
      fill_pnode(p->root, ed, false);
      p->root.check_min = p->root.check_max = false;
      by_id[id] = &p->root;
      first = false;
      continue;
    }
    auto dot = id.rfind('.');
    if (dot == std::string::npos) continue;
    // slice names may not contain '.', but a parent id may contain ':'
    auto parent_id = id.substr(0, dot);
    auto last = id.substr(dot + 1);
    if (last.find('/') != std::string::npos) continue;  // re-slices: not evaluated
    auto colon = last.find(':');
    auto node = std::make_unique<PNode>();
    if (colon != std::string::npos) {
      auto base_id = parent_id + "." + last.substr(0, colon);
      auto it = by_id.find(base_id);
      if (it == by_id.end()) continue;
      fill_pnode(*node, ed, true);
      node->slice_name = last.substr(colon + 1);
      by_id[id] = node.get();
      it->second->slices.push_back(std::move(node));
    } else {
      auto it = by_id.find(parent_id);
      if (it == by_id.end()) continue;
      fill_pnode(*node, ed, false);
      by_id[id] = node.get();
      it->second->children.push_back(std::move(node));
    }
  }
  // choice-type slices (value[x]:valueQuantity) without a declared slicing: treat as type slicing
  resolve_slices(p->root);
  mark(p->root);
  m_.profiles[url] = std::move(p);
}

void Compiler::finish() {
  for (const auto& [url, p] : m_.profiles) {
    const auto& b = p->base_definition;
    if (!b.empty() && !m_.profiles.count(b) && !base_urls_.count(b) && !m_.known_unavailable.count(b))
      m_.known_unavailable[b] = "parent of " + p->id + "; its definition is not installed";
  }
  m_.unimplemented_invariants.assign(unimplemented_.begin(), unimplemented_.end());
  std::sort(m_.unexpandable.begin(), m_.unexpandable.end());
}

}  // namespace netconv::fhir
