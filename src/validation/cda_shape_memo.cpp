#include "validation/cda_shape_memo.hpp"

#include <algorithm>
#include <cstring>

namespace netconv {
namespace {

constexpr std::string_view kXsi = "http://www.w3.org/2001/XMLSchema-instance";
constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";
constexpr std::size_t kMaxTypedValues = 64;    // a typed slot's seen values only save a pattern run
constexpr std::size_t kMaxExactValues = 1024;  // an untyped slot accepts only the values it saw

bool declares_namespace(std::string_view name) { return name == "xmlns" || name.substr(0, 6) == "xmlns:"; }

std::pair<std::string_view, std::string_view> split(std::string_view qname) {
  auto colon = qname.find(':');
  if (colon == std::string_view::npos) return {{}, qname};
  return {qname.substr(0, colon), qname.substr(colon + 1)};
}

// Names are short: comparing them inline beats a call to memcmp.
bool equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.size() > 24) return a == b;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

}  // namespace

CdaShapeMemo::CdaShapeMemo(xmlSchemaPtr schema, const std::vector<std::string>* id_attribute_names) : schema_(schema) {
  ids_.names = id_attribute_names;
}

std::string_view CdaShapeMemo::xsi_type(const XmlSubsetElement& e) const {
  if (e.verbatim != XmlSubsetElement::kNone) return verbatim_[e.verbatim].xsi_type;
  if (xsi_type_name_.empty()) return {};
  const auto& attributes = scan_.attributes();
  for (std::uint32_t k = 0; k < e.attribute_count; ++k) {
    const XmlSubsetAttribute& a = attributes[e.first_attribute + k];
    if (a.prefixed && a.name == xsi_type_name_) return a.value;
  }
  return {};
}

// The shape of this element among those learned in its context: same name, attribute names,
// children (names and xsi:types, in order) and kind of text. Each match moves a shape one place
// forward, so that the shapes a context sees most are tried first.
const CdaShapeMemo::StoredShape* CdaShapeMemo::matching_shape(std::uint32_t element, std::uint32_t context) {
  const auto& elements = scan_.elements();
  const auto& attributes = scan_.attributes();
  const XmlSubsetElement& e = elements[element];
  Context& c = contexts_[context];
  const std::uint64_t wanted = counts(e);
  for (std::size_t n = 0; n < c.shapes.size(); ++n) {
    // the counts first, without touching the shapes; the name was matched with the parent's
    // shape (the root's, with the roots)
    if (c.shapes[n].first != wanted) continue;
    const StoredShape& shape = shapes_[c.shapes[n].second];
    std::string_view rest(shape_names_.data() + shape.names_at, shape.names_size);
    auto next_is = [&rest](std::string_view name) {
      if (rest.size() <= name.size() || rest[name.size()] != '\x01' || !equal(rest.substr(0, name.size()), name)) return false;
      rest.remove_prefix(name.size() + 1);
      return true;
    };
    bool same = true;
    for (std::uint32_t k = 0; same && k < e.attribute_count; ++k) same = next_is(attributes[e.first_attribute + k].name);
    for (std::uint32_t child = e.first_child; same && child != XmlSubsetElement::kNone; child = elements[child].next_sibling)
      same = next_is(elements[child].name) && next_is(xsi_type(elements[child]));
    if (!same || !rest.empty()) continue;
    if (n > 0) std::swap(c.shapes[n], c.shapes[n - 1]);
    return &shape;
  }
  return nullptr;
}

// The roots are keyed by the set of namespace declarations, the name and the xsi:type.
void CdaShapeMemo::root_key(const XmlSubsetElement& root) {
  key_.assign(reinterpret_cast<const char*>(&bindings_), sizeof bindings_);
  key_ += root.name;
  key_ += '\x01';
  key_ += xsi_type(root);
}

