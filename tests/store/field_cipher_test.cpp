#include "store/field_cipher.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

TEST(FieldCipher, SealsAndOpensBoundToItsColumn) {
  const FieldCipher cipher(DataKey::Generate());
  const std::string id = "410422201603011234";
  const std::string sealed = cipher.Seal(id, "children.id_number");
  EXPECT_TRUE(FieldCipher::IsSealed(sealed));
  EXPECT_EQ(sealed.find(id), std::string::npos);
  EXPECT_NE(sealed, cipher.Seal(id, "children.id_number"));  // a fresh nonce each time
  EXPECT_EQ(cipher.Open(sealed, "children.id_number"), id);
  EXPECT_THROW(cipher.Open(sealed, "children.doc"), std::runtime_error);  // moved to another column
  EXPECT_EQ(cipher.Seal("", "children.id_number"), "");
  EXPECT_EQ(cipher.Open("未加密的旧值", "children.doc"), "未加密的旧值");
}

TEST(FieldCipher, TamperedOrForeignCiphertextDoesNotOpen) {
  const FieldCipher cipher(DataKey::Generate());
  std::string sealed = cipher.Seal("13812345678", "doc");
  sealed[sealed.size() - 3] = sealed[sealed.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_THROW(cipher.Open(sealed, "doc"), std::runtime_error);
  EXPECT_THROW(cipher.Open("enc1:!!!", "doc"), std::runtime_error);
  EXPECT_THROW(cipher.Open("enc1:", "doc"), std::runtime_error);

  const FieldCipher other(DataKey::Generate());
  EXPECT_THROW(other.Open(cipher.Seal("13812345678", "doc"), "doc"), std::runtime_error);
  // Without a key nothing was sealed: text that looks sealed is somebody's own.
  EXPECT_EQ(FieldCipher().Open("enc1:abc", "doc"), "enc1:abc");
}

TEST(FieldCipher, BlindIndexIsKeyedAndSeparatedByPurpose) {
  const DataKey key = DataKey::Generate();
  const FieldCipher cipher(key), same(key), other(DataKey::Generate());
  EXPECT_EQ(cipher.BlindIndex("1234", "id_suffix"), same.BlindIndex("1234", "id_suffix"));
  EXPECT_NE(cipher.BlindIndex("1234", "id_suffix"), other.BlindIndex("1234", "id_suffix"));
  EXPECT_NE(cipher.BlindIndex("1234", "id_suffix"), cipher.BlindIndex("1234", "id_number"));
  EXPECT_EQ(cipher.BlindIndex("1234", "id_suffix").size(), 32u);
  EXPECT_EQ(cipher.KeyCheck(), same.KeyCheck());
  EXPECT_NE(cipher.KeyCheck(), other.KeyCheck());
  // Without a key the index is the value and nothing is sealed: a plaintext database.
  EXPECT_EQ(FieldCipher().BlindIndex("1234", "id_suffix"), "1234");
  EXPECT_EQ(FieldCipher().Seal("1234", "doc"), "1234");
  EXPECT_EQ(FieldCipher().KeyCheck(), "");
}

TEST(DataKey, HexFilesAndTheirChecks) {
  const DataKey key = DataKey::Generate();
  EXPECT_EQ(DataKey::FromHex(key.Hex() + "\n").bytes(), key.bytes());
  EXPECT_THROW(DataKey::FromHex("abc"), std::invalid_argument);
  EXPECT_THROW(DataKey::FromHex(std::string(64, 'g')), std::invalid_argument);

  TempDir dir;
  const std::string path = (dir.path() / "data.key").string();
  WriteDataKeyFile(path, key);
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(ReadDataKeyFile(path).bytes(), key.bytes());
  EXPECT_THROW(WriteDataKeyFile(path, DataKey::Generate()), std::runtime_error);  // no overwrite
  EXPECT_EQ(ReadDataKeyFile(path).bytes(), key.bytes());
  EXPECT_THROW(ReadDataKeyFile((dir.path() / "missing.key").string()), std::runtime_error);
  std::ofstream((dir.path() / "bad.key").string()) << "not a key";
  EXPECT_THROW(ReadDataKeyFile((dir.path() / "bad.key").string()), std::runtime_error);
}

}  // namespace
}  // namespace tongan::testing
