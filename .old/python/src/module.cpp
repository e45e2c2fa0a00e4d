// gpiqa._gpiqa: the Python face of gpiqa's potentials, built from the same libraries as the gpiqa binary.
// A Potential is what `gpiqa predict` loads (run::load_potential): a GP-IQA model set with a prior-mean spec,
// or the MMFF94 reference of a molfile or SMILES. It takes positions in Angstrom, as (N, 3) arrays in the
// potential's atom order, and answers in Hartree (and eV, the names say which), exactly as predict does.
//
// Threads: evaluation releases the GIL. One Potential evaluates one geometry at a time (it keeps working
// memory), guarded by its own mutex; separate Potentials evaluate in parallel.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <pybind11/numpy.h>

#include <cmath>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "gpiqa/md/elements.hpp"
#include "gpiqa/run/potential_source.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"
#include "gpiqa/version.hpp"

namespace py = pybind11;

namespace gpiqa::python {
namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

// A path-like object (str, pathlib.Path) as a string; None stays empty.
std::optional<std::string> path_text(const py::object& value, const char* name) {
  if (value.is_none()) return std::nullopt;
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  try {
    return py::module_::import("os").attr("fspath")(value).cast<std::string>();
  } catch (const py::error_already_set&) {
    throw py::type_error(std::string(name) + " must be a str or a path, not " +
                         std::string(py::str(value.get_type().attr("__name__"))));
  }
}

struct Evaluation {
  double energy = 0;
  model::Positions forces;
  Eigen::VectorXd atomic, variance;
  bool has_variance = false;
};

class Potential {
 public:
  Potential(const py::object& models, const py::object& mean, const py::object& reference) {
    run::PotentialSource source;
    const std::optional<std::string> models_dir = path_text(models, "models");
    const std::optional<std::string> reference_spec = path_text(reference, "reference");
    if (models_dir.has_value() == reference_spec.has_value())
      throw InputError(
          "give exactly one of models=DIR (a GP-IQA model set) or reference=MOL_OR_SMILES (MMFF94)");
    if (models_dir) {
      if (models_dir->empty()) throw InputError("models", "is empty: give a model set directory");
      source.models = *models_dir;
      if (!mean.is_none()) {
        if (!py::isinstance<py::str>(mean))
          throw py::type_error("mean must be a str (a prior-mean spec as gpiqa predict --mean takes)");
        source.mean = mean.cast<std::string>();
      }
    } else {
      if (reference_spec->empty()) throw InputError("reference", "is empty: give a .mol/.sdf file or SMILES");
      if (!mean.is_none())
        throw InputError("mean", "applies to GP model sets (models=DIR), not to reference=");
      source.reference = *reference_spec;
    }
    std::ostringstream notes;
    loaded_ = run::load_potential(source, &notes);
    notes_ = notes.str();
    source_ = source;
  }

  const std::vector<std::string>& elements() const { return loaded_.potential->elements(); }
  int atom_count() const { return loaded_.potential->atom_count(); }
  bool is_reference() const { return source_.is_reference(); }

  void check_elements(const std::vector<std::string>& elements) const {
    loaded_.check_atoms(elements, "elements");
  }

  model::Positions positions_bohr(const Array& positions) const {
    const int n = atom_count();
    if (positions.ndim() != 2 || positions.shape(1) != 3)
      throw InputError("positions",
                       "must be an (N, 3) array in Angstrom, got shape " + shape_text(positions));
    if (positions.shape(0) != n)
      throw InputError("positions", std::to_string(positions.shape(0)) + " atoms, but the potential has " +
                                        std::to_string(n) + " (" + element_list() + ")");
    const Eigen::Map<const model::Positions> angstrom(positions.data(), 3, n);
    if (!angstrom.allFinite()) throw InputError("positions", "contain NaN or infinity");
    return angstrom * units::kBohrPerAngstrom;  // the conversion gpiqa predict applies to its xyz input
  }

  Evaluation evaluate(const Array& positions, const std::optional<std::vector<std::string>>& elements,
                      bool variance) {
    if (elements) check_elements(*elements);
    const model::Positions r = positions_bohr(positions);
    Evaluation e;
    {
      py::gil_scoped_release release;
      const std::lock_guard<std::mutex> lock(mutex_);
      model::Potential& p = *loaded_.potential;
      e.energy = p.compute(r, &e.forces, &e.atomic, nullptr);
      if (!std::isfinite(e.energy) || !e.forces.allFinite())
        throw GeometryError("non-finite energy or forces (an atom on a local z axis?)");
      if (variance) e.has_variance = p.posterior_variance(r, e.variance);
    }
    return e;
  }

