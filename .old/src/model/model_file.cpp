#include "gpiqa/model/model_file.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "gpiqa/util/error.hpp"
#include "gpiqa/util/text.hpp"

namespace gpiqa::model {
namespace {

using util::format_double;
using util::split_whitespace;
using util::trim;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct Line {
  int number;
  std::vector<std::string> tokens;
  std::string text;
};

class Parser {
 public:
  Parser(const std::string& text, std::string name)
      : name_(std::move(name)), lines_(util::split_lines(text)) {}

  ModelFile parse() {
    file_.source = name_;
    parse_header();
    std::set<std::string> seen;
    while (next_section()) {
      const std::string section = current_section_;
      if (seen.count(section)) fail(section_line_, "section [" + section + "] appears twice");
      seen.insert(section);
      if (section == "system")
        parse_system();
      else if (section == "dimensions")
        parse_dimensions();
      else if (section == "mean")
        parse_mean();
      else if (section == "kernels")
        parse_kernels();
      else if (util::starts_with(section, "kernel."))
        parse_kernel(section.substr(7));
      else if (section == "training_data")
        parse_training_keys();
      else if (section == "training_data.x")
        parse_training_x();
      else if (section == "training_data.y")
        file_.y = parse_column("[training_data.y]");
      else if (section == "weights")
        file_.weights = parse_column("[weights]");
      else
        fail(section_line_, "unknown section [" + section + "]");
    }
    for (const char* required :
         {"system", "dimensions", "mean", "kernels", "training_data.x", "training_data.y", "weights"})
      if (!seen.count(required)) fail(0, std::string("missing section [") + required + "]");
    validate();
    return std::move(file_);
  }

 private:
  [[noreturn]] void fail(int line, const std::string& problem) const {
    throw InputError(name_, line, problem);
  }

  // "# key value" / "# key = value" lines before the first section.
  void parse_header() {
    while (pos_ < lines_.size()) {
      const std::string t = trim(lines_[pos_]);
      if (t.empty()) {
        ++pos_;
        continue;
      }
      if (t[0] != '#') break;
      std::string body = trim(t.substr(1));
      ++pos_;
      if (body.empty() || body == "[metadata]" || body == "metadata") continue;
      std::string key, value;
      const auto eq = body.find('=');
      const auto sp = body.find_first_of(" \t");
      if (eq != std::string::npos && (sp == std::string::npos || eq <= body.find_first_not_of(" \t", sp))) {
        key = trim(body.substr(0, eq));
        value = trim(body.substr(eq + 1));
      } else {
        key = sp == std::string::npos ? body : body.substr(0, sp);
        value = sp == std::string::npos ? "" : trim(body.substr(sp));
      }
      file_.metadata.emplace_back(key, value);
    }
  }

  bool next_section() {
    while (pos_ < lines_.size()) {
      const std::string t = trim(lines_[pos_]);
      if (t.empty() || t[0] == '#') {
        ++pos_;
        continue;
      }
      if (t.front() != '[' || t.back() != ']')
        fail(static_cast<int>(pos_ + 1), "expected a section header like [system], found '" + t + "'");
      current_section_ = t.substr(1, t.size() - 2);
      section_line_ = static_cast<int>(pos_ + 1);
      ++pos_;
      return true;
    }
    return false;
  }

  // Key-value lines of the current section (until the next '[' line).
  std::vector<Line> section_lines() {
    std::vector<Line> out;
    while (pos_ < lines_.size()) {
      const std::string t = trim(lines_[pos_]);
      if (!t.empty() && t[0] == '[') break;
      if (!t.empty() && t[0] != '#') out.push_back({static_cast<int>(pos_ + 1), split_whitespace(t), t});
      ++pos_;
    }
    return out;
  }