bool CdaShapeMemo::accepts(std::uint32_t slot, std::string_view raw, bool has_entity) {
  const Slot& s = slots_[slot];
  if (s.check_first && s.check->accepts(XmlSubsetScan::decoded(raw, has_entity, decoded_), scratch_)) return true;
  if (s.has_first && equal(s.first_seen, raw)) return true;
  if (!s.seen.empty() && s.seen.find(raw) != s.seen.end()) return true;
  if (!s.check || s.check_first) return false;
  return s.check->accepts(XmlSubsetScan::decoded(raw, has_entity, decoded_), scratch_);
}

bool CdaShapeMemo::text_fits(const Context& c, const XmlSubsetElement& e) {
  switch (c.text) {
    case TextRule::any:
      return true;
    case TextRule::space:  // element-only content: white space between the children is allowed
      return e.text != XmlTextKind::content;
    case TextRule::none:
      return e.text == XmlTextKind::none;
    case TextRule::slot:
      return e.child_count == 0 && accepts(c.text_slot, e.leaf_text, e.leaf_text_has_entity);
  }
  return false;
}

bool CdaShapeMemo::known_valid(std::string_view xml) {
  misplaced_.clear();
  if (!verbatim_.empty() && known_valid(xml, true)) return true;
  if (misplaced_.empty() && !verbatim_.empty()) return false;
  // a kept subtree in a context it was not seen valid in (or none kept): read it all
  if (!known_valid(xml, false)) return false;
  for (auto [id, context] : misplaced_) {  // valid there too, as the whole reading has shown
    auto& where = verbatim_[id].contexts;
    if (where.size() < kMaxVerbatimContexts && std::find(where.begin(), where.end(), context) == where.end())
      where.push_back(context);
  }
  return true;
}

bool CdaShapeMemo::known_valid(std::string_view xml, bool skip_kept_subtrees) {
  scanned_ = scan_.read(xml, skip_kept_subtrees ? this : nullptr);
  if (!scanned_ || shapes_.empty()) return false;
  const auto& elements = scan_.elements();
  const auto& attributes = scan_.attributes();
  bindings_ = bindings(elements[0], false);
  if (bindings_ == kNone) return false;
  xsi_type_name_ = binding_sets_[bindings_].xsi_type_name;
  root_key(elements[0]);
  auto root = roots_.find(key_);
  if (root == roots_.end()) return false;
  element_context_.resize(elements.size());
  element_context_[0] = root->second;
  ids_.clear();
  // parents come before their children, so each element's context is set when it is reached
  for (std::uint32_t i = 0; i < elements.size(); ++i) {
    const std::uint32_t context = element_context_[i];
    const XmlSubsetElement& e = elements[i];
    if (e.verbatim != XmlSubsetElement::kNone) {
      const Verbatim& v = verbatim_[e.verbatim];
      if (std::find(v.contexts.begin(), v.contexts.end(), context) == v.contexts.end()) {
        misplaced_.emplace_back(e.verbatim, context);
        return false;
      }
      for (const auto& id : v.ids) ids_.add(id);
      continue;
    }
    const StoredShape* found = matching_shape(i, context);
    if (!found) return false;
    const std::uint32_t* slots = shape_places_.data() + found->places_at;
    const std::uint32_t* children = slots + found->attribute_count;
    for (std::uint32_t k = 0; k < e.attribute_count; ++k) {
      const XmlSubsetAttribute& a = attributes[e.first_attribute + k];
      const std::uint32_t slot = slots[k];
      if (!accepts(slot, a.value, a.has_entity)) return false;
      if (slots_[slot].holds_id) ids_.add(XmlSubsetScan::decoded(a.value, a.has_entity, decoded_));
    }
    if (!text_fits(contexts_[context], e)) return false;
    std::uint32_t k = 0;
    for (std::uint32_t c = e.first_child; c != XmlSubsetElement::kNone; c = elements[c].next_sibling)
      element_context_[c] = children[k++];
  }
  if (!ids_.unique()) return false;
  if (++hits_ % 64 == 0) learn_verbatim();
  return true;
}

