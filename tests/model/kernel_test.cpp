// Kernel factor flattening: which dimensions wrap, which are periodic and with what factor.
#include "gpiqa/model/kernel.hpp"

#include <gtest/gtest.h>

namespace gpiqa::model {
namespace {

TEST(Kernel, PhiFeaturesAreEveryThirdFromTheSixth) {
  std::vector<int> phi;
  for (int h = 0; h < 15; ++h)
    if (is_phi_feature(h)) phi.push_back(h);
  EXPECT_EQ(phi, (std::vector<int>{5, 8, 11, 14}));
}

TEST(Kernel, TermsFollowTypeAndConvention) {
  const std::vector<KernelFactor> factors = {{"k1", "rbf-cyclic", {0, 4, 5}, {0.1, 0.2, 0.3}},
                                             {"k2", "periodic", {8}, {0.5}}};
  const auto t = kernel_terms(factors, PeriodicConvention::kGpytorch);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].kind, TermKind::kSquared);
  EXPECT_EQ(t[1].kind, TermKind::kSquared);
  EXPECT_EQ(t[2].kind, TermKind::kSquaredWrapped);
  EXPECT_DOUBLE_EQ(t[2].coefficient, 0.3);
  EXPECT_EQ(t[3].kind, TermKind::kPeriodic);
  EXPECT_DOUBLE_EQ(t[3].coefficient, 1.0);
  EXPECT_DOUBLE_EQ(kernel_terms(factors, PeriodicConvention::kFerebus)[3].coefficient, 2.0);
}

TEST(Kernel, UnknownTypeThrows) {
  EXPECT_THROW(kernel_terms({{"k1", "matern", {0}, {1.0}}}, PeriodicConvention::kFerebus),
               std::invalid_argument);
}

}  // namespace
}  // namespace gpiqa::model
