#include "core/lineage.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/errors.hpp"
#include "core/sha256.hpp"

namespace netconv {

std::string file_sha256_hex(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open input " + path + ": " + std::strerror(errno));
  Sha256 h;
  std::string block(std::size_t{1} << 20, '\0');
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    h.update(std::string_view(block.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) throw IoError("read error on " + path);
  auto d = h.finish();
  return hex_prefix(d, d.size());
}

std::string run_id(std::string_view version, std::string_view tables_sha256, const std::vector<std::string>& input_sha256) {
  Sha256 h;
  h.update("netconv-run/1");
  for (auto part : {version, tables_sha256}) {
    h.update("\x1f");
    h.update(part);
  }
  for (const auto& s : input_sha256) {
    h.update("\x1f");
    h.update(s);
  }
  return hex_prefix(h.finish(), 8);
}

std::string meta_source_uri(std::string_view registry_id, std::string_view run_id) {
  std::string out = "urn:netconv:registry:";
  out += registry_id.empty() ? std::string_view("unspecified") : registry_id;
  out += ":run:";
  out += run_id;
  return out;
}

std::string resource_uuid(std::string_view type, std::string_view id) {
  Sha256 h;
  h.update("netconv/fullUrl\x1f");
  h.update(type);
  h.update("\x1f");
  h.update(id);
  auto d = h.finish();
  d[6] = static_cast<std::uint8_t>((d[6] & 0x0f) | 0x80);  // version 8 (custom, name-based SHA-256)
  d[8] = static_cast<std::uint8_t>((d[8] & 0x3f) | 0x80);  // variant 10 (RFC 4122/9562)
  std::string hex = hex_prefix(d, 16);
  return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' + hex.substr(16, 4) + '-' +
         hex.substr(20);
}

std::string fhir_base_url_problem(std::string_view base) {
  std::string_view rest;
  if (base.starts_with("https://")) rest = base.substr(8);
  else if (base.starts_with("http://")) rest = base.substr(7);
  else return "must be an absolute http:// or https:// URL";
  if (rest.empty() || rest.front() == '/') return "must name a host";
  if (base.back() == '/') return "must not end with '/' (fullUrl is BASE/Type/id)";
  for (char c : base) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return "must not contain spaces or control characters";
    if (c == '?' || c == '#') return "must not have a query or fragment";
  }
  return "";
}

std::string bundle_full_url(std::string_view base, std::string_view type, std::string_view id) {
  if (base.empty()) return "urn:uuid:" + resource_uuid(type, id);
  std::string out(base);
  out += '/';
  out += type;
  out += '/';
  out += id;
  return out;
}

}  // namespace netconv
