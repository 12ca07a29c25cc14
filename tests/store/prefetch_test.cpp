#include "store/prefetch.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace tongan::testing {
namespace {

TEST(Prefetch, GivesTheItemsInOrderThenTheEnd) {
  int made = 0;
  Prefetch<int> items([&]() -> std::optional<int> { return made < 5 ? std::optional<int>(made++) : std::nullopt; }, 2);
  for (int expected = 0; expected < 5; ++expected) EXPECT_EQ(items.Pop(), expected);
  EXPECT_EQ(items.Pop(), std::nullopt);
  EXPECT_EQ(items.Pop(), std::nullopt);
}

TEST(Prefetch, WhatTheMakerThrowsReachesTheConsumerAfterTheItemsBeforeIt) {
  int made = 0;
  Prefetch<int> items(
      [&]() -> std::optional<int> {
        if (made == 2) throw std::runtime_error("source broke");
        return made++;
      },
      4);
  EXPECT_EQ(items.Pop(), 0);
  EXPECT_EQ(items.Pop(), 1);
  EXPECT_THROW(items.Pop(), std::runtime_error);
}

TEST(Prefetch, StopsAnEndlessMakerWhenDropped) {
  int made = 0;
  {
    Prefetch<int> items([&]() -> std::optional<int> { return made++; }, 3);
    EXPECT_EQ(items.Pop(), 0);
  }
  EXPECT_LE(made, 6) << "it made at most what fits ahead, plus the one in hand";
}

}  // namespace
}  // namespace tongan::testing
