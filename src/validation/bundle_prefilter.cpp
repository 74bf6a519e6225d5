#include "validation/bundle_prefilter.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <utility>

namespace netconv::fhir {
namespace {

// The first '"' or '\\' at or after i (chunk.size() when none): 8 bytes at a time, since most of a
// definitions file is string content.
std::size_t quote_or_backslash(std::string_view chunk, std::size_t i) {
  constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  for (std::uint64_t w; i + 8 <= chunk.size(); i += 8) {
    std::memcpy(&w, chunk.data() + i, 8);
    const std::uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    if ((((quote - ones) & ~quote) | ((backslash - ones) & ~backslash)) & highs) break;
  }
  while (i < chunk.size() && chunk[i] != '"' && chunk[i] != '\\') ++i;
  return i;
}

// Depths of the Bundle's shape: 1 = the Bundle, 2 = its `entry` array, 3 = an entry, 4 = the
// entry's `resource`.
constexpr std::size_t kBundle = 1, kEntries = 2, kEntry = 3, kResource = 4;
constexpr std::size_t kMaxDepth = 512;

class Scanner {
 public:
  // `keep` null: no entry is dropped.
  Scanner(const std::vector<std::string>* keep, std::function<void(std::string_view, const EntryFacts&)> on_kept_entry)
      : keep_(keep), on_kept_entry_(std::move(on_kept_entry)) {}

  void feed(std::string_view chunk) {
    std::size_t i = 0;
    while (i < chunk.size() && !failed_) {
      if (in_string_) {
        i = scan_string(chunk, i);
        continue;
      }
      if (is_space(chunk[i]) && !root_done_) {  // indentation comes in runs: one append per run
        std::size_t end = i + 1;
        while (end < chunk.size() && is_space(chunk[end])) ++end;
        if (!between_entries()) sink().append(chunk.data() + i, end - i);
        i = end;
        continue;
      }
      scan_structure(chunk[i++]);
    }
  }

  std::optional<std::string> finish() {
    if (failed_ || in_string_ || !stack_.empty() || !root_done_) return std::nullopt;
    return std::move(out_);
  }

 private:
  struct Level {
    bool object;
    bool expect_key;
    bool resource;  // the `resource` object of a Bundle entry
    std::string key;  // the last key read in this object, raw
  };

  std::string& sink() { return entry_open_ ? entry_ : out_; }
  // Whitespace and commas here are dropped (kept entries are joined anew); anything else fails.
  bool between_entries() const { return in_entries_ && !entry_open_ && stack_.size() == kEntries; }

  std::size_t scan_string(std::string_view chunk, std::size_t i) {
    if (escape_) {  // the byte after a backslash, possibly at the start of a block
      escape_ = false;
      sink() += chunk[i];
      if (collect_) str_ += chunk[i];
      return i + 1;
    }
    const std::size_t stop = quote_or_backslash(chunk, i);
    sink().append(chunk.data() + i, stop - i);
    if (collect_) str_.append(chunk.data() + i, stop - i);
    if (stop == chunk.size()) return stop;
    sink() += chunk[stop];
    if (chunk[stop] == '\\') {
      escape_ = has_escape_ = true;
      if (collect_) str_ += '\\';
    } else {
      in_string_ = false;
      end_string();
    }
    return stop + 1;
  }

  void scan_structure(char c) {
    if (root_done_) {
      if (!is_space(c)) failed_ = true;
      return;
    }
    switch (c) {
      case ' ': case '\t': case '\n': case '\r':
        if (!between_entries()) sink() += c;  // separators of kept entries are written anew
        return;
      case '"':
        if (stack_.empty() || between_entries()) return fail();
        in_string_ = true;
        has_escape_ = false;
        is_key_ = stack_.back().object && stack_.back().expect_key;
        collect_ = is_key_ || (stack_.back().resource && captured_index(stack_.back().key) >= 0);
        str_.clear();
        sink() += c;
        return;
      case ':':
        if (stack_.empty() || !stack_.back().object) return fail();
        stack_.back().expect_key = false;
        sink() += c;
        return;
      case ',':
        if (stack_.empty()) return fail();
        if (stack_.back().object) stack_.back().expect_key = true;
        if (!between_entries()) sink() += c;
        return;
      case '{': case '[':
        return open(c == '{');
      case '}': case ']':
        return close(c == '}');
      default:  // numbers and literals
        if (stack_.empty() || between_entries()) return fail();
        sink() += c;
    }
  }

