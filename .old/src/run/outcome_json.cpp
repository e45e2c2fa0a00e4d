#include "gpiqa/run/outcome_json.hpp"

#include <cmath>
#include <limits>
#include <type_traits>

namespace gpiqa::run {

nlohmann::ordered_json outcome_json(const stability::Outcome& o) {
  nlohmann::ordered_json j;
  stability::for_each_field(o, [&](const stability::FieldInfo& field, const auto& v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, stability::Status>)
      j[field.name] = stability::to_string(v);
    else if constexpr (std::is_same_v<T, double>)
      j[field.name] = std::isfinite(v) ? nlohmann::ordered_json(v) : nullptr;
    else if constexpr (std::is_same_v<T, std::int64_t>)
      j[field.name] = v >= 0 ? nlohmann::ordered_json(v) : nullptr;
    else
      j[field.name] = v;
    if (!stability::unit_in_name(field)) j[std::string(field.name) + "_unit"] = field.unit;
  });
  return j;
}

stability::Outcome outcome_from_json(const nlohmann::json& j) {
  stability::Outcome o;
  stability::for_each_field(o, [&](const stability::FieldInfo& field, auto& v) {
    using T = std::decay_t<decltype(v)>;
    const auto it = j.find(field.name);
    if (it == j.end()) return;
    if constexpr (std::is_same_v<T, stability::Status>)
      v = stability::status_from_string(it->template get<std::string>());
    else if constexpr (std::is_same_v<T, double>)
      v = it->is_null() ? std::numeric_limits<double>::quiet_NaN() : it->template get<double>();
    else if constexpr (std::is_same_v<T, std::int64_t>)
      v = it->is_null() ? -1 : it->template get<std::int64_t>();
    else
      v = it->template get<std::string>();
  });
  return o;
}

}  // namespace gpiqa::run
