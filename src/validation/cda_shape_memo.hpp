// A memory of element shapes libxml2 has found valid, so that a CDA document made of known shapes
// is answered without libxml2 re-validating it (docs/validation.md "CDA shape memo").
//
// XSD validity, without identity constraints, is local: a document is valid when each element is
// valid against the declaration and type its parent's content model assigns it (the root: its
// global declaration), and ID values are unique. An element's local validity depends only on that
// declaration and type, its attributes' names and values, the names (and xsi:type) of its
// children in order, and its text. The memo keeps, for each place in the document (a *context*:
// the parent's context, the declaration the content model assigned, the xsi:type), the shapes
// seen there in documents libxml2 found valid: attribute names, children, kind of text. A new
// document is known valid when every element has a known shape in its context and every
// attribute value and text is either a value seen valid in that slot or passes the slot's simple
// type (xsd::SimpleCheck, for types it models); its ID values must be unique as well. Anything
// else (an unknown shape, a value of a type the check does not model, XML outside the subset
// xml_subset_scan reads) is "not known": the caller validates with libxml2 and, when the document
// is valid, lets the memo learn from it. The memo never says "invalid"; it only saves work.
//
// One memo per check session and schema (not thread-safe). Bounded: it stops learning at kMaxBytes.
//
//   if (!memo.known_valid(xml)) { if (libxml2_says_valid(xml)) memo.learn(); }
#pragma once
#include <libxml/xmlschemas.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "validation/cda_xsd_ids.hpp"
#include "validation/xml_subset_scan.hpp"
#include "validation/xsd_compiled.hpp"

namespace netconv {

class CdaShapeMemo : private XmlVerbatimFinder {
 public:
  static constexpr std::size_t kMaxBytes = 16u << 20;

  // `id_attribute_names`: as for XsdIdValues; both must outlive the memo.
  CdaShapeMemo(xmlSchemaPtr schema, const std::vector<std::string>* id_attribute_names);

  // True only when the document is valid by the argument above. Reads the document; learn()
  // then learns from this reading.
  bool known_valid(std::string_view xml);
  // Learns the shapes and values of the document the last known_valid() read. Call it only when
  // libxml2 has found that document valid.
  void learn();

  std::uint64_t hits() const { return hits_; }
  std::size_t bytes() const { return bytes_; }
  std::size_t shape_count() const { return shapes_.size(); }
  std::size_t context_count() const { return contexts_.size(); }
  std::size_t kept_subtree_count() const { return verbatim_.size(); }

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  struct ViewHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using ViewSet = std::unordered_set<std::string, ViewHash, std::equal_to<>>;
  template <class V>
  using ViewMap = std::unordered_map<std::string, V, ViewHash, std::equal_to<>>;

  // An attribute of one context, or the text of its elements.
  struct Slot {
    std::optional<xsd::SimpleCheck> check;  // none: only values seen valid pass
    bool check_first = false;               // the check is cheaper than a look-up (no patterns)
    bool holds_id = false;                  // its values must be unique (XsdIdValues::counts)
    bool has_first = false;
    std::string first_seen;                 // most slots only ever see one value
    ViewSet seen;                           // raw values seen in valid documents
  };
  enum class TextRule : std::uint8_t { any, space, none, slot };
  // An element shape: what must match, as written, and where its values and children go. Built
  // as a Shape, kept in two arenas (matching reads one shape per element, seldom in cache).
  struct Shape {
    // the attribute names, then the children's names and xsi:types, each followed by '\x01'
    std::string names;
    // a slot per attribute, in the order written, then a context per child
    std::vector<std::uint32_t> places;
  };
  struct StoredShape {
    std::uint32_t names_at = 0, names_size = 0, places_at = 0, attribute_count = 0;
  };
  struct Context {
    const xmlSchemaElement* declaration = nullptr;
    const xmlSchemaType* type = nullptr;
    TextRule text = TextRule::none;
    std::uint32_t text_slot = kNone;
    std::vector<std::pair<std::string, std::uint32_t>> attribute_slots;  // by name as written
    // each shape's numbers of children and attributes and text kind (compared first), and the
    // shape; most recently matched first
    std::vector<std::pair<std::uint64_t, std::uint32_t>> shapes;
  };

