// Identifying fields are sealed in the database itself, on both backends: what a stolen database
// file or dump shows, lookups by ID number through blind indexes, and the first key given to a
// plaintext database.
#include <gtest/gtest.h>

#include "demo/demo_county.h"
#include "demo/department_files.h"
#include "store/field_cipher.h"
#include "store/sql_db.h"
#include "store/sql_internal.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

std::vector<std::string> Column(sql::Connection& db, const std::string& query) {
  std::vector<std::string> out;
  auto s = db.Prepare(query);
  while (s.Step()) out.push_back(s.IsNull(0) ? "" : s.Text(0));
  return out;
}

bool AnyContains(const std::vector<std::string>& values, const std::string& needle) {
  for (const std::string& v : values)
    if (v.find(needle) != std::string::npos) return true;
  return false;
}

int64_t ChildWithEdits(TestDeployment& env, const std::string& village, int sequence) {
  const int64_t id = env.AddChild(MakeChild("王小明" + std::to_string(sequence), village, sequence));
  Child edited = *env.d.store->GetChild(RegionScope{village}, id);
  edited.address = "新华路" + std::to_string(sequence) + "号院";
  edited.guardian.phone = "1390000" + std::to_string(1000 + sequence);
  env.d.store->UpdateChild(RegionScope{village}, edited, edited.version,
                           ClassBasisOf(edited, env.d.config), {1, "tester"});
  return id;
}

TEST(EncryptionAtRest, TheDatabaseHoldsNoPlainIdNumbersPhonesOrAddresses) {
  TestDeployment env;
  ASSERT_TRUE(env.d.store->encrypted());
  const Date today = TodayInChina();
  LoadDemoCounty(env.d, 120, 11, today);
  LoadDemoDepartmentData(env.d, 11, today);
  const int64_t id = ChildWithEdits(env, kVillageA, 3);
  const Child child = *env.d.store->GetChild(RegionScope{kVillageA}, id);

  auto db = env.db.Connect();
  const auto id_numbers = Column(*db, "SELECT id_number FROM children");
  const auto docs = Column(*db, "SELECT doc FROM children");
  ASSERT_GT(id_numbers.size(), 100u);
  for (const auto& v : id_numbers) EXPECT_TRUE(v.empty() || FieldCipher::IsSealed(v)) << v;
  for (const auto& v : docs) EXPECT_TRUE(FieldCipher::IsSealed(v)) << v;
  for (const std::string& secret : {child.id_number, child.father.id_number, child.father.phone,
                                    child.guardian.phone, child.address}) {
    EXPECT_FALSE(AnyContains(id_numbers, secret)) << secret;
    EXPECT_FALSE(AnyContains(docs, secret)) << secret;
    EXPECT_FALSE(AnyContains(Column(*db, "SELECT old_value || new_value FROM child_history"), secret))
        << secret;
  }
  // History reads back in the clear through the store.
  bool saw_address = false;
  for (const auto& h : env.d.store->ChildHistory(RegionScope{kVillageA}, id))
    saw_address = saw_address || h.new_value == child.address;
  EXPECT_TRUE(saw_address);

  // Department rows: ID and raw row sealed, identifying mapped fields sealed, others queryable.
  const auto record_ids = Column(*db, "SELECT id_number FROM source_records WHERE id_number <> ''");
  ASSERT_FALSE(record_ids.empty());
  for (const auto& v : record_ids) EXPECT_TRUE(FieldCipher::IsSealed(v)) << v;
  for (const auto& v : Column(*db, "SELECT raw FROM source_records")) EXPECT_TRUE(FieldCipher::IsSealed(v));
  for (const auto& fields : Column(*db, "SELECT fields FROM source_records")) {
    const auto json = nlohmann::json::parse(fields);
    for (const char* name : {"id_number", "phone", "address"})
      if (json.contains(name) && !json[name].get<std::string>().empty())
        EXPECT_TRUE(FieldCipher::IsSealed(json[name].get<std::string>())) << fields;
  }
  const auto batches = env.d.store->departments().ListBatches(RegionScope{"41"}, 1);
  ASSERT_FALSE(batches.empty());
  bool opened_any = false;
  for (const SourceRecord& r : env.d.store->departments().BatchRows(RegionScope{"41"}, batches.front().id, "")) {
    EXPECT_FALSE(FieldCipher::IsSealed(r.id_number));
    EXPECT_FALSE(FieldCipher::IsSealed(r.raw));
    EXPECT_EQ(r.fields.find("enc1:"), std::string::npos);
    opened_any = opened_any || !r.id_number.empty();
  }
  EXPECT_TRUE(opened_any);
}