  void open(bool object) {
    if (stack_.size() >= kMaxDepth) return fail();
    if (stack_.empty() && !object) return fail();
    const std::size_t depth = stack_.size() + 1;  // of the container being opened
    bool resource = false;
    if (in_entries_ && depth == kEntry) {
      if (!object) return fail();
      entry_open_ = true;
      entry_.clear();
      captured_ = {};
      read_ = key_seen_ = {};
      resources_ = 0, full_urls_ = 0, resource_keys_ = 0;
      undecidable_ = false;
    } else if (entry_open_ && depth == kResource && object && stack_.back().key == "resource") {
      resource = true;
      ++resources_;
    }
    sink() += object ? '{' : '[';
    if (depth == kEntries && !object && stack_.back().key == "entry") {
      if (seen_entries_) return fail();  // two `entry` members: leave it to the parser
      in_entries_ = seen_entries_ = true;
    }
    stack_.push_back({object, object, resource, {}});
  }

  void close(bool object) {
    if (stack_.empty() || stack_.back().object != object) return fail();
    stack_.pop_back();
    sink() += object ? '}' : ']';
    if (entry_open_ && stack_.size() == kEntries) {
      entry_open_ = false;
      if (!droppable()) on_kept_entry_(entry_, facts());
    } else if (in_entries_ && stack_.size() == kBundle) {
      in_entries_ = false;
    }
    if (stack_.empty()) root_done_ = true;
  }

  void end_string() {
    auto& top = stack_.back();
    if (is_key_) {
      top.key = str_;
      if (top.resource) {
        // a key written with escapes could still mean one of the captured ones; a repeated one
        // leaves the parser's choice of value (whatever its type) to the parser
        const int i = captured_index(str_);
        if (has_escape_ || (i >= 0 && std::exchange(key_seen_[i], true))) undecidable_ = true;
      }
      if (entry_open_ && stack_.size() == kEntry) {
        if (has_escape_) undecidable_ = true;  // could spell `resource`
        else if (str_ == "fullUrl") ++full_urls_;
        else if (str_ == "resource") ++resource_keys_;  // a repeated one: the parser keeps the last, whatever its type
      }
      return;
    }
    if (!collect_) return;
    const int i = captured_index(top.key);
    if (has_escape_ || read_[i]) undecidable_ = true;  // escaped or repeated: the parser decides
    captured_[i] = str_;
    read_[i] = true;
  }

  // The entries is_unwanted_definition() would drop, decided from the bytes.
  bool droppable() const {
    // all three read as strings: the rule throws on any other type (the parser decides then)
    return keep_ && !undecidable_ && resources_ == 1 && resource_keys_ == 1 && full_urls_ >= 1 && read_[kId] && captured_[kType] == "StructureDefinition" &&
           captured_[kKind] == "resource" && std::find(keep_->begin(), keep_->end(), captured_[kId]) == keep_->end();
  }

  EntryFacts facts() const {
    EntryFacts f;
    f.decided = !undecidable_ && resources_ == 1 && resource_keys_ == 1 && read_[kType] && key_seen_[kType] && (read_[kUrl] || !key_seen_[kUrl]);
    f.resource_type = captured_[kType];
    f.url = captured_[kUrl];
    return f;
  }

  // the resource members the rule and the facts read: their index in captured_, or -1
  static int captured_index(std::string_view key) {
    return key == "resourceType" ? kType : key == "id" ? kId : key == "kind" ? kKind : key == "url" ? kUrl : -1;
  }
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  void fail() { failed_ = true; }

