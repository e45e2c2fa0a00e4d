#pragma once
// Where the shared FFLUX test data lives, and a skip with a visible message when it is absent.
#include <string>

#include <gtest/gtest.h>

#include "gpiqa/model/molecule_model.hpp"

namespace gpiqa::test {

/// Absolute path of `relative` under ../shared/data ("" if the data directory is missing).
std::string shared_data(const std::string& relative);
bool have_shared_data();
/// A shared model set ("models/ammonia-ichor") and a shared geometry ("geometries/ammonia.xyz", in Bohr).
model::MoleculeModel shared_model(const std::string& relative);
model::Positions shared_geometry_bohr(const std::string& relative);
/// Path of the built gpiqa executable.
std::string gpiqa_binary();
/// A fresh empty directory under the system temp directory.
std::string temp_dir(const std::string& tag);

}  // namespace gpiqa::test

#define GPIQA_REQUIRE_SHARED_DATA()                                                                    \
  do {                                                                                                 \
    if (!::gpiqa::test::have_shared_data())                                                            \
      GTEST_SKIP() << "SKIPPED: ../shared/data (public FFLUX models) not found at " GPIQA_SHARED_DATA; \
  } while (0)
