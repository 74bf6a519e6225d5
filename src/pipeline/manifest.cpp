#include "pipeline/manifest.hpp"

#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "core/errors.hpp"
#include "pipeline/json_spans.hpp"

namespace netconv {
namespace fs = std::filesystem;
namespace js = json_spans;

namespace {

// Odd 64-bit constants with well-spread bits (the first is 2^64 divided by the golden ratio):
// multiplying by one is a bijection that carries every input bit into the higher bits, and the
// xor-shift that follows brings them back down.
constexpr std::uint64_t kLaneA = 0x9e3779b97f4a7c15ULL, kLaneB = 0xd1b54a32d192ed03ULL;
constexpr std::uint64_t kFinA = 0xaef17502108ef2d9ULL, kFinB = 0xdb4f0b9175ae2165ULL;

std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

// Little-endian on every machine, so a manifest is the same wherever it was written.
std::uint64_t load_le(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
  return w;
}

// Avalanche of a lane's state: every output bit depends on every state bit.
std::uint64_t finalise(std::uint64_t x, std::uint64_t k) {
  x ^= x >> 32;
  x *= k;
  x ^= x >> 29;
  x *= kLaneA;
  x ^= x >> 32;
  return x;
}

void put_be(std::uint64_t x, std::uint8_t* out) {
  for (int i = 7; i >= 0; --i, x >>= 8) out[i] = static_cast<std::uint8_t>(x);
}

void append_hex(std::string& out, const ContentHash& h) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char buf[2 * std::tuple_size_v<ContentHash>];
  for (std::size_t i = 0; i < h.size(); ++i) {
    buf[2 * i] = kDigits[h[i] >> 4];
    buf[2 * i + 1] = kDigits[h[i] & 15];
  }
  out.append(buf, sizeof buf);
}

struct Cut {
  std::size_t begin = 0, end = 0;  // bytes left out of the hash
};

// The bytes that remove member `m` of an object together with one separating comma: up to the
// next member's key when there is one (`next_begin`), else back to the end of the previous
// member's value (`prev_end`; 0 = it was the only member).
Cut member_cut(const js::Member& m, std::size_t next_begin, std::size_t prev_end) {
  if (next_begin) return {m.begin, next_begin};
  if (prev_end) return {prev_end, m.value_end};
  return {m.begin, m.value_end};
}

// Where meta.source is in the meta object at `meta`: its cut, or the whole meta member's when
// source is meta's only member (so a resource without source hashes like one with it).
bool source_cut(std::string_view s, const js::Member& meta, std::size_t meta_next, std::size_t meta_prev, Cut& cut) {
  js::Member source;
  std::size_t count = 0, prev_end = 0, source_prev = 0, source_next = 0;
  bool found = false;
  auto end = js::for_each_member(s, meta.value_begin, [&](const js::Member& m) {
    ++count;
    if (found && !source_next) source_next = m.begin;
    if (m.key == "source") {
      found = true;
      source = m;
      source_prev = prev_end;
    }
    prev_end = m.value_end;
  });
  if (end == js::npos || !found) return false;
  cut = count == 1 ? member_cut(meta, meta_next, meta_prev) : member_cut(source, source_next, source_prev);
  return true;
}

std::string_view string_value(std::string_view s, const js::Member& m) {
  if (m.value_end - m.value_begin < 2 || s[m.value_begin] != '"') return {};
  return s.substr(m.value_begin + 1, m.value_end - m.value_begin - 2);
}

[[noreturn]] void bad_line(const std::string& shown, std::size_t line, const std::string& why) {
  throw ConfigError("--since: " + shown + ":" + std::to_string(line) + ": NC-DELTA-002: not a netconv manifest line (" + why +
                    ")");
}

bool token_ok(std::string_view v, bool letters_only) {
  if (v.empty() || v.size() > 64) return false;
  for (char c : v) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (!letters_only && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
    if (!ok) return false;
  }
  return true;
}

bool parse_hash(std::string_view hex, ContentHash& out) {
  if (hex.size() != 2 * out.size()) return false;
  auto nibble = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return true;
}

// A quoted token of the manifest (a FHIR id, a type name, a hash): its characters need no
// unescaping, so one holding a backslash or anything else is refused by its check.
bool token_at(std::string_view s, std::size_t b, std::size_t e, std::string_view& out) {
  if (e - b < 2 || s[b] != '"') return false;
  out = s.substr(b + 1, e - b - 2);
  return true;
}

// [type, id, hash]
bool parse_resource(std::string_view s, std::size_t at, ManifestResource& m) {
  std::string_view parts[3];
  std::size_t n = 0;
  bool ok = true;
  auto end = js::for_each_element(s, at, [&](std::size_t b, std::size_t e) {
    if (n < 3) ok = token_at(s, b, e, parts[n]) && ok;
    ++n;
  });
  if (end == js::npos || n != 3 || !ok || !token_ok(parts[0], true) || !token_ok(parts[1], false)) return false;
  m.type.assign(parts[0]);
  m.id.assign(parts[1]);
  return parse_hash(parts[2], m.hash);
}

// The manifest is read with the same span scanner the writer's output is hashed with: a
// 100k-record registry's manifest is tens of MB, read before the first record.
ManifestEntry parse_line(std::string_view text, const std::string& shown, std::size_t line) {
  ManifestEntry e;
  std::size_t members = 0, resources = js::npos;
  bool patient_ok = false, input_ok = true;
  auto end = js::for_each_member(text, js::skip_ws(text, 0), [&](const js::Member& m) {
    ++members;
    std::string_view v;
    if (m.key == "patient" && token_at(text, m.value_begin, m.value_end, v)) {
      patient_ok = token_ok(v, false);
      e.patient.assign(v);
    } else if (m.key == "resources" && text[m.value_begin] == '[') {
      resources = m.value_begin;
    } else if (m.key == "input" && !e.input) {
      e.input.emplace();
      input_ok = token_at(text, m.value_begin, m.value_end, v) && parse_hash(v, *e.input);
    }
  });
  if (end == js::npos || js::skip_ws(text, end) != text.size()) bad_line(shown, line, "not a JSON object");
  if (members != 2u + (e.input ? 1 : 0) || resources == js::npos || e.patient.empty())
    bad_line(shown, line, "needs exactly \"patient\" (string), \"resources\" (array) and optionally \"input\"");
  if (!input_ok) bad_line(shown, line, "input is not 32 lower-case hex digits");
  if (!patient_ok) bad_line(shown, line, "patient is not a FHIR id");
  bool ok = true;
  auto list_end = js::for_each_element(text, resources, [&](std::size_t b, std::size_t) {
    ManifestResource m;
    if (ok && !(ok = parse_resource(text, b, m))) return;
    e.resources.push_back(std::move(m));
  });
  if (!ok || list_end == js::npos) bad_line(shown, line, "a resource is not [type, id, hash] of a FHIR name, a FHIR id and 32 lower-case hex digits");
  return e;
}

}  // namespace

