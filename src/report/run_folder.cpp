#include "report/run_folder.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "core/posix_files.hpp"

namespace netconv::report {
namespace {

constexpr const char* kTemp = ".netconv-report.html.part";

using posix::Fd;
using posix::fail;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read", path, errno ? errno : ENOENT);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail("cannot read", path, errno ? errno : EIO);
  return bytes;
}

}  // namespace

std::string render_report_text(const std::string& report_json, const RejectDigest& rejects, const HtmlOptions& options,
                               const std::string& source) {
  auto report = nlohmann::json::parse(report_json, nullptr, false);
  if (!report.is_object()) throw IoError(source + " is not a netconv report (a JSON object)");
  return render_html(report, rejects, options);
}

std::string render_run_folder(const std::string& dir, const HtmlOptions& options) {
  const std::string report_path = dir + "/report.json", rejects_path = dir + "/rejects.ndjson";
  std::string report = read_file(report_path);
  std::ifstream rejects(rejects_path, std::ios::binary);
  if (!rejects) fail("cannot read", rejects_path, errno ? errno : ENOENT);
  RejectDigest digest;
  for (std::string line; std::getline(rejects, line);)
    if (!line.empty()) digest.add_line(line);
  if (rejects.bad()) fail("cannot read", rejects_path, errno ? errno : EIO);
  return render_report_text(report, digest, options, report_path);
}

void write_report_html(const std::string& dir, const std::string& html) {
  Fd out(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (out.get() < 0) fail("cannot open run folder", dir, errno);
  if (::flock(out.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) throw IoError("run folder " + dir + " is being written by a netconv run");
    fail("cannot lock run folder", dir, errno);
  }
  // a temporary a killed `netconv report` left; the lock says no one is writing it now
  if (::unlinkat(out.get(), kTemp, 0) != 0 && errno != ENOENT) fail("cannot remove", dir + "/" + kTemp, errno);
  const std::string temp = dir + "/" + kTemp;
  posix::write_new_file(out.get(), kTemp, html, temp, true);
  if (::renameat(out.get(), kTemp, out.get(), "report.html") != 0) fail("cannot replace", dir + "/report.html", errno);
  if (::fsync(out.get()) != 0) fail("cannot sync", dir, errno);
}

}  // namespace netconv::report
