#include "gpiqa/md/random_stream.hpp"

#include <Random123/philox.h>
#include <Random123/boxmuller.hpp>

namespace gpiqa::md {

void RandomStream::normals(std::uint64_t step, RandomPurpose purpose, std::span<double> out) const {
  r123::Philox4x64 rng;
  const r123::Philox4x64::key_type key = {{seed_, task_key_}};
  for (std::size_t i = 0; i < out.size(); i += 4) {
    const r123::Philox4x64::ctr_type ctr = {{step, static_cast<std::uint64_t>(purpose), i / 4, 0}};
    const r123::Philox4x64::ctr_type r = rng(ctr, key);
    const r123::double2 a = r123::boxmuller(r.v[0], r.v[1]);
    const r123::double2 b = r123::boxmuller(r.v[2], r.v[3]);
    const double values[4] = {a.x, a.y, b.x, b.y};
    for (std::size_t k = 0; k < 4 && i + k < out.size(); ++k) out[i + k] = values[k];
  }
}

}  // namespace gpiqa::md
