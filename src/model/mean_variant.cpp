#include "gpiqa/model/mean_variant.hpp"

#include <cmath>

#include <Eigen/QR>

#include "gpiqa/util/error.hpp"
#include "gpiqa/util/nnls.hpp"
#include "gpiqa/util/text.hpp"

namespace gpiqa::model {
namespace {

constexpr const char* kSpecHelp =
    "file, mean, min, max, range:K, NUMBER, EL=NUM,..., linear, quadratic, quadratic+, bonded+[:GEOMETRY], "
    "mmff-bonded[:MOLECULE]";

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
  else if (text.rfind("range:", 0) == 0) {
    s.kind = Kind::kRange;
    const std::string k = util::trim(text.substr(6));
    if (!util::parse_double(k, s.range_factor) || !std::isfinite(s.range_factor))
      throw InputError(source,
                       "range factor '" + k + "' in '" + text + "' is not a number (range:K, K >= 0)");
    if (s.range_factor < 0)
      throw InputError(source, "range factor " + k + " in '" + text +
                                   "' is negative: K >= 0 (range:0 is min, range:1 is max)");
  } else if (text == "bonded+" || text.rfind("bonded+:", 0) == 0) {
    s.kind = Kind::kBondedNonNegative;
    s.argument = text.size() > 7 ? util::trim(text.substr(8)) : "";
    if (text.size() > 7 && s.argument.empty())
      throw InputError(source, "'" + text + "' names no geometry (bonded+ or bonded+:FILE.xyz)");
  } else if (text == "mmff-bonded" || text.rfind("mmff-bonded:", 0) == 0) {
    s.kind = Kind::kMmffBonded;
    s.argument = text.size() > 11 ? util::trim(text.substr(12)) : "";
    if (text.size() > 11 && s.argument.empty())
      throw InputError(source, "'" + text + "' names no molecule (mmff-bonded or mmff-bonded:FILE.mol)");
  } else if (util::parse_double(text, s.value_hartree)) {
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

Eigen::VectorXd cartesian_prior_at_training(const AtomModel& model, Potential& prior) {
  return cartesian_prior_at(model, prior, model.training_x());
}

Eigen::VectorXd cartesian_prior_at(const AtomModel& model, Potential& prior, const Eigen::MatrixXd& X) {
  const int n = prior.atom_count();
  const int a = model.alf().central;
  Eigen::VectorXd out(X.rows());
  Eigen::VectorXd per_atom;
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    prior.compute(positions_from_features(model.alf(), X.row(i).transpose(), n), nullptr, &per_atom, nullptr);
    out(i) = per_atom(a);
  }
  if (model.scaling().y) out /= model.scaling().y_std;
  return out;
}

namespace {

void check_context(const MeanSpec& spec, const AtomModel& model, const MeanContext& context) {
  const std::string where = "mean '" + spec.text + "'";
  if (spec.kind == MeanSpec::Kind::kBondedNonNegative) {
    if (!context.equilibrium_bohr)
      throw InputError(where,
                       "bonded+ needs the molecule's equilibrium geometry (bonded+:FILE.xyz or a set "
                       "whose BUILD.json names its molecule)");
    if (alf_feature_count(static_cast<int>(context.equilibrium_bohr->cols())) != model.feature_count())
      throw InputError(where, "the equilibrium geometry has " +
                                  std::to_string(context.equilibrium_bohr->cols()) + " atoms, atom " +
                                  model.label() + "'s model has " + std::to_string(model.feature_count()) +
                                  " features");
  }
  if (spec.kind == MeanSpec::Kind::kMmffBonded) {
    if (!context.cartesian_prior)
      throw InputError(where,
                       "mmff-bonded needs the molecule's MMFF94 reference (mmff-bonded:FILE.mol or a "
                       "set whose BUILD.json names its molecule)");
    if (alf_feature_count(context.cartesian_prior->atom_count()) != model.feature_count())
      throw InputError(where, "the reference has " + std::to_string(context.cartesian_prior->atom_count()) +
                                  " atoms, atom " + model.label() + "'s model has " +
                                  std::to_string(model.feature_count()) + " features");
  }
}

}  // namespace

MeanFunction fit_mean(const MeanSpec& spec, const AtomModel& model, const std::string& element,
                      const MeanContext& context) {
  check_context(spec, model, context);
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
    case MeanSpec::Kind::kRange:
      return MeanFunction::make_constant((1.0 - spec.range_factor) * y.minCoeff() +
                                         spec.range_factor * y.maxCoeff());
    case MeanSpec::Kind::kBondedNonNegative: {
      const Positions& eq = *context.equilibrium_bohr;
      Eigen::VectorXd x_eq_raw(model.feature_count());
      alf_features(eq, model.alf(), x_eq_raw, nullptr);
      const Standardisation& s = model.scaling();
      BondedMean bonded(model.alf(), static_cast<int>(eq.cols()), context.bonds,
                        s.x ? s.x_mean : Eigen::VectorXd(), s.x ? s.x_std : Eigen::VectorXd());
      const auto anchor = context.bonded_anchor_hartree.find(model.label());
      const double y_eq_hartree =
          anchor != context.bonded_anchor_hartree.end() ? anchor->second : model.energy(x_eq_raw);
      bonded.fit(model.internal_features(x_eq_raw), to_internal(model, y_eq_hartree), X, y);
      return MeanFunction::make_bonded(std::move(bonded));
    }
    case MeanSpec::Kind::kMmffBonded: {
      const Eigen::VectorXd share = cartesian_prior_at_training(model, *context.cartesian_prior);
      return MeanFunction::make_constant((y - share).mean());
    }
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

AtomModel apply_mean(const MeanSpec& spec, const AtomModel& model, const std::string& element,
                     const MeanContext& context) {
  if (spec.is_file()) return model;
  if (spec.kind == MeanSpec::Kind::kMmffBonded) {
    check_context(spec, model, context);
    const Eigen::VectorXd share = cartesian_prior_at_training(model, *context.cartesian_prior);
    return model.with_mean(MeanFunction::make_constant((model.internal_y() - share).mean()), share);
  }
  return model.with_mean(fit_mean(spec, model, element, context));
}

}  // namespace gpiqa::model