  const std::vector<std::string>* keep_;
  std::function<void(std::string_view, const EntryFacts&)> on_kept_entry_;
  std::vector<Level> stack_;
  std::string out_, entry_, str_;
  static constexpr int kType = 0, kId = 1, kKind = 2, kUrl = 3;
  std::array<std::string, 4> captured_;  // resourceType, id, kind, url of the entry's resource
  std::array<bool, 4> read_{}, key_seen_{};  // read as a string / named as a key
  int resources_ = 0, full_urls_ = 0, resource_keys_ = 0;
  bool in_string_ = false, escape_ = false, has_escape_ = false, is_key_ = false, collect_ = false;
  bool in_entries_ = false, seen_entries_ = false, entry_open_ = false;
  bool undecidable_ = false, root_done_ = false, failed_ = false;
};

// A file in 64 KiB blocks, so only the entry being scanned is ever held as text. False when it
// cannot be read.
bool feed_file(const std::filesystem::path& file, Scanner& s) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::string block(std::size_t(1) << 16, '\0');
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    s.feed(std::string_view(block.data(), static_cast<std::size_t>(in.gcount())));
  }
  return !in.bad();
}

void feed_text(std::string_view text, std::size_t block, Scanner& s) {
  for (std::size_t at = 0; at < text.size(); at += block) s.feed(text.substr(at, block));
}

bool root_understood(Scanner& s) {
  auto root = s.finish();
  return root && nlohmann::json::accept(*root);
}

// The Bundle is parsed in pieces: its members with an empty entry array, then each kept entry on
// its own. Only the entry being scanned is ever held as text.
template <typename Feed>
std::optional<nlohmann::json> parse_pieces(const std::vector<std::string>& keep_ids, const nlohmann::json::parser_callback_t& callback,
                                           Feed&& feed) {
  auto entries = nlohmann::json::array();
  bool broken = false;
  // Anything unusual (invalid JSON, a callback that throws) gives up: the whole parse then meets
  // it in the file's own order, and reports it as it always did.
  Scanner s(&keep_ids, [&](std::string_view entry, const EntryFacts&) {
    if (broken) return;
    try {
      // an entry is always an object: null means the callback dropped it, discarded that it is not JSON
      auto e = nlohmann::json::parse(entry, callback, false);
      if (e.is_discarded()) broken = true;
      else if (!e.is_null()) entries.push_back(std::move(e));
    } catch (const nlohmann::json::exception&) {
      broken = true;
    }
  });
  if (!feed(s)) return std::nullopt;
  auto root_text = s.finish();
  if (!root_text || broken) return std::nullopt;
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(*root_text, callback, false);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  if (root.is_discarded() || !root.is_object()) return std::nullopt;
  auto at = root.find("entry");
  if (at == root.end() || !at->is_array() || !at->empty()) return std::nullopt;
  *at = std::move(entries);
  return root;
}

}  // namespace

bool is_unwanted_definition(const nlohmann::json& object, const std::vector<std::string>& keep_ids) {
  if (!object.is_object() || !object.contains("fullUrl")) return false;
  auto r = object.find("resource");
  return r != object.end() && r->is_object() && r->value("resourceType", "") == "StructureDefinition" &&
         r->value("kind", "") == "resource" && std::find(keep_ids.begin(), keep_ids.end(), r->value("id", "")) == keep_ids.end();
}

std::optional<nlohmann::json> parse_bundle_text_keeping(std::string_view text, const std::vector<std::string>& keep_ids,
                                                        const nlohmann::json::parser_callback_t& callback, std::size_t block) {
  return parse_pieces(keep_ids, callback, [&](Scanner& s) {
    feed_text(text, block, s);
    return true;
  });
}

std::optional<nlohmann::json> parse_bundle_keeping(const std::filesystem::path& file, const std::vector<std::string>& keep_ids,
                                                   const nlohmann::json::parser_callback_t& callback) {
  return parse_pieces(keep_ids, callback, [&](Scanner& s) { return feed_file(file, s); });
}

bool scan_bundle_entries(const std::filesystem::path& file, const EntrySink& on_entry) {
  Scanner s(nullptr, on_entry);
  return feed_file(file, s) && root_understood(s);
}

bool scan_bundle_text_entries(std::string_view text, const EntrySink& on_entry, std::size_t block) {
  Scanner s(nullptr, on_entry);
  feed_text(text, block, s);
  return root_understood(s);
}

}  // namespace netconv::fhir
