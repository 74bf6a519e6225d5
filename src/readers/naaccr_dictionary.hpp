// NAACCR XML dictionary facts (docs/naaccr.md): the base dictionaries v23-v26 as the generated
// table mappings/naaccr-dictionary.tsv, plus dictionary XML files the user names
// (--naaccr-dictionary, base or user dictionaries). Used by the NAACCR reader to check items.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace netconv::naaccr {

struct ItemDef {
  std::string id;
  int num = 0;
  int length = 0;
  std::string data_type = "text";  // digits, mixed, alpha, numeric, date, dateTime, text
  std::string padding = "none";    // none, leftZero, leftBlank, rightBlank
  std::string parent;              // NaaccrData, Patient, Tumor
  bool unlimited_text = false;
  std::vector<int> versions;       // base dictionary versions (230...); empty for a user dictionary
  std::string dictionary_uri;      // user dictionary it came from ("" for base facts)
};

// Result of checking one item value against its definition.
struct ValueProblem {
  std::string code;     // NC-NAACCR-0xx, "" when the value is fine
  std::string message;
};

class Dictionary {
 public:
  static constexpr int kOldest = 230, kNewest = 260;
  // Loads the generated base-dictionary table; throws ConfigError on a broken table.
  static Dictionary load_table(const std::string& tsv_path);
  // Adds a NAACCR dictionary XML (base or user). Returns its dictionaryUri; throws ConfigError.
  std::string add_xml(const std::string& path);

  // Sets the file being read: its base dictionary URI and user dictionary URIs. Returns the
  // base version used (e.g. 250) and whether the version is one netconv carries.
  struct FileDictionaries {
    int version = kNewest;
    bool supported = true;          // v23-v26 or a base dictionary XML the user named
    bool version_known = true;      // the URI named a version at all
    std::vector<std::string> missing_user_dictionaries;
  };
  FileDictionaries use_for_file(const std::string& base_uri, const std::vector<std::string>& user_uris);

  // Definition of an item for the file set by use_for_file; nullptr when unknown.
  const ItemDef* find(const std::string& id) const;
  // Versions in which an unknown-for-this-file item exists ("" when none): for messages.
  std::string other_versions(const std::string& id) const;

 private:
  std::map<std::string, std::vector<ItemDef>> base_;             // id -> rows of the table
  std::map<std::string, std::vector<ItemDef>> named_base_;       // uri -> items of a named base dictionary XML
  std::map<std::string, std::vector<ItemDef>> user_;             // uri -> items of a named user dictionary
  // for the current file
  int version_ = kNewest;
  const std::vector<ItemDef>* file_base_ = nullptr;              // named base dictionary used instead of the table
  std::map<std::string, const ItemDef*> active_user_;
  std::map<std::string, const ItemDef*> active_named_base_;
};

// Checks a value against the definition after padding; may rewrite `value` (leftZero padding).
ValueProblem check_value(const ItemDef& def, std::string& value);
// Valid calendar date of the NAACCR date type (YYYY, YYYYMM, YYYYMMDD; 18xx-20xx)?
bool valid_naaccr_date(std::string_view v, bool& impossible);
// Version from a base dictionary URI (".../naaccr-dictionary-250.xml" -> 250); 0 when none.
int version_from_uri(std::string_view uri);

}  // namespace netconv::naaccr
