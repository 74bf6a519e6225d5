// `netconv merge -o OUT SHARD_DIR...`: option parsing only; the merge is the library's
// (pipeline/merge.hpp).
#include <boost/program_options.hpp>
#include <iostream>

#include "cli/options.hpp"
#include "core/errors.hpp"
#include "pipeline/merge.hpp"

namespace po = boost::program_options;

namespace netconv::cli {

int run_merge(const std::vector<std::string>& args) {
  MergeOptions o;
  bool quiet = false;
  po::options_description desc(
      "Usage: netconv merge -o OUT SHARD_DIR...\n\n"
      "Merges the output folders of `netconv convert --shard K/N` runs (shards 1..N of one input, in\n"
      "any order) into OUT: the bytes one run over the whole input writes (report timing aside).\n"
      "Exit 0 merged, 1 merged and the run has rejects, 2 usage, 3 I/O error, 5 the folders are not\n"
      "the shards of one run (nothing is written; the message says what differs).\n\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("output,o", po::value(&o.output_dir), "the merged output folder (written with convert's commit protocol)")
      ("show-values", po::bool_switch(&o.show_values), "show record keys beside the reject reasons in report.html (trusted machines only)")
      ("quiet,q", po::bool_switch(&quiet), "print errors only");
  po::options_description hidden;
  hidden.add_options()("shard", po::value(&o.shard_dirs)->multitoken());
  po::positional_options_description pos;
  pos.add("shard", -1);
  auto vm = parse_command(args, desc, &hidden, &pos);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  if (o.output_dir.empty()) throw UsageError("no output folder given (-o OUT)");
  if (o.shard_dirs.empty()) throw UsageError("no shard folders given");
  try {
    const auto s = merge_shards(o);
    if (!quiet)
      std::cerr << "netconv: merged " << o.shard_dirs.size() << " shards: read " << s.read << ", converted " << s.converted
                << ", rejected " << s.rejected << ", skipped " << s.skipped << "; output in " << o.output_dir << "\n";
    return s.exit_code;
  } catch (const MergeCheckError& e) {
    std::cerr << "netconv merge: the shard folders do not fit together: " << e.what() << "\n"
              << "netconv: nothing was written; " << o.output_dir << " keeps what it held\n";
    return kExitMergeCheck;
  }
}

}  // namespace netconv::cli
