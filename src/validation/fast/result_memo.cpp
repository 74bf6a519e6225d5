#include "validation/fast/result_memo.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <tuple>

#include "validation/fast/byte_template.hpp"

namespace netconv::fhir {
namespace {

char* put_length(char* out, std::size_t n) {
  if (n < 0xFF) {
    *out++ = static_cast<char>(n);
    return out;
  }
  *out++ = static_cast<char>(0xFF);
  const auto v = static_cast<std::uint32_t>(n);
  std::memcpy(out, &v, sizeof v);
  return out + sizeof v;
}

// The shape of a tree: per node in document order its JSON type (numbers: integral or not),
// member count and member name. Two trees with equal shapes have the same nodes at the same
// indices, differing only in scalar values. Written through a pointer into a buffer sized for
// the worst case: this runs for every validated resource.
bool build_shape(const JsonTree& tree, std::string& out) {
  const auto& nodes = tree.nodes();
  if (nodes.empty() || nodes.size() > ResultMemo::kMaxNodes) return false;
  std::size_t bound = 0;
  for (const auto& n : nodes) bound += 11 + n.key().size();
  out.resize(bound);
  char* p = out.data();
  for (const auto& n : nodes) {
    switch (n.type()) {
      case JsonType::null: *p++ = 'z'; break;
      case JsonType::boolean: *p++ = 'b'; break;
      case JsonType::number: *p++ = n.is_number_integer() ? 'i' : 'n'; break;
      case JsonType::string: *p++ = 's'; break;
      case JsonType::array:
        *p++ = 'a';
        p = put_length(p, n.size());
        break;
      case JsonType::object:
        *p++ = 'o';
        p = put_length(p, n.size());
        break;
    }
    const auto key = n.key();
    p = put_length(p, key.size());
    if (!key.empty()) {  // an array item's or the root's key is a null view: no memcpy from null
      std::memcpy(p, key.data(), key.size());
      p += key.size();
    }
  }
  out.resize(static_cast<std::size_t>(p - out.data()));
  return true;
}

bool is_scalar(const JsonNode& n) { return !n.is_array() && !n.is_object(); }
bool steered(const JsonNode& n) { return (n.read_marks() & 1) != 0; }

// Every value in the subtree steered the walk: a check reading only this subtree is decided.
// (Large subtrees are not searched: their checks are simply re-run.)
bool subtree_steered(const JsonNode& n) {
  const JsonNode* end = &*n.end();
  if (end - &n > 64) return false;
  for (const JsonNode* p = &n; p != end; ++p)
    if (is_scalar(*p) && !steered(*p)) return false;
  return true;
}

std::uint64_t hash_of(const std::string& s) { return std::hash<std::string>{}(s); }

auto order_key(const RecordedCheck& c) {
  auto addr = [](const void* p) { return reinterpret_cast<std::uintptr_t>(p); };
  return std::tuple(c.node, static_cast<int>(c.kind), c.root, static_cast<int>(c.prim), addr(reinterpret_cast<const void*>(c.invariant)),
                    addr(c.expansion), addr(c.fixed), std::string_view(c.type));
}

}  // namespace

ResultMemo::ResultMemo() = default;
ResultMemo::~ResultMemo() = default;

void ResultMemo::values_of(const JsonTree& tree, const std::vector<std::uint32_t>& control) {
  values_.clear();
  const JsonNode* base = tree.nodes().data();
  for (auto i : control) base[i].append_value_key(values_);
}

void ResultMemo::count_lookup(bool hit) {
  ++(hit ? hits : misses);
  if (pause_left_ > 0) --pause_left_;
  window_hits_ += hit;
  if (++window_lookups_ < kWindow) return;
  if (window_hits_ < kMinHitsPerWindow) {
    pause_ = pause_ ? std::min(2 * pause_, kMaxPause) : kWindow;
    pause_left_ = pause_;
  } else {
    pause_ = 0;
  }
  window_lookups_ = window_hits_ = 0;
}

bool ResultMemo::answer_bytes(std::string_view text, std::vector<ValidationIssue>& out) {
  if (clear_pending_) clear();
  for (auto& g : groups_) {
    if (text.size() < g.lead.size() || std::memcmp(text.data(), g.lead.data(), g.lead.size()) != 0) continue;
    const std::size_t tries = std::min(g.members.size(), kMaxTries);
    ByteTemplate::FirstHole first;
    for (std::size_t i = 0; i < tries; ++i) {
      if (!g.members[i]->answer(text, out, first, arena_)) continue;
      if (i > 0) std::swap(g.members[i], g.members[i - 1]);
      ++byte_hits;
      count_lookup(true);
      return true;
    }
  }
  return false;
}

void ResultMemo::file(ByteTemplate* t) {
  const auto lead = t->lead();
  auto g = std::find_if(groups_.begin(), groups_.end(), [&](const Group& x) { return x.lead == lead; });
  if (g == groups_.end()) {
    if (groups_.size() >= kMaxGroups) return;
    g = groups_.insert(groups_.end(), Group{std::string(lead), {}});
  }
  g->members.push_back(t);
}

void ResultMemo::unfile(ByteTemplate* t, std::string_view lead) {
  for (auto g = groups_.begin(); g != groups_.end(); ++g) {
    if (g->lead != lead) continue;
    std::erase(g->members, t);
    if (g->members.empty()) groups_.erase(g);
    return;
  }
}

void ResultMemo::learn(ByteTemplate& t, const JsonTree& tree) {
  if (t.broken()) return;
  const bool was_usable = t.usable();
  const std::string lead_before = was_usable ? std::string(t.lead()) : std::string();
  const std::size_t bytes_before = t.bytes();
  t.learn(tree);
  const std::size_t bytes_after = t.bytes();
  bytes_ += bytes_after - std::min(bytes_after, bytes_before);
  if (bytes_ > kMaxBytes) clear_pending_ = true;
  if (was_usable && (!t.usable() || t.lead() != lead_before)) unfile(&t, lead_before);
  if (t.usable() && (!was_usable || t.lead() != lead_before)) file(&t);
}

bool ResultMemo::lookup(const JsonTree& tree, std::vector<ValidationIssue>& out) {
  if (clear_pending_) clear();
  if (!build_shape(tree, skeleton_)) {
    skeleton_.clear();
    count_lookup(false);
    return false;
  }
  auto shape = shapes_.find(skeleton_);
  if (shape != shapes_.end()) {
    ReadMarkScope quiet(tree, 0);  // replayed checks read values that must not count as steering
    const JsonNode* base = tree.nodes().data();
    for (auto& plan : shape->second.plans) {
      values_of(tree, plan.control);
      auto [it, end] = plan.variants.equal_range(hash_of(values_));
      for (; it != end; ++it) {
        Variant& v = it->second;
        if (v.values != values_) continue;
        for (const auto& c : plan.check_lists[v.checks])
          if (!passes(to_leaf(c, base))) {
            count_lookup(false);
            return false;
          }
        out.insert(out.end(), v.issues.begin(), v.issues.end());
        count_lookup(true);
        if (v.bytes) learn(*v.bytes, tree);
        return true;
      }
    }
  }
  count_lookup(false);
  return false;
}

void ResultMemo::remember(std::string_view text, const JsonTree& tree, const MemoRecording& recording,
                          const std::vector<ValidationIssue>& issues) {
  if (skeleton_.empty() || recording.check_failed || pause_left_ > 0) return;
  const auto& nodes = tree.nodes();
  std::vector<std::uint32_t> control;
  for (std::uint32_t i = 0; i < nodes.size(); ++i)
    if (is_scalar(nodes[i]) && steered(nodes[i])) control.push_back(i);
  std::vector<RecordedCheck> checks;
  checks.reserve(recording.checks.size());
  for (const auto& c : recording.checks) {
    const JsonNode& n = nodes[c.node];
    const bool decided = c.kind == LeafCheck::Kind::primitive ? steered(n)
                         : c.kind == LeafCheck::Kind::invariant ? false  // may read anything under its root
                                                                : subtree_steered(n);
    if (!decided) checks.push_back(c);
  }
  // the same check reached twice (a base rule and a profile repeating it) is re-run once; the
  // order of re-runs does not matter, only whether all pass
  std::sort(checks.begin(), checks.end(), [](const RecordedCheck& a, const RecordedCheck& b) { return order_key(a) < order_key(b); });
  checks.erase(std::unique(checks.begin(), checks.end()), checks.end());
  values_of(tree, control);

  std::size_t added = values_.size() + sizeof(Variant) + 32 + text.size() + sizeof(ByteTemplate);
  for (const auto& i : issues) added += sizeof i + i.path.size() + i.rule.size() + i.message.size();
  auto found = shapes_.find(skeleton_);
  if (found == shapes_.end()) added += skeleton_.size() + sizeof(Shape) + 64;
  added += control.size() * sizeof(std::uint32_t) + checks.size() * sizeof(RecordedCheck);
  if (added > kMaxBytes / 16) return;  // one huge resource must not push out everything else
  if (bytes_ + added > kMaxBytes) {
    clear();
    found = shapes_.end();
  }
  if (found == shapes_.end()) found = shapes_.emplace(skeleton_, Shape{}).first;
  auto& plans = found->second.plans;
  auto plan = std::find_if(plans.begin(), plans.end(), [&](const Plan& p) { return p.control == control; });
  if (plan == plans.end()) {
    if (plans.size() >= kMaxPlans) return;
    plans.push_back(Plan{std::move(control), {}, {}});
    plan = plans.end() - 1;
  }
  auto list = std::find(plan->check_lists.begin(), plan->check_lists.end(), checks);
  if (list == plan->check_lists.end()) {
    plan->check_lists.push_back(std::move(checks));
    list = plan->check_lists.end() - 1;
  }
  Variant v{values_, static_cast<std::uint32_t>(list - plan->check_lists.begin()), issues,
            std::make_unique<ByteTemplate>(std::string(text), *list, issues)};
  plan->variants.emplace(hash_of(values_), std::move(v));
  bytes_ += added;
}

void ResultMemo::clear() {
  groups_.clear();
  clear_pending_ = false;
  shapes_.clear();
  bytes_ = 0;
  window_lookups_ = window_hits_ = pause_ = pause_left_ = 0;
}

}  // namespace netconv::fhir
