#include "model/source_record.hpp"

namespace netconv {

const RawField* SourceRecord::get(std::string_view name) const {
  for (const auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace netconv