  double number(const Line& l, std::size_t i) const {
    double v = 0;
    if (i >= l.tokens.size()) fail(l.number, "missing value after '" + l.tokens[0] + "'");
    if (!util::parse_double(l.tokens[i], v)) fail(l.number, "'" + l.tokens[i] + "' is not a number");
    if (!std::isfinite(v)) fail(l.number, "value '" + l.tokens[i] + "' is not finite");
    return v;
  }
  long long integer(const Line& l, std::size_t i) const {
    long long v = 0;
    if (i >= l.tokens.size()) fail(l.number, "missing value after '" + l.tokens[0] + "'");
    if (!util::parse_integer(l.tokens[i], v)) fail(l.number, "'" + l.tokens[i] + "' is not an integer");
    return v;
  }
  Eigen::VectorXd numbers(const Line& l) const {
    Eigen::VectorXd v(static_cast<Eigen::Index>(l.tokens.size() - 1));
    for (std::size_t i = 1; i < l.tokens.size(); ++i) v(static_cast<Eigen::Index>(i - 1)) = number(l, i);
    return v;
  }
  std::string rest(const Line& l) const {
    const auto sp = l.text.find_first_of(" \t");
    return sp == std::string::npos ? "" : trim(l.text.substr(sp));
  }

  void parse_system() {
    for (const Line& l : section_lines()) {
      const std::string& key = l.tokens[0];
      if (key == "name")
        file_.system_name = rest(l);
      else if (key == "atom")
        file_.atom_label = rest(l);
      else if (key == "property")
        file_.property = rest(l);
      else if (key == "ALF" || key == "alf") {
        if (l.tokens.size() != 4) fail(l.number, "ALF needs three 1-based atom indices");
        alf_line_ = l.number;
        file_.alf = {static_cast<int>(integer(l, 1)) - 1, static_cast<int>(integer(l, 2)) - 1,
                     static_cast<int>(integer(l, 3)) - 1};
      } else
        file_.system_extra.emplace_back(key, rest(l));
    }
    if (file_.atom_label.empty()) fail(section_line_, "[system] has no 'atom'");
    if (alf_line_ == 0) fail(section_line_, "[system] has no 'ALF i j k' line");
  }

  void parse_dimensions() {
    for (const Line& l : section_lines()) {
      const std::string& key = l.tokens[0];
      const long long v = integer(l, 1);
      if (v < 0 || v > 100000000) fail(l.number, key + " out of range");
      if (key == "number_of_atoms")
        file_.number_of_atoms = static_cast<int>(v), dim_lines_[0] = l.number;
      else if (key == "number_of_features")
        file_.number_of_features = static_cast<int>(v), dim_lines_[1] = l.number;
      else if (key == "number_of_training_points")
        file_.number_of_training_points = static_cast<int>(v), dim_lines_[2] = l.number;
      else
        fail(l.number, "unknown key '" + key + "' in [dimensions]");
    }
    if (!dim_lines_[1]) fail(section_line_, "[dimensions] has no number_of_features");
    if (!dim_lines_[2]) fail(section_line_, "[dimensions] has no number_of_training_points");
  }

  void parse_mean() {
    std::string type;
    double value = 0.0, ymin = 0.0;
    bool have_value = false, have_ymin = false;
    Eigen::VectorXd beta, xmin;
    mean_line_ = section_line_;
    for (const Line& l : section_lines()) {
      const std::string& key = l.tokens[0];
      if (key == "type")
        type = lower(rest(l));
      else if (key == "value")
        value = number(l, 1), have_value = true;
      else if (key == "beta")
        beta = numbers(l);
      else if (key == "xmin" || key == "x_min")
        xmin = numbers(l), file_.mean_x_key = key;
      else if (key == "ymin" || key == "y_min")
        ymin = number(l, 1), have_ymin = true, file_.mean_y_key = key;
      else
        fail(l.number, "unknown key '" + key + "' in [mean]");
    }
    if (type == "constant") {
      if (!have_value) fail(section_line_, "constant mean without 'value'");
      file_.mean = MeanFunction::make_constant(value);
    } else if (type == "zero") {
      file_.mean = MeanFunction::make_constant(0.0);
      file_.mean.type_name = "zero";
    } else if (type == "linear" || type == "quadratic") {
      if (beta.size() == 0 || xmin.size() == 0 || !have_ymin)
        fail(section_line_, type + " mean needs 'beta', 'xmin' (or x_min) and 'ymin' (or y_min)");
      file_.mean = type == "linear" ? MeanFunction::make_linear(beta, xmin, ymin)
                                    : MeanFunction::make_quadratic(beta, xmin, ymin);
    } else if (type.empty()) {
      fail(section_line_, "[mean] has no 'type'");
    } else {
      fail(section_line_, "unsupported mean type '" + type + "' (constant, zero, linear, quadratic)");
    }
  }

