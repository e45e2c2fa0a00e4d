#include "gpiqa/md/elements.hpp"

#include <array>

#include "gpiqa/util/error.hpp"

namespace gpiqa::md {
namespace {

struct Element {
  const char* symbol;
  int atomic_number;
  double mass_dalton;
  double covalent_radius_angstrom;
};

constexpr std::array<Element, 22> kElements{{
    {"H", 1, 1.008, 0.31},    {"He", 2, 4.0026, 0.28},  {"Li", 3, 6.94, 1.28},    {"Be", 4, 9.0122, 0.96},
    {"B", 5, 10.81, 0.84},    {"C", 6, 12.011, 0.76},   {"N", 7, 14.007, 0.71},   {"O", 8, 15.999, 0.66},
    {"F", 9, 18.998, 0.57},   {"Ne", 10, 20.180, 0.58}, {"Na", 11, 22.990, 1.66}, {"Mg", 12, 24.305, 1.41},
    {"Al", 13, 26.982, 1.21}, {"Si", 14, 28.085, 1.11}, {"P", 15, 30.974, 1.07},  {"S", 16, 32.06, 1.05},
    {"Cl", 17, 35.45, 1.02},  {"Ar", 18, 39.948, 1.06}, {"K", 19, 39.098, 2.03},  {"Ca", 20, 40.078, 1.76},
    {"Br", 35, 79.904, 1.20}, {"I", 53, 126.90, 1.39},
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
int atomic_number(const std::string& element) {
  return find(element).atomic_number;
}
double covalent_radius_angstrom(const std::string& element) {
  return find(element).covalent_radius_angstrom;
}

}  // namespace gpiqa::md
