// The result record as JSON (what `gpiqa md` prints and what campaign workers send): every field of the
// record by its own name, units where the name does not say them, and an exact round trip (NaN and "no step"
// as null).
#include "gpiqa/run/outcome_json.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace gpiqa::run {
namespace {

TEST(OutcomeJson, HasEveryFieldAndRoundTripsExactly) {
  stability::Outcome o;
  o.status = stability::Status::kCollapsed;
  o.reason = "H2-H3 closer than 0.5 A";
  o.time_to_failure_ps = 0.1 + 0.2;
  o.failure_step = 601;
  o.steps = 601;
  o.simulated_ps = 0.3005;
  o.mean_temperature_K = 1.0 / 3.0;
  o.conserved_drift = -1e-300;
  o.max_force = 2.5e-2;
  const auto j = outcome_json(o);
  stability::for_each_field(o, [&](const stability::FieldInfo& field, const auto&) {
    EXPECT_TRUE(j.contains(field.name)) << field.name;
  });
  EXPECT_EQ(j["status"], "collapsed");
  EXPECT_EQ(j["conserved_drift_unit"], "hartree/ps/atom");
  EXPECT_EQ(j["max_force_unit"], "hartree/bohr");
  EXPECT_FALSE(j.contains("time_to_failure_ps_unit"));
  EXPECT_FALSE(j.contains("wall_seconds_unit"));
  EXPECT_TRUE(j["std_temperature_K"].is_null());  // NaN

  const stability::Outcome back = outcome_from_json(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(outcome_json(back).dump(), j.dump());
  EXPECT_EQ(back.time_to_failure_ps, o.time_to_failure_ps);
  EXPECT_EQ(back.mean_temperature_K, o.mean_temperature_K);
  EXPECT_TRUE(std::isnan(back.std_temperature_K));

  const stability::Outcome pending = outcome_from_json(outcome_json(stability::Outcome()));
  EXPECT_EQ(pending.failure_step, -1);
  EXPECT_EQ(pending.status, stability::Status::kPending);
}

}  // namespace
}  // namespace gpiqa::run
