#include "gpiqa/md/elements.hpp"

#include <array>

#include "gpiqa/util/error.hpp"

namespace gpiqa::md {
namespace {

struct Element {
  const char* symbol;
  double mass_dalton;
  double covalent_radius_angstrom;
};

constexpr std::array<Element, 22> kElements{{
    {"H", 1.008, 0.31},   {"He", 4.0026, 0.28}, {"Li", 6.94, 1.28},   {"Be", 9.0122, 0.96},
    {"B", 10.81, 0.84},   {"C", 12.011, 0.76},  {"N", 14.007, 0.71},  {"O", 15.999, 0.66},
    {"F", 18.998, 0.57},  {"Ne", 20.180, 0.58}, {"Na", 22.990, 1.66}, {"Mg", 24.305, 1.41},
    {"Al", 26.982, 1.21}, {"Si", 28.085, 1.11}, {"P", 30.974, 1.07},  {"S", 32.06, 1.05},
    {"Cl", 35.45, 1.02},  {"Ar", 39.948, 1.06}, {"K", 39.098, 2.03},  {"Ca", 40.078, 1.76},
    {"Br", 79.904, 1.20}, {"I", 126.90, 1.39},
}};

const Element& find(const std::string& symbol) {
  for (const Element& e : kElements)
    if (symbol == e.symbol) return e;
  throw InputError("unsupported element '" + symbol + "'");
}

}  // namespace

double atomic_mass_dalton(const std::string& element) {
  return find(element).mass_dalton;
}
double covalent_radius_angstrom(const std::string& element) {
  return find(element).covalent_radius_angstrom;
}

}  // namespace gpiqa::md
