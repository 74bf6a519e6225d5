// RFC 4180 CSV reader for the registry contract. Streams byte by byte through a buffer; a record
// longer than max_record_bytes is rejected and skipped without being held in memory.
#include <istream>
#include <set>

#include "core/text.hpp"
#include "readers/reader.hpp"

namespace netconv {
namespace {

class CsvReader : public RecordReader {
 public:
  CsvReader(std::istream& in, const ReaderConfig& cfg, DiagnosticSink& diags)
      : in_(in), cfg_(cfg), diags_(diags) {
    read_header();
  }

  bool next(SourceRecord& rec) override {
    rec.clear();
    if (failed_) return false;
    while (true) {
      // one row buffer for the whole file: its cell list keeps its capacity
      RawRow& row = row_;
      row.clear();
      if (!read_row(row)) return false;
      if (row.cells.size() == 1 && row.cells[0].text.empty() && !row.problem_code.size()) continue;  // blank line
      build_record(row, rec);
      return true;
    }
  }
  std::uint64_t bytes_read() const override { return bytes_; }
  bool failed() const override { return failed_; }

 private:
  struct Cell {
    std::string text;
    std::uint64_t line = 0, column = 0;
  };
  struct RawRow {
    std::vector<Cell> cells;
    std::uint64_t line = 0;
    std::string problem_code, problem;
    std::uint64_t problem_line = 0, problem_column = 0;
    void clear() {
      cells.clear();
      line = problem_line = problem_column = 0;
      problem_code.clear();
      problem.clear();
    }
  };

  int get() {
    if (pos_ == len_ && !refill()) return -1;
    ++bytes_;
    return static_cast<unsigned char>(data_[pos_++]);
  }
  int peek() {
    if (pos_ == len_ && !refill()) return -1;
    return static_cast<unsigned char>(data_[pos_]);
  }
  // Next block: the rest of the file buffer after a replay, else the stream.
  bool refill() {
    if (replaying_) {
      replaying_ = false;
      data_ = buf_;
      pos_ = saved_pos_;
      len_ = saved_len_;
      if (pos_ < len_) return true;
    }
    in_.read(buf_, sizeof buf_);
    len_ = static_cast<std::size_t>(in_.gcount());
    pos_ = 0;
    return len_ > 0;
  }
  // Reads `bytes` again before the rest of the input (a runaway quoted field gives back the lines
  // it swallowed). Bounded: at most max_record_bytes, and every replay starts a line later.
  void replay(std::string bytes) {
    if (replaying_) bytes.append(replay_, pos_, len_ - pos_);
    else { saved_pos_ = pos_; saved_len_ = len_; }
    bytes_ -= std::min<std::uint64_t>(bytes_, bytes.size());  // counted when first read
    replay_ = std::move(bytes);
    data_ = replay_.data();
    pos_ = 0;
    len_ = replay_.size();
    replaying_ = true;
  }

  // at the current position, or at `line`:`column` when given; the first problem of a row only.
  // Takes the text unbuilt: a row of 10 million separators flags as often.
  void flag(RawRow& row, const char* code, const char* msg, std::uint64_t line = 0, std::uint64_t column = 0) {
    if (row.problem_code.empty()) flag(row, code, std::string(msg), line, column);
  }
  void flag(RawRow& row, const char* code, std::string msg, std::uint64_t line = 0, std::uint64_t column = 0) {
    if (!row.problem_code.empty()) return;
    row.problem_code = code;
    row.problem = std::move(msg);
    row.problem_line = line ? line : line_;
    row.problem_column = line ? column : col_;
  }

