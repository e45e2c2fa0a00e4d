// gpiqa: stability harness for GP-IQA potentials. Errors are one line on stderr: "gpiqa: error: ...".
#include <iostream>

#include "commands.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"gpiqa: does your GP-IQA potential survive molecular dynamics?", "gpiqa"};
  app.set_version_flag("--version", std::string("gpiqa ") + gpiqa::kVersion);
  app.require_subcommand(1);
  gpiqa::cli::add_predict(app);
  gpiqa::cli::add_check_model(app);
  gpiqa::cli::add_md(app);
  gpiqa::cli::add_probe(app);
  gpiqa::cli::add_run(app);
  gpiqa::cli::add_plan(app);
  gpiqa::cli::add_summary(app);
  gpiqa::cli::add_merge(app);
  gpiqa::cli::add_export(app);
  gpiqa::cli::add_slurm(app);
  gpiqa::cli::add_train(app);
  gpiqa::cli::add_sample(app);
  gpiqa::cli::add_models(app);
  gpiqa::cli::add_embed(app);
  if (argc > 1 && argv[1][0] != '-') {  // name an unknown command instead of "a subcommand is required"
    bool known = false;
    std::string names;
    for (const CLI::App* sub : app.get_subcommands({})) {
      known = known || sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::cerr << "gpiqa: error: unknown command '" << argv[1] << "' (commands: " << names << ")\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "gpiqa: error: " << e.what() << " (see gpiqa --help)\n";
    return e.get_exit_code() ? e.get_exit_code() : 2;
  } catch (const gpiqa::InputError& e) {
    std::cerr << "gpiqa: error: " << e.what() << "\n";
    return 2;
  } catch (const gpiqa::GeometryError& e) {
    std::cerr << "gpiqa: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "gpiqa: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
