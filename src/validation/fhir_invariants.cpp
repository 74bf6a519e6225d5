// Hand-written FHIRPath invariants (no general FHIRPath engine): the error-severity constraints
// that resources netconv emits, or typical inputs, can break. Keys not listed here are not
// evaluated and are reported by FhirValidator::stats().unimplemented_invariants.
#include <array>
#include <cctype>
#include <set>
#include <string>

#include "validation/fhir_model.hpp"

namespace netconv::fhir {
namespace {

// FHIRPath exists(): a primitive that carries only extensions ("_key") exists too
bool has(const JNode& n, std::string_view key) {
  if (!n.is_object()) return false;
  const JNode* v = n.find(key);
  if (v && !v->is_null() && !(v->is_array() && v->empty())) return true;
  return n.find_underscored(key) != nullptr;
}
// true when any key stem+Uppercase exists (a choice element)
bool has_choice(const JNode& n, std::string_view stem) {
  if (!n.is_object()) return false;
  for (const auto& m : n) {
    std::string_view k = m.key();
    if (!k.empty() && k[0] == '_') k.remove_prefix(1);
    if (k.size() > stem.size() && k.compare(0, stem.size(), stem) == 0 && std::isupper(static_cast<unsigned char>(k[stem.size()])))
      return true;
  }
  return false;
}
template <class F>
bool any_item(const JNode& v, F f) {
  if (v.is_array()) {
    for (const auto& x : v)
      if (f(x)) return true;
    return false;
  }
  return f(v);
}
// Member `key` of n (nullptr when n is not an object or has no such member).
const JNode* member(const JNode& n, std::string_view key) { return n.find(key); }
bool coding_in(const JNode* cc, std::string_view system, std::initializer_list<std::string_view> codes) {
  const JNode* coding = cc ? member(*cc, "coding") : nullptr;
  if (!coding) return false;
  return any_item(*coding, [&](const JNode& c) {
    if (c.string_member("system") != system) return false;
    auto code = c.string_member("code");
    for (auto x : codes)
      if (code == x) return true;
    return false;
  });
}
std::string_view sval(const JNode& n, std::string_view key) { return n.string_member(key); }
// The items of array member `key`, or nullptr when absent or not an array.
const JNode* array_member(const JNode& n, std::string_view key) {
  const JNode* a = n.find(key);
  return a && a->is_array() ? a : nullptr;
}

const char* kCondClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
const char* kCondVer = "http://terminology.hl7.org/CodeSystem/condition-ver-status";

// ext-1: Must have either extensions or value[x], not both
bool ext_1(const JNode& n, std::string_view, const JNode&) { return has(n, "extension") != has_choice(n, "value"); }
// con-4: If condition is abated, then clinicalStatus must be either inactive, resolved, or remission
bool con_4(const JNode& n, std::string_view, const JNode&) {
  if (!has_choice(n, "abatement")) return true;
  return coding_in(member(n, "clinicalStatus"), kCondClinical, {"resolved", "remission", "inactive"});
}
// con-5: Condition.clinicalStatus SHALL NOT be present if verification Status is entered-in-error
bool con_5(const JNode& n, std::string_view, const JNode&) {
  if (!coding_in(member(n, "verificationStatus"), kCondVer, {"entered-in-error"})) return true;
  return !has(n, "clinicalStatus");
}
// obs-6: dataAbsentReason SHALL only be present if Observation.value[x] is not present
bool obs_6(const JNode& n, std::string_view, const JNode&) { return !has(n, "dataAbsentReason") || !has_choice(n, "value"); }
// obs-3: Must have at least a low or a high or text
bool obs_3(const JNode& n, std::string_view, const JNode&) { return has(n, "low") || has(n, "high") || has(n, "text"); }
// mad-1: SHALL have at least one of dosage.dose or dosage.rate[x]
bool mad_1(const JNode& n, std::string_view, const JNode&) { return has(n, "dose") || has_choice(n, "rate"); }
// pat-1: SHALL at least contain a contact's details or a reference to an organization
bool pat_1(const JNode& n, std::string_view, const JNode&) {
  return has(n, "name") || has(n, "telecom") || has(n, "address") || has(n, "organization");
}
// ref-1: SHALL have a contained resource if a local reference is provided
bool ref_1(const JNode& n, std::string_view, const JNode& root) {
  auto r = sval(n, "reference");
  if (r.empty() || r[0] != '#') return true;
  if (r == "#") return true;  // reference to the container itself
  auto id = r.substr(1);
  const JNode* contained = array_member(root, "contained");
  if (!contained) return false;
  for (const auto& c : *contained)
    if (sval(c, "id") == id) return true;
  return false;
}
// qty-3: If a code for the unit is present, the system SHALL also be present
bool qty_3(const JNode& n, std::string_view, const JNode&) { return !has(n, "code") || has(n, "system"); }
// per-1: If present, start SHALL have a lower value than end (compared at the common precision)
bool per_1(const JNode& n, std::string_view, const JNode&) {
  auto s = sval(n, "start"), e = sval(n, "end");
  if (s.empty() || e.empty()) return true;
  auto len = std::min<std::size_t>({s.size(), e.size(), 10});  // dates only: zones make times ambiguous
  return s.compare(0, len, e, 0, len) <= 0;
}
// rng-2: If present, low SHALL have a lower value than high (same unit assumed)
bool rng_2(const JNode& n, std::string_view, const JNode&) {
  if (!has(n, "low") || !has(n, "high")) return true;
  const JNode* l = member(n, "low");
  const JNode* h = member(n, "high");
  const JNode* lv = l ? member(*l, "value") : nullptr;
  const JNode* hv = h ? member(*h, "value") : nullptr;
  if (!lv || !hv || !lv->is_number() || !hv->is_number()) return true;
  if (l->string_member("code") != h->string_member("code")) return true;
  return lv->number() <= hv->number();
}
// dom-2: If the resource is contained in another resource, it SHALL NOT contain nested Resources
bool dom_2(const JNode& n, std::string_view, const JNode&) {
  const JNode* contained = array_member(n, "contained");
  if (!contained) return true;
  for (const auto& c : *contained)
    if (has(c, "contained")) return false;
  return true;
}
// dom-4: contained resources SHALL NOT have meta.versionId or meta.lastUpdated
bool dom_4(const JNode& n, std::string_view, const JNode&) {
  const JNode* contained = array_member(n, "contained");
  if (!contained) return true;
  for (const auto& c : *contained) {
    const JNode* meta = member(c, "meta");
    if (meta && (has(*meta, "versionId") || has(*meta, "lastUpdated"))) return false;
  }
  return true;
}
// dom-5: contained resources SHALL NOT have a security label
bool dom_5(const JNode& n, std::string_view, const JNode&) {
  const JNode* contained = array_member(n, "contained");
  if (!contained) return true;
  for (const auto& c : *contained) {
    const JNode* meta = member(c, "meta");
    if (meta && has(*meta, "security")) return false;
  }
  return true;
}
// ---- Bundle ----
bool bdl_1(const JNode& n, std::string_view, const JNode&) {  // total only when a search or history
  auto t = sval(n, "type");
  return !has(n, "total") || t == "searchset" || t == "history";
}
bool bdl_2(const JNode& n, std::string_view, const JNode&) {  // entry.search only when a search
  const JNode* entries = array_member(n, "entry");
  if (sval(n, "type") == "searchset" || !entries) return true;
  for (const auto& e : *entries)
    if (has(e, "search")) return false;
  return true;
}
bool bdl_3(const JNode& n, std::string_view, const JNode&) {  // entry.request mandatory for batch/transaction/history
  const JNode* entries = array_member(n, "entry");
  if (!entries) return true;
  auto t = sval(n, "type");
  bool need = t == "batch" || t == "transaction" || t == "history";
  for (const auto& e : *entries)
    if (has(e, "request") != need) return false;
  return true;
}
bool bdl_4(const JNode& n, std::string_view, const JNode&) {  // entry.response for batch-/transaction-response/history
  const JNode* entries = array_member(n, "entry");
  if (!entries) return true;
  auto t = sval(n, "type");
  bool need = t == "batch-response" || t == "transaction-response" || t == "history";
  for (const auto& e : *entries)
    if (has(e, "response") != need) return false;
  return true;
}
bool bdl_5(const JNode& n, std::string_view, const JNode&) {  // on Bundle.entry: resource, request or response
  return has(n, "resource") || has(n, "request") || has(n, "response");
}
bool bdl_7(const JNode& n, std::string_view, const JNode&) {  // fullUrl unique unless versionId differs
  const JNode* entries = array_member(n, "entry");
  if (!entries) return true;
  std::set<std::string> seen;
  for (const auto& e : *entries) {
    auto u = sval(e, "fullUrl");
    if (u.empty()) continue;
    std::string_view v;
    const JNode* resource = member(e, "resource");
    const JNode* meta = resource ? member(*resource, "meta") : nullptr;
    if (meta) v = sval(*meta, "versionId");
    if (!seen.insert(std::string(u) + "|" + std::string(v)).second) return false;
  }
  return true;
}
bool bdl_8(const JNode& n, std::string_view, const JNode&) {  // on Bundle.entry: fullUrl not version specific
  return sval(n, "fullUrl").find("/_history/") == std::string::npos;
}
bool bdl_9(const JNode& n, std::string_view, const JNode&) {
  if (sval(n, "type") != "document") return true;
  const JNode* identifier = member(n, "identifier");
  return identifier && has(*identifier, "system") && has(*identifier, "value");
}
bool bdl_10(const JNode& n, std::string_view, const JNode&) { return sval(n, "type") != "document" || has(n, "timestamp"); }
bool first_entry_is(const JNode& n, const char* type, const char* rt) {
  if (sval(n, "type") != type) return true;
  const JNode* entries = array_member(n, "entry");
  if (!entries || entries->empty()) return false;
  const JNode* resource = member(*entries->begin(), "resource");
  return resource && sval(*resource, "resourceType") == rt;
}
bool bdl_11(const JNode& n, std::string_view, const JNode&) { return first_entry_is(n, "document", "Composition"); }
bool bdl_12(const JNode& n, std::string_view, const JNode&) { return first_entry_is(n, "message", "MessageHeader"); }
// ---- US Core 6.1.0 (as carried by the mCODE snapshots) ----
// us-core-1 / vs-1: $this is dateTime implies $this.toString().length() >= 10
bool us_core_1(const JNode& n, std::string_view type, const JNode&) {
  if (type != "DateTime" || !n.is_string()) return true;
  return n.str().size() >= 10;
}
// us-core-2 / vs-2: (component.empty() and hasMember.empty()) implies (dataAbsentReason.exists() or value.exists())
bool us_core_2(const JNode& n, std::string_view, const JNode&) {
  if (has(n, "component") || has(n, "hasMember")) return true;
  return has(n, "dataAbsentReason") || has_choice(n, "value");
}
// us-core-3: value.ofType(Quantity).system.empty() or = 'http://unitsofmeasure.org' (on Observation.value[x])
bool us_core_3(const JNode& n, std::string_view type, const JNode&) {
  if (type != "Quantity" || !n.is_object()) return true;
  auto s = sval(n, "system");
  return !n.contains("system") || s == "http://unitsofmeasure.org";
}
// us-core-6: (family.exists() or given.exists()) xor extension.where(url=data-absent-reason).exists()
bool us_core_6(const JNode& n, std::string_view, const JNode&) {
  bool named = has(n, "family") || has(n, "given");
  const JNode* extension = member(n, "extension");
  bool dar = extension && any_item(*extension, [](const JNode& e) {
               return sval(e, "url") == "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
             });
  return named != dar;
}
// us-core-7: (status='completed' or status='in-progress') implies performed.exists()
bool us_core_7(const JNode& n, std::string_view, const JNode&) {
  auto s = sval(n, "status");
  return !(s == "completed" || s == "in-progress") || has_choice(n, "performed");
}
// us-core-21: intent is an order kind implies requester.exists()
bool us_core_21(const JNode& n, std::string_view, const JNode&) {
  auto i = sval(n, "intent");
  bool order = i == "order" || i == "original-order" || i == "reflex-order" || i == "filler-order" || i == "instance-order";
  return !order || has(n, "requester");
}
// vs-3: component: value.exists() or dataAbsentReason.exists()
bool vs_3(const JNode& n, std::string_view, const JNode&) { return has_choice(n, "value") || has(n, "dataAbsentReason"); }
// grp-1: Can only have members if group is "actual"
bool grp_1(const JNode& n, std::string_view, const JNode&) {
  const JNode* actual = member(n, "actual");
  return !has(n, "member") || (actual && actual->is_boolean() && actual->boolean());
}
// mCODE: BodyStructure description or identifier
bool mcode_desc_or_id(const JNode& n, std::string_view, const JNode&) { return has(n, "description") || has(n, "identifier"); }
// mCODE tumor size: exactly one of focus / specimen
bool mcode_focus_or_specimen(const JNode& n, std::string_view, const JNode&) { return has(n, "focus") != has(n, "specimen"); }

struct Entry {
  std::string_view key;
  InvariantFn fn;
};
constexpr std::array<Entry, 35> kInvariants{{
    {"ext-1", ext_1},   {"con-4", con_4},   {"con-5", con_5},       {"obs-6", obs_6},       {"obs-3", obs_3},
    {"mad-1", mad_1},   {"pat-1", pat_1},   {"ref-1", ref_1},       {"qty-3", qty_3},       {"per-1", per_1},
    {"rng-2", rng_2},   {"dom-2", dom_2},   {"dom-4", dom_4},       {"dom-5", dom_5},       {"bdl-1", bdl_1},
    {"bdl-2", bdl_2},   {"bdl-3", bdl_3},   {"bdl-4", bdl_4},       {"bdl-5", bdl_5},       {"bdl-7", bdl_7},
    {"bdl-8", bdl_8},   {"bdl-9", bdl_9},   {"bdl-10", bdl_10},     {"bdl-11", bdl_11},     {"bdl-12", bdl_12},
    {"us-core-1", us_core_1}, {"vs-1", us_core_1}, {"us-core-2", us_core_2}, {"vs-2", us_core_2},
    {"us-core-3", us_core_3}, {"us-core-6", us_core_6}, {"us-core-7", us_core_7}, {"us-core-21", us_core_21},
    {"vs-3", vs_3},     {"grp-1", grp_1},
}};

}  // namespace

InvariantFn find_invariant(std::string_view key) {
  for (const auto& e : kInvariants)
    if (e.key == key) return e.fn;
  if (key == "mcode-description-or-id-required") return mcode_desc_or_id;
  if (key == "must-have-focus-or-specimen-invariant") return mcode_focus_or_specimen;
  return nullptr;
}

}  // namespace netconv::fhir