  void parse_kernels() {
    for (const Line& l : section_lines()) {
      const std::string& key = l.tokens[0];
      if (key == "number_of_kernels")
        declared_kernels_ = static_cast<int>(integer(l, 1)), kernels_line_ = l.number;
      else if (key == "composition")
        file_.composition = rest(l), composition_line_ = l.number;
      else
        fail(l.number, "unknown key '" + key + "' in [kernels]");
    }
    if (file_.composition.empty()) fail(section_line_, "[kernels] has no 'composition'");
  }

  void parse_kernel(const std::string& name) {
    KernelFactor k;
    k.name = name;
    int dims = -1, line_theta = 0;
    kernel_lines_[name] = section_line_;
    for (const Line& l : section_lines()) {
      const std::string& key = l.tokens[0];
      if (key == "type") {
        k.type = lower(rest(l));
        if (k.type == "rbf-cylic" || k.type == "rbf_cyclic") k.type = "rbf-cyclic";  // FEREBUS 7.0 spelling
      } else if (key == "number_of_dimensions") {
        dims = static_cast<int>(integer(l, 1));
      } else if (key == "active_dimensions") {
        for (std::size_t i = 1; i < l.tokens.size(); ++i)
          k.active_dimensions.push_back(static_cast<int>(integer(l, i)) - 1);
      } else if (key == "theta" || key == "thetas") {
        k.theta_key = key;
        line_theta = l.number;
        const Eigen::VectorXd t = numbers(l);
        k.theta.assign(t.data(), t.data() + t.size());
        for (double v : k.theta)
          if (v < 0) fail(l.number, "negative kernel hyperparameter " + format_double(v));
      } else {
        fail(l.number, "unknown key '" + key + "' in [kernel." + name + "]");
      }
    }
    if (k.type.empty()) fail(section_line_, "[kernel." + name + "] has no 'type'");
    if (!is_supported_kernel_type(k.type))
      fail(section_line_, "unsupported kernel type '" + k.type + "' (rbf, rbf-cyclic, periodic)");
    if (line_theta == 0) fail(section_line_, "[kernel." + name + "] has no 'theta'");
    if (k.active_dimensions.empty()) {  // FEREBUS default: all features
      for (int h = 0; h < static_cast<int>(k.theta.size()); ++h) k.active_dimensions.push_back(h);
    }
    if (dims >= 0 && dims != static_cast<int>(k.active_dimensions.size()))
      fail(section_line_, "number_of_dimensions " + std::to_string(dims) + " but " +
                              std::to_string(k.active_dimensions.size()) + " active dimensions");
    if (k.theta.size() != k.active_dimensions.size())
      fail(line_theta, std::to_string(k.theta.size()) + " theta values for " +
                           std::to_string(k.active_dimensions.size()) + " active dimensions");
    file_.kernels.push_back(std::move(k));
  }

  void parse_training_keys() {
    for (const Line& l : section_lines()) file_.training_data_keys.emplace_back(l.tokens[0], rest(l));
  }

  void parse_training_x() {
    std::vector<Line> rows = section_lines();
    const int nf = file_.number_of_features;
    if (nf <= 0) fail(section_line_, "[training_data.x] before a valid [dimensions] section");
    file_.x.resize(static_cast<Eigen::Index>(rows.size()), nf);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Line& l = rows[i];
      if (static_cast<int>(l.tokens.size()) != nf)
        fail(l.number, "training point has " + std::to_string(l.tokens.size()) + " features, expected " +
                           std::to_string(nf));
      for (int h = 0; h < nf; ++h) {
        double v = 0;
        if (!util::parse_double(l.tokens[static_cast<std::size_t>(h)], v) || !std::isfinite(v))
          fail(l.number, "'" + l.tokens[static_cast<std::size_t>(h)] + "' is not a finite number");
        file_.x(static_cast<Eigen::Index>(i), h) = v;
      }
    }
    x_line_ = section_line_;
  }

