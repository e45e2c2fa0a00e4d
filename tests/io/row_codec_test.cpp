// The one JSON form of results (io/row_codec.hpp). Every double round-trips bit for bit through text,
// the infinities and -0 included (a journal or a worker's message that lost a bit would give a resumed or
// multi-rank campaign other numbers than a straight one); NaN is null, as `gpiqa md` has always printed
// it, and the "nan" of journals written before the rule still reads; -1 is null; every column type of a
// /tasks row, the header and frames survive the trip; and the record `gpiqa md` prints keeps its keys: every
// field by its own name, a NAME_unit key where the name does not say the unit.
#include "gpiqa/io/row_codec.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

namespace gpiqa::io {
namespace {

using nlohmann::json;
using limits = std::numeric_limits<double>;

json through_text(const Json& j) {
  return json::parse(j.dump());
}

TEST(RowCodec, EveryDoubleRoundTripsBitForBit) {
  for (double v : {0.0, -0.0, 1.0 / 3.0, 0.1 + 0.2, -1e-300, limits::min(), limits::denorm_min(),
                   -limits::denorm_min(), limits::max(), limits::lowest(), limits::epsilon(), 300.0,
                   -76.4123456789, limits::infinity(), -limits::infinity()}) {
    const double back = decode_double(through_text(encode_double(v)));
    EXPECT_EQ(std::bit_cast<std::uint64_t>(back), std::bit_cast<std::uint64_t>(v)) << v;
  }
  EXPECT_TRUE(std::isnan(decode_double(through_text(encode_double(limits::quiet_NaN())))));
  EXPECT_TRUE(std::isnan(decode_double(through_text(encode_double(-limits::quiet_NaN())))));
}

TEST(RowCodec, SpecialValuesHaveOneSpelling) {
  EXPECT_TRUE(encode_double(limits::quiet_NaN()).is_null());
  EXPECT_EQ(encode_double(limits::infinity()), "inf");
  EXPECT_EQ(encode_double(-limits::infinity()), "-inf");
  EXPECT_TRUE(encode_int(-1).is_null());
  EXPECT_EQ(encode_int(-2), -2) << "only the sentinel is null";
  EXPECT_TRUE(std::isnan(decode_double(json("nan")))) << "journals written before the rule";
  EXPECT_EQ(decode_int(json(nullptr)), -1);
  for (const json& bad : {json("NaN"), json("infinity"), json(true), json::array(), json("0.5")})
    EXPECT_THROW(decode_double(bad), std::invalid_argument) << bad.dump();
  EXPECT_THROW(decode_int(json(0.5)), std::invalid_argument);
  EXPECT_THROW(decode_int(json("3")), std::invalid_argument);
}

TEST(RowCodec, IntegersRoundTripAtTheirLimits) {
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{-2}, std::int64_t{1} << 53,
                         std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()})
    EXPECT_EQ(decode_int(through_text(encode_int(v))), v);
}

// Every column of a row set to a value of its own (doubles special in turn), through text and back.
TEST(RowCodec, EveryColumnOfARowRoundTrips) {
  const double specials[] = {limits::infinity(), -limits::infinity(), -0.0, 1.0 / 3.0, limits::denorm_min()};
  TaskRow row;
  int k = 0;
  for_each_column(row, [&](const stability::FieldInfo& field, auto& v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, double>)
      v = specials[k % 5] * (k % 5 >= 2 ? k + 1 : 1);
    else if constexpr (std::is_same_v<T, std::int64_t>)
      v = k % 3 == 0 ? -1 : (std::int64_t{1} << 40) + k;
    else if constexpr (std::is_same_v<T, stability::Status>)
      v = stability::Status::kInvalidStart;
    else
      v = std::string(field.name) + " \"quoted\"\n\tu\u00e9";
    ++k;
  });
  row.outcome.mean_temperature_K = limits::quiet_NaN();
  const Json j = row_to_json(row);
  const TaskRow back = row_from_json(through_text(j));
  EXPECT_TRUE(same_row(back, row));
  // bit for bit, beyond same_row's text (NaN as NaN: the codec keeps no payload)
  std::vector<double> a, b;
  auto doubles = [](const TaskRow& r, std::vector<double>& out) {
    for_each_column(r, [&](const stability::FieldInfo&, const auto& v) {
      if constexpr (std::is_same_v<std::decay_t<decltype(v)>, double>) out.push_back(v);
    });
  };
  doubles(row, a);
  doubles(back, b);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]))
      EXPECT_TRUE(std::isnan(b[i])) << i;
    else
      EXPECT_EQ(std::bit_cast<std::uint64_t>(a[i]), std::bit_cast<std::uint64_t>(b[i])) << i;
  }
}

