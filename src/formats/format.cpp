#include "formats/format.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

#include "core/errors.hpp"

namespace netconv {

bool CheckedUnit::failed() const {
  return std::any_of(issues.begin(), issues.end(), [](const Diagnostic& d) { return d.severity == Severity::error; });
}

std::string lower_extension(const std::string& path) {
  auto e = std::filesystem::path(path).extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return e;
}

std::string_view skip_bom_and_space(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  while (!head.empty() && (head[0] == ' ' || head[0] == '\t' || head[0] == '\r' || head[0] == '\n')) head.remove_prefix(1);
  return head;
}

namespace {

template <class F>
const F* find_named(const std::vector<F>& all, std::string_view name) {
  for (const auto& f : all)
    if (f.name == name) return &f;
  return nullptr;
}

template <class F>
std::string names_of(const std::vector<F>& all, const char* last_separator) {
  std::string out;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i) out += i + 1 == all.size() ? last_separator : ", ";
    out += all[i].name;
  }
  return out;
}

bool has_extension(const std::vector<std::string>& extensions, const std::string& e) {
  return !e.empty() && std::find(extensions.begin(), extensions.end(), e) != extensions.end();
}

}  // namespace

void FormatRegistry::add(InputFormat f) {
  if (find_named(inputs_, f.name) || !f.open) throw std::logic_error("input format '" + f.name + "' registered twice or without a reader");
  inputs_.push_back(std::move(f));
}

void FormatRegistry::add(OutputFormat f) {
  if (find_named(outputs_, f.name) || !f.writer || f.directory.empty())
    throw std::logic_error("output format '" + f.name + "' registered twice or without a writer and directory");
  outputs_.push_back(std::move(f));
}

const InputFormat* FormatRegistry::input(std::string_view name) const { return find_named(inputs_, name); }
const OutputFormat* FormatRegistry::output(std::string_view name) const { return find_named(outputs_, name); }
std::string FormatRegistry::input_names(const char* sep) const { return names_of(inputs_, sep); }
std::string FormatRegistry::output_names(const char* sep) const { return names_of(outputs_, sep); }

const InputFormat& FormatRegistry::detect(std::string_view head, const std::string& path) const {
  if (inputs_.empty()) throw std::logic_error("no input format registered");
  const auto ext = lower_extension(path);
  const InputFormat* by_content = nullptr;
  for (const auto& f : inputs_) {
    if (!f.sniff || f.sniff(head) != Sniff::yes) continue;
    if (!by_content || has_extension(f.extensions, ext)) by_content = &f;
  }
  if (by_content) return *by_content;
  for (const auto& f : inputs_)
    if (has_extension(f.extensions, ext)) return f;
  return inputs_.front();
}

const OutputFormat* FormatRegistry::output_for_file(const std::string& path) const {
  const auto ext = lower_extension(path);
  for (const auto& f : outputs_)
    if (f.checker && has_extension(f.file_extensions, ext)) return &f;
  return nullptr;
}

std::vector<std::string> FormatRegistry::output_directories() const {
  std::vector<std::string> out;
  for (const auto& f : outputs_) out.push_back(f.directory);
  return out;
}

std::vector<std::unique_ptr<OutputWriter>> FormatRegistry::make_writers(const std::vector<std::string>& names,
                                                                        const WriterOptions& o,
                                                                        const MappingSet& tables) const {
  std::vector<std::unique_ptr<OutputWriter>> out;
  for (const auto& n : names) {
    const auto* f = output(n);
    if (!f) throw ConfigError("unknown output format '" + n + "' (expected " + output_names() + ")");
    out.push_back(f->writer(o, tables));
  }
  return out;
}

}  // namespace netconv
