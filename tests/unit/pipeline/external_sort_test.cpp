// The external merge sort and the grouping intake: records leave in key order exactly once
// whatever the memory budget (in memory, one level of runs, several levels), input already in
// order is detected and never spilled while it fits, the run files are removed on success and
// when the sorter goes early, and a patient's records reach the grouper whole, in tumor order.
#include "pipeline/external_sort.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "core/errors.hpp"
#include "pipeline/record_intake.hpp"
#include "support/files.hpp"

namespace netconv {
namespace {
namespace fs = std::filesystem;

SourceRecord record(const std::string& patient, const std::string& tumor, std::uint64_t line) {
  SourceRecord r;
  r.location = {"in.csv", line, 0, ""};
  r.fields.push_back({"patient_id", patient, {}, false, {"in.csv", line, 1, "patient_id"}});
  r.fields.push_back({"tumor_id", tumor, {}, false, {"in.csv", line, 2, "tumor_id"}});
  r.fields.push_back({"symptoms", "", {"flushing", "diarrhea"}, true, {"elsewhere.csv", line, 3, "other"}});
  r.problems.push_back({Severity::warning, "NC-TEST-001", {"in.csv", line, 4, "x"}, "a message", "a value"});
  r.items.push_back({"primarySite", "C17.2", {}, false, {"in.csv", line, 5, "primarySite"}});
  r.place = "patient " + patient + ": ";
  return r;
}

struct Folder {
  test_support::TempDir tmp{"external-sort"};
  int fd = ::open(tmp.dir.c_str(), O_RDONLY | O_DIRECTORY);
  ~Folder() { ::close(fd); }
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::recursive_directory_iterator(tmp.dir), {})); }
};

// `n` records of n/3 patients, in a shuffled order (fixed seed).
std::vector<SortKey> shuffled_keys(std::size_t n) {
  std::vector<SortKey> keys;
  for (std::size_t i = 0; i < n; ++i) keys.push_back({"P" + std::to_string(i % (n / 3 + 1)), 0, std::to_string(i % 7), i + 1});
  std::mt19937 rng(11);
  std::shuffle(keys.begin(), keys.end(), rng);
  return keys;
}

std::vector<SortedRecord> sort_all(Folder& f, const std::vector<SortKey>& keys, RecordSorter::Limits limits, std::size_t* runs = nullptr,
                                   std::size_t* merges = nullptr, bool* in_order = nullptr) {
  RecordSorter s(f.fd, f.tmp.dir.string(), "sort", limits);
  for (const auto& k : keys) {
    SortKey key = k;
    s.add(std::move(key), record(k.patient, k.tumor, k.position));
  }
  if (in_order) *in_order = s.in_order();
  std::vector<SortedRecord> out;
  EXPECT_TRUE(s.drain([&](SortedRecord&& e) { out.push_back(std::move(e)); }, nullptr));
  if (runs) *runs = s.runs_written();
  if (merges) *merges = s.intermediate_merges();
  EXPECT_EQ(f.entries(), 0u) << "the sorter's folder and run files are gone once drained";
  return out;
}

void expect_sorted_copy(const std::vector<SortKey>& in, const std::vector<SortedRecord>& out) {
  auto want = in;
  std::sort(want.begin(), want.end());
  ASSERT_EQ(out.size(), want.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    ASSERT_EQ(out[i].key, want[i]) << "at " << i;
    // the record travels intact through a run file
    const auto& r = out[i].record;
    ASSERT_EQ(r.fields.size(), 3u);
    EXPECT_EQ(r.fields[0].value, want[i].patient);
    EXPECT_EQ(r.fields[2].items, (std::vector<std::string>{"flushing", "diarrhea"}));
    EXPECT_TRUE(r.fields[2].is_list);
    EXPECT_EQ(r.fields[2].location.file, "elsewhere.csv");
    EXPECT_EQ(r.fields[2].location.field, "other");
    EXPECT_EQ(r.fields[1].location.to_string(), "in.csv:" + std::to_string(want[i].position) + ":2 [tumor_id]");
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].value, "a value");
    EXPECT_EQ(r.problems[0].severity, Severity::warning);
    ASSERT_EQ(r.items.size(), 1u);
    EXPECT_EQ(r.items[0].value, "C17.2");
    EXPECT_EQ(r.place, "patient " + want[i].patient + ": ");
  }
}