TEST(RowCodec, ColumnsALineLacksKeepTheGivenRowsValues) {
  TaskRow base;
  base.label = "water/MIN/300K/seed1";
  base.temperature_K = 300;
  const TaskRow r =
      row_from_json(json::parse(R"({"task_id": 4, "status": "stable", "unknown_key": 1})"), base);
  EXPECT_EQ(r.task_id, 4);
  EXPECT_EQ(r.outcome.status, stability::Status::kStable);
  EXPECT_EQ(r.label, "water/MIN/300K/seed1");
  EXPECT_EQ(r.temperature_K, 300);
  EXPECT_THROW(row_from_json(json::parse(R"({"status": "wobbly"})")), std::invalid_argument);
  EXPECT_THROW(row_from_json(json::parse("[1, 2]")), std::invalid_argument);
}

// What `gpiqa md` prints: every field by name in the table's order, its unit right after it where the name
// does not say it, NaN and "no step" as null.
TEST(RowCodec, TheRecordGpiqaMdPrintsKeepsItsKeys) {
  stability::Outcome o;
  o.status = stability::Status::kCollapsed;
  o.reason = "H2-H3 closer than 0.5 A";
  o.time_to_failure_ps = 0.1 + 0.2;
  o.failure_step = 601;
  o.steps = 601;
  o.mean_temperature_K = 1.0 / 3.0;
  o.conserved_drift = -1e-300;
  o.max_force = 2.5e-2;
  const Json j = outcome_to_json(o, Units::kWithUnits);
  std::vector<std::string> expected;
  stability::for_each_field(o, [&](const stability::FieldInfo& field, const auto&) {
    expected.emplace_back(field.name);
    if (!stability::unit_in_name(field)) expected.push_back(std::string(field.name) + "_unit");
  });
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.push_back(key);
  EXPECT_EQ(keys, expected);
  EXPECT_EQ(j["status"], "collapsed");
  EXPECT_EQ(j["conserved_drift_unit"], "hartree/ps/atom");
  EXPECT_EQ(j["max_force_unit"], "hartree/bohr");
  EXPECT_FALSE(j.contains("time_to_failure_ps_unit"));
  EXPECT_TRUE(j["std_temperature_K"].is_null());  // NaN
  EXPECT_EQ(j["failure_step"], 601);
  EXPECT_TRUE(outcome_to_json(stability::Outcome(), Units::kWithUnits)["failure_step"].is_null());
  EXPECT_EQ(j.dump().find("\"time_to_failure_ps\":0.30000000000000004"),
            j.dump().find("\"time_to_failure_ps\""));
  const stability::Outcome back = outcome_from_json(through_text(j));
  EXPECT_EQ(outcome_to_json(back, Units::kWithUnits).dump(), j.dump());
  EXPECT_FALSE(outcome_to_json(o).contains("max_force_unit")) << "units only where asked for";
}

TEST(RowCodec, HeaderAndFramesRoundTrip) {
  ResultsHeader h;
  h.campaign_name = "study";
  h.campaign_yaml = "name: study\nseeds: 3\n";
  h.campaign_fingerprint = "0123abcd";
  h.software_version = "1.2.3";
  h.created = "2025-01-31T09:00:00Z";
  h.shard_index = 2, h.shard_count = 5;
  h.duration_ps = 1.0 / 7.0;
  const ResultsHeader hb = header_from_json(through_text(header_to_json(h)));
  EXPECT_EQ(hb.campaign_yaml, h.campaign_yaml);
  EXPECT_EQ(hb.shard_index, 2);
  EXPECT_EQ(hb.shard_count, 5);
  EXPECT_EQ(hb.duration_ps, h.duration_ps);

  FrameBuffer f;
  f.elements = {"O", "H", "H"};
  const md::Positions r = md::Positions::Constant(3, 3, 1.0 / 3.0);
  f.append(0, 0.0, r, -r, md::Positions(3, 0), -76.0, 0.01, -75.99, 300.0);  // forces never computed: NaN
  f.append(10, 0.005, r * 1e300, r, r, limits::infinity(), 0.02, -75.98, 1e-310);
  const FrameBuffer back = frames_from_json(through_text(frames_to_json(f)));
  EXPECT_EQ(back.elements, f.elements);
  EXPECT_EQ(back.step, f.step);
  EXPECT_EQ(back.positions_angstrom, f.positions_angstrom);
  EXPECT_EQ(back.velocities_angstrom_per_ps, f.velocities_angstrom_per_ps);
  EXPECT_EQ(back.potential_hartree[1], limits::infinity());
  EXPECT_EQ(back.temperature_K, f.temperature_K);
  ASSERT_EQ(back.forces_kj_per_mol_angstrom.size(), f.forces_kj_per_mol_angstrom.size());
  EXPECT_TRUE(std::isnan(back.forces_kj_per_mol_angstrom[0]));
  EXPECT_EQ(back.forces_kj_per_mol_angstrom[9], f.forces_kj_per_mol_angstrom[9]);
}

}  // namespace
}  // namespace gpiqa::io