  Eigen::VectorXd parse_column(const std::string& what) {
    std::vector<Line> rows = section_lines();
    Eigen::VectorXd v(static_cast<Eigen::Index>(rows.size()));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Line& l = rows[i];
      if (l.tokens.size() != 1) fail(l.number, what + " expects one number per line, found '" + l.text + "'");
      double value = 0;
      if (!util::parse_double(l.tokens[0], value) || !std::isfinite(value))
        fail(l.number, "'" + l.tokens[0] + "' is not a finite number");
      v(static_cast<Eigen::Index>(i)) = value;
    }
    column_lines_[what] = section_line_;
    return v;
  }

  void validate() {
    const int nf = file_.number_of_features, n = file_.number_of_training_points, na = file_.number_of_atoms;
    if (dim_lines_[0] && na >= 3 && nf != alf_feature_count(na))
      fail(dim_lines_[1], std::to_string(na) + " atoms need " + std::to_string(alf_feature_count(na)) +
                              " ALF features, not " + std::to_string(nf));
    const int atoms_for_alf = dim_lines_[0] ? na : (nf + 6) / 3;
    if (dim_lines_[0] == 0) file_.number_of_atoms = atoms_for_alf;
    const Alf& a = file_.alf;
    for (int idx : {a.central, a.x_axis, a.xy_plane})
      if (idx < 0 || idx >= atoms_for_alf)
        fail(alf_line_,
             "ALF index " + std::to_string(idx + 1) + " out of range 1.." + std::to_string(atoms_for_alf));
    if (a.central == a.x_axis || a.central == a.xy_plane || a.x_axis == a.xy_plane)
      fail(alf_line_, "ALF atoms must be three different atoms");
    const int number = file_.atom_number();
    if (number > 0 && number != a.central + 1)
      fail(alf_line_,
           "ALF central atom " + std::to_string(a.central + 1) + " does not match atom " + file_.atom_label);
    if (file_.x.rows() != n)
      fail(x_line_, "[training_data.x] has " + std::to_string(file_.x.rows()) +
                        " points, [dimensions] says " + std::to_string(n));
    if (file_.y.size() != n)
      fail(column_lines_["[training_data.y]"], "[training_data.y] has " + std::to_string(file_.y.size()) +
                                                   " values, [dimensions] says " + std::to_string(n));
    if (file_.weights.size() != n)
      fail(column_lines_["[weights]"], "[weights] has " + std::to_string(file_.weights.size()) +
                                           " values, [dimensions] says " + std::to_string(n));
    if (file_.mean.kind != MeanKind::kConstant &&
        (file_.mean.beta.size() != nf || file_.mean.x_min.size() != nf))
      fail(mean_line_, "mean 'beta' and 'xmin' need " + std::to_string(nf) + " values each");
    validate_kernels(nf);
    for (const auto& [key, value] : file_.training_data_keys)
      if ((key == "scaling.x" || key == "scaling.y") && value != "none" && value != "standardise" &&
          value != "standardize")
        fail(x_line_, "unsupported " + key + " '" + value + "' (none, standardise)");
  }