TEST(ExternalSort, InMemoryWhenTheRecordsFit) {
  Folder f;
  auto keys = shuffled_keys(500);
  std::size_t runs = 9;
  auto out = sort_all(f, keys, {std::size_t{64} << 20, 16}, &runs);
  EXPECT_EQ(runs, 0u);
  expect_sorted_copy(keys, out);
}

TEST(ExternalSort, OneMergeOfSpilledRuns) {
  Folder f;
  auto keys = shuffled_keys(3000);
  std::size_t runs = 0, merges = 9;
  auto out = sort_all(f, keys, {200 * 1024, 64}, &runs, &merges);
  EXPECT_GT(runs, 3u);
  EXPECT_EQ(merges, 0u);
  expect_sorted_copy(keys, out);
}

TEST(ExternalSort, SeveralMergeLevelsWhenRunsExceedTheFanIn) {
  Folder f;
  auto keys = shuffled_keys(3000);
  std::size_t runs = 0, merges = 0;
  auto out = sort_all(f, keys, {16 * 1024, 3}, &runs, &merges);
  EXPECT_GT(runs, 30u);
  EXPECT_GT(merges, 9u) << "with fan-in 3, merged runs are merged again";
  expect_sorted_copy(keys, out);
}

TEST(ExternalSort, DetectsInputAlreadyInOrderAndDoesNotSpillIt) {
  Folder f;
  auto keys = shuffled_keys(900);
  std::sort(keys.begin(), keys.end());
  bool in_order = false;
  std::size_t runs = 9;
  auto out = sort_all(f, keys, {std::size_t{64} << 20, 16}, &runs, nullptr, &in_order);
  EXPECT_TRUE(in_order);
  EXPECT_EQ(runs, 0u);
  expect_sorted_copy(keys, out);
  // one record out of place is disorder
  std::swap(keys[400], keys[401]);
  Folder g;
  sort_all(g, keys, {std::size_t{64} << 20, 16}, nullptr, nullptr, &in_order);
  EXPECT_FALSE(in_order);
}

TEST(ExternalSort, AnInterruptedDrainStopsAndTheRunFilesGoWithTheSorter) {
  Folder f;
  {
    RecordSorter s(f.fd, f.tmp.dir.string(), "sort", {16 * 1024, 4});
    for (auto& k : shuffled_keys(1000)) {
      SortKey key = k;
      s.add(std::move(key), record(k.patient, k.tumor, k.position));
    }
    EXPECT_GT(f.entries(), 2u) << "runs were written";
    std::size_t seen = 0;
    EXPECT_FALSE(s.drain([&](SortedRecord&&) { ++seen; }, [&] { return seen >= 10; }));
    EXPECT_EQ(seen, 10u);
  }
  EXPECT_EQ(f.entries(), 0u);
}

TEST(ExternalSort, AWriteErrorIsAnIoErrorNamingTheRunFile) {
  Folder f;
  RecordSorter s(f.fd, f.tmp.dir.string(), "sort", {1024, 4});
  fs::create_directory(f.tmp.dir / "sort");  // planted where the sorter makes its folder
  SortKey k{"P", 0, "1", 1};
  try {
    s.add(std::move(k), record("P", "1", 1));
    s.add(SortKey{"P", 0, "2", 2}, record("P", "2", 2));
    FAIL() << "no IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/sort"), std::string::npos) << e.what();
  }
}

