#include "gpiqa/model/mean_variant.hpp"

#include <cmath>

#include <Eigen/QR>

#include "gpiqa/util/error.hpp"
#include "gpiqa/util/nnls.hpp"
#include "gpiqa/util/text.hpp"

namespace gpiqa::model {
namespace {

constexpr const char* kSpecHelp = "file, mean, min, max, NUMBER, EL=NUM,..., linear, quadratic, quadratic+";

// Hartree -> the model's internal (standardised) energy scale.
double to_internal(const AtomModel& m, double hartree) {
  const Standardisation& s = m.scaling();
  return s.y ? (hartree - s.y_mean) / s.y_std : hartree;
}

}  // namespace

MeanSpec MeanSpec::parse(const std::string& text_in, const std::string& source) {
  MeanSpec s;
  const std::string text = util::trim(text_in);
  s.text = text;
  if (text == "file")
    s.kind = Kind::kFile;
  else if (text == "mean")
    s.kind = Kind::kMean;
  else if (text == "min")
    s.kind = Kind::kMin;
  else if (text == "max")
    s.kind = Kind::kMax;
  else if (text == "linear")
    s.kind = Kind::kLinear;
  else if (text == "quadratic")
    s.kind = Kind::kQuadratic;
  else if (text == "quadratic+")
    s.kind = Kind::kQuadraticNonNegative;
  else if (util::parse_double(text, s.value_hartree)) {
    if (!std::isfinite(s.value_hartree)) throw InputError(source, "mean value '" + text + "' is not finite");
    s.kind = Kind::kValue;
  } else if (text.find('=') != std::string::npos) {
    s.kind = Kind::kPerAtom;
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find(',', start);
      if (end == std::string::npos) end = text.size();
      const std::string item = util::trim(text.substr(start, end - start));
      const auto eq = item.find('=');
      double v = 0;
      if (eq == std::string::npos || eq == 0 || !util::parse_double(util::trim(item.substr(eq + 1)), v) ||
          !std::isfinite(v))
        throw InputError(source,
                         "bad per-atom mean '" + item + "' in '" + text + "' (expected LABEL=HARTREE)");
      s.per_atom[util::trim(item.substr(0, eq))] = v;
      start = end + 1;
    }
  } else {
    throw InputError(source, "unknown mean spec '" + text + "' (" + kSpecHelp + ")");
  }
  return s;
}

MeanFunction fit_mean(const MeanSpec& spec, const AtomModel& model, const std::string& element) {
  const Eigen::VectorXd& y = model.internal_y();
  const Eigen::MatrixXd& X = model.internal_x();
  switch (spec.kind) {
    case MeanSpec::Kind::kFile:
      return model.mean();
    case MeanSpec::Kind::kMean:
      return MeanFunction::make_constant(y.mean());
    case MeanSpec::Kind::kMin:
      return MeanFunction::make_constant(y.minCoeff());
    case MeanSpec::Kind::kMax:
      return MeanFunction::make_constant(y.maxCoeff());
    case MeanSpec::Kind::kValue:
      return MeanFunction::make_constant(to_internal(model, spec.value_hartree));
    case MeanSpec::Kind::kPerAtom: {
      auto it = spec.per_atom.find(model.label());
      if (it == spec.per_atom.end()) it = spec.per_atom.find(element);
      if (it == spec.per_atom.end())
        throw InputError("mean '" + spec.text + "'",
                         "no value for atom " + model.label() + " or element " + element);
      return MeanFunction::make_constant(to_internal(model, it->second));
    }
    case MeanSpec::Kind::kLinear:
    case MeanSpec::Kind::kQuadratic:
    case MeanSpec::Kind::kQuadraticNonNegative: {
      Eigen::Index i_min = 0;
      const double y_min = y.minCoeff(&i_min);
      const Eigen::VectorXd x_min = X.row(i_min).transpose();
      Eigen::MatrixXd A = X.rowwise() - x_min.transpose();
      if (spec.kind != MeanSpec::Kind::kLinear) A = A.array().square().matrix();
      const Eigen::VectorXd b = (y.array() - y_min).matrix();
      Eigen::VectorXd beta;
      if (spec.kind == MeanSpec::Kind::kQuadraticNonNegative) {
        for (Eigen::Index h = 0; h < A.cols(); ++h)
          if (is_phi_feature(static_cast<int>(h))) A.col(h).setZero();
        beta = util::nnls(A, b);
      } else {
        beta = A.colPivHouseholderQr().solve(b);
      }
      return spec.kind == MeanSpec::Kind::kLinear ? MeanFunction::make_linear(beta, x_min, y_min)
                                                  : MeanFunction::make_quadratic(beta, x_min, y_min);
    }
  }
  return model.mean();
}

AtomModel apply_mean(const MeanSpec& spec, const AtomModel& model, const std::string& element) {
  if (spec.is_file()) return model;
  return model.with_mean(fit_mean(spec, model, element));
}

}  // namespace gpiqa::model
