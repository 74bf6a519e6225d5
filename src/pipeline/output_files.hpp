// The output folder as one unit of work (docs/output-folder.md). A run writes every file into a
// staging folder inside the output folder (OUT/.netconv-run/); commit() switches the staged
// entries into place through a journal (OUT/.netconv-commit/) that the next run rolls forward if
// a crash stopped the switch. Until then the folder keeps the previous completed run: its
// outputs, report.json and rejects.ndjson, nothing else under a final name.
//
// Every file and folder below OUT is opened relative to OUT's descriptor, created with
// O_CREAT|O_EXCL|O_NOFOLLOW (folders with mkdirat, then opened O_NOFOLLOW): a link planted in the
// folder is never followed, it makes the run fail (IoError) instead. Every write, flush, fsync,
// close and rename error throws IoError naming the file; each descriptor is closed exactly once.
// One OutputFiles per run, used from one thread.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace netconv {

class OutputFiles {
 public:
  // `format_dirs`: the output formats' folders (FormatRegistry::output_directories()), owned by a
  // run beside its reports and rejects.ndjson.
  OutputFiles(std::string dir, const std::vector<std::string>& format_dirs);
  // Closes what is still open and removes the staging folder unless the run was committed or
  // abandoned; never throws.
  ~OutputFiles();
  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;

  // Creates OUT if needed, locks it against a concurrent run (IoError if one holds it), finishes
  // a commit a crash interrupted, removes what killed runs left (staging and trash folders, the
  // .part files of older versions) and creates the staging folder. Call once, before any write.
  void begin();

  // `rel` is a path below the output folder ("fhir/Patient.ndjson"): folders and "." or ".."
  // components are refused (IoError).
  void append(const std::string& rel, const std::string& bytes);
  // The pieces, in order, in as few system calls as the kernel takes (writev), without
  // copying them into a buffer first; for the many small per-patient pieces of one file.
  void append(const std::string& rel, const std::vector<std::string_view>& pieces);
  // A complete file (a CDA document), written and closed at once; a second file of the same
  // name is an error.
  void write_whole(const std::string& rel, const std::string& bytes);
  void ensure(const std::string& rel);  // create even when empty (rejects.ndjson)

  // Flushes every file, waits for its data to reach the disk, closes it. Returns the relative
  // paths written, sorted.
  std::vector<std::string> finish();
  std::uint64_t bytes_written() const { return bytes_; }
  // After finish(): stages `report` as report.json (and `report_html`, when given, as
  // report.html), makes the staged run durable (syncfs) and switches it into place (the commit
  // protocol). Throws IoError; past the commit point the next run completes the switch.
  void commit(const std::string& report, const std::string& report_html = {});
  // The run did not complete (interrupted): its staged files are removed and `report` becomes
  // OUT/report.interrupted.json; the previous completed run stays as it was.
  void abandon(const std::string& report);

  const std::string& dir() const { return dir_; }
  // After begin(): the staging folder, for a run's temporary files (the sort's runs) that must go
  // with it whatever happens; a commit or an abandoned run removes what is left in it.
  int staging_fd() const { return staging_; }
  std::string staging_path() const { return path(".netconv-run"); }

  // Names a run owns at the top of the output folder; a commit replaces or removes each of them.
  const std::vector<std::string>& owned_names() const { return owned_; }

 private:
  struct File {
    int fd = -1;
    std::string buffer;            // small appends (rejects) gathered before one write()
    std::uint64_t size = 0;        // bytes handed to the kernel
    std::uint64_t kicked = 0;      // bytes whose write-back was started (sync_file_range)
  };
  File& open(const std::string& rel);
  int dir_fd_for(const std::string& rel, std::string& leaf);
  void write_out(File& f, const std::string& rel, const char* data, std::size_t size);
  void flush(File& f, const std::string& rel);
  void start_writeback(File& f);
  void close_all_quietly() noexcept;
  std::string path(const std::string& rel) const { return dir_ + "/" + rel; }

  std::string dir_;
  std::vector<std::string> owned_;
  int out_ = -1;      // OUT, locked while this run lives
  int staging_ = -1;  // OUT/.netconv-run
  std::map<std::string, int> dirs_;  // staged sub-folders ("fhir") -> descriptor
  std::map<std::string, File> open_;
  std::vector<std::string> whole_;  // complete files, already closed
  std::uint64_t bytes_ = 0;
  bool staging_made_ = false, finished_ = false, done_ = false;
};

}  // namespace netconv