  std::optional<Eigen::VectorXd> posterior_variance(const Array& positions,
                                                    const std::optional<std::vector<std::string>>& elements) {
    if (elements) check_elements(*elements);
    const model::Positions r = positions_bohr(positions);
    Eigen::VectorXd v;
    bool has = false;
    {
      py::gil_scoped_release release;
      const std::lock_guard<std::mutex> lock(mutex_);
      has = loaded_.potential->posterior_variance(r, v);
    }
    if (!has) return std::nullopt;
    return v;
  }

  py::object reference_positions_angstrom() const {
    if (!loaded_.molecule) return py::none();
    return to_rows(loaded_.molecule->positions_bohr() * units::kAngstromPerBohr);
  }

  py::dict identity() const {
    py::dict d;
    for (const auto& [key, value] : loaded_.identity) d[py::str(key)] = value;
    return d;
  }

  std::string repr() const {
    if (is_reference()) return "gpiqa.Potential(reference='" + source_.reference + "')";
    return "gpiqa.Potential(models='" + source_.models + "', mean='" + source_.mean + "')";
  }

  const std::string& notes() const { return notes_; }
  const run::PotentialSource& source() const { return source_; }
  const run::LoadedPotential& loaded() const { return loaded_; }

  // (3, N) column-major, the layout of model::Positions, is (N, 3) row-major: one copy.
  static py::array_t<double> to_rows(const model::Positions& m) {
    py::array_t<double> out({static_cast<py::ssize_t>(m.cols()), py::ssize_t{3}});
    std::copy(m.data(), m.data() + m.size(), out.mutable_data());
    return out;
  }
  static py::array_t<double> to_array(const Eigen::VectorXd& v) {
    py::array_t<double> out(static_cast<py::ssize_t>(v.size()));
    std::copy(v.data(), v.data() + v.size(), out.mutable_data());
    return out;
  }

 private:
  static std::string shape_text(const Array& a) {
    std::string s = "(";
    for (py::ssize_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
    return s + (a.ndim() == 1 ? ",)" : ")");
  }
  std::string element_list() const {
    std::string s;
    for (const std::string& e : elements()) s += (s.empty() ? "" : " ") + e;
    return s;
  }

  run::PotentialSource source_;
  run::LoadedPotential loaded_;
  std::string notes_;
  std::mutex mutex_;
};

py::dict evaluation_dict(const Evaluation& e, bool variance) {
  constexpr double ev = units::kElectronVoltPerHartree;
  constexpr double ev_per_angstrom = units::kElectronVoltPerHartree * units::kBohrPerAngstrom;
  py::dict d;
  d["energy_hartree"] = e.energy;
  d["energy_ev"] = e.energy * ev;
  d["forces_hartree_per_bohr"] = Potential::to_rows(e.forces);
  d["forces_ev_per_angstrom"] = Potential::to_rows(e.forces * ev_per_angstrom);
  d["atomic_energies_hartree"] = Potential::to_array(e.atomic);
  d["atomic_energies_ev"] = Potential::to_array(e.atomic * ev);
  if (variance)
    d["posterior_variance"] = e.has_variance ? py::object(Potential::to_array(e.variance)) : py::none();
  return d;
}

}  // namespace
}  // namespace gpiqa::python

