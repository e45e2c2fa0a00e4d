#include "gpiqa/train/training_set.hpp"

#include <cmath>
#include <vector>

#include "gpiqa/util/error.hpp"
#include "gpiqa/util/text.hpp"

namespace gpiqa::train {
namespace {

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    out.push_back(
        util::trim(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

TrainingSet read_training_csv(const std::string& path, const std::string& target) {
  const std::vector<std::string> lines = util::split_lines(util::read_text_file(path));
  if (lines.empty()) throw InputError(path, "empty file");
  const std::vector<std::string> header = split_csv(lines[0]);
  std::vector<int> feature_columns;
  int target_column = -1;
  for (std::size_t c = 0; c < header.size(); ++c) {
    const std::string& h = header[c];
    long long k = 0;
    if (h.size() > 1 && h[0] == 'f' && util::parse_integer(h.substr(1), k)) {
      if (k != static_cast<long long>(feature_columns.size()) + 1)
        throw InputError(path, 1, "feature columns must be f1, f2, ... in order; found '" + h + "'");
      feature_columns.push_back(static_cast<int>(c));
    }
    if (h == target) target_column = static_cast<int>(c);
  }
  if (feature_columns.empty()) throw InputError(path, 1, "no feature columns f1, f2, ... in the header");
  if (target_column < 0) throw InputError(path, 1, "no '" + target + "' column in the header");
  std::vector<std::vector<double>> rows;
  std::vector<double> ys;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (util::trim(lines[i]).empty()) continue;
    const std::vector<std::string> cells = split_csv(lines[i]);
    const int line = static_cast<int>(i + 1);
    if (cells.size() != header.size())
      throw InputError(path, line,
                       "row has " + std::to_string(cells.size()) + " columns, the header " +
                           std::to_string(header.size()));
    auto value = [&](int c) {
      double v = 0;
      if (!util::parse_double(cells[static_cast<std::size_t>(c)], v) || !std::isfinite(v))
        throw InputError(path, line,
                         "column '" + header[static_cast<std::size_t>(c)] + "' is not a finite number: '" +
                             cells[static_cast<std::size_t>(c)] + "'");
      return v;
    };
    std::vector<double> row;
    for (int c : feature_columns) row.push_back(value(c));
    rows.push_back(std::move(row));
    ys.push_back(value(target_column));
  }
  const Eigen::Index n = static_cast<Eigen::Index>(rows.size()),
                     nf = static_cast<Eigen::Index>(feature_columns.size());
  if (n < nf)
    throw InputError(path, std::to_string(n) + " training points for " + std::to_string(nf) +
                               " features: fewer points than features");
  TrainingSet t;
  t.source = path;
  t.x.resize(n, nf);
  t.y.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index h = 0; h < nf; ++h)
      t.x(i, h) = rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(h)];
    t.y(i) = ys[static_cast<std::size_t>(i)];
  }
  return t;
}

void split_every(const TrainingSet& all, int every, TrainingSet& train, TrainingSet& validation) {
  std::vector<Eigen::Index> a, b;
  for (Eigen::Index i = 0; i < all.x.rows(); ++i) (i % every == every - 1 ? b : a).push_back(i);
  auto take = [&](const std::vector<Eigen::Index>& idx, TrainingSet& out) {
    out.source = all.source;
    out.x.resize(static_cast<Eigen::Index>(idx.size()), all.x.cols());
    out.y.resize(static_cast<Eigen::Index>(idx.size()));
    for (std::size_t k = 0; k < idx.size(); ++k) {
      out.x.row(static_cast<Eigen::Index>(k)) = all.x.row(idx[k]);
      out.y(static_cast<Eigen::Index>(k)) = all.y(idx[k]);
    }
  };
  take(a, train);
  take(b, validation);
}

}  // namespace gpiqa::train
