#include "validation/fast/byte_template.hpp"

#include <algorithm>
#include <cstring>

namespace netconv::fhir {

ByteTemplate::ByteTemplate(std::string text, std::vector<RecordedCheck> checks, std::vector<ValidationIssue> issues)
    : text_(std::move(text)), checks_(std::move(checks)), issues_(std::move(issues)) {}

// Parsed, and each check's reads noted, only once a second resource of the variant shows up:
// most variants of a varied input are never seen again.
bool ByteTemplate::prepare() {
  prepared_ = true;
  if (!tree_.parse(text_) || tree_.nodes().size() > kMaxNodes) return false;
  const auto& nodes = tree_.nodes();
  const JsonNode* base = nodes.data();
  constexpr std::uint8_t kProbe = 4;  // not a bit the walker or the cache uses
  reads_.resize(checks_.size());
  for (std::size_t i = 0; i < checks_.size(); ++i) {
    tree_.clear_read_marks(kProbe);
    bool passed = false;
    {
      ReadMarkScope probe(tree_, kProbe);
      passed = passes(to_leaf(checks_[i], base));
    }
    if (!passed) return false;  // cannot happen for a remembered variant; never trust it then
    for (std::uint32_t n = 0; n < nodes.size(); ++n)
      if (nodes[n].read_marks() & kProbe) reads_[i].push_back(n);
  }
  tree_.clear_read_marks(kProbe);
  is_hole_.assign(nodes.size(), 0);
  return bytes() <= kMaxBytes;
}

bool ByteTemplate::learn(const JsonTree& other) {
  if (broken_) return false;
  if (!prepared_ && !prepare()) return give_up();
  const auto& mine = tree_.nodes();
  const auto& theirs = other.nodes();
  if (mine.size() != theirs.size()) return give_up();
  bool added = false;
  for (std::uint32_t i = 0; i < mine.size(); ++i) {
    // a hole's node holds the last answered value: only the others still hold the template's
    if (is_hole_[i] || mine[i].is_array() || mine[i].is_object() || mine[i].same_value(theirs[i])) continue;
    std::size_t begin = 0, end = 0;
    if (!mine[i].token_in(text_, begin, end)) return give_up();
    holes_.push_back({static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end), i});
    is_hole_[i] = 1;
    added = true;
  }
  learned_ = true;
  if (!added) return true;
  std::sort(holes_.begin(), holes_.end(), [](const Hole& a, const Hole& b) { return a.begin < b.begin; });
  hole_checks_.clear();
  for (std::uint32_t c = 0; c < checks_.size(); ++c)
    if (std::any_of(reads_[c].begin(), reads_[c].end(), [&](std::uint32_t n) { return is_hole_[n] != 0; })) hole_checks_.push_back(c);
  return true;
}

bool ByteTemplate::give_up() {
  broken_ = true;
  // what is left is the text, until the cache is cleared
  tree_ = JsonTree();
  reads_ = {};
  holes_ = {};
  is_hole_ = {};
  hole_checks_ = {};
  return false;
}

std::string_view ByteTemplate::lead() const {
  return std::string_view(text_).substr(0, holes_.empty() ? text_.size() : holes_.front().begin);
}

bool ByteTemplate::answer(std::string_view text, std::vector<ValidationIssue>& out, FirstHole& first, std::string& arena) {
  if (!usable()) return false;
  if (!holes_.empty() && first.end != std::string_view::npos && first.type == tree_.nodes()[holes_[0].node].type()) {
    const std::size_t from = holes_[0].end, to = holes_.size() > 1 ? holes_[1].begin : text_.size();
    if (text.size() - first.end < to - from || std::memcmp(text.data() + first.end, text_.data() + from, to - from) != 0) return false;
  }
  // a hole's string with escapes is decoded here; never longer than the text, so no view moves
  arena.clear();
  arena.reserve(text.size());
  std::size_t in = 0, at = 0;
  for (const Hole& h : holes_) {
    const std::size_t fixed = h.begin - at;
    if (text.size() - in < fixed || std::memcmp(text.data() + in, text_.data() + at, fixed) != 0) return false;
    in = tree_.reread_scalar(h.node, text, in + fixed, arena);
    if (in == std::string_view::npos) return false;
    if (&h == &holes_.front() && first.end == std::string_view::npos) first = {in, tree_.nodes()[h.node].type()};
    at = h.end;
  }
  const std::size_t rest = text_.size() - at;
  if (text.size() - in != rest || std::memcmp(text.data() + in, text_.data() + at, rest) != 0) return false;
  ReadMarkScope quiet(tree_, 0);
  const JsonNode* base = tree_.nodes().data();
  for (auto c : hole_checks_)
    if (!passes(to_leaf(checks_[c], base))) return false;
  out.insert(out.end(), issues_.begin(), issues_.end());
  return true;
}

std::size_t ByteTemplate::bytes() const {
  std::size_t n = sizeof *this + text_.size() + checks_.size() * sizeof(RecordedCheck) + holes_.size() * sizeof(Hole);
  n += tree_.nodes().size() * (sizeof(JsonNode) + 1);
  for (const auto& r : reads_) n += sizeof r + r.size() * sizeof(std::uint32_t);
  for (const auto& i : issues_) n += sizeof i + i.path.size() + i.rule.size() + i.message.size();
  return n;
}

}  // namespace netconv::fhir