std::optional<std::pair<std::string, std::string>> CdaShapeMemo::expanded(std::string_view qname, bool is_element) const {
  auto [prefix, local] = split(qname);
  if (prefix.empty() && !is_element) return std::pair{std::string(local), std::string()};
  if (prefix == "xml") return std::pair{std::string(local), std::string(kXmlNamespace)};
  std::string declaration = prefix.empty() ? "xmlns" : "xmlns:" + std::string(prefix);
  for (const auto& [name, uri] : binding_sets_[bindings_].declared)
    if (name == declaration) return std::pair{std::string(local), uri};
  if (prefix.empty()) return std::pair{std::string(local), std::string()};  // no default namespace
  return std::nullopt;
}

std::uint32_t CdaShapeMemo::new_slot(std::optional<xsd::SimpleCheck> check) {
  Slot slot;
  slot.check_first = check && !check->has_patterns();
  slot.check = std::move(check);
  slots_.push_back(std::move(slot));
  bytes_ += sizeof(Slot);
  return static_cast<std::uint32_t>(slots_.size() - 1);
}

// The context of an element the content model of `parent`'s type assigned `declaration`; kNone
// when the memo does not model it (identity constraints, an unresolvable xsi:type, a value
// constraint on mixed content, or a content type it does not know).
std::uint32_t CdaShapeMemo::context(std::uint32_t parent, const xmlSchemaElement* declaration, std::string_view xsi_type) {
  // a root's context is one per set of namespace declarations
  const std::uint32_t above = parent == kNone ? 0x80000000u | bindings_ : parent;
  std::string key(reinterpret_cast<const char*>(&above), sizeof above);
  key.append(reinterpret_cast<const char*>(&declaration), sizeof declaration);
  key += xsi_type;
  if (auto found = context_ids_.find(key); found != context_ids_.end()) return found->second;
  if (!declaration || declaration->idcs || xsi_type.find('&') != std::string_view::npos) return kNone;
  const xmlSchemaType* type = declaration->subtypes;
  if (!xsi_type.empty()) {
    auto name = expanded(xsi_type, true);
    if (!name) return kNone;
    type = xsd::global_type(schema_, name->first, name->second);
  }
  if (!type) return kNone;
  Context c;
  c.declaration = declaration;
  c.type = type;
  const bool constrained = declaration->value != nullptr;  // a default or fixed value
  if (type->type == XML_SCHEMA_TYPE_SIMPLE || type->type == XML_SCHEMA_TYPE_BASIC) {
    c.text = TextRule::slot;
    c.text_slot = new_slot(constrained ? std::nullopt : xsd::SimpleCheck::of(type));
  } else if (type->type != XML_SCHEMA_TYPE_COMPLEX) {
    return kNone;
  } else if (type->contentType == XML_SCHEMA_CONTENT_MIXED) {
    if (constrained) return kNone;
    c.text = TextRule::any;
  } else if (type->contentType == XML_SCHEMA_CONTENT_ELEMENTS) {
    c.text = TextRule::space;
  } else if (type->contentType == XML_SCHEMA_CONTENT_EMPTY) {
    c.text = TextRule::none;
  } else if (type->contentType == XML_SCHEMA_CONTENT_SIMPLE || type->contentType == XML_SCHEMA_CONTENT_BASIC) {
    c.text = TextRule::slot;
    c.text_slot = new_slot(constrained ? std::nullopt : xsd::SimpleCheck::of(type->contentTypeDef));
  } else {
    return kNone;
  }
  contexts_.push_back(std::move(c));
  auto id = static_cast<std::uint32_t>(contexts_.size() - 1);
  bytes_ += key.size() + sizeof(Context) + 64;
  context_ids_.emplace(std::move(key), id);
  return id;
}

