// The result record (stability/outcome.hpp): every status has one name that reads back to it (the results
// file stores statuses by name), an unknown name is refused, every field is visited once in the table's
// order, and unit_in_name knows which fields say their unit (the JSON adds NAME_unit for the others).
#include "gpiqa/stability/outcome.hpp"

#include <cmath>
#include <set>
#include <stdexcept>

#include <gtest/gtest.h>

namespace gpiqa::stability {
namespace {

TEST(Outcome, EveryStatusHasOneNameThatReadsBack) {
  std::set<std::string> names;
  for (Status s : kAllStatuses) {
    names.insert(to_string(s));
    EXPECT_EQ(status_from_string(to_string(s)), s) << to_string(s);
  }
  EXPECT_EQ(names.size(), kAllStatuses.size()) << "no two statuses share a name";
  EXPECT_STREQ(to_string(Status::kInvalidStart), "invalid-start");
  EXPECT_STREQ(to_string(Status::kStable), "stable");
  for (const char* bad : {"Stable", "", "invalid_start", "crashed"})
    EXPECT_THROW(status_from_string(bad), std::invalid_argument) << bad;
}

TEST(Outcome, EveryFieldIsVisitedOnceInTheTablesOrder) {
  Outcome o;
  std::vector<std::string> names;
  for_each_field(o, [&](const FieldInfo& field, auto&) { names.emplace_back(field.name); });
  ASSERT_GE(names.size(), 20u);
  EXPECT_EQ(names.front(), "status");
  EXPECT_EQ(names[1], "reason");
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  EXPECT_EQ(o.status, Status::kPending);
  EXPECT_EQ(o.failure_step, -1);
  EXPECT_TRUE(std::isnan(o.time_to_failure_ps));
  // a visitor that writes changes the record it was given
  for_each_field(o, [](const FieldInfo& field, auto& v) {
    if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::int64_t>)
      if (std::string(field.name) == "steps") v = 77;
  });
  EXPECT_EQ(o.steps, 77);
}

TEST(Outcome, UnitInNameKnowsWhichFieldsSayTheirUnit) {
  EXPECT_TRUE(unit_in_name({"time_to_failure_ps", "ps", ""}));
  EXPECT_TRUE(unit_in_name({"start_energy_above_minimum_kcal_mol", "kcal/mol", ""}));
  EXPECT_TRUE(unit_in_name({"wall_seconds", "s", ""}));
  EXPECT_TRUE(unit_in_name({"reason", "", ""})) << "no unit to say";
  EXPECT_FALSE(unit_in_name({"conserved_drift", "hartree/ps/atom", ""}));
  EXPECT_FALSE(unit_in_name({"max_force", "hartree/bohr", ""}));
  EXPECT_FALSE(unit_in_name({"ps", "ps", ""})) << "the unit alone is no name with its unit";
  EXPECT_FALSE(unit_in_name({"steps", "s", ""}));
}

}  // namespace
}  // namespace gpiqa::stability