void ContentHasher::fold(std::uint64_t w) {
  // lane A xors the word in, lane B rotates and adds it: a difference that cancels in one lane's
  // arithmetic does not cancel in the other's
  a_ = (a_ ^ w) * kLaneA;
  a_ ^= a_ >> 31;
  b_ = (rotl(b_, 27) + w) * kLaneB;
  b_ ^= b_ >> 29;
}

void ContentHasher::update(std::string_view s) {
  length_ += s.size();
  std::size_t i = 0;
  while (pending_n_ != 0 && i < s.size()) {  // finish a word started by an earlier piece
    pending_ |= std::uint64_t{static_cast<unsigned char>(s[i++])} << (8 * pending_n_);
    if (++pending_n_ == 8) {
      fold(pending_);
      pending_ = 0;
      pending_n_ = 0;
    }
  }
  for (; i + 8 <= s.size(); i += 8) fold(load_le(s.data() + i));
  for (; i < s.size(); ++i) pending_ |= std::uint64_t{static_cast<unsigned char>(s[i])} << (8 * pending_n_++);
}

ContentHash ContentHasher::finish() const {
  ContentHasher h = *this;
  if (h.pending_n_) h.fold(h.pending_);  // zero-padded; the length below tells the padding apart
  h.fold(length_);
  ContentHash out;
  put_be(finalise(h.a_, kFinA), out.data());
  put_be(finalise(h.b_ ^ rotl(length_, 17), kFinB), out.data() + 8);
  return out;
}

ContentHash content_hash(std::string_view bytes) {
  ContentHasher h;
  h.update(bytes);
  return h.finish();
}