  void validate_kernels(int nf) {
    const std::string& c = file_.composition;
    if (c.find('+') != std::string::npos)
      fail(composition_line_,
           "sum kernels ('" + c + "') are not supported; gpiqa evaluates products of kernels");
    if (c.find_first_of("-/") != std::string::npos)
      fail(composition_line_, "composition '" + c + "' uses an operator FEREBUS does not implement");
    std::vector<std::string> names;
    std::string cur;
    for (char ch : c + "*") {
      if (ch == '(' || ch == ')' || ch == ' ') continue;
      if (ch == '*') {
        if (cur.empty()) fail(composition_line_, "malformed composition '" + c + "'");
        names.push_back(cur);
        cur.clear();
      } else
        cur += ch;
    }
    std::set<std::string> defined;
    for (const KernelFactor& k : file_.kernels) defined.insert(k.name);
    std::set<std::string> used;
    for (const std::string& nm : names) {
      if (!defined.count(nm))
        fail(composition_line_, "composition uses '" + nm + "' but there is no [kernel." + nm + "]");
      if (!used.insert(nm).second) fail(composition_line_, "composition uses '" + nm + "' twice");
    }
    for (const KernelFactor& k : file_.kernels)
      if (!used.count(k.name))
        fail(kernel_lines_[k.name], "[kernel." + k.name + "] is not used by the composition");
    if (kernels_line_ && declared_kernels_ != static_cast<int>(file_.kernels.size()))
      fail(kernels_line_, "number_of_kernels " + std::to_string(declared_kernels_) + " but " +
                              std::to_string(file_.kernels.size()) + " [kernel.*] sections");
    for (const KernelFactor& k : file_.kernels)
      for (int h : k.active_dimensions)
        if (h < 0 || h >= nf)
          fail(kernel_lines_[k.name],
               "active dimension " + std::to_string(h + 1) + " out of range 1.." + std::to_string(nf));
  }

  std::string name_;
  std::vector<std::string> lines_;
  std::size_t pos_ = 0;
  std::string current_section_;
  int section_line_ = 0, alf_line_ = 0, mean_line_ = 0, x_line_ = 0, kernels_line_ = 0, composition_line_ = 0;
  int declared_kernels_ = 0;
  int dim_lines_[3] = {0, 0, 0};
  std::map<std::string, int> kernel_lines_, column_lines_;
  ModelFile file_;
};

void write_vector_line(std::ostream& out, const std::string& key, const Eigen::VectorXd& v) {
  out << key;
  for (Eigen::Index i = 0; i < v.size(); ++i) out << ' ' << format_double(v(i));
  out << '\n';
}

}  // namespace

const std::string* ModelFile::metadata_value(const std::string& key) const {
  for (const auto& [k, v] : metadata)
    if (k == key) return &v;
  return nullptr;
}

void ModelFile::set_metadata(const std::string& key, const std::string& value) {
  for (auto& [k, v] : metadata)
    if (k == key) {
      v = value;
      return;
    }
  metadata.emplace_back(key, value);
}

std::string ModelFile::program() const {
  const std::string* p = metadata_value("program");
  return p ? lower(*p) : std::string();
}

double ModelFile::noise() const {
  for (const char* key : {"nugget", "noise", "jitter"})
    if (const std::string* v = metadata_value(key)) {
      double d = 0;
      if (util::parse_double(trim(*v), d) && std::isfinite(d) && d >= 0) return d;
      throw InputError(source,
                       std::string("metadata '") + key + "' is not a non-negative number: '" + *v + "'");
    }
  return 0.0;
}

PeriodicConvention ModelFile::periodic_convention() const {
  return program() == "gpytorch" ? PeriodicConvention::kGpytorch : PeriodicConvention::kFerebus;
}

bool ModelFile::standardise_x() const {
  for (const auto& [k, v] : training_data_keys)
    if (k == "scaling.x") return v == "standardise" || v == "standardize";
  return false;
}
bool ModelFile::standardise_y() const {
  for (const auto& [k, v] : training_data_keys)
    if (k == "scaling.y") return v == "standardise" || v == "standardize";
  return false;
}

int ModelFile::atom_number() const {
  std::size_t i = 0;
  while (i < atom_label.size() && std::isalpha(static_cast<unsigned char>(atom_label[i]))) ++i;
  long long v = 0;
  return (i < atom_label.size() && util::parse_integer(atom_label.substr(i), v)) ? static_cast<int>(v) : 0;
}

std::string ModelFile::element() const {
  return element_of_label(atom_label);
}

