#include "gpiqa/run/prior_mean_record.hpp"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "gpiqa/util/error.hpp"

namespace gpiqa::run {
namespace {

namespace fs = std::filesystem;

}  // namespace

void write_prior_mean_record(const std::string& directory, const model::MeanSpec& spec,
                             const model::MeanContext& context, const std::string& reference) {
  const fs::path path = fs::path(directory) / kPriorMeanRecordFile;
  nlohmann::ordered_json j;
  j["mean"] = spec.text;
  if (spec.kind == model::MeanSpec::Kind::kBondedNonNegative) {
    if (!context.equilibrium_bohr) throw InputError(path.string(), "bonded+ without an equilibrium geometry");
    nlohmann::ordered_json eq = nlohmann::ordered_json::array();
    for (Eigen::Index a = 0; a < context.equilibrium_bohr->cols(); ++a)
      eq.push_back({(*context.equilibrium_bohr)(0, a), (*context.equilibrium_bohr)(1, a),
                    (*context.equilibrium_bohr)(2, a)});
    j["equilibrium_bohr"] = eq;
    nlohmann::ordered_json bonds = nlohmann::ordered_json::array();
    for (const auto& [i, k] : context.bonds) bonds.push_back({i, k});
    j["bonds"] = bonds;
    nlohmann::ordered_json anchors = nlohmann::ordered_json::object();
    for (const auto& [label, value] : context.bonded_anchor_hartree) anchors[label] = value;
    j["anchor_hartree"] = anchors;
  } else if (spec.kind == model::MeanSpec::Kind::kMmffBonded) {
    j["reference"] = reference;
  } else {
    throw InputError(path.string(), "mean '" + spec.text + "' needs no record");
  }
  std::ofstream out(path);
  out << j.dump(2) << '\n';
  if (!out.flush()) throw InputError(path.string(), "cannot write");
}

std::optional<PriorMeanRecord> read_prior_mean_record(const std::string& directory) {
  const fs::path path = fs::path(directory) / kPriorMeanRecordFile;
  std::error_code ec;
  if (directory.empty() || !fs::is_regular_file(path, ec)) return std::nullopt;
  const std::string where = path.string();
  std::ifstream in(path);
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw InputError(where, "is not a JSON object");
  if (!j.contains("mean") || !j["mean"].is_string()) throw InputError(where, "has no \"mean\" string");
  PriorMeanRecord r;
  r.mean = j["mean"].get<std::string>();
  const model::MeanSpec spec = model::MeanSpec::parse(r.mean, where);
  r.kind = spec.kind;
  try {
    if (spec.kind == model::MeanSpec::Kind::kBondedNonNegative) {
      const nlohmann::json& eq = j.at("equilibrium_bohr");
      if (!eq.is_array() || eq.empty()) throw InputError(where, "\"equilibrium_bohr\" must list the atoms");
      model::Positions p(3, static_cast<Eigen::Index>(eq.size()));
      for (std::size_t a = 0; a < eq.size(); ++a) {
        if (!eq[a].is_array() || eq[a].size() != 3)
          throw InputError(where, "\"equilibrium_bohr\" atom " + std::to_string(a + 1) + " is not [x, y, z]");
        for (std::size_t c = 0; c < 3; ++c)
          p(static_cast<Eigen::Index>(c), static_cast<Eigen::Index>(a)) = eq[a][c].get<double>();
      }
      if (!p.allFinite()) throw InputError(where, "\"equilibrium_bohr\" has a non-finite coordinate");
      r.context.equilibrium_bohr = p;
      for (const nlohmann::json& b : j.at("bonds")) {
        const int i = b.at(0).get<int>(), k = b.at(1).get<int>();
        if (b.size() != 2 || i < 0 || k < 0 || i >= p.cols() || k >= p.cols() || i == k)
          throw InputError(where, "a bond is not two distinct atoms of the geometry (0-based)");
        r.context.bonds.emplace_back(i, k);
      }
      for (const auto& [label, value] : j.at("anchor_hartree").items()) {
        const double v = value.get<double>();
        if (!std::isfinite(v)) throw InputError(where, "anchor of " + label + " is not finite");
        r.context.bonded_anchor_hartree[label] = v;
      }
    } else if (spec.kind == model::MeanSpec::Kind::kMmffBonded) {
      r.reference = j.at("reference").get<std::string>();
      if (r.reference.empty()) throw InputError(where, "\"reference\" is empty");
    } else {
      throw InputError(where, "mean '" + r.mean + "' is not one a record is for (bonded+, mmff-bonded)");
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where, std::string("malformed: ") + e.what());
  }
  return r;
}

}  // namespace gpiqa::run
