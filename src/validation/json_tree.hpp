// A read-only JSON tree for validation: one flat vector of nodes in document order, strings as
// views into the parsed text (or into an arena when they had escapes). Parsing a resource into it
// costs a fraction of building an nlohmann DOM (no allocation per node or per string), which is
// what lets every output be validated at conversion speed.
//
// Unlike nlohmann/json, members keep their document order and duplicate keys are kept (the
// validator reports them). The parser is iterative with a depth limit, checks UTF-8, and treats
// numbers beyond double range as errors, so hostile input gives an error, never a crash.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace netconv::fhir {

class JsonParser;

enum class JsonType : std::uint8_t { null, boolean, number, string, array, object };

class JsonTree;

// Reading a value of a tree parsed for validation notes the tree's current read mark on its node,
// so that the validator's result cache (fast/replay.hpp) knows which values decided the course of
// a validation. The mark belongs to the tree (1 after parsing); the validator switches it while
// one of its recorded checks runs. Trees of definitions (parse_owned) are shared between threads
// and note nothing.
// Notes reads of `tree` with `mark` (0: not at all) until the end of the scope.
class ReadMarkScope {
 public:
  ReadMarkScope(const JsonTree& tree, std::uint8_t mark);
  ~ReadMarkScope();
  ReadMarkScope(const ReadMarkScope&) = delete;
  ReadMarkScope& operator=(const ReadMarkScope&) = delete;

 private:
  std::uint8_t& mark_;
  std::uint8_t saved_;
};

class JsonNode {
 public:
  JsonType type() const { return type_; }
  bool is_null() const { return type_ == JsonType::null; }
  bool is_boolean() const { return type_ == JsonType::boolean; }
  bool is_number() const { return type_ == JsonType::number; }
  bool is_number_integer() const { return type_ == JsonType::number && integer_; }
  bool is_string() const { return type_ == JsonType::string; }
  bool is_array() const { return type_ == JsonType::array; }
  bool is_object() const { return type_ == JsonType::object; }
  const char* type_name() const;

  bool boolean() const {
    note_read();
    return boolean_;
  }
  double number() const {
    note_read();
    return number_;
  }
  std::string_view str() const {  // string value, a number's literal; empty for other types
    note_read();
    return text_;
  }
  std::string_view key() const { return key_; }   // member name when inside an object

  std::size_t size() const { return count_; }  // members / items; 0 for scalars
  bool empty() const { return count_ == 0; }

  // Children (members or items) in document order.
  class Iterator {
   public:
    explicit Iterator(const JsonNode* n) : n_(n) {}
    const JsonNode& operator*() const { return *n_; }
    const JsonNode* operator->() const { return n_; }
    Iterator& operator++() {
      n_ += n_->span_;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return n_ != o.n_; }
    bool operator==(const Iterator& o) const { return n_ == o.n_; }

   private:
    const JsonNode* n_;
  };
  Iterator begin() const { return Iterator(this + 1); }
  Iterator end() const { return Iterator(this + span_); }

  // First member with this name (objects only), else nullptr.
  const JsonNode* find(std::string_view name) const;
  // The member "_name" (a primitive's extensions), without building the string.
  const JsonNode* find_underscored(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name) != nullptr; }
  // Item i of an array (linear), else nullptr.
  const JsonNode* at(std::size_t i) const;
  // String member value, or "" when absent or not a string.
  std::string_view string_member(std::string_view name) const;

  // Compact JSON text (for messages).
  std::string dump() const;

  // The read bits noted on this node since it was parsed.
  std::uint8_t read_marks() const { return marks_; }
  // Appends the scalar value (a string's text, a number's literal, a boolean) in a form where
  // equal bytes mean an equal value, without noting a read: the result cache's comparison key.
  void append_value_key(std::string& out) const;
  // Same JSON type and value (numbers: the same literal), without noting a read.
  bool same_value(const JsonNode& other) const;
  // Where this string or number was written in `text`, the text it was parsed from: [begin, end)
  // of the token (a string's with its quotes). False for other types and for strings written
  // with escapes (their value lives in the arena).
  bool token_in(std::string_view text, std::size_t& begin, std::size_t& end) const;

 private:
  friend class JsonParser;
  friend class JsonTree;
  void note_read() const {
    if (mark_) marks_ |= *mark_;
  }
  std::string_view key_;
  std::string_view text_;
  double number_ = 0;
  const std::uint8_t* mark_ = nullptr;  // the tree's read mark when reads are noted (JsonTree::parse)
  std::uint32_t span_ = 1;   // nodes in this subtree, itself included: the next sibling is this + span_
  std::uint32_t count_ = 0;  // direct children
  JsonType type_ = JsonType::null;
  bool integer_ = false;  // number written without fraction or exponent
  bool boolean_ = false;
  mutable std::uint8_t marks_ = 0;
};

// JSON equality as FHIR fixed[x] means it: same members regardless of order, numbers by value.
bool json_equal(const JsonNode& a, const JsonNode& b);

struct JsonParseError {
  std::size_t byte = 0;  // 0-based offset of the offending byte
  const char* what = "";
};

class JsonTree {
 public:
  static constexpr std::size_t kMaxDepth = 512;

  // Parses text; the tree refers to it, so text must outlive the tree's use. Returns false with
  // *error set on malformed JSON. The tree's storage is reused by the next parse.
  bool parse(std::string_view text, JsonParseError* error = nullptr);
  // Parses text the tree keeps its own copy of (definitions' fixed values).
  bool parse_owned(std::string text, JsonParseError* error = nullptr);
  const JsonNode& root() const { return nodes_.front(); }
  // Every node in document order (root() first; a node's subtree follows it).
  const std::vector<JsonNode>& nodes() const { return nodes_; }

  // For the result cache's byte templates (fhir_byte_template.hpp). Re-reads the scalar node
  // `index` from the token at text[pos], which must be a valid JSON token of the node's type
  // (numbers: integral or not, as before); the node then refers to `text`, or to `arena` when the
  // string has escapes (its capacity must cover text: views into it must stay valid). Returns the
  // position after the token, or npos.
  std::size_t reread_scalar(std::uint32_t index, std::string_view text, std::size_t pos, std::string& arena);
  // Forgets the read bits `bits` on every node.
  void clear_read_marks(std::uint8_t bits);

 private:
  bool parse(std::string_view text, JsonParseError* error, bool track_reads);
  std::vector<JsonNode> nodes_;
  std::string arena_;  // unescaped strings; reserved to the text size so views stay valid
  std::vector<std::uint32_t> open_;  // the parser's stack, kept so that a parse allocates nothing
  std::string owned_text_;
  friend class ReadMarkScope;
  // on the heap: nodes point at it, and a tree may be moved
  std::unique_ptr<std::uint8_t> read_mark_ = std::make_unique<std::uint8_t>(1);
};

inline ReadMarkScope::ReadMarkScope(const JsonTree& tree, std::uint8_t mark) : mark_(*tree.read_mark_), saved_(*tree.read_mark_) {
  mark_ = mark;
}
inline ReadMarkScope::~ReadMarkScope() { mark_ = saved_; }

}  // namespace netconv::fhir