std::string element_of_label(const std::string& atom_label) {
  std::string e;
  for (char c : atom_label) {
    if (!std::isalpha(static_cast<unsigned char>(c))) break;
    e += e.empty() ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                   : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return e;
}

ModelFile parse_model_file(const std::string& text, const std::string& name) {
  return Parser(text, name).parse();
}

ModelFile read_model_file(const std::string& path) {
  return parse_model_file(util::read_text_file(path), path);
}

std::string format_model_file(const ModelFile& f) {
  if (f.mean.kind == MeanKind::kBonded)
    throw InputError(f.source,
                     "a bonded+ prior mean has no FEREBUS model-file form (constant, linear and "
                     "quadratic only); keep the spec and apply it on loading instead");
  std::ostringstream out;
  out << "# [metadata]\n";
  for (const auto& [k, v] : f.metadata) out << "# " << k << (v.empty() ? "" : " " + v) << '\n';
  out << "\n[system]\nname " << f.system_name << "\natom " << f.atom_label << "\nproperty " << f.property
      << '\n';
  out << "ALF " << f.alf.central + 1 << ' ' << f.alf.x_axis + 1 << ' ' << f.alf.xy_plane + 1 << '\n';
  for (const auto& [k, v] : f.system_extra) out << k << ' ' << v << '\n';
  out << "\n[dimensions]\nnumber_of_atoms " << f.number_of_atoms << "\nnumber_of_features "
      << f.number_of_features << "\nnumber_of_training_points " << f.x.rows() << "\n\n[mean]\ntype "
      << f.mean.type_name << '\n';
  if (f.mean.kind == MeanKind::kConstant) {
    if (f.mean.type_name != "zero") out << "value " << format_double(f.mean.constant) << '\n';
  } else {
    write_vector_line(out, "beta", f.mean.beta);
    write_vector_line(out, f.mean_x_key, f.mean.x_min);
    out << f.mean_y_key << ' ' << format_double(f.mean.y_min) << '\n';
  }
  out << "\n[kernels]\nnumber_of_kernels " << f.kernels.size() << "\ncomposition " << f.composition << '\n';
  for (const KernelFactor& k : f.kernels) {
    out << "\n[kernel." << k.name << "]\ntype " << k.type << "\nnumber_of_dimensions "
        << k.active_dimensions.size() << "\nactive_dimensions";
    for (int h : k.active_dimensions) out << ' ' << h + 1;
    out << '\n' << k.theta_key;
    for (double t : k.theta) out << ' ' << format_double(t);
    out << '\n';
  }
  out << "\n[training_data]\n";
  for (const auto& [k, v] : f.training_data_keys) out << k << ' ' << v << '\n';
  out << "\n[training_data.x]\n";
  for (Eigen::Index i = 0; i < f.x.rows(); ++i) {
    for (Eigen::Index h = 0; h < f.x.cols(); ++h) out << (h ? " " : "") << format_double(f.x(i, h));
    out << '\n';
  }
  out << "\n[training_data.y]\n";
  for (Eigen::Index i = 0; i < f.y.size(); ++i) out << format_double(f.y(i)) << '\n';
  out << "\n[weights]\n";
  for (Eigen::Index i = 0; i < f.weights.size(); ++i) out << format_double(f.weights(i)) << '\n';
  return out.str();
}

void write_model_file(const std::string& path, const ModelFile& file) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) throw InputError(path, "cannot open for writing");
    out << format_model_file(file);
    if (!out.flush()) throw InputError(path, "write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw InputError(path, "cannot replace file");
}

AtomModel make_atom_model(const ModelFile& f) {
  try {
    Standardisation scaling = Standardisation::from_data(f.standardise_x(), f.standardise_y(), f.x, f.y);
    return AtomModel(f.atom_label, f.alf, f.mean, f.kernels, f.periodic_convention(), f.x, f.y, f.weights,
                     f.noise(), std::move(scaling));
  } catch (const std::invalid_argument& e) {
    throw InputError(f.source, e.what());
  }
}

ModelFile with_model(const ModelFile& original, const AtomModel& model) {
  ModelFile f = original;
  f.mean = model.mean();
  f.weights = model.weights();
  return f;
}

}  // namespace gpiqa::model
