// The CDA output writer (--to cda): cda/<file-key>.xml per patient, or with --cda-layout entries
// cda/<file-key>.<section>.xml per patient and section with entries.
#include <libxml/parser.h>

#include "core/errors.hpp"
#include "writers/cda_document.hpp"
#include "writers/writer.hpp"

namespace netconv {
namespace {

class CdaOutputWriter : public OutputWriter {
 public:
  CdaOutputWriter(const MappingSet& t, const WriterOptions& o)
      : ctx_(t, cda::load_config(o.cda_config)), entries_(o.cda_layout == "entries") {
    if (o.cda_layout != "document" && o.cda_layout != "entries") throw ConfigError("--cda-layout must be document or entries");
    xmlInitParser();  // once, before rendering threads use libxml2
  }
  std::string name() const override { return "cda"; }
  std::string directory() const override { return "cda"; }
  using OutputWriter::render;
  void render(const model::PatientCases& pc, RenderedPatient& out, RenderScratch& scratch) const override {
    const auto& key = pc.patient.file_key;
    if (!entries_) {
      out.chunks.push_back({"cda/" + key + ".xml", cda::render_document(ctx_, pc, scratch.document), true});
      ++out.resource_counts["cda:ClinicalDocument"];
      return;
    }
    for (auto& [section, bytes] : cda::render_section_files(ctx_, pc, scratch.document)) {
      out.chunks.push_back({"cda/" + key + "." + section + ".xml", std::move(bytes), true});
      ++out.resource_counts["cda:section"];
    }
  }

 private:
  cda::Context ctx_;
  bool entries_;
};

}  // namespace

std::unique_ptr<OutputWriter> make_cda_writer(const WriterOptions& o, const MappingSet& t) {
  return std::make_unique<CdaOutputWriter>(t, o);
}

}  // namespace netconv
