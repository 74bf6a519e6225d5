// convert() through the library API, on a shipped sample: the same bytes as the sample's golden
// output (samples/01-*/expected, made by the CLI), for any thread count.
#include "pipeline/convert.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "shipped_tables.hpp"
#include "validation/fhir_validator.hpp"

namespace {
namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(ConvertLibrary, SampleOutputIsTheGoldenBytes) {
  const fs::path sample = fs::path(NETCONV_SAMPLES_DIR) / "01-ileal-net-carcinoid-syndrome";
  const bool packages = fs::exists(netconv::resolve_fhir_packages_dir(""));
  for (unsigned jobs : {1u, 3u}) {
    const fs::path out = fs::path(::testing::TempDir()) / ("convert-library-" + std::to_string(jobs));
    fs::remove_all(out);
    netconv::ConvertOptions o;
    o.inputs = {(sample / "input.csv").string()};
    o.to = {"fhir", "cda"};
    o.output_dir = out.string();
    o.jobs = jobs;
    o.validate = packages;  // checked before writing when the FHIR packages are installed
    netconv::CollectingSink diags;
    auto s = netconv::convert(o, netconv::test_support::shipped_tables(), diags);
    EXPECT_EQ(s.exit_code, std::stoi(slurp(sample / "expected/exit_code")));
    std::size_t compared = 0;
    for (const char* dir : {"fhir", "cda"})
      for (const auto& e : fs::directory_iterator(sample / "expected" / dir)) {
        const auto rel = fs::path(dir) / e.path().filename();
        EXPECT_TRUE(slurp(out / rel) == slurp(e.path())) << rel << " differs (jobs " << jobs << ")";
        ++compared;
      }
    EXPECT_GT(compared, 4u);
    std::size_t written = 0;
    for (const char* dir : {"fhir", "cda"}) written += std::distance(fs::directory_iterator(out / dir), fs::directory_iterator());
    EXPECT_EQ(written, compared);  // and no file beyond them
  }
}

}  // namespace