  const StoredShape* matching_shape(std::uint32_t element, std::uint32_t context);
  const StoredShape& store(const Shape& shape, std::uint32_t attribute_count);
  std::string_view xsi_type(const XmlSubsetElement& e) const;
  static std::uint64_t counts(const XmlSubsetElement& e) {
    return (std::uint64_t{e.child_count} << 32) | (std::uint64_t{e.attribute_count} << 8) | static_cast<std::uint64_t>(e.text);
  }
  void root_key(const XmlSubsetElement& root);
  bool accepts(std::uint32_t slot, std::string_view raw, bool has_entity);
  bool text_fits(const Context& c, const XmlSubsetElement& e);
  std::uint32_t context(std::uint32_t parent, const xmlSchemaElement* declaration, std::string_view xsi_type);
  std::uint32_t new_slot(std::optional<xsd::SimpleCheck> check);
  std::uint32_t attribute_slot(std::uint32_t context, std::string_view name);
  bool make_shape(std::uint32_t element, std::uint32_t context, Shape& shape);
  // The namespace declarations on the root, as written: the set's id, kNone for a new set (which
  // `create` adds) or declarations the memo does not read (entities in them).
  std::uint32_t bindings(const XmlSubsetElement& root, bool create);
  std::optional<std::pair<std::string, std::string>> expanded(std::string_view qname, bool is_element) const;
  void remember(std::uint32_t slot, std::string_view raw);

  // Subtrees seen twice in valid documents, kept byte for byte: a copy of one, in a context where
  // it was valid, is valid, and is not read (only its IDs are counted). Learnt from documents
  // libxml2 validated and from every 64th document answered.
  struct Verbatim {
    std::string bytes;
    std::string xsi_type;                // of its root element
    std::vector<std::uint32_t> contexts;  // where it was valid
    std::vector<std::string> ids;         // the ID values inside it
  };
  // the bytes that find the candidates, and the shortest subtree kept (shorter ones, or a longer
  // minimum, cost more than they save: measured with callgrind on 600 documents)
  static constexpr std::size_t kVerbatimPrefix = 32;
  static constexpr std::size_t kMaxVerbatim = 16u << 10;
  static constexpr std::size_t kMaxVerbatimContexts = 64;
  bool known_valid(std::string_view xml, bool skip_kept_subtrees);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> misplaced_;  // kept subtree, context
  std::uint32_t match(std::string_view from, std::size_t& length) const override;
  void learn_verbatim();
  void add_ids(std::uint32_t first, std::uint32_t end, std::vector<std::string>& out);
  static std::uint64_t prefix_hash(const char* p);

  xmlSchemaPtr schema_;
  XsdIdValues ids_;
  XmlSubsetScan scan_;
  bool scanned_ = false;
  std::vector<std::uint32_t> element_context_;
  std::string key_, decoded_, scratch_;

  std::vector<Slot> slots_;
  std::vector<Context> contexts_;
  ViewMap<std::uint32_t> context_ids_;
  ViewMap<std::uint32_t> roots_;  // root_key -> context
  std::vector<StoredShape> shapes_;
  std::string shape_names_;
  std::vector<std::uint32_t> shape_places_;
  // Each set of root namespace declarations seen starts contexts of its own (the roots are keyed
  // by it), so that a prefix means one namespace throughout every shape.
  struct Bindings {
    std::vector<std::pair<std::string, std::string>> declared;  // attribute name, namespace
    std::string xsi_type_name;                                  // "<prefix>:type" for xsi
  };
  std::vector<Bindings> binding_sets_;
  ViewMap<std::uint32_t> binding_ids_;  // the declarations, written out -> index
  std::uint32_t bindings_ = kNone;      // the current document's
  std::string xsi_type_name_;           // the current document's
  std::vector<Verbatim> verbatim_;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> verbatim_by_prefix_;
  std::vector<std::uint64_t> prefix_filter_ = std::vector<std::uint64_t>(1024);  // 2^16 bits of prefix hashes
  std::unordered_set<std::uint64_t> seen_once_;  // subtree and context hashes seen in one valid document

  std::size_t bytes_ = 0;
  std::uint64_t hits_ = 0;
};

}  // namespace netconv