TEST(EncryptionAtRest, RecordFieldsSealOnlyWhatIdentifiesAndTextThatLooksSealedSurvives) {
  const FieldCipher cipher(DataKey::Generate());
  const std::string fields =
      R"({"name":"张三","phone":"13800001111","disability_cert_no":"41040220160301123X41",)"
      R"("living_subsidy":"enc1:abc","address":"enc1:def"})";
  const std::string stored = sql::SealRecordFields(fields, cipher);
  const auto json = nlohmann::json::parse(stored);
  EXPECT_EQ(json["name"], "张三");
  EXPECT_EQ(json["living_subsidy"], "enc1:abc");  // not identifying: stays queryable as typed
  for (const char* sealed : {"phone", "disability_cert_no", "address"})
    EXPECT_TRUE(FieldCipher::IsSealed(json[sealed].get<std::string>())) << sealed;
  EXPECT_EQ(stored.find("13800001111"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(sql::OpenRecordFields(stored, cipher)), nlohmann::json::parse(fields));
  // Without a key nothing is sealed, and a cell that starts like ciphertext reads back as typed.
  EXPECT_EQ(sql::OpenRecordFields(fields, FieldCipher()), fields);
  EXPECT_EQ(FieldCipher().Open("enc1:typed", "children.doc"), "enc1:typed");
}

TEST(EncryptionAtRest, IdNumberLookupsGoThroughBlindIndexes) {
  TestDeployment env;
  Child a = MakeChild("甲", kVillageA, 1), b = MakeChild("乙", kVillageA, 2);
  // Same last four characters, different fifth and sixth from the end.
  a.id_number = MakeId("410422", "20160301", 123);
  for (int day = 2; day <= 28 && b.id_number.substr(14) != a.id_number.substr(14); ++day)
    b.id_number = MakeId("410422", "201603" + std::string(day < 10 ? "0" : "") + std::to_string(day), 123);
  ASSERT_EQ(a.id_number.substr(14), b.id_number.substr(14));
  const int64_t a_id = env.AddChild(a), b_id = env.AddChild(b);
  env.AddChild(MakeChild("丙", kVillageA, 9));
  const RegionScope scope{kVillageA};
  const auto ids = [&](const std::string& q) {
    ChildQuery query;
    query.id_number = q;
    query.limit = 50;
    std::vector<int64_t> out;
    for (const Child& c : env.d.store->SearchChildren(scope, query).items) out.push_back(c.id);
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(ids(a.id_number), std::vector<int64_t>{a_id});
  EXPECT_EQ(ids(a.id_number.substr(14)), (std::vector<int64_t>{a_id, b_id}));
  EXPECT_EQ(ids(a.id_number.substr(12)), std::vector<int64_t>{a_id});
  EXPECT_EQ(ids(b.id_number.substr(8)), std::vector<int64_t>{b_id});
  EXPECT_TRUE(ids("000000000000000000").empty());
  EXPECT_TRUE(ids("99999").empty());
  // The unique index on the blind index still refuses a second child with the same number.
  Child again = MakeChild("丁", kVillageB, 5);
  again.id_number = a.id_number;
  EXPECT_THROW(env.AddChild(again), StoreConflict);
}

TEST(EncryptionAtRest, APlaintextDatabaseIsSealedWhenFirstGivenAKey) {
  TempDir dir;
  TestDatabase database(dir.path());
  const DataKey key = DataKey::Generate();
  Child child = MakeChild("明文", kVillageA, 4);
  int64_t id = 0;
  {
    auto store = OpenStore(database.location(), std::nullopt);
    EXPECT_FALSE(store->encrypted());
    store->InsertChild(child, 0, {1, "tester"});
    id = child.id;
    Child edited = *store->GetChild(RegionScope{kVillageA}, id);
    edited.address = "旧城路8号";
    store->UpdateChild(RegionScope{kVillageA}, edited, edited.version, 0, {1, "tester"});
    auto db = database.Connect();
    EXPECT_TRUE(AnyContains(Column(*db, "SELECT id_number FROM children"), child.id_number));
  }
  {
    auto store = OpenStore(database.location(), key);
    EXPECT_TRUE(store->encrypted());
    auto db = database.Connect();
    EXPECT_FALSE(AnyContains(Column(*db, "SELECT id_number || doc FROM children"), child.id_number));
    EXPECT_FALSE(AnyContains(Column(*db, "SELECT old_value || new_value FROM child_history"), "旧城路8号"));
    const Child read = *store->GetChild(RegionScope{kVillageA}, id);
    EXPECT_EQ(read.id_number, child.id_number);
    EXPECT_EQ(read.address, "旧城路8号");
    ChildQuery query;
    query.id_number = child.id_number;
    EXPECT_EQ(store->SearchChildren(RegionScope{kVillageA}, query).total, 1);
    // The sealing pass put the append-only guard back.
    EXPECT_THROW(db->Exec("UPDATE child_history SET new_value = 'x'"), sql::Error);
  }
  EXPECT_THROW(OpenStore(database.location(), std::nullopt), std::runtime_error);
  EXPECT_THROW(OpenStore(database.location(), DataKey::Generate()), std::runtime_error);
  EXPECT_TRUE(OpenStore(database.location(), key)->encrypted());
}

TEST(EncryptionAtRest, AProcessWithoutTheKeyCannotWritePlainValuesAfterAnotherSealed) {
  TempDir dir;
  TestDatabase database(dir.path());
  auto without_key = OpenStore(database.location(), std::nullopt);  // opened before the sealing
  Child before = MakeChild("早", kVillageA, 1);
  without_key->InsertChild(before, 0, {1, "tester"});
  auto with_key = OpenStore(database.location(), DataKey::Generate());
  Child after = MakeChild("晚", kVillageA, 2);
  EXPECT_THROW(without_key->InsertChild(after, 0, {1, "tester"}), std::runtime_error);
  std::vector<Child> bulk = {MakeChild("批", kVillageA, 3)};
  EXPECT_THROW(without_key->InsertChildrenBulk(bulk, {0}, {1, "tester"}), std::runtime_error);
  Child edited = *with_key->GetChild(RegionScope{kVillageA}, before.id);
  edited.address = "新址";
  EXPECT_THROW(without_key->UpdateChild(RegionScope{kVillageA}, edited, edited.version, 0, {1, "tester"}),
               std::runtime_error);
  EXPECT_NO_THROW(with_key->UpdateChild(RegionScope{kVillageA}, edited, edited.version, 0, {1, "tester"}));
  auto db = database.Connect();
  EXPECT_FALSE(AnyContains(Column(*db, "SELECT coalesce(id_number, '') || doc FROM children"), after.id_number));
  EXPECT_FALSE(AnyContains(Column(*db, "SELECT coalesce(id_number, '') || doc FROM children"), bulk[0].id_number));
  EXPECT_FALSE(AnyContains(Column(*db, "SELECT old_value || new_value FROM child_history"), "新址"));
  EXPECT_EQ(with_key->GetChild(RegionScope{kVillageA}, before.id)->address, "新址");
}

}  // namespace
}  // namespace tongan::testing