  // Reads one physical record (quoted fields may span lines, up to max_quoted_lines). Every byte
  // counts toward max_record_bytes, separators and quotes included. Returns false at end of input.
  bool read_row(RawRow& row) {
    int c = peek();
    if (c < 0) return false;
    row.line = line_;
    row.cells.push_back(Cell{{}, line_, col_ + 1});
    std::size_t total = 0, quoted_breaks = 0;
    bool in_quotes = false, was_quoted = false, after_quote = false;
    capture_.clear();
    bool capturing = false;  // from the first line break inside quotes: bytes to read again on a runaway
    std::uint64_t resume_line = 0;
    while (true) {
      c = get();
      if (c < 0) {
        // located where the quoted field starts, not at the end of the file
        if (in_quotes) flag(row, "NC-CSV-004", "unterminated quoted field at end of file", row.cells.back().line, row.cells.back().column);
        break;
      }
      ++col_;
      ++total;
      if (capturing) capture_ += static_cast<char>(c);
      if (c == 0) flag(row, "NC-CSV-005", "NUL byte in record");
      if (in_quotes) {
        if (c == '"') {
          if (peek() == '"') {
            get();
            ++col_;
            ++total;
            if (capturing) capture_ += '"';
            append(row, total, '"');
          } else {
            in_quotes = false;
            after_quote = true;
          }
        } else {
          if (c == '\n') {
            ++line_; col_ = 0;
            if (++quoted_breaks > cfg_.max_quoted_lines) return runaway_quote(row, resume_line);
            if (!capturing) { capturing = true; resume_line = line_; }
          }
          append(row, total, static_cast<char>(c));
        }
        if (capturing && total > cfg_.max_record_bytes) return runaway_quote(row, resume_line);
        continue;
      }
      if (c == ',') {
        if (row.cells.size() >= cfg_.max_fields) {
          if (row.problem_code.empty())
            flag(row, "NC-CSV-012", "record has more than " + std::to_string(cfg_.max_fields) + " fields", row.line, 1);
          continue;  // later text joins the last field, still counted
        }
        row.cells.push_back(Cell{{}, line_, col_ + 1});
        was_quoted = after_quote = false;
        continue;
      }
      if (c == '\r') {
        --total;  // line ends are not part of the record
        if (peek() == '\n') continue;  // CRLF
        ++line_; col_ = 0;
        break;  // lone CR ends the record too (mixed line endings)
      }
      if (c == '\n') {
        --total;
        ++line_; col_ = 0;
        break;
      }
      if (c == '"' && row.cells.back().text.empty() && !was_quoted && !after_quote) {
        in_quotes = was_quoted = true;
        continue;
      }
      if (after_quote) flag(row, "NC-CSV-006", "characters after the closing quote of a field");
      if (c == '"') flag(row, "NC-CSV-006", "quote inside an unquoted field");
      append(row, total, static_cast<char>(c));
    }
    if (total > cfg_.max_record_bytes)
      flag(row, "NC-CSV-007", "record longer than " + std::to_string(cfg_.max_record_bytes) + " bytes", row.line, 1);
    return true;
  }

  // A quoted field ran past max_quoted_lines or max_record_bytes: most likely a stray quote. The
  // record is rejected as unterminated, keeps nothing past its first line break (those lines are
  // other records), and reading resumes on the line after that break.
  bool runaway_quote(RawRow& row, std::uint64_t resume_line) {
    const Cell& open = row.cells.back();
    flag(row, "NC-CSV-004",
         "quoted field not closed within " + std::to_string(cfg_.max_quoted_lines) + " line breaks or " +
             std::to_string(cfg_.max_record_bytes) + " bytes; reading resumes on the next line",
         open.line, open.column);
    for (auto& cell : row.cells) cell.text.erase(std::min(cell.text.size(), cell.text.find('\n')));
    replay(std::move(capture_));
    capture_.clear();
    line_ = resume_line;
    col_ = 0;
    return true;
  }

  void append(RawRow& row, std::size_t total, char ch) {
    if (total > cfg_.max_record_bytes) return;  // keep counting, stop storing
    row.cells.back().text += ch;
  }

