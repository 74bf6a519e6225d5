// The result cache's fast path (fast/result_memo.hpp; contract in fast/replay.hpp): a resource answered from its bytes, unparsed.
//
// A converter writes a resource's fixed parts byte for byte the same each time: member names and
// structure, profile and extension urls, the codes of its tables. A byte template is a resource
// the cache remembered (validated in full, every leaf check passed) in which the tokens where
// later resources of its variant (same shape, same steering values) were seen to differ are holes.
//
// A text equal to the template outside its holes, with a valid JSON token of the hole's type in
// each (a string for a string, a number written the same way, integral or not, for a number),
// parses to the template's tree with those scalars replaced: same shape, same steering values,
// so the same walk and the same leaf checks. A leaf check that reads no hole reads exactly the
// values it read on the template, where it passed (JsonNode notes every value read; shape is
// never a value). So only the checks that read a hole are re-run, on the template's tree with
// the holes re-read from the text. Learning only adds holes, and any set of holes is sound.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "validation/fast/replay.hpp"
#include "validation/json_tree.hpp"

namespace netconv::fhir {

class ByteTemplate {
 public:
  // `text`: the resource validated in full; `checks`: the leaf checks its variant re-runs;
  // `issues`: its result.
  ByteTemplate(std::string text, std::vector<RecordedCheck> checks, std::vector<ValidationIssue> issues);
  ByteTemplate(const ByteTemplate&) = delete;
  ByteTemplate& operator=(const ByteTemplate&) = delete;

  // Makes holes of the values where `other`, a tree answered by this template's variant (so of
  // the same shape), differs. False when one of them cannot be a hole (a boolean, or a string
  // the template wrote with escapes): the template is then of no further use.
  bool learn(const JsonTree& other);
  bool usable() const { return learned_ && !broken_; }
  bool broken() const { return broken_; }

  // Larger resources get no template (preparing one re-runs every check and notes its reads),
  // and a template that grows beyond kMaxBytes is dropped.
  static constexpr std::size_t kMaxNodes = 1024, kMaxBytes = 512u << 10;
  // The bytes before the first hole (all of them when there is none): how templates are grouped.
  std::string_view lead() const;

  // Where a text's first hole ended, once one template of a group (same bytes before it) has read
  // it: the others first compare the bytes that follow, without reading anything.
  struct FirstHole {
    std::size_t end = std::string_view::npos;
    JsonType type = JsonType::null;
  };
  // True when `text` fits the template and every check that reads a hole passes; the template's
  // issues are then appended to `out`. `arena`: the caller's buffer for strings with escapes.
  bool answer(std::string_view text, std::vector<ValidationIssue>& out, FirstHole& first, std::string& arena);

  std::size_t holes() const { return holes_.size(); }
  std::size_t rerun_checks() const { return hole_checks_.size(); }
  // What it holds, roughly, for the cache's memory bound (grows when learning first parses).
  std::size_t bytes() const;

 private:
  struct Hole {
    std::uint32_t begin = 0, end = 0;  // the template's token, in text_
    std::uint32_t node = 0;
  };
  bool prepare();
  bool give_up();

  std::string text_;
  JsonTree tree_;  // of text_; the holes' nodes hold the values of the last text answered
  std::vector<RecordedCheck> checks_;
  std::vector<std::vector<std::uint32_t>> reads_;  // per check, the nodes whose values it read
  std::vector<ValidationIssue> issues_;
  std::vector<Hole> holes_;  // by position
  std::vector<char> is_hole_;  // by node
  std::vector<std::uint32_t> hole_checks_;  // indices into checks_
  bool prepared_ = false, learned_ = false, broken_ = false;
};

}  // namespace netconv::fhir
