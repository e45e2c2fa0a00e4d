#pragma once
// Content hashes for fingerprints and cache keys: FNV-1a, 64 bit (Fowler, Noll & Vo; offset basis
// 14695981039346656037, prime 1099511628211). Not cryptographic: it tells versions of our own inputs apart.
#include <cstdint>
#include <string>
#include <string_view>

namespace gpiqa::util {

std::uint64_t fnv1a64(std::string_view data, std::uint64_t hash = 14695981039346656037ull);
/// The hash as 16 lower-case hex digits.
std::string hex64(std::uint64_t hash);

}  // namespace gpiqa::util
