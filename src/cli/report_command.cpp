// `netconv report DIR`: option parsing only; the page is drawn by the library (report/run_folder.hpp).
#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>

#include "cli/options.hpp"
#include "core/errors.hpp"
#include "report/run_folder.hpp"

namespace po = boost::program_options;

namespace netconv::cli {

int run_report(const std::vector<std::string>& args) {
  report::HtmlOptions o;
  std::string dir, output;
  po::options_description desc(
      "Usage: netconv report [options] DIR\n\n"
      "Draws the run report DIR/report.html again from the run folder DIR (its report.json and\n"
      "rejects.ndjson): counts, reject reasons with their places, warnings, resources and the\n"
      "converted cases in charts and tables; one self-contained HTML file. Exit 0 written,\n"
      "2 usage, 3 DIR's report.json or rejects.ndjson missing or unreadable, or the page not written.\n\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("output,o", po::value(&output), "write the page to this file ('-' = standard output) instead of DIR/report.html")
      ("show-values", po::bool_switch(&o.show_values), "show record keys (patient identifiers) beside the reject reasons (trusted machines only)");
  po::options_description hidden;
  hidden.add_options()("dir", po::value(&dir));
  po::positional_options_description pos;
  pos.add("dir", 1);
  auto vm = parse_command(args, desc, &hidden, &pos);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  if (dir.empty()) throw UsageError("no run folder given");
  const std::string html = report::render_run_folder(dir, o);
  if (output == "-") {
    std::cout << html << std::flush;
    if (!std::cout) throw IoError("cannot write the page to standard output");
  } else if (!output.empty()) {
    std::ofstream out(output, std::ios::binary | std::ios::trunc);
    out << html;
    out.close();
    if (!out) throw IoError("cannot write " + output);
  } else {
    report::write_report_html(dir, html);
  }
  return kExitOk;
}

}  // namespace netconv::cli
