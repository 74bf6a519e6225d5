// `netconv serve`: an HTTP/1.1 server (Boost.Beast over Asio) in front of a Conversions engine.
//
// Threads: one network thread runs every connection's reads and writes (asynchronous, so a slow
// client costs no thread); `jobs` worker threads run conversions and validations, all sharing the
// one engine. Limits (README "Service"): body size (413), header size (431), records per request
// (413), a deadline for reading a whole request and for writing its reply (the connection is
// dropped when it passes), and admission: at most `max_concurrent` conversion or validation
// requests at once, counted from their header (so bodies being read count too, which bounds the
// memory bodies take); beyond it 503 with Retry-After. run() returns after SIGTERM/SIGINT or
// stop(): the listener closes, connections waiting for a request are closed, requests in flight
// are answered (with Connection: close), then it returns.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "serve/conversions.hpp"

namespace netconv::serve {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  // 0 = any free port (run() prints the one bound)
  unsigned jobs = 1;           // worker threads
  unsigned max_concurrent = 16;
  std::uint64_t max_body_bytes = std::uint64_t{64} << 20;
  std::uint64_t max_records = 100000;
  std::uint32_t max_header_bytes = 16 * 1024;
  unsigned timeout_seconds = 30;
  unsigned retry_after_seconds = 1;
  bool access_log = true;
};

class Server {
 public:
  // Binds and listens now; throws IoError when the address cannot be bound.
  Server(const ServerOptions& options, const Conversions& engine, std::ostream& log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  unsigned short port() const;  // the bound port
  // Serves until SIGTERM/SIGINT (handled from now until it returns) or stop(); returns when drained.
  void run();
  void stop();  // from any thread

  struct State;  // the implementation's (server.cpp)

 private:
  std::shared_ptr<State> s_;
};

}  // namespace netconv::serve
