#pragma once
// Each subcommand lives in its own file and registers itself on the top-level app.
#include <CLI/CLI.hpp>

namespace gpiqa::cli {

void add_predict(CLI::App& app);
void add_check_model(CLI::App& app);
void add_md(CLI::App& app);
void add_run(CLI::App& app);
void add_plan(CLI::App& app);
void add_summary(CLI::App& app);
void add_merge(CLI::App& app);
void add_slurm(CLI::App& app);
void add_train(CLI::App& app);
void add_sample(CLI::App& app);
void add_models(CLI::App& app);
void add_embed(CLI::App& app);
void add_probe(CLI::App& app);
void add_export(CLI::App& app);

}  // namespace gpiqa::cli