// The slot of the attribute `name` in a context. Namespace declarations and xsi:type take only
// values seen; other xsi attributes (nil, schemaLocation) are not modelled.
std::uint32_t CdaShapeMemo::attribute_slot(std::uint32_t context, std::string_view name) {
  for (const auto& [written, slot] : contexts_[context].attribute_slots)
    if (written == name) return slot;
  std::uint32_t slot = kNone;
  if (declares_namespace(name)) {
    slot = new_slot(std::nullopt);
  } else {
    auto expanded_name = expanded(name, false);
    if (!expanded_name) return kNone;
    const auto& [local, ns] = *expanded_name;
    if (ns == kXsi) {
      if (local != "type") return kNone;
      slot = new_slot(std::nullopt);
    } else {
      auto use = xsd::attribute_use(contexts_[context].type, local, ns);
      // no use of that name: a wildcard allowed it, so only the values seen pass
      slot = new_slot(use && !use->fixed ? xsd::SimpleCheck::of(use->declaration->subtypes) : std::nullopt);
    }
  }
  if (!declares_namespace(name)) {
    auto [prefix, local] = split(name);
    slots_[slot].holds_id = ids_.counts(local, prefix);
  }
  contexts_[context].attribute_slots.emplace_back(std::string(name), slot);
  return slot;
}

const CdaShapeMemo::StoredShape& CdaShapeMemo::store(const Shape& shape, std::uint32_t attribute_count) {
  StoredShape stored;
  stored.names_at = static_cast<std::uint32_t>(shape_names_.size());
  stored.names_size = static_cast<std::uint32_t>(shape.names.size());
  stored.places_at = static_cast<std::uint32_t>(shape_places_.size());
  stored.attribute_count = attribute_count;
  shape_names_ += shape.names;
  shape_places_.insert(shape_places_.end(), shape.places.begin(), shape.places.end());
  shapes_.push_back(stored);
  return shapes_.back();
}

bool CdaShapeMemo::make_shape(std::uint32_t element, std::uint32_t context, Shape& shape) {
  const auto& elements = scan_.elements();
  const auto& attributes = scan_.attributes();
  const XmlSubsetElement& e = elements[element];
  for (std::uint32_t k = 0; k < e.attribute_count; ++k) {
    std::uint32_t slot = attribute_slot(context, attributes[e.first_attribute + k].name);
    if (slot == kNone) return false;
    shape.names.append(attributes[e.first_attribute + k].name).append(1, '\x01');
    shape.places.push_back(slot);
  }
  const Context& c = contexts_[context];
  const xmlSchemaType* type = c.type;
  switch (c.text) {
    case TextRule::any:
      break;
    case TextRule::space:
      if (e.text == XmlTextKind::content) return false;
      break;
    case TextRule::none:
      if (e.text != XmlTextKind::none) return false;
      break;
    case TextRule::slot:
      if (e.child_count != 0) return false;
      break;
  }
  if (e.child_count == 0) return true;
  std::vector<std::pair<std::string, std::string>> names;
  for (std::uint32_t k = e.first_child; k != XmlSubsetElement::kNone; k = elements[k].next_sibling) {
    auto name = expanded(elements[k].name, true);
    if (!name) return false;
    names.push_back(std::move(*name));
    shape.names.append(elements[k].name).append(1, '\x01').append(xsi_type(elements[k])).append(1, '\x01');
  }
  auto declarations = xsd::child_declarations(type, names);
  if (!declarations) return false;
  std::size_t n = 0;
  for (std::uint32_t k = e.first_child; k != XmlSubsetElement::kNone; k = elements[k].next_sibling) {
    std::uint32_t child = this->context(context, (*declarations)[n++], xsi_type(elements[k]));
    if (child == kNone) return false;
    shape.places.push_back(child);
  }
  return true;
}

std::uint32_t CdaShapeMemo::bindings(const XmlSubsetElement& root, bool create) {
  const auto& attributes = scan_.attributes();
  key_.clear();
  for (std::uint32_t k = 0; k < root.attribute_count; ++k) {
    const XmlSubsetAttribute& a = attributes[root.first_attribute + k];
    if (!declares_namespace(a.name)) continue;
    if (a.has_entity) return kNone;
    key_.append(a.name).append(1, '=').append(a.value).append(1, '\x01');
  }
  if (auto found = binding_ids_.find(key_); found != binding_ids_.end()) return found->second;
  if (!create) return kNone;
  Bindings b;
  for (std::uint32_t k = 0; k < root.attribute_count; ++k) {
    const XmlSubsetAttribute& a = attributes[root.first_attribute + k];
    if (!declares_namespace(a.name)) continue;
    b.declared.emplace_back(a.name, a.value);
    if (a.value == kXsi && a.name.size() > 6) b.xsi_type_name = std::string(a.name.substr(6)) + ":type";
  }
  binding_sets_.push_back(std::move(b));
  bytes_ += key_.size() * 2 + sizeof(Bindings) + 64;
  auto id = static_cast<std::uint32_t>(binding_sets_.size() - 1);
  binding_ids_.emplace(key_, id);
  return id;
}

