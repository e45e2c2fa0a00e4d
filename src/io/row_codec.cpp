#include "gpiqa/io/row_codec.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace gpiqa::io {
namespace {

// One field of a record, by member type.
template <class T>
Json encode(const T& v) {
  if constexpr (std::is_same_v<T, double>)
    return encode_double(v);
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return encode_int(v);
  else if constexpr (std::is_same_v<T, stability::Status>)
    return stability::to_string(v);
  else
    return v;
}

template <class T>
void decode(const nlohmann::json& j, T& v) {
  if constexpr (std::is_same_v<T, double>)
    v = decode_double(j);
  else if constexpr (std::is_same_v<T, std::int64_t>)
    v = decode_int(j);
  else if constexpr (std::is_same_v<T, stability::Status>)
    v = stability::status_from_string(j.get<std::string>());
  else
    v = j.get<std::string>();
}

// Sets every field f visits that `j` holds.
template <class Visit>
void decode_fields(const nlohmann::json& j, Visit&& visit) {
  if (!j.is_object()) throw std::invalid_argument("expected a JSON object");
  visit([&](const stability::FieldInfo& field, auto& v) {
    const auto it = j.find(field.name);
    if (it != j.end()) decode(*it, v);
  });
}

Json doubles(const std::vector<double>& values) {
  Json a = Json::array();
  for (double v : values) a.push_back(encode_double(v));
  return a;
}

std::vector<double> doubles(const nlohmann::json& j) {
  std::vector<double> v;
  v.reserve(j.size());
  for (const nlohmann::json& x : j) v.push_back(decode_double(x));
  return v;
}

}  // namespace

Json encode_double(double v) {
  if (std::isfinite(v)) return v;
  if (std::isnan(v)) return nullptr;
  return v > 0 ? "inf" : "-inf";
}

double decode_double(const nlohmann::json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
  }
  throw std::invalid_argument("not a number: " + j.dump());
}

Json encode_int(std::int64_t v) {
  if (v == -1) return nullptr;
  return v;
}

std::int64_t decode_int(const nlohmann::json& j) {
  if (j.is_null()) return -1;
  if (j.is_number_integer()) return j.get<std::int64_t>();
  throw std::invalid_argument("not an integer: " + j.dump());
}

Json outcome_to_json(const stability::Outcome& o, Units units) {
  Json j = Json::object();
  stability::for_each_field(o, [&](const stability::FieldInfo& field, const auto& v) {
    j[field.name] = encode(v);
    if (units == Units::kWithUnits && !stability::unit_in_name(field))
      j[std::string(field.name) + "_unit"] = field.unit;
  });
  return j;
}

stability::Outcome outcome_from_json(const nlohmann::json& j) {
  stability::Outcome o;
  decode_fields(j, [&](auto&& f) { stability::for_each_field(o, f); });
  return o;
}

Json row_to_json(const TaskRow& row) {
  Json j = Json::object();
  for_each_column(row, [&](const stability::FieldInfo& field, const auto& v) { j[field.name] = encode(v); });
  return j;
}

TaskRow row_from_json(const nlohmann::json& j, TaskRow row) {
  decode_fields(j, [&](auto&& f) { for_each_column(row, f); });
  return row;
}

Json header_to_json(const ResultsHeader& h) {
  return {{"campaign_name", h.campaign_name},
          {"campaign_yaml", h.campaign_yaml},
          {"campaign_fingerprint", h.campaign_fingerprint},
          {"software_version", h.software_version},
          {"created", h.created},
          {"shard_index", encode_int(h.shard_index)},
          {"shard_count", encode_int(h.shard_count)},
          {"duration_ps", encode_double(h.duration_ps)}};
}

ResultsHeader header_from_json(const nlohmann::json& j) {
  ResultsHeader h;
  h.campaign_name = j.at("campaign_name").get<std::string>();
  h.campaign_yaml = j.at("campaign_yaml").get<std::string>();
  h.campaign_fingerprint = j.at("campaign_fingerprint").get<std::string>();
  h.software_version = j.at("software_version").get<std::string>();
  h.created = j.at("created").get<std::string>();
  h.shard_index = decode_int(j.at("shard_index"));
  h.shard_count = decode_int(j.at("shard_count"));
  h.duration_ps = decode_double(j.at("duration_ps"));
  return h;
}

Json frames_to_json(const FrameBuffer& f) {
  return {{"elements", f.elements},
          {"step", f.step},
          {"time", doubles(f.time_ps)},
          {"pos", doubles(f.positions_angstrom)},
          {"vel", doubles(f.velocities_angstrom_per_ps)},
          {"force", doubles(f.forces_kj_per_mol_angstrom)},
          {"epot", doubles(f.potential_hartree)},
          {"ekin", doubles(f.kinetic_hartree)},
          {"econs", doubles(f.conserved_hartree)},
          {"T", doubles(f.temperature_K)}};
}

FrameBuffer frames_from_json(const nlohmann::json& j) {
  FrameBuffer f;
  f.elements = j.at("elements").get<std::vector<std::string>>();
  f.step = j.at("step").get<std::vector<std::int64_t>>();
  f.time_ps = doubles(j.at("time"));
  f.positions_angstrom = doubles(j.at("pos"));
  f.velocities_angstrom_per_ps = doubles(j.at("vel"));
  f.forces_kj_per_mol_angstrom = doubles(j.at("force"));
  f.potential_hartree = doubles(j.at("epot"));
  f.kinetic_hartree = doubles(j.at("ekin"));
  f.conserved_hartree = doubles(j.at("econs"));
  f.temperature_K = doubles(j.at("T"));
  return f;
}

}  // namespace gpiqa::io
