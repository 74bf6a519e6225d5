#include "validation/cda_shape_memo.hpp"

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
const CdaShapeMemo::Shape* CdaShapeMemo::matching_shape(std::uint32_t element, std::uint32_t context) {
  const auto& elements = scan_.elements();
  const auto& attributes = scan_.attributes();
  const XmlSubsetElement& e = elements[element];
  Context& c = contexts_[context];
  const std::uint64_t wanted = counts(e);
  for (std::size_t n = 0; n < c.shapes.size(); ++n) {
    // the counts first, without touching the shapes; the name was matched with the parent's
    // shape (the root's, with the roots)
    if (c.counts[n] != wanted) continue;
    const Shape& shape = shapes_[c.shapes[n]];
    bool same = true;
    for (std::uint32_t k = 0; same && k < e.attribute_count; ++k) same = equal(shape.attribute_names[k], attributes[e.first_attribute + k].name);
    std::size_t k = 0;
    for (std::uint32_t c = e.first_child; same && c != XmlSubsetElement::kNone; c = elements[c].next_sibling, ++k)
      same = equal(shape.children[k].first, elements[c].name) && equal(shape.children[k].second, xsi_type(elements[c]));
    if (!same) continue;
    if (n > 0) {
      std::swap(c.shapes[n], c.shapes[n - 1]);
      std::swap(c.counts[n], c.counts[n - 1]);
    }
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
  scanned_ = scan_.read(xml);
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
    const Shape* found = matching_shape(i, context);
    if (!found) return false;
    const Shape& shape = *found;
    const XmlSubsetElement& e = elements[i];
    for (std::uint32_t k = 0; k < e.attribute_count; ++k) {
      const XmlSubsetAttribute& a = attributes[e.first_attribute + k];
      if (!accepts(shape.attribute_slots[k], a.value, a.has_entity)) return false;
      if (slots_[shape.attribute_slots[k]].holds_id) ids_.add(XmlSubsetScan::decoded(a.value, a.has_entity, decoded_));
    }
    if (!text_fits(contexts_[context], e)) return false;
    std::uint32_t k = 0;
    for (std::uint32_t c = e.first_child; c != XmlSubsetElement::kNone; c = elements[c].next_sibling)
      element_context_[c] = shape.child_contexts[k++];
  }
  if (!ids_.unique()) return false;
  ++hits_;
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

bool CdaShapeMemo::make_shape(std::uint32_t element, std::uint32_t context, Shape& shape) {
  const auto& elements = scan_.elements();
  const auto& attributes = scan_.attributes();
  const XmlSubsetElement& e = elements[element];
  shape.name = e.name;
  shape.text = e.text;
  for (std::uint32_t k = 0; k < e.attribute_count; ++k) {
    std::uint32_t slot = attribute_slot(context, attributes[e.first_attribute + k].name);
    if (slot == kNone) return false;
    shape.attribute_names.emplace_back(attributes[e.first_attribute + k].name);
    shape.attribute_slots.push_back(slot);
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
    shape.children.emplace_back(elements[k].name, xsi_type(elements[k]));
  }
  auto declarations = xsd::child_declarations(type, names);
  if (!declarations) return false;
  std::size_t n = 0;
  for (std::uint32_t k = e.first_child; k != XmlSubsetElement::kNone; k = elements[k].next_sibling) {
    std::uint32_t child = this->context(context, (*declarations)[n++], xsi_type(elements[k]));
    if (child == kNone) return false;
    shape.child_contexts.push_back(child);
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
    const Shape* found = matching_shape(i, context);
    if (!found) {
      Shape shape;
      if (bytes_ > kMaxBytes || !make_shape(i, context, shape)) continue;
      bytes_ += sizeof(Shape) + shape.name.size() + 48 * (shape.attribute_names.size() + shape.children.size()) + 64;
      shapes_.push_back(std::move(shape));
      contexts_[context].shapes.push_back(static_cast<std::uint32_t>(shapes_.size() - 1));
      contexts_[context].counts.push_back(counts(elements[i]));
      found = &shapes_.back();
    }
    const Shape& shape = *found;
    const XmlSubsetElement& e = elements[i];
    for (std::uint32_t k = 0; k < e.attribute_count; ++k) remember(shape.attribute_slots[k], attributes[e.first_attribute + k].value);
    if (contexts_[context].text == TextRule::slot) remember(contexts_[context].text_slot, e.leaf_text);
    std::uint32_t k = 0;
    for (std::uint32_t c = e.first_child; c != XmlSubsetElement::kNone; c = elements[c].next_sibling)
      element_context_[c] = shape.child_contexts[k++];
  }
}

}  // namespace netconv
