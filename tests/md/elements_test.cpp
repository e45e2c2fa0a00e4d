// Element data (md/elements.hpp): the masses the dynamics use are IUPAC's conventional values (a wrong mass
// changes every trajectory's frequencies), the numbers and radii of the elements gpiqa's molecules have are
// right, and an element gpiqa does not know is an input error, not a zero mass.
#include "gpiqa/md/elements.hpp"

#include <gtest/gtest.h>

#include "gpiqa/util/error.hpp"

namespace gpiqa::md {
namespace {

TEST(Elements, TheMoleculesElementsHaveTheirStandardData) {
  EXPECT_DOUBLE_EQ(atomic_mass_dalton("H"), 1.008);
  EXPECT_DOUBLE_EQ(atomic_mass_dalton("C"), 12.011);
  EXPECT_DOUBLE_EQ(atomic_mass_dalton("N"), 14.007);
  EXPECT_DOUBLE_EQ(atomic_mass_dalton("O"), 15.999);
  EXPECT_EQ(atomic_number("H"), 1);
  EXPECT_EQ(atomic_number("O"), 8);
  EXPECT_EQ(atomic_number("Br"), 35);
  EXPECT_EQ(atomic_number("I"), 53);
  // Cordero et al. 2008: C(sp3) 0.76, O 0.66, H 0.31 Angstrom; a C-H bond is about their sum
  EXPECT_DOUBLE_EQ(covalent_radius_angstrom("C") + covalent_radius_angstrom("H"), 1.07);
  EXPECT_DOUBLE_EQ(covalent_radius_angstrom("O"), 0.66);
}

TEST(Elements, MassesGrowWithTheAtomicNumber) {
  double last = 0;
  for (const char* e : {"H", "He", "Li", "C", "N", "O", "F", "S", "Cl", "Br", "I"}) {
    EXPECT_GT(atomic_mass_dalton(e), last) << e;
    last = atomic_mass_dalton(e);
  }
}

TEST(Elements, AnUnknownElementIsAnInputError) {
  for (const char* e : {"Xx", "", "h", "OH"}) {
    EXPECT_THROW(atomic_mass_dalton(e), InputError) << e;
    EXPECT_THROW(atomic_number(e), InputError) << e;
    EXPECT_THROW(covalent_radius_angstrom(e), InputError) << e;
  }
}

}  // namespace
}  // namespace gpiqa::md
