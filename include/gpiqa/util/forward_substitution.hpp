#pragma once
// Forward substitution L Z = K for many right-hand sides at once (the posterior variances of a batch of
// geometries, model/atom_model.hpp), in an order that does not depend on how many there are:
//   z_ib = (k_ib - sum_{l < i} L_il z_lb) / L_ii,
// each z_ib taking the terms -L_il z_lb for l = 0, 1, ..., i-1 in that order by fused multiply-adds (plain
// multiply-adds where the CPU has none), then the division. A column solved alone and in any batch gives the
// same bits. Blocks of 16 columns of L are applied to every right-hand side before the next block is read, so
// that L (n^2 / 2 numbers: 4 MB for 1000 points) streams from memory once per batch instead of once per
// right-hand side.
#include <Eigen/Core>

namespace gpiqa::util {

/// Overwrites the first L.rows() rows of every column of Z with L^-1 times them. L: the lower triangle and
/// the diagonal are read (the upper triangle may hold anything, as in an Eigen::LLT's matrixLLT()).
void forward_substitute(const Eigen::Ref<const Eigen::MatrixXd>& L, Eigen::Ref<Eigen::MatrixXd> Z);

}  // namespace gpiqa::util