PYBIND11_MODULE(_gpiqa, m) {
  using gpiqa::python::Potential;
  namespace units = gpiqa::units;
  m.doc() =
      "gpiqa's potentials (GP-IQA model sets and the MMFF94 reference), compiled from gpiqa's own sources";
  m.attr("__version__") = gpiqa::kVersion;
  m.attr("HARTREE_IN_EV") = units::kElectronVoltPerHartree;
  m.attr("BOHR_IN_ANGSTROM") = units::kAngstromPerBohr;

  // Bad input of any kind (files, specs, atoms, shapes) is an InputError, a ValueError; a geometry the model
  // cannot evaluate (degenerate local frame) is a GeometryError, also a ValueError.
  py::register_exception<gpiqa::InputError>(m, "InputError", PyExc_ValueError);
  py::register_exception<gpiqa::GeometryError>(m, "GeometryError", PyExc_ValueError);

  m.def("atomic_mass", &gpiqa::md::atomic_mass_dalton, py::arg("element"),
        "The atomic mass (Dalton) gpiqa md gives an element (IUPAC 2013 conventional values).");

  py::class_<Potential>(m, "Potential", R"doc(
A gpiqa potential, loaded as `gpiqa predict` loads it.

Potential(models=DIR, mean='file')   a GP-IQA model set (NAME_iqa_ATOM.model files) with a prior-mean spec,
                                     the strings `gpiqa predict --mean` takes (file, mean, min, max, NUMBER,
                                     EL=NUM,..., linear, quadratic, quadratic+)
Potential(reference=MOL_OR_SMILES)   the MMFF94 reference of a .mol/.sdf file or a SMILES string

Positions are (N, 3) arrays in Angstrom in the potential's atom order (`elements`); pass `elements=` to have
the order checked. Raises gpiqa.InputError (a ValueError) for bad input and gpiqa.GeometryError for a
geometry the model cannot evaluate.)doc")
      .def(py::init<const py::object&, const py::object&, const py::object&>(), py::kw_only(),
           py::arg("models") = py::none(), py::arg("mean") = py::none(), py::arg("reference") = py::none())
      .def_property_readonly("elements", &Potential::elements, "Element symbols in atom order")
      .def_property_readonly("atom_count", &Potential::atom_count)
      .def("__len__", &Potential::atom_count)
      .def_property_readonly(
          "kind", [](const Potential& p) { return p.is_reference() ? "reference" : "gp"; },
          "'gp' (a model set) or 'reference' (MMFF94)")
      .def_property_readonly("models",
                             [](const Potential& p) -> py::object {
                               if (p.is_reference()) return py::none();
                               return py::str(p.source().models);
                             })
      .def_property_readonly("mean",
                             [](const Potential& p) -> py::object {
                               if (p.is_reference()) return py::none();
                               return py::str(p.source().mean);
                             })
      .def_property_readonly("reference",
                             [](const Potential& p) -> py::object {
                               if (!p.is_reference()) return py::none();
                               return py::str(p.source().reference);
                             })
      .def_property_readonly(
          "has_variance", [](const Potential& p) { return !p.is_reference(); },
          "Whether posterior variances exist (GP model sets)")
      .def_property_readonly("identity", &Potential::identity,
                             "What a gpiqa checkpoint records of the potential")
      .def_property_readonly("notes", &Potential::notes, "Notes from loading (files ignored, ...)")
      .def_property_readonly("reference_positions_angstrom", &Potential::reference_positions_angstrom,
                             "The reference molecule's own coordinates, (N, 3) Angstrom; None for model sets")
      .def("check_elements", &Potential::check_elements, py::arg("elements"),
           "Raises InputError unless `elements` are the potential's atoms in order")
      .def(
          "evaluate",
          [](Potential& p, const gpiqa::python::Array& positions,
             const std::optional<std::vector<std::string>>& elements, bool variance) {
            return gpiqa::python::evaluation_dict(p.evaluate(positions, elements, variance), variance);
          },
          py::arg("positions_angstrom"), py::arg("elements") = py::none(), py::arg("variance") = true,
          R"doc(
Energy, forces, atomic energies (and posterior variance) at positions (N, 3) in Angstrom, as a dict:
energy_hartree, energy_ev, forces_hartree_per_bohr, forces_ev_per_angstrom (N, 3), atomic_energies_hartree,
atomic_energies_ev (N), and with variance=True posterior_variance (N; None for the reference): the normalised
GP posterior variance per atom, 0 on the training data, 1 where only the prior mean speaks.)doc")
      .def(
          "energy_hartree",
          [](Potential& p, const gpiqa::python::Array& positions,
             const std::optional<std::vector<std::string>>& elements) {
            return p.evaluate(positions, elements, false).energy;
          },
          py::arg("positions_angstrom"), py::arg("elements") = py::none())
      .def(
          "posterior_variance",
          [](Potential& p, const gpiqa::python::Array& positions,
             const std::optional<std::vector<std::string>>& elements) -> py::object {
            const auto v = p.posterior_variance(positions, elements);
            if (!v) return py::none();
            return Potential::to_array(*v);
          },
          py::arg("positions_angstrom"), py::arg("elements") = py::none(),
          "Normalised GP posterior variance per atom (N); None for the reference")
      .def("__repr__", &Potential::repr);
}
