#include "gpiqa/io/results_row.hpp"

#include <cmath>
#include <type_traits>
#include <vector>

#include "gpiqa/util/text.hpp"

namespace gpiqa::io {

TaskRow pending_copy(const TaskRow& row) {
  TaskRow fresh;
#define GPIQA_COPY_FIELD(type, name, initial, unit, description) fresh.name = row.name;
  GPIQA_TASK_FIELDS(GPIQA_COPY_FIELD)
#undef GPIQA_COPY_FIELD
  return fresh;
}

bool same_row(const TaskRow& a, const TaskRow& b) {
  std::vector<std::string> ca, cb;
  auto cells = [](const TaskRow& r, std::vector<std::string>& out) {
    for_each_column(r, [&](const stability::FieldInfo&, const auto& v) {
      using T = std::decay_t<decltype(v)>;
      if constexpr (std::is_same_v<T, double>)
        out.push_back(std::isnan(v) ? "nan" : util::format_double(v));
      else if constexpr (std::is_same_v<T, stability::Status>)
        out.emplace_back(stability::to_string(v));
      else if constexpr (std::is_same_v<T, std::int64_t>)
        out.push_back(std::to_string(v));
      else
        out.push_back(v);
    });
  };
  cells(a, ca);
  cells(b, cb);
  return ca == cb;
}

}  // namespace gpiqa::io
