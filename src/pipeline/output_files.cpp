#include "pipeline/output_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <set>

#include "core/errors.hpp"
#include "core/posix_files.hpp"

namespace netconv {
namespace fs = std::filesystem;

namespace {

using posix::Fd;
using posix::fail;
using posix::write_all;
using posix::write_new_file;

constexpr const char* kStaging = ".netconv-run";     // the run being written
constexpr const char* kCommit = ".netconv-commit";   // a staged run past the commit point
constexpr const char* kTrash = ".netconv-trash";     // the previous run's entries, being removed
constexpr const char* kManifest = ".manifest";       // in kCommit: the entries the new run has
constexpr const char* kInterrupted = "report.interrupted.json";
constexpr std::size_t kBufferBytes = 64 * 1024;
// Appended files start their write-back every this many bytes, so the fsync at commit finds
// little left to write (the disk works while the run converts).
constexpr std::uint64_t kWritebackStep = 8u << 20;

int open_dir_at(int at, const char* name) {
  return ::openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

bool exists_at(int at, const std::string& name) {
  struct stat st;
  return ::fstatat(at, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

// Removes `name` below `at` and everything in it without following a link (a link is removed,
// not what it points to). Returns 0 or the errno of the first failure.
int remove_tree_at(int at, const char* name) {
  if (::unlinkat(at, name, 0) == 0 || errno == ENOENT) return 0;
  if (errno != EISDIR && errno != EPERM) return errno;
  int fd = open_dir_at(at, name);
  if (fd < 0) return errno;
  DIR* d = ::fdopendir(fd);
  if (!d) {
    int err = errno;
    ::close(fd);
    return err;
  }
  int first = 0;
  while (dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    int err = remove_tree_at(::dirfd(d), e->d_name);
    if (err && !first) first = err;
  }
  ::closedir(d);
  if (::unlinkat(at, name, AT_REMOVEDIR) != 0 && errno != ENOENT && !first) first = errno;
  return first;
}

void remove_tree(int at, const char* name, const std::string& shown) {
  if (int err = remove_tree_at(at, name)) fail("cannot remove", shown, err);
}

void sync_fd(int fd, const std::string& shown) {
  if (::fsync(fd) != 0) fail("cannot fsync", shown, errno);
}

std::string read_small_file(int at, const char* name) {
  Fd fd(::openat(at, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) return {};
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd.get(), buf, sizeof buf)) > 0 && out.size() < 65536) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

// The commit's second half, also run by the next run when a crash stopped it: the previous
// run's entries move to the trash (report.json first, so while the switch is under way no
// report lists a mix), the new run's entries move into place (report.json last), then the trash
// and the journal are removed. Idempotent: an entry still in the journal is not yet in place.
void roll_forward(int out, const std::string& dir, const std::vector<std::string>& owned) {
  Fd commit(open_dir_at(out, kCommit));
  if (commit.get() < 0) {
    if (errno == ENOENT) return;
    remove_tree(out, kCommit, dir + "/" + kCommit);  // not a folder netconv made
    return;
  }
  std::set<std::string> entries;
  std::string manifest = read_small_file(commit.get(), kManifest);
  for (std::size_t at = 0, nl; (nl = manifest.find('\n', at)) != std::string::npos; at = nl + 1) {
    std::string name = manifest.substr(at, nl - at);
    if (std::find(owned.begin(), owned.end(), name) != owned.end()) entries.insert(name);
  }
  if (entries.empty()) {  // the manifest is written before the commit point: this is no journal of ours
    remove_tree(out, kCommit, dir + "/" + kCommit);
    return;
  }
  remove_tree(out, kTrash, dir + "/" + kTrash);
  if (::mkdirat(out, kTrash, 0700) != 0) fail("cannot create", dir + "/" + kTrash, errno);
  Fd trash(open_dir_at(out, kTrash));
  if (trash.get() < 0) fail("cannot open", dir + "/" + kTrash, errno);
  for (const auto& name : owned) {
    if (entries.count(name) && !exists_at(commit.get(), name)) continue;  // already the new one
    if (exists_at(out, name) && ::renameat(out, name.c_str(), trash.get(), name.c_str()) != 0)
      fail("cannot move away", dir + "/" + name, errno);
  }
  std::vector<std::string> order(entries.begin(), entries.end());
  std::stable_partition(order.begin(), order.end(), [](const std::string& n) { return n != "report.json"; });
  for (const auto& name : order)
    if (exists_at(commit.get(), name) && ::renameat(commit.get(), name.c_str(), out, name.c_str()) != 0)
      fail("cannot move into place", dir + "/" + name, errno);
  sync_fd(out, dir);
  remove_tree(out, kTrash, dir + "/" + kTrash);
  remove_tree(out, kCommit, dir + "/" + kCommit);
}

}  // namespace

OutputFiles::OutputFiles(std::string dir, const std::vector<std::string>& format_dirs)
    // report.json first: the order in which a commit moves the previous run's entries away
    : dir_(std::move(dir)), owned_{"report.json", kInterrupted, "report.html", "rejects.ndjson", "manifest.ndjson"} {
  owned_.insert(owned_.end(), format_dirs.begin(), format_dirs.end());
}

OutputFiles::~OutputFiles() {
  close_all_quietly();
  if (staging_ >= 0) ::close(staging_);
  if (out_ >= 0) {
    if (staging_made_ && !done_) remove_tree_at(out_, kStaging);  // never another run's (begin() failed at the lock)
    ::close(out_);  // releases the lock
  }
}

void OutputFiles::close_all_quietly() noexcept {
  for (auto& [rel, f] : open_)
    if (f.fd >= 0) {
      ::close(f.fd);
      f.fd = -1;
    }
  open_.clear();
  for (auto& [rel, fd] : dirs_) ::close(fd);
  dirs_.clear();
}

void OutputFiles::begin() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw IoError("cannot create output directory " + dir_ + ": " + ec.message());
  out_ = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (out_ < 0) fail("cannot open output directory", dir_, errno);
  if (::flock(out_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) throw IoError("output directory " + dir_ + " is being written by another netconv run");
    fail("cannot lock output directory", dir_, errno);
  }
  roll_forward(out_, dir_, owned_);
  remove_tree(out_, kTrash, path(kTrash));
  remove_tree(out_, kStaging, path(kStaging));
  // temporary files of netconv versions that wrote them beside the final names
  for (const char* legacy : {"rejects.ndjson.part", "report.json.part"}) ::unlinkat(out_, legacy, 0);
  if (::mkdirat(out_, kStaging, 0777) != 0) fail("cannot create", path(kStaging), errno);
  staging_made_ = true;
  staging_ = open_dir_at(out_, kStaging);
  if (staging_ < 0) fail("cannot open", path(kStaging), errno);
}

// The staged folder holding `rel` (created on first use) and the file's name in it.
int OutputFiles::dir_fd_for(const std::string& rel, std::string& leaf) {
  if (staging_ < 0) throw IoError("output folder " + dir_ + " used before it was prepared");
  auto slash = rel.find('/');
  std::string sub = slash == std::string::npos ? "" : rel.substr(0, slash);
  leaf = slash == std::string::npos ? rel : rel.substr(slash + 1);
  auto bad = [](const std::string& n) { return n.empty() || n == "." || n == ".." || n.find('/') != std::string::npos; };
  if (bad(leaf) || (slash != std::string::npos && bad(sub))) throw IoError("invalid output path " + rel);
  if (sub.empty()) return staging_;
  auto it = dirs_.find(sub);
  if (it != dirs_.end()) return it->second;
  if (::mkdirat(staging_, sub.c_str(), 0777) != 0) fail("cannot create", path(sub), errno);
  int fd = open_dir_at(staging_, sub.c_str());
  if (fd < 0) fail("cannot open", path(sub), errno);
  dirs_[sub] = fd;
  return fd;
}

OutputFiles::File& OutputFiles::open(const std::string& rel) {
  auto it = open_.find(rel);
  if (it != open_.end()) return it->second;
  if (finished_) throw IoError("output " + path(rel) + " written after the run finished");
  std::string leaf;
  int at = dir_fd_for(rel, leaf);
  int fd = ::openat(at, leaf.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) fail("cannot create", path(rel), errno);
  File& f = open_[rel];
  f.fd = fd;
  return f;
}

void OutputFiles::start_writeback(File& f) {
  if (f.size - f.kicked < kWritebackStep) return;
  // a hint: errors surface at the fsync in finish()
  ::sync_file_range(f.fd, static_cast<off_t>(f.kicked), static_cast<off_t>(f.size - f.kicked), SYNC_FILE_RANGE_WRITE);
  f.kicked = f.size;
}

void OutputFiles::write_out(File& f, const std::string& rel, const char* data, std::size_t size) {
  write_all(f.fd, data, size, path(rel));
  f.size += size;
  bytes_ += size;
  start_writeback(f);
}

void OutputFiles::flush(File& f, const std::string& rel) {
  if (f.buffer.empty()) return;
  std::string pending;
  pending.swap(f.buffer);  // dropped even if the write fails: the run is over then
  write_out(f, rel, pending.data(), pending.size());
}

void OutputFiles::append(const std::string& rel, const std::string& bytes) {
  File& f = open(rel);
  f.buffer += bytes;
  if (f.buffer.size() >= kBufferBytes) flush(f, rel);
}

void OutputFiles::append(const std::string& rel, const std::vector<std::string_view>& pieces) {
  File& f = open(rel);
  flush(f, rel);  // earlier buffered bytes first
  std::vector<iovec> iov;
  iov.reserve(pieces.size());
  for (auto p : pieces)
    if (!p.empty()) iov.push_back({const_cast<char*>(p.data()), p.size()});
  std::size_t next = 0;
  while (next < iov.size()) {
    int count = static_cast<int>(std::min<std::size_t>(iov.size() - next, IOV_MAX));
    ssize_t n = ::writev(f.fd, iov.data() + next, count);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", path(rel), errno);
    }
    f.size += static_cast<std::uint64_t>(n);
    bytes_ += static_cast<std::uint64_t>(n);
    // a partial write: skip what was written, resume inside the piece it stopped in
    auto done = static_cast<std::size_t>(n);
    while (next < iov.size() && done >= iov[next].iov_len) done -= iov[next++].iov_len;
    if (next < iov.size()) {
      iov[next].iov_base = static_cast<char*>(iov[next].iov_base) + done;
      iov[next].iov_len -= done;
    }
  }
  start_writeback(f);
}

void OutputFiles::ensure(const std::string& rel) { open(rel); }

// A complete file (a CDA document) in one write(): thousands of them per run, so no buffer per
// file. Its write-back starts at once; finish() makes the lot durable with one syncfs, since an
// fsync per file costs milliseconds each (a journal commit).
void OutputFiles::write_whole(const std::string& rel, const std::string& bytes) {
  if (finished_) throw IoError("output " + path(rel) + " written after the run finished");
  std::string leaf;
  int at = dir_fd_for(rel, leaf);
  int fd = ::openat(at, leaf.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) fail("cannot create", path(rel), errno);
  whole_.push_back(rel);
  try {
    write_all(fd, bytes.data(), bytes.size(), path(rel));
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  bytes_ += bytes.size();
  if (::close(fd) != 0) fail("cannot close", path(rel), errno);
}

// Each appended file's data is written back and waited for here, so a write-back error names
// its file; commit() then makes everything durable with one syncfs (one journal commit instead
// of one per file: an fsync costs milliseconds each, seconds for thousands of CDA documents).
std::vector<std::string> OutputFiles::finish() {
  finished_ = true;
  std::vector<std::string> done;
  for (auto& [rel, f] : open_) {
    flush(f, rel);
    if (::sync_file_range(f.fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) != 0)
      fail("cannot write", path(rel), errno);
    int fd = f.fd;
    f.fd = -1;  // closed once, whatever close() says
    if (::close(fd) != 0) fail("cannot close", path(rel), errno);
    done.push_back(rel);
  }
  done.insert(done.end(), whole_.begin(), whole_.end());
  std::sort(done.begin(), done.end());
  return done;
}

void OutputFiles::commit(const std::string& report, const std::string& report_html) {
  if (!finished_) finish();
  write_new_file(staging_, "report.json", report, path("report.json"), false);
  if (!report_html.empty()) write_new_file(staging_, "report.html", report_html, path("report.html"), false);
  std::string manifest = "report.json\n";
  for (const auto& name : owned_names())
    if (name != "report.json" && exists_at(staging_, name)) manifest += name + "\n";
  write_new_file(staging_, kManifest, manifest, path(std::string(kStaging) + "/" + kManifest), false);
  // every staged file and folder durable before the commit point (reports write-back errors
  // of the files since begin() opened the staging folder)
  if (::syncfs(staging_) != 0) fail("cannot sync the files written in", path(kStaging), errno);
  // the commit point: from here on the new run is the one the folder will hold
  if (::renameat(out_, kStaging, out_, kCommit) != 0) fail("cannot commit", path(kStaging), errno);
  done_ = true;
  sync_fd(out_, dir_);
  roll_forward(out_, dir_, owned_);
}

void OutputFiles::abandon(const std::string& report) {
  close_all_quietly();
  finished_ = true;
  write_new_file(staging_, kInterrupted, report, path(kInterrupted), true);
  if (::renameat(staging_, kInterrupted, out_, kInterrupted) != 0) fail("cannot write", path(kInterrupted), errno);
  sync_fd(out_, dir_);
  remove_tree(out_, kStaging, path(kStaging));
  done_ = true;
}

}  // namespace netconv
