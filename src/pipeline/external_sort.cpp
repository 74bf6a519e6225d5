#include "pipeline/external_sort.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/errors.hpp"
#include "core/posix_files.hpp"

namespace netconv {

bool SortKey::operator<(const SortKey& o) const {
  if (int c = patient.compare(o.patient)) return c < 0;
  if (group != o.group) return group < o.group;
  if (int c = tumor.compare(o.tumor)) return c < 0;
  return position < o.position;
}

namespace {

constexpr std::size_t kIoBytes = 256 * 1024;  // a run file's write buffer and each reader's
constexpr std::size_t kAllocation = 32;       // what one heap block is taken to cost beyond its bytes

// ---- the run file encoding: varints and length-prefixed strings, one framed entry per record ----

void put_u64(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_str(std::string& out, const std::string& s) {
  put_u64(out, s.size());
  out += s;
}

// Decodes one entry; a short or malformed entry is a defect of this file's own writing or a
// file changed under the run, an I/O error either way.
struct Decoder {
  const char* p;
  const char* end;
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p == end) throw IoError("a sort run file is truncated");
      auto b = static_cast<unsigned char>(*p++);
      v |= std::uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) return v;
    }
    throw IoError("a sort run file is corrupt");
  }
  std::string str() {
    auto n = u64();
    if (n > static_cast<std::uint64_t>(end - p)) throw IoError("a sort run file is truncated");
    std::string s(p, static_cast<std::size_t>(n));
    p += n;
    return s;
  }
};

// A location's file and field usually repeat the record's file and the field's name: one flag
// byte says which are stored.
void put_location(std::string& out, const Location& l, const std::string& file, const std::string& field) {
  int flags = (l.file == file ? 1 : 0) | (l.field == field ? 2 : 0);
  out.push_back(static_cast<char>(flags));
  if (!(flags & 1)) put_str(out, l.file);
  if (!(flags & 2)) put_str(out, l.field);
  put_u64(out, l.line);
  put_u64(out, l.column);
}

Location get_location(Decoder& d, const std::string& file, const std::string& field) {
  Location l;
  int flags = d.p < d.end ? *d.p++ : throw IoError("a sort run file is truncated");
  l.file = flags & 1 ? file : d.str();
  l.field = flags & 2 ? field : d.str();
  l.line = d.u64();
  l.column = d.u64();
  return l;
}

void put_fields(std::string& out, const std::vector<RawField>& fields, const std::string& file) {
  put_u64(out, fields.size());
  for (const auto& f : fields) {
    put_str(out, f.name);
    put_str(out, f.value);
    put_u64(out, f.items.size() * 2 + (f.is_list ? 1 : 0));
    for (const auto& i : f.items) put_str(out, i);
    put_location(out, f.location, file, f.name);
  }
}

std::vector<RawField> get_fields(Decoder& d, const std::string& file) {
  std::vector<RawField> fields(d.u64());
  for (auto& f : fields) {
    f.name = d.str();
    f.value = d.str();
    auto n = d.u64();
    f.is_list = n & 1;
    f.items.resize(n / 2);
    for (auto& i : f.items) i = d.str();
    f.location = get_location(d, file, f.name);
  }
  return fields;
}

void encode(std::string& out, const SortedRecord& e) {
  std::string body;
  put_str(body, e.key.patient);
  put_u64(body, e.key.group);
  put_str(body, e.key.tumor);
  put_u64(body, e.key.position);
  const auto& r = e.record;
  put_location(body, r.location, "", "");
  put_fields(body, r.fields, r.location.file);
  put_u64(body, r.problems.size());
  for (const auto& p : r.problems) {
    body.push_back(static_cast<char>(p.severity));
    put_str(body, p.code);
    put_location(body, p.location, r.location.file, "");
    put_str(body, p.message);
    put_str(body, p.value);
  }
  put_fields(body, r.items, r.location.file);
  put_str(body, r.place);
  put_u64(out, body.size());
  out += body;
}

SortedRecord decode(const std::string& bytes) {
  Decoder d{bytes.data(), bytes.data() + bytes.size()};
  SortedRecord e;
  e.key.patient = d.str();
  e.key.group = d.u64();
  e.key.tumor = d.str();
  e.key.position = d.u64();
  auto& r = e.record;
  r.location = get_location(d, "", "");
  r.fields = get_fields(d, r.location.file);
  r.problems.resize(d.u64());
  for (auto& p : r.problems) {
    p.severity = static_cast<Severity>(d.p < d.end ? *d.p++ : 0);
    p.code = d.str();
    p.location = get_location(d, r.location.file, "");
    p.message = d.str();
    p.value = d.str();
  }
  r.items = get_fields(d, r.location.file);
  r.place = d.str();
  return e;
}