  void read_header() {
    // a UTF-8 byte order mark is tolerated
    if (peek() == 0xEF) {
      get();
      if (get() != 0xBB || get() != 0xBF) { fail("NC-CSV-001", "file starts with a broken byte order mark"); return; }
    }
    RawRow row;
    if (!read_row(row)) { fail("NC-CSV-002", "empty file: no header row"); return; }
    if (!row.problem_code.empty()) { fail(row.problem_code.c_str(), "header row: " + row.problem, row.line); return; }
    std::set<std::string> seen;
    std::vector<std::size_t> unknown;  // columns ignored, reported once the header is accepted
    for (std::size_t i = 0; i < row.cells.size(); ++i) {
      std::string name(trim(row.cells[i].text));
      if (cfg_.columns) name = std::string(cfg_.columns->rename(name));
      if (find_invalid_utf8(name) != std::string::npos) { fail("NC-CSV-003", "header row is not valid UTF-8", row.line); return; }
      bool known = false;
      for (const auto& c : contract_columns()) known = known || c == name;
      if (!seen.insert(name).second) {
        fail("NC-CSV-008", "duplicate header name in column " + std::to_string(i + 1), row.line);
        return;
      }
      if (!known) unknown.push_back(i);
      header_.push_back(known ? name : std::string());
    }
    bool has_pid = false;
    for (const auto& h : header_) has_pid = has_pid || h == "patient_id";
    // no contract column at all: the file most likely has no header row, and its cells are a
    // patient's values, which never go to stderr
    if (unknown.size() == header_.size()) {
      fail("NC-CSV-013", "header row looks like a record: none of its " + std::to_string(header_.size()) +
                             " cells is a contract column name (is the header row missing?)", row.line);
      return;
    }
    for (auto i : unknown) warn_unknown_column(row.cells[i]);
    if (!has_pid) fail("NC-CSV-009", "header has no patient_id column", row.line);
  }

  // An ignored column is named only when its name looks like one (looks_like_name): a cell like
  // 1958-03-14 is data.
  void warn_unknown_column(const Cell& cell) {
    std::string name(trim(cell.text));
    if (cfg_.columns) name = std::string(cfg_.columns->rename(name));
    bool name_like = looks_like_name(name);
    if (name_like) {
      diags_.report({Severity::warning, "NC-CSV-010", {cfg_.display_name, 1, cell.column, name},
                     "column is not part of the registry CSV contract; ignored", ""});
    } else {
      diags_.report({Severity::warning, "NC-CSV-010", {cfg_.display_name, 1, cell.column, ""},
                     "column is not part of the registry CSV contract; ignored (its name looks like data: not shown)", name});
    }
  }

  // `line`: where the problem is (header problems: the header's line, not the line after it)
  void fail(const char* code, std::string msg, std::uint64_t line = 0) {
    failed_ = true;
    diags_.report({Severity::error, code, {cfg_.display_name, line ? line : line_, 0, ""}, std::move(msg), ""});
  }

  void build_record(RawRow& row, SourceRecord& rec) {
    rec.location = {cfg_.display_name, row.line, 1, ""};
    rec.fields.reserve(header_.size());
    if (!row.problem_code.empty()) {
      rec.problems.push_back({Severity::error, row.problem_code, {cfg_.display_name, row.problem_line, row.problem_column, ""},
                              row.problem, ""});
    } else if (row.cells.size() != header_.size()) {
      rec.problems.push_back({Severity::error, "NC-CSV-011", rec.location,
                              "record has " + std::to_string(row.cells.size()) + " fields, header has " +
                                  std::to_string(header_.size()),
                              ""});
    }
    for (std::size_t i = 0; i < row.cells.size() && i < header_.size(); ++i) {
      if (header_[i].empty()) continue;
      auto& cell = row.cells[i];
      Location loc{cfg_.display_name, cell.line, cell.column, header_[i]};
      auto bad = find_invalid_utf8(cell.text);
      if (bad != std::string::npos) {
        rec.problems.push_back({Severity::error, "NC-CSV-003", loc, "value is not valid UTF-8", ""});
        continue;
      }
      RawField f;
      f.name = header_[i];
      auto value = trim(cell.text);
      if (value.size() == cell.text.size()) f.value = std::move(cell.text);  // the row is read again from scratch
      else f.value = std::string(value);
      f.location = loc;
      rec.fields.push_back(std::move(f));
    }
  }

  std::istream& in_;
  ReaderConfig cfg_;
  DiagnosticSink& diags_;
  char buf_[1 << 16];
  const char* data_ = buf_;  // buf_, or replay_ while lines given back are read again
  std::size_t pos_ = 0, len_ = 0, saved_pos_ = 0, saved_len_ = 0;
  std::string replay_, capture_;
  bool replaying_ = false;
  std::uint64_t bytes_ = 0, line_ = 1, col_ = 0;
  std::vector<std::string> header_;
  RawRow row_;
  bool failed_ = false;
};

}  // namespace

std::unique_ptr<RecordReader> make_csv_reader(std::istream& in, const ReaderConfig& cfg, DiagnosticSink& diags) {
  return std::make_unique<CsvReader>(in, cfg, diags);
}

}  // namespace netconv
