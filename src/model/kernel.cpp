#include "gpiqa/model/kernel.hpp"

#include <stdexcept>

namespace gpiqa::model {

double periodic_factor(PeriodicConvention convention) {
  return convention == PeriodicConvention::kGpytorch ? 2.0 : 4.0;
}

bool is_supported_kernel_type(const std::string& type) {
  return type == "rbf" || type == "rbf-cyclic" || type == "periodic";
}

std::vector<KernelTerm> kernel_terms(const std::vector<KernelFactor>& factors,
                                     PeriodicConvention convention) {
  std::vector<KernelTerm> terms;
  for (const KernelFactor& f : factors) {
    if (!is_supported_kernel_type(f.type))
      throw std::invalid_argument("unsupported kernel type '" + f.type + "'");
    for (std::size_t i = 0; i < f.active_dimensions.size(); ++i) {
      const int h = f.active_dimensions[i];
      KernelTerm t{h, TermKind::kSquared, f.theta[i]};
      if (f.type == "rbf-cyclic" && is_phi_feature(h)) t.kind = TermKind::kSquaredWrapped;
      if (f.type == "periodic") {
        t.kind = TermKind::kPeriodic;
        t.coefficient = periodic_factor(convention) * f.theta[i];
      }
      terms.push_back(t);
    }
  }
  return terms;
}

}  // namespace gpiqa::model