std::size_t string_cost(const std::string& s) { return s.capacity() > 15 ? s.capacity() + kAllocation : 0; }

std::size_t fields_cost(const std::vector<RawField>& fields) {
  std::size_t n = fields.capacity() * sizeof(RawField) + kAllocation;
  for (const auto& f : fields) {
    n += string_cost(f.name) + string_cost(f.value) + string_cost(f.location.file) + string_cost(f.location.field);
    for (const auto& i : f.items) n += sizeof(std::string) + string_cost(i);
  }
  return n;
}

}  // namespace

std::size_t RecordSorter::memory_cost(const SortKey& key, const SourceRecord& r) {
  std::size_t n = sizeof(SortedRecord) + string_cost(key.patient) + string_cost(key.tumor);
  n += string_cost(r.location.file) + string_cost(r.place) + fields_cost(r.fields) + fields_cost(r.items);
  for (const auto& p : r.problems)
    n += sizeof(Diagnostic) + string_cost(p.code) + string_cost(p.message) + string_cost(p.value) + string_cost(p.location.file);
  return n;
}

// Reads one run file's entries in order through a buffer.
class RecordSorter::RunReader {
 public:
  RunReader(int dir_fd, std::string name, std::string shown) : name_(std::move(name)), shown_(std::move(shown)) {
    fd_ = ::openat(dir_fd, name_.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd_ < 0) posix::fail("cannot open", shown_, errno);
  }
  ~RunReader() { ::close(fd_); }
  RunReader(const RunReader&) = delete;
  RunReader& operator=(const RunReader&) = delete;

  // Reads the next entry into current(); false at the end of the file.
  bool next() {
    std::uint64_t len = 0;
    int shift = 0;
    for (;;) {
      char c;
      if (!get(&c, 1)) {
        if (shift == 0) return false;
        throw IoError("sort run file " + shown_ + " is truncated");
      }
      len |= std::uint64_t{static_cast<unsigned char>(c) & 0x7fu} << shift;
      shift += 7;
      if (!(c & 0x80)) break;
      if (shift >= 64) throw IoError("sort run file " + shown_ + " is corrupt");
    }
    std::string bytes(static_cast<std::size_t>(len), '\0');
    if (len && !get(bytes.data(), bytes.size())) throw IoError("sort run file " + shown_ + " is truncated");
    current_ = decode(bytes);
    return true;
  }
  SortedRecord& current() { return current_; }
  const std::string& name() const { return name_; }

 private:
  bool get(char* dst, std::size_t n) {
    while (n) {
      if (pos_ == end_) {
        buf_.resize(kIoBytes);
        ssize_t r;
        do r = ::read(fd_, buf_.data(), buf_.size());
        while (r < 0 && errno == EINTR);
        if (r < 0) posix::fail("cannot read", shown_, errno);
        if (r == 0) return false;
        pos_ = 0;
        end_ = static_cast<std::size_t>(r);
      }
      std::size_t k = std::min(n, end_ - pos_);
      std::memcpy(dst, buf_.data() + pos_, k);
      pos_ += k;
      dst += k;
      n -= k;
    }
    return true;
  }

  std::string name_, shown_;
  int fd_ = -1;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  SortedRecord current_;
};

RecordSorter::RecordSorter(int parent_fd, std::string shown_parent, std::string name, Limits limits)
    : parent_fd_(parent_fd), shown_(std::move(shown_parent) + "/" + name), name_(std::move(name)), limits_(limits) {
  limits_.fan_in = std::max<std::size_t>(limits_.fan_in, 2);
}

RecordSorter::~RecordSorter() { remove_all(); }

void RecordSorter::remove_all() noexcept {
  if (dir_fd_ < 0) return;
  for (const auto& run : live_) ::unlinkat(dir_fd_, run.c_str(), 0);
  live_.clear();
  ::close(dir_fd_);
  dir_fd_ = -1;
  ::unlinkat(parent_fd_, name_.c_str(), AT_REMOVEDIR);
}

void RecordSorter::add(SortKey&& key, SourceRecord&& record) {
  if (in_order_ && !held_.empty() && key < held_.back().key) in_order_ = false;
  held_bytes_ += memory_cost(key, record);
  held_.push_back({std::move(key), std::move(record)});
  if (held_bytes_ > limits_.memory_bytes) spill();
}

void RecordSorter::make_folder() {
  if (dir_fd_ >= 0) return;
  if (::mkdirat(parent_fd_, name_.c_str(), 0700) != 0) posix::fail("cannot create", shown_, errno);
  dir_fd_ = ::openat(parent_fd_, name_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir_fd_ < 0) posix::fail("cannot open", shown_, errno);
}

