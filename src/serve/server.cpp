#include "serve/server.hpp"

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <csignal>
#include <list>
#include <mutex>
#include <optional>

#include "core/errors.hpp"
#include "serve/metrics.hpp"
#include "serve/request.hpp"
#include "serve/responses.hpp"

namespace netconv::serve {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {
class Session;
std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }
}  // namespace

// Everything below the public class; touched by the network thread only, except `metrics`, `log`
// (locked) and `engine` (thread-safe by contract).
struct Server::State {
  State(const ServerOptions& o, const Conversions& e, std::ostream& l) : opt(o), engine(e), log(l), workers(o.jobs) {}
  void accept();
  void begin_drain();
  void write_log(const std::string& line) {
    std::lock_guard lock(log_mu);
    log << line << std::endl;
  }

  ServerOptions opt;
  const Conversions& engine;
  std::ostream& log;
  std::mutex log_mu;
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  net::steady_timer retry_accept{ioc};
  net::thread_pool workers;
  Metrics metrics;
  unsigned admitted = 0;  // conversion and validation requests between their header and their reply
  bool draining = false;
  std::list<std::weak_ptr<Session>> sessions;
};

namespace {

// One connection: reads requests one after another (keep-alive), answers each, and closes when
// the client does, a deadline passes, an error reply closes it, or the server drains.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Server::State& st) : stream_(std::move(socket)), st_(st) {}
  void start() { read_header(); }
  // Draining: a connection between requests is closed; one with a request in flight finishes it.
  void close_if_idle() {
    beast::error_code ec;
    if (idle_) stream_.socket().close(ec);
  }

 private:
  void read_header();
  void on_header(beast::error_code ec);
  bool admit();  // false: already answered (413, 503)
  void read_body();
  void on_body(beast::error_code ec);
  void dispatch();
  void run_on_worker(RouteRequest rq);
  void respond(Reply r, bool close = false);
  void on_write(beast::error_code ec);
  void release();
  void drop();
  void linger_close();
  void discard();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http::response<http::string_body>> res_;
  std::array<char, 4096> discard_{};
  Server::State& st_;
  Route route_ = Route::other;
  std::string method_ = "-";
  Clock::time_point start_;
  bool idle_ = true, admitted_ = false;
};

void Session::read_header() {
  idle_ = true;
  parser_.emplace();
  parser_->header_limit(st_.opt.max_header_bytes);
  parser_->body_limit(st_.opt.max_body_bytes);
  // one deadline for the whole request, header and body: a client dripping bytes cannot stretch it
  stream_.expires_after(std::chrono::seconds(st_.opt.timeout_seconds));
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void Session::on_header(beast::error_code ec) {
  idle_ = false;
  start_ = Clock::now();
  if (ec == http::error::header_limit)
    return respond(error_reply(431, "NC-SRV-006", "too-costly", "the request header is larger than --max-header-kib allows"), true);
  if (ec == http::error::body_limit)  // a Content-Length over the limit is known from the header
    return respond(error_reply(413, "NC-SRV-001", "too-costly", "the request body is larger than --max-body-mib allows"), true);
  const bool http_error = ec && ec.category() == http::make_error_code(http::error::bad_method).category();
  if (ec == beast::error::timeout && buffer_.size()) st_.metrics.connection_dropped();
  // a closed, reset or timed-out connection is simply closed; only a malformed request gets a reply
  if (ec == http::error::end_of_stream || (ec && !http_error)) return drop();
  if (ec) return respond(error_reply(400, "NC-SRV-003", "structure", "malformed HTTP request"), true);
  const auto& req = parser_->get();
  method_ = std::string(req.method_string());
  route_ = route_of(sv(req.target()));
  if (needs_admission(route_) && req.method() == http::verb::post && !admit()) return;
  if (req[http::field::expect] == "100-continue" && !parser_->is_done()) {
    auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
    http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code e, std::size_t) {
      if (e) return self->drop();
      self->read_body();
    });
    return;
  }
  read_body();
}

bool Session::admit() {
  auto length = parser_->content_length();
  if (length && *length > st_.opt.max_body_bytes) {
    respond(error_reply(413, "NC-SRV-001", "too-costly", "the request body is larger than --max-body-mib allows"), true);
    return false;
  }
  if (st_.draining || st_.admitted >= st_.opt.max_concurrent) {
    Reply r = error_reply(503, "NC-SRV-007", "transient", st_.draining ? "the service is shutting down" : "the service is busy; retry later");
    r.headers.emplace_back("Retry-After", std::to_string(st_.opt.retry_after_seconds));
    respond(std::move(r), true);
    return false;
  }
  ++st_.admitted;
  admitted_ = true;
  st_.metrics.in_flight(+1);
  return true;
}

void Session::read_body() {
  http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
}

void Session::on_body(beast::error_code ec) {
  if (ec == http::error::body_limit)
    return respond(error_reply(413, "NC-SRV-001", "too-costly", "the request body is larger than --max-body-mib allows"), true);
  if (ec) {
    st_.metrics.connection_dropped();
    return drop();
  }
  dispatch();
}

