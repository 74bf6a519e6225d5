// Helpers of the hostile-input tests (issue G, docs/security.md): lazily generated huge inputs,
// memory high-water marks, and sentinels that notice a file read or a network connection.
#pragma once
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <istream>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include "mapping/naaccr_translate.hpp"
#include "readers/reader.hpp"
#include "support/shipped_tables.hpp"

namespace netconv::hostile {

// prefix + count copies of `fill` + suffix, produced 64 KiB at a time (the test never holds it).
class GeneratedBuf : public std::streambuf {
 public:
  GeneratedBuf(std::string prefix, char fill, std::uint64_t count, std::string suffix)
      : prefix_(std::move(prefix)), suffix_(std::move(suffix)), fill_(fill), count_(count) {}

 protected:
  int_type underflow() override {
    std::size_t n = 0;
    while (n < sizeof buf_) {
      std::uint64_t total = prefix_.size() + count_ + suffix_.size();
      if (pos_ >= total) break;
      if (pos_ < prefix_.size()) buf_[n++] = prefix_[pos_];
      else if (pos_ < prefix_.size() + count_) buf_[n++] = fill_;
      else buf_[n++] = suffix_[pos_ - prefix_.size() - count_];
      ++pos_;
    }
    if (n == 0) return traits_type::eof();
    setg(buf_, buf_, buf_ + n);
    return traits_type::to_int_type(buf_[0]);
  }

 private:
  std::string prefix_, suffix_;
  char fill_;
  std::uint64_t count_, pos_ = 0;
  char buf_[1 << 16];
};

// Peak resident set of this process, in MiB (a high-water mark: compare before and after).
inline long peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

struct ReadResult {
  std::vector<SourceRecord> records;
  CollectingSink sink;
  bool failed = false;
  bool has(const std::string& code) const {
    for (const auto& d : sink.items)
      if (d.code == code) return true;
    for (const auto& r : records)
      for (const auto& p : r.problems)
        if (p.code == code) return true;
    return false;
  }
  // every diagnostic, formatted as stderr shows it (without --show-values)
  std::string all_text() const {
    std::string s;
    for (const auto& d : sink.items) s += format_diagnostic(d, false) + "\n";
    for (const auto& r : records)
      for (const auto& p : r.problems) s += format_diagnostic(p, false) + "\n";
    return s;
  }
  std::string all_values() const {
    std::string s;
    for (const auto& r : records)
      for (const auto& f : r.fields) s += f.value + "\n";
    return s;
  }
};

enum class Format { csv, ndjson, naaccr };

inline ReadResult read(Format f, std::istream& in, std::size_t max_bytes = 1 << 20) {
  ReadResult r;
  ReaderConfig cfg;
  cfg.display_name = f == Format::csv ? "in.csv" : f == Format::ndjson ? "in.ndjson" : "in.xml";
  cfg.max_record_bytes = max_bytes;
  cfg.mappings_dir = NETCONV_MAPPINGS_DIR;
  auto reader = f == Format::csv ? make_csv_reader(in, cfg, r.sink)
                : f == Format::ndjson ? make_ndjson_reader(in, cfg, r.sink) : naaccr::translating_reader(make_naaccr_reader(in, cfg, r.sink), test_support::shipped_tables());
  SourceRecord rec;
  while (reader->next(rec)) r.records.push_back(rec);
  r.failed = reader->failed();
  return r;
}
inline ReadResult read(Format f, const std::string& text) {
  std::istringstream in(text);
  return read(f, in);
}

// A named pipe holding a marker: if anything opens and reads "the local file", the marker is gone.
class FileSentinel {
 public:
  explicit FileSentinel(const std::string& marker) : marker_(marker) {
    char tmpl[] = "/tmp/netconv-sentinel-XXXXXX";
    dir_ = mkdtemp(tmpl) ? tmpl : "/tmp";
    path_ = dir_ + "/secret.txt";
    mkfifo(path_.c_str(), 0600);
    fd_ = open(path_.c_str(), O_RDWR | O_NONBLOCK);  // a writer exists: an open() for reading never blocks
    if (fd_ >= 0) (void)!write(fd_, marker_.data(), marker_.size());
  }
  ~FileSentinel() {
    if (fd_ >= 0) close(fd_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  const std::string& path() const { return path_; }
  bool ok() const { return fd_ >= 0; }
  // true when the marker is still unread in the pipe
  bool untouched() const {
    std::string got(marker_.size() + 16, '\0');
    auto n = ::read(fd_, got.data(), got.size());
    return n == static_cast<ssize_t>(marker_.size()) && got.compare(0, marker_.size(), marker_) == 0;
  }

 private:
  std::string marker_, dir_, path_;
  int fd_ = -1;
};

// A listening socket on 127.0.0.1: contacted() says whether anything connected to it.
class NetSentinel {
 public:
  NetSentinel() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd_, 16) != 0) return;
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~NetSentinel() {
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return port_ != 0; }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  bool contacted() const {
    int c = accept(fd_, nullptr, nullptr);
    if (c >= 0) close(c);
    return c >= 0;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

inline std::string naaccr_open(const std::string& doctype = "") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + doctype +
         "<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\" "
         "xmlns=\"http://naaccr.org/naaccrxml\">\n";
}

}  // namespace netconv::hostile