// Held records, sorted (unless they came in order), become one run file.
void RecordSorter::spill() {
  if (held_.empty()) return;
  // a run's records are in key order even when the input as a whole is not
  if (!std::is_sorted(held_.begin(), held_.end(), [](const auto& a, const auto& b) { return a.key < b.key; }))
    std::sort(held_.begin(), held_.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  runs_.push_back(write_run(held_));
  held_.clear();
  held_bytes_ = 0;
}

// A new run file written through a buffer; `name` is registered so the destructor removes it.
class RecordSorter::RunWriter {
 public:
  RunWriter(RecordSorter& s) : name_("run-" + std::to_string(s.runs_written_++)), shown_(s.shown_ + "/" + name_) {
    s.make_folder();
    int fd = ::openat(s.dir_fd_, name_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) posix::fail("cannot create", shown_, errno);
    s.live_.push_back(name_);
    fd_ = std::make_unique<posix::Fd>(fd);
    buf_.reserve(kIoBytes + 4096);
  }
  void add(const SortedRecord& e) {
    encode(buf_, e);
    if (buf_.size() >= kIoBytes) flush();
  }
  const std::string& finish() {
    flush();
    return name_;
  }

 private:
  void flush() {
    posix::write_all(fd_->get(), buf_.data(), buf_.size(), shown_);
    buf_.clear();
  }
  std::string name_, shown_, buf_;
  std::unique_ptr<posix::Fd> fd_;
};

std::string RecordSorter::write_run(const std::vector<SortedRecord>& entries) {
  RunWriter w(*this);
  for (const auto& e : entries) w.add(e);
  return w.finish();
}

void RecordSorter::remove_run(const std::string& run) {
  ::unlinkat(dir_fd_, run.c_str(), 0);
  live_.erase(std::remove(live_.begin(), live_.end(), run), live_.end());
}

// Merges the readers' entries in key order into `out`; the readers are at their first entry.
bool RecordSorter::merge_into(std::vector<std::unique_ptr<RunReader>>& readers, const std::function<void(SortedRecord&&)>& out,
                              const std::function<bool()>& stop) {
  // a min-heap on each reader's current key
  auto later = [](RunReader* a, RunReader* b) { return b->current().key < a->current().key; };
  std::vector<RunReader*> heap;
  for (auto& r : readers) heap.push_back(r.get());
  std::make_heap(heap.begin(), heap.end(), later);
  while (!heap.empty()) {
    if (stop && stop()) return false;
    std::pop_heap(heap.begin(), heap.end(), later);
    RunReader* r = heap.back();
    out(std::move(r->current()));
    if (r->next()) std::push_heap(heap.begin(), heap.end(), later);
    else heap.pop_back();
  }
  return true;
}

// One merge level's step: `runs` (at most fan_in) become one run; they are removed.
std::string RecordSorter::merge_runs(std::vector<std::string> runs) {
  std::vector<std::unique_ptr<RunReader>> readers;
  for (const auto& run : runs) {
    readers.push_back(std::make_unique<RunReader>(dir_fd_, run, shown_ + "/" + run));
    if (!readers.back()->next()) readers.pop_back();
  }
  RunWriter w(*this);
  merge_into(readers, [&](SortedRecord&& e) { w.add(e); }, nullptr);
  std::string name = w.finish();
  readers.clear();
  for (const auto& run : runs) remove_run(run);
  return name;
}

bool RecordSorter::drain(const std::function<void(SortedRecord&&)>& out, const std::function<bool()>& stop) {
  if (runs_.empty()) {
    // everything fitted: sorted in memory, or not at all when it came in order
    if (!in_order_) std::sort(held_.begin(), held_.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    for (auto& e : held_) {
      if (stop && stop()) return false;
      out(std::move(e));
    }
    held_.clear();
    return true;
  }
  spill();
  // earlier levels: the oldest fan_in runs become one, until one merge can take them all
  while (runs_.size() > limits_.fan_in) {
    if (stop && stop()) return false;
    std::vector<std::string> group(runs_.begin(), runs_.begin() + static_cast<std::ptrdiff_t>(limits_.fan_in));
    runs_.erase(runs_.begin(), runs_.begin() + static_cast<std::ptrdiff_t>(limits_.fan_in));
    runs_.push_back(merge_runs(std::move(group)));
    ++merge_levels_;
  }
  std::vector<std::unique_ptr<RunReader>> readers;
  for (const auto& run : runs_) {
    readers.push_back(std::make_unique<RunReader>(dir_fd_, run, shown_ + "/" + run));
    if (!readers.back()->next()) readers.pop_back();
  }
  bool done = merge_into(readers, out, stop);
  readers.clear();
  runs_.clear();
  remove_all();  // nothing of the sort stays for the commit to sync
  return done;
}

}  // namespace netconv