bool digest_resource(std::string_view s, ManifestResource& out) {
  std::string_view type, id;
  Cut cut;
  bool has_cut = false, meta_done = false;
  std::size_t prev_end = 0;
  // the writer puts resourceType, id and meta first: the walk stops once it has them instead of
  // scanning the whole resource (every output byte passes through here)
  std::size_t end = js::for_each_member(s, js::skip_ws(s, 0), [&](const js::Member& m) {
    if (m.key == "resourceType") type = string_value(s, m);
    else if (m.key == "id") id = string_value(s, m);
    else if (m.key == "meta" && !meta_done && s[m.value_begin] == '{') {
      std::size_t after = js::skip_ws(s, m.value_end);
      std::size_t next = after < s.size() && s[after] == ',' ? js::skip_ws(s, after + 1) : 0;
      has_cut = source_cut(s, m, next, prev_end, cut);
      meta_done = true;
    }
    prev_end = m.value_end;
    return !(meta_done && !type.empty() && !id.empty());
  });
  if (end == js::npos || type.empty() || id.empty()) return false;
  out.type.assign(type);
  out.id.assign(id);
  ContentHasher h;
  if (has_cut) {
    h.update(s.substr(0, cut.begin));
    h.update(s.substr(cut.end));
  } else {
    h.update(s);
  }
  out.hash = h.finish();
  return true;
}

std::string manifest_line(const ManifestEntry& e) {
  // ids and types are FHIR ids and names (no character needs escaping)
  std::string out;
  out.reserve(40 + e.patient.size() + e.resources.size() * 100);
  out.append("{\"patient\":\"").append(e.patient).append("\",\"resources\":[");
  for (const auto& r : e.resources) {
    if (&r != &e.resources.front()) out += ',';
    out.append("[\"").append(r.type).append("\",\"").append(r.id).append("\",\"");
    append_hex(out, r.hash);
    out.append("\"]");
  }
  out += ']';
  if (e.input) {
    out.append(",\"input\":\"");
    append_hex(out, *e.input);
    out += '"';
  }
  out += "}\n";
  return out;
}

void PreviousManifest::add_line(std::string_view l, const std::string& shown, std::size_t line, const ManifestLimits& limits) {
  if (l.size() > limits.max_line)
    throw ConfigError("--since: " + shown + ":" + std::to_string(line) + ": NC-DELTA-004: manifest line longer than " +
                      std::to_string(limits.max_line) + " bytes");
  if (l.find_first_not_of(" \t\r") == std::string_view::npos) return;
  ManifestEntry e = parse_line(l, shown, line);
  if (!index_.emplace(e.patient, entries_.size()).second)
    throw ConfigError("--since: " + shown + ":" + std::to_string(line) + ": NC-DELTA-005: a patient is listed twice");
  if (e.input) inputs_.emplace(*e.input, entries_.size());
  entries_.push_back(std::move(e));
}

PreviousManifest PreviousManifest::parse(std::string_view text, const std::string& shown, const ManifestLimits& limits) {
  if (text.size() > limits.max_bytes)
    throw ConfigError("--since: " + shown + ": NC-DELTA-003: manifest larger than " + std::to_string(limits.max_bytes) + " bytes");
  PreviousManifest m;
  std::size_t line = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    m.add_line(text.substr(0, nl), shown, ++line, limits);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  return m;
}

// Line by line: the file (125 MB for 100 k records) is never held whole beside what it describes.
PreviousManifest PreviousManifest::load(const std::string& path, const ManifestLimits& limits) {
  std::error_code ec;
  std::string file = fs::is_directory(path, ec) ? (fs::path(path) / "manifest.ndjson").string() : path;
  auto size = fs::file_size(file, ec);
  if (ec) throw IoError("--since: " + file + ": NC-DELTA-001: cannot read the previous run's manifest: " + ec.message());
  if (size > limits.max_bytes)
    throw ConfigError("--since: " + file + ": NC-DELTA-003: manifest larger than " + std::to_string(limits.max_bytes) + " bytes");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError("--since: " + file + ": NC-DELTA-001: cannot read the previous run's manifest: " + std::strerror(errno));
  PreviousManifest m;
  std::string l;
  std::size_t line = 0;
  while (std::getline(in, l)) m.add_line(l, file, ++line, limits);
  if (in.bad()) throw IoError("--since: " + file + ": NC-DELTA-001: read error in the previous run's manifest");
  return m;
}

std::size_t PreviousManifest::HashKey::operator()(const ContentHash& h) const {
  std::uint64_t x;
  std::memcpy(&x, h.data(), sizeof x);  // already uniformly spread
  return static_cast<std::size_t>(x);
}

std::size_t PreviousManifest::find_input(const ContentHash& input) const {
  auto it = inputs_.find(input);
  return it == inputs_.end() ? npos : it->second;
}

std::size_t PreviousManifest::find(std::string_view patient) const {
  auto it = index_.find(std::string(patient));
  return it == index_.end() ? npos : it->second;
}

}  // namespace netconv