void Session::dispatch() {
  auto& req = parser_->get();
  auto method = req.method();
  auto allowed = allowed_method(route_);
  if (route_ == Route::other) return respond(error_reply(404, "NC-SRV-004", "not-found", "no such endpoint"));
  if (method != (allowed == Method::get ? http::verb::get : http::verb::post)) {
    Reply r = error_reply(405, "NC-SRV-005", "not-supported", "method not allowed");
    r.headers.emplace_back("Allow", allowed == Method::get ? "GET" : "POST");
    return respond(std::move(r));
  }
  if (route_ == Route::healthz) return respond(health_reply(st_.engine, st_.draining));
  if (route_ == Route::metrics) {
    Reply r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = st_.metrics.render();
    return respond(std::move(r));
  }
  RouteRequest rq;
  try {
    rq = parse_route_request(route_, sv(req.target()), sv(req[http::field::accept]));
  } catch (const RequestError& e) {
    return respond(error_reply(400, "NC-SRV-003", "invalid", e.what()));
  }
  rq.body = std::move(req.body());
  run_on_worker(std::move(rq));
}

// The conversion runs on a worker; its reply is written from the network thread. The work guard
// keeps the network loop running (and draining waiting) while no socket operation is pending.
void Session::run_on_worker(RouteRequest rq) {
  auto guard = net::make_work_guard(st_.ioc);
  net::post(st_.workers, [self = shared_from_this(), rq = std::move(rq), guard = std::move(guard)]() mutable {
    Reply r = answer(self->st_.engine, self->st_.metrics, rq, self->st_.opt.max_records);
    if (r.status == 500) self->st_.write_log("netconv serve: internal error answering " + std::string(route_path(rq.route)));
    net::post(self->st_.ioc, [self, r = std::move(r)]() mutable { self->respond(std::move(r)); });
  });
}

void Session::respond(Reply r, bool close) {
  bool keep = !close && !st_.draining && parser_ && parser_->is_header_done() && parser_->get().keep_alive();
  res_ = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), 11);
  res_->set(http::field::server, "netconv/" NETCONV_VERSION);
  res_->set(http::field::content_type, r.content_type);
  for (const auto& [name, value] : r.headers) res_->set(name, value);
  res_->body() = std::move(r.body);
  res_->keep_alive(keep);
  res_->prepare_payload();
  stream_.expires_after(std::chrono::seconds(st_.opt.timeout_seconds));
  http::async_write(stream_, *res_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
}

void Session::on_write(beast::error_code ec) {
  double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  unsigned status = res_->result_int();
  st_.metrics.request_done(route_name(route_), status, seconds);
  if (st_.opt.access_log) {
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.1f", seconds * 1000);
    st_.write_log("netconv serve: " + method_ + " " + route_path(route_) + " " + std::to_string(status) + " " +
                  std::to_string(res_->body().size()) + " " + ms + "ms");
  }
  release();
  if (ec) return drop();
  if (!res_->keep_alive()) return linger_close();
  res_.reset();
  route_ = Route::other;
  method_ = "-";
  read_header();
}

void Session::release() {
  if (!admitted_) return;
  admitted_ = false;
  --st_.admitted;
  st_.metrics.in_flight(-1);
}

void Session::drop() {
  release();
  beast::error_code ec;
  stream_.socket().close(ec);
}

// After an error reply the client may still be sending its body: closing at once could reset the
// connection before it reads the reply, so the rest is read and discarded for a short while.
// One deadline for all of it, so a client that keeps sending cannot keep the connection.
void Session::linger_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.expires_after(std::chrono::seconds(2));
  discard();
}

void Session::discard() {
  stream_.async_read_some(net::buffer(discard_), [self = shared_from_this()](beast::error_code e, std::size_t) {
    if (e) return self->drop();
    self->discard();
  });
}

}  // namespace

void Server::State::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (draining) return;
    if (ec) {
      // e.g. out of descriptors: try again shortly instead of spinning
      retry_accept.expires_after(std::chrono::milliseconds(100));
      retry_accept.async_wait([this](beast::error_code e) { if (!e) accept(); });
      return;
    }
    sessions.remove_if([](const std::weak_ptr<Session>& w) { return w.expired(); });
    auto s = std::make_shared<Session>(std::move(socket), *this);
    sessions.push_back(s);
    s->start();
    accept();
  });
}

void Server::State::begin_drain() {
  if (draining) return;
  draining = true;
  beast::error_code ec;
  acceptor.close(ec);
  signals.cancel(ec);
  retry_accept.cancel();
  for (auto& w : sessions)
    if (auto s = w.lock()) s->close_if_idle();
}

Server::Server(const ServerOptions& options, const Conversions& engine, std::ostream& log)
    : s_(std::make_shared<State>(options, engine, log)) {
  beast::error_code ec;
  auto address = net::ip::make_address(options.host, ec);
  if (ec) throw ConfigError("--listen: '" + options.host + "' is not an IP address");
  tcp::endpoint ep(address, options.port);
  s_->acceptor.open(ep.protocol(), ec);
  if (!ec) s_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s_->acceptor.bind(ep, ec);
  if (!ec) s_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw IoError("cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " + ec.message());
}

Server::~Server() = default;

unsigned short Server::port() const { return s_->acceptor.local_endpoint().port(); }

void Server::run() {
  s_->signals.async_wait([st = s_.get()](beast::error_code ec, int) {
    if (!ec) st->begin_drain();
  });
  s_->accept();
  s_->ioc.run();
  s_->workers.join();
}

void Server::stop() {
  net::post(s_->ioc, [st = s_.get()] { st->begin_drain(); });
}

}  // namespace netconv::serve