void CdaShapeMemo::remember(std::uint32_t slot, std::string_view raw) {
  Slot& s = slots_[slot];
  if (!s.has_first) {
    s.has_first = true;
    s.first_seen = raw;
    bytes_ += raw.size();
    return;
  }
  if (s.first_seen == raw || bytes_ > kMaxBytes || s.seen.size() >= (s.check ? kMaxTypedValues : kMaxExactValues)) return;
  if (s.seen.emplace(raw).second) bytes_ += raw.size() + 48;
}

void CdaShapeMemo::learn() {
  if (!scanned_ || bytes_ > kMaxBytes) return;
  const auto& elements = scan_.elements();
  const auto& attributes = scan_.attributes();
  if (elements.empty()) return;
  const XmlSubsetElement& root = elements[0];
  bindings_ = bindings(root, true);
  if (bindings_ == kNone) return;
  xsi_type_name_ = binding_sets_[bindings_].xsi_type_name;
  auto root_name = expanded(root.name, true);
  if (!root_name) return;
  const xmlSchemaElement* declaration = xsd::global_element(schema_, root_name->first, root_name->second);
  std::uint32_t root_context = context(kNone, declaration, xsi_type(root));
  if (root_context == kNone) return;
  root_key(root);
  if (roots_.emplace(key_, root_context).second) bytes_ += key_.size() + 64;
  element_context_.assign(elements.size(), kNone);
  element_context_[0] = root_context;
  for (std::uint32_t i = 0; i < elements.size(); ++i) {
    const std::uint32_t context = element_context_[i];
    if (context == kNone) continue;  // its parent's shape is not modelled: neither is it
    if (elements[i].verbatim != XmlSubsetElement::kNone) {
      auto& where = verbatim_[elements[i].verbatim].contexts;
      if (where.size() < kMaxVerbatimContexts && std::find(where.begin(), where.end(), context) == where.end()) where.push_back(context);
      continue;
    }
    const StoredShape* found = matching_shape(i, context);
    if (!found) {
      Shape shape;
      if (bytes_ > kMaxBytes || !make_shape(i, context, shape)) continue;
      bytes_ += sizeof(StoredShape) + shape.names.size() + 4 * shape.places.size() + 32;
      found = &store(shape, elements[i].attribute_count);
      contexts_[context].shapes.emplace_back(counts(elements[i]), static_cast<std::uint32_t>(shapes_.size() - 1));
    }
    const std::uint32_t* slots = shape_places_.data() + found->places_at;
    const std::uint32_t* children = slots + found->attribute_count;
    const XmlSubsetElement& e = elements[i];
    for (std::uint32_t k = 0; k < e.attribute_count; ++k) remember(slots[k], attributes[e.first_attribute + k].value);
    if (contexts_[context].text == TextRule::slot) remember(contexts_[context].text_slot, e.leaf_text);
    std::uint32_t k = 0;
    for (std::uint32_t c = e.first_child; c != XmlSubsetElement::kNone; c = elements[c].next_sibling)
      element_context_[c] = children[k++];
  }
  learn_verbatim();
}

std::uint64_t CdaShapeMemo::prefix_hash(const char* p) {
  std::uint64_t w[4];
  std::memcpy(w, p, sizeof w);
  auto rotl = [](std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); };
  std::uint64_t h = (w[0] * 0x9E3779B97F4A7C15ull) ^ rotl(w[1] * 0xC2B2AE3D27D4EB4Full, 17) ^
                    rotl(w[2] * 0x165667B19E3779F9ull, 31) ^ rotl(w[3] * 0x27D4EB2F165667C5ull, 47);
  return h ^ (h >> 29);
}