// The intake hands the grouper whole patients in key order, each in tumor order, and keeps a
// NAACCR patient id repeated in a second Patient element apart (rejected by the work part).
TEST(RecordIntake, GroupsShuffledRecordsByPatientInTumorOrder) {
  Folder f;
  std::vector<WorkItem> items;
  PatientGrouper grouper(2, 1000, [&](WorkItem&& w) { items.push_back(std::move(w)); });
  CollectingSink diags;
  RecordIntake intake(false, 8 * 1024, grouper, diags, f.fd, f.tmp.dir.string());
  std::vector<std::pair<std::string, std::string>> rows = {{"B", "2"}, {"A", "1"}, {"C", "1"}, {"B", "1"}, {"A", "3"}, {"A", "2"}};
  for (int rep = 0; rep < 40; ++rep)  // enough to spill with an 8 KiB budget
    for (std::size_t i = 0; i < rows.size(); ++i) {
      auto r = record(rows[i].first + std::to_string(rep % 4), rows[i].second, rep * 10 + i);
      r.place.clear();
      intake.add(std::move(r));
    }
  intake.finish(nullptr);
  EXPECT_FALSE(intake.sorted_order_was_input_order());
  EXPECT_GT(intake.runs_written(), 1u);
  std::vector<std::string> seen;
  for (const auto& w : items)
    for (const auto& p : w.patients) {
      EXPECT_FALSE(p.reappeared);
      std::string s = p.records.front().get("patient_id")->value + ":";
      for (const auto& r : p.records) s += r.get("tumor_id")->value;
      seen.push_back(s);
    }
  // each patient once, keys ascending, tumors ascending (ties: input order)
  ASSERT_EQ(seen.size(), 12u);
  EXPECT_EQ(seen.front(), "A0:" + std::string(10, '1') + std::string(10, '2') + std::string(10, '3'));
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

TEST(RecordIntake, NaaccrPatientIdInTwoElementsIsKeptApart) {
  Folder f;
  std::vector<WorkItem> items;
  PatientGrouper grouper(256, 1000, [&](WorkItem&& w) { items.push_back(std::move(w)); });
  CollectingSink diags;
  RecordIntake intake(false, 1 << 20, grouper, diags, f.fd, f.tmp.dir.string());
  auto tumor = [](const char* id, const char* element, const char* t, int line) {
    auto r = record(id, t, line);
    r.place = std::string(element) + ", tumor " + t + ": ";
    return r;
  };
  intake.add(tumor("P2", "patient 1", "1", 3));
  intake.add(tumor("P1", "patient 2", "1", 9));
  intake.add(tumor("P2", "patient 3", "1", 15));
  intake.add(tumor("P2", "patient 3", "2", 19));
  intake.finish(nullptr);
  ASSERT_EQ(items.size(), 1u);
  const auto& p = items[0].patients;
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].records.front().get("patient_id")->value, "P1");
  EXPECT_EQ(p[1].records.size(), 1u);
  EXPECT_FALSE(p[1].reappeared);
  EXPECT_EQ(p[1].records[0].location.line, 3u);
  EXPECT_EQ(p[2].records.size(), 2u);
  EXPECT_TRUE(p[2].reappeared && p[2].other_element);
}

TEST(RecordIntake, PresortedStreamsAndMarksAReappearingPatient) {
  Folder f;
  std::vector<WorkItem> items;
  PatientGrouper grouper(256, 1000, [&](WorkItem&& w) { items.push_back(std::move(w)); });
  CollectingSink diags;
  RecordIntake intake(true, 1 << 20, grouper, diags, f.fd, f.tmp.dir.string());
  for (auto [p, t] : {std::pair{"A", "2"}, {"A", "1"}, {"B", "1"}, {"A", "3"}}) intake.add(record(p, t, 1));
  intake.finish(nullptr);
  ASSERT_EQ(items.size(), 1u);
  const auto& ps = items[0].patients;
  ASSERT_EQ(ps.size(), 3u);
  EXPECT_EQ(ps[0].records[0].get("tumor_id")->value, "1") << "a patient's records in tumor order";
  EXPECT_TRUE(ps[2].reappeared);
  EXPECT_FALSE(ps[2].other_element);
}

}  // namespace
}  // namespace netconv
