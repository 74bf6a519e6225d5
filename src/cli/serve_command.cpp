// `netconv serve`: option parsing, loading the engine once, printing the bound address, then the
// server (src/serve/). Nothing else lives here.
#include <boost/program_options.hpp>

#include <iostream>
#include <sstream>
#include <thread>

#include "cli/options.hpp"
#include "core/errors.hpp"
#include "serve/conversions.hpp"
#include "serve/server.hpp"

namespace po = boost::program_options;

namespace netconv::cli {

namespace {

struct ParsedServe {
  serve::ServerOptions server;
  serve::EngineLocations engine;
  bool help = false;
  bool quiet = false;
};

void parse_listen(const std::string& listen, serve::ServerOptions& o) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) throw UsageError("--listen must be HOST:PORT (e.g. 127.0.0.1:8080)");
  o.host = listen.substr(0, colon);
  if (o.host.size() > 2 && o.host.front() == '[' && o.host.back() == ']') o.host = o.host.substr(1, o.host.size() - 2);
  o.port = static_cast<unsigned short>(bounded_number("--listen port", listen.substr(colon + 1), 0, 65535));
}

std::string serve_usage() {
  return "Usage: netconv serve [options]\n\n"
         "Serves conversion and validation over HTTP/1.1 (README \"Service\"): POST /convert?from=&to=,\n"
         "POST /validate?kind=, GET /healthz, GET /metrics. Prints 'listening on http://HOST:PORT' as the\n"
         "first line of stdout once it accepts connections; one access-log line per request on stderr\n"
         "(method, path, status, bytes, ms; never request data). SIGTERM or SIGINT: stops accepting,\n"
         "answers the requests in flight, exits 0. No TLS: keep the default loopback address or put a\n"
         "reverse proxy in front.\n\nOptions";
}

ParsedServe parse_serve(const std::vector<std::string>& args, std::string& help_text) {
  ParsedServe p;
  std::string listen, jobs, concurrent, body, records, timeout, header;
  po::options_description desc(serve_usage());
  desc.add_options()
      ("help,h", "show this help")
      ("listen", po::value(&listen)->default_value("127.0.0.1:8080"), "address and port to listen on (port 0 = any free port)")
      ("jobs,j", po::value(&jobs)->default_value("0"), "worker threads converting requests, 1-1024 (0 = number of cores)")
      ("max-concurrent", po::value(&concurrent)->default_value("16"),
       "conversion/validation requests at once, being read, waiting or running, 1-4096; beyond it 503 with Retry-After")
      ("max-body-mib", po::value(&body)->default_value("64"), "largest request body in MiB, 1-4096; larger gets 413")
      ("max-records", po::value(&records)->default_value("100000"), "records one /convert request may hold, 1-100000000; more gets 413 (NC-SRV-002)")
      ("timeout-seconds", po::value(&timeout)->default_value("30"),
       "deadline for reading a whole request, for writing its reply, and for an idle connection, 1-3600")
      ("max-header-kib", po::value(&header)->default_value("16"), "largest request header in KiB, 1-1024; larger gets 431")
      ("mappings", po::value(&p.engine.mappings_dir), "mapping-table directory (default: $NETCONV_MAPPINGS, then the installed tables)")
      ("fhir-packages", po::value(&p.engine.fhir_packages), "FHIR definition packages dir (default $NETCONV_FHIR_PACKAGES, then ~/.cache/netconv/fhir-packages)")
      ("cda-schema", po::value(&p.engine.cda_schema), "CDA XSD for checking CDA (default schemas/cda/netconv-ccda.xsd)")
      ("quiet,q", po::bool_switch(&p.quiet), "no access log");
  auto vm = parse_command(args, desc, nullptr, nullptr);
  std::ostringstream h;
  h << desc;
  help_text = h.str();
  p.help = vm.count("help") > 0;
  if (p.help) return p;
  parse_listen(listen, p.server);
  auto j = static_cast<unsigned>(bounded_number("--jobs", jobs, 0, kMaxJobs));
  p.server.jobs = j ? j : std::max(1u, std::thread::hardware_concurrency());
  p.server.max_concurrent = static_cast<unsigned>(bounded_number("--max-concurrent", concurrent, 1, 4096));
  p.server.max_body_bytes = static_cast<std::uint64_t>(bounded_number("--max-body-mib", body, 1, 4096)) << 20;
  p.server.max_records = static_cast<std::uint64_t>(bounded_number("--max-records", records, 1, 100000000));
  p.server.timeout_seconds = static_cast<unsigned>(bounded_number("--timeout-seconds", timeout, 1, 3600));
  p.server.max_header_bytes = static_cast<std::uint32_t>(bounded_number("--max-header-kib", header, 1, 1024)) << 10;
  p.server.access_log = !p.quiet;
  return p;
}

}  // namespace

int run_serve(const std::vector<std::string>& args) {
  std::string help_text;
  auto p = parse_serve(args, help_text);
  if (p.help) {
    std::cout << help_text;
    return kExitOk;
  }
  // loaded once, before listening: every request shares these tables and compiled definitions
  auto engine = serve::make_engine_conversions(p.engine);
  serve::Server server(p.server, *engine, std::cerr);
  std::cout << "listening on http://" << (p.server.host.find(':') != std::string::npos ? "[" + p.server.host + "]" : p.server.host)
            << ":" << server.port() << std::endl;
  server.run();
  if (!p.quiet) std::cerr << "netconv serve: drained, exiting\n";
  return kExitOk;
}

}  // namespace netconv::cli