std::uint32_t CdaShapeMemo::match(std::string_view from, std::size_t& length) const {
  if (from.size() < kVerbatimPrefix) return kNone;
  const std::uint64_t h = prefix_hash(from.data());
  if (!((prefix_filter_[(h >> 6) & 1023] >> (h & 63)) & 1)) return kNone;
  auto found = verbatim_by_prefix_.find(h);
  if (found == verbatim_by_prefix_.end()) return kNone;
  for (std::uint32_t id : found->second) {
    const std::string& bytes = verbatim_[id].bytes;
    if (bytes.size() <= from.size() && std::memcmp(from.data(), bytes.data(), bytes.size()) == 0) {
      length = bytes.size();
      return id;
    }
  }
  return kNone;
}

// The ID values of elements [first, end) (a subtree, in document order), decoded.
void CdaShapeMemo::add_ids(std::uint32_t first, std::uint32_t end, std::vector<std::string>& out) {
  const auto& elements = scan_.elements();
  const auto& attributes = scan_.attributes();
  for (std::uint32_t k = first; k < end; ++k) {
    const XmlSubsetElement& e = elements[k];
    if (e.verbatim != XmlSubsetElement::kNone) {
      const auto& inner = verbatim_[e.verbatim].ids;
      out.insert(out.end(), inner.begin(), inner.end());
      continue;
    }
    for (std::uint32_t a = 0; a < e.attribute_count; ++a) {
      const XmlSubsetAttribute& attribute = attributes[e.first_attribute + a];
      if (declares_namespace(attribute.name)) continue;
      auto [prefix, local] = split(attribute.name);
      if (ids_.counts(local, prefix)) out.emplace_back(XmlSubsetScan::decoded(attribute.value, attribute.has_entity, decoded_));
    }
  }
}

// Keeps the subtrees of the document just read (valid, with contexts known) that a valid
// document showed before in the same context.
void CdaShapeMemo::learn_verbatim() {
  const auto& elements = scan_.elements();
  const std::string_view doc = scan_.text();
  for (std::uint32_t i = 1; i < elements.size() && bytes_ <= kMaxBytes; ++i) {
    const XmlSubsetElement& e = elements[i];
    const std::uint32_t context = element_context_[i];
    const std::size_t n = e.end - e.begin;
    if (context == kNone || e.verbatim != XmlSubsetElement::kNone || n < kVerbatimPrefix || n > kMaxVerbatim) continue;
    const std::string_view bytes = doc.substr(e.begin, n);
    std::size_t length = 0;
    // a well-formed element starting here has one end: a kept subtree matching here is this one
    if (std::uint32_t kept = match(doc.substr(e.begin), length); kept != kNone) {
      auto& where = verbatim_[kept].contexts;
      if (where.size() < kMaxVerbatimContexts && std::find(where.begin(), where.end(), context) == where.end()) where.push_back(context);
      continue;
    }
    const std::uint64_t seen = std::hash<std::string_view>{}(bytes) ^ (std::uint64_t{context} * 0x9E3779B97F4A7C15ull);
    if (seen_once_.insert(seen).second) {
      if (seen_once_.size() > 65536) seen_once_.clear();  // bounded; forgetting costs only speed
      continue;
    }
    Verbatim v;
    v.bytes = bytes;
    v.xsi_type = xsi_type(e);
    v.contexts = {context};
    std::uint32_t subtree_end = i + 1;
    while (subtree_end < elements.size() && elements[subtree_end].begin < e.end) ++subtree_end;
    add_ids(i, subtree_end, v.ids);
    const std::uint64_t h = prefix_hash(bytes.data());
    auto& candidates = verbatim_by_prefix_[h];
    if (candidates.size() >= 8) continue;
    candidates.push_back(static_cast<std::uint32_t>(verbatim_.size()));
    prefix_filter_[(h >> 6) & 1023] |= std::uint64_t{1} << (h & 63);
    bytes_ += n + v.xsi_type.size() + 16 * v.ids.size() + sizeof(Verbatim) + 64;
    verbatim_.push_back(std::move(v));
  }
}

}  // namespace netconv
