// consumer MAPPINGS_DIR INPUT: converts INPUT in memory with the installed netconv library and
// prints each FHIR resource on a line of its own, then the counts on stderr.
#include <netconv/netconv.hpp>

#include <fstream>
#include <iostream>

struct Print : netconv::Sink {
  void on_fhir(std::string_view, std::string_view, std::string_view json) override { std::cout << json << '\n'; }
  void on_reject(const netconv::RejectedRecord& r) override { std::cerr << "rejected " << r.record_key << '\n'; }
};

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  try {
    netconv::EngineOptions options;
    options.mappings_dir = argv[1];
    options.outputs = {"fhir"};
    const netconv::Engine engine(options);
    std::ifstream input(argv[2], std::ios::binary);
    Print sink;
    const netconv::Counts c = engine.convert(input, netconv::ConvertRequest{}, sink);
    std::cerr << "netconv " << netconv::library_version() << ": read " << c.read << ", converted " << c.converted << '\n';
    return c.rejected ? 1 : 0;
  } catch (const netconv::Error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return e.exit_code();
  }
}
