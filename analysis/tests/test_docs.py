"""The docs check (scripts/check-docs.py) on the repository, and that it can fail: on a temporary copy of the
repository with a broken link, an undocumented campaign key, a documented key the parser does not accept, a
stale docs/reference/cli.md and a machine path, each must be one finding naming the file. The study page's
generator (scripts/make-science-pages.py --check) must find the committed page and figures current."""
import os
import shutil
import subprocess
import sys

import pytest
from conftest import GPIQA, REPO

CHECKER = os.path.join(REPO, "scripts", "check-docs.py")
SCIENCE = os.path.join(REPO, "scripts", "make-science-pages.py")


def check(root, *extra):
    r = subprocess.run([sys.executable, CHECKER, "--root", str(root), "--gpiqa", GPIQA, *extra],
                       capture_output=True, text=True)
    return r.returncode, [line for line in r.stdout.splitlines() if line]


def need_binary():
    if not os.access(GPIQA, os.X_OK):
        pytest.skip(f"SKIPPED: gpiqa binary not built at {GPIQA}")


def test_the_repository_passes_the_docs_check():
    need_binary()
    code, findings = check(REPO)
    assert code == 0 and findings == [], "\n".join(findings)


def test_the_science_page_and_figures_are_what_their_tables_give():
    r = subprocess.run([sys.executable, SCIENCE, "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.fixture
def copy(tmp_path):
    """The repository's files as the checker sees them (no build folders, no .git: every file is checked)."""
    root = tmp_path / "repo"
    tracked = subprocess.run(["git", "-C", REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             capture_output=True)
    if tracked.returncode != 0:
        pytest.skip("SKIPPED: not a git work tree")
    for path in tracked.stdout.decode().split("\0"):
        if path and os.path.isfile(os.path.join(REPO, path)):
            os.makedirs(root / os.path.dirname(path), exist_ok=True)
            shutil.copy2(os.path.join(REPO, path), root / path)
    return root


def edit(path, old, new):
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_the_copy_passes_before_it_is_broken(copy):
    code, findings = check(copy, "--skip-cli")
    assert code == 0 and findings == [], "\n".join(findings)


def test_a_broken_link_and_a_broken_anchor_are_findings(copy):
    page = copy / "docs" / "guide" / "slurm.md"
    page.write_text(page.read_text() + "\nSee [nowhere](no-such-page.md) and [here](installing.md#no-such-heading).\n")
    code, findings = check(copy, "--skip-cli")
    assert code == 1
    assert any(f.startswith("docs/guide/slurm.md:") and "'no-such-page.md' does not resolve" in f for f in findings)
    assert any("no heading with anchor '#no-such-heading'" in f for f in findings), findings


def test_an_undocumented_campaign_key_is_a_finding(copy):
    edit(copy / "src" / "campaign" / "campaign_spec.cpp", '{"timestep_fs", "duration_ps",',
         '{"timestep_fs", "warp_factor", "duration_ps",')
    code, findings = check(copy, "--skip-cli")
    assert code == 1
    assert findings == [f for f in findings if "md.warp_factor" in f] and len(findings) == 1, findings
    assert "is accepted by the campaign parser" in findings[0] and "but not documented" in findings[0]


def test_a_documented_key_the_parser_does_not_accept_is_a_finding(copy):
    page = copy / "docs" / "reference" / "campaign.md"
    edit(page, "| `md.bundle` |", "| `md.warp_factor` | number | | 1 | > 0 | `warp_factor: 9` |\n| `md.bundle` |")
    code, findings = check(copy, "--skip-cli")
    assert code == 1 and len(findings) == 1, findings
    assert findings[0].startswith("docs/reference/campaign.md:") and "'md.warp_factor' is documented" in findings[0]


def test_a_stale_cli_reference_is_a_finding(copy):
    need_binary()
    page = copy / "docs" / "reference" / "cli.md"
    edit(page, "  --seed UINT=1 ", "  --seed UINT=7 ")
    code, findings = check(copy)
    assert code == 1 and len(findings) == 1, findings
    assert findings[0].startswith("docs/reference/cli.md:") and "differs from the binary's help" in findings[0]


def test_a_machine_path_is_a_finding_unless_marked_as_an_example(copy):
    machine = "/" + "home/alice/gpiqa/models"  # written in two parts, so that this file has no such path
    (copy / "docs" / "guide" / "paths.md").write_text(
        f"# Paths\n\nRun it on `{machine}`.\n\nOr on `{machine}`. <!-- docs-check: allow-path -->\n")
    code, findings = check(copy, "--skip-cli")
    assert code == 1 and len(findings) == 1, findings
    assert findings[0].startswith("docs/guide/paths.md:3:") and "absolute path of a build machine" in findings[0]


def test_a_long_readme_and_an_issue_number_are_findings(copy):
    readme = copy / "README.md"
    readme.write_text(readme.read_text() + "\nFixed in #14.\n" + "line\n" * 250)
    code, findings = check(copy, "--skip-cli")
    assert code == 1
    assert any("issue number '#14'" in f for f in findings), findings
    assert any(f.startswith("README.md: has") and "more than 250" in f for f in findings), findings


def campaign_examples():
    """(page, relative path, YAML) of every yaml block in README.md and docs/ whose first line names the file it
    would be (`# campaigns/NAME.yaml`)."""
    pages = [os.path.join(REPO, "README.md")]
    for folder, _, names in os.walk(os.path.join(REPO, "docs")):
        pages += [os.path.join(folder, n) for n in names if n.endswith(".md")]
    examples = []
    for page in sorted(pages):
        blocks = open(page).read().split("```yaml\n")[1:]
        for block in blocks:
            text = block.split("```")[0]
            first = text.splitlines()[0]
            if first.startswith("# ") and first.endswith(".yaml"):
                examples.append((os.path.relpath(page, REPO), first[2:].strip(), text))
    return examples


@pytest.mark.parametrize("page,path,text", campaign_examples())
def test_a_campaign_example_of_the_docs_loads_where_it_says_it_lives(tmp_path, page, path, text):
    """Written where its first line says it lives, in a tree whose molecules/ and models/ are the repository's,
    the campaign validates with `gpiqa plan` (every path resolves, every key is known, every set matches)."""
    need_binary()
    for folder in ("molecules", "models"):
        os.symlink(os.path.join(REPO, folder), tmp_path / folder)
    target = tmp_path / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    r = subprocess.run([GPIQA, "plan", str(target)], capture_output=True, text=True)
    assert r.returncode == 0, f"{page}: {path}: {r.stderr}"
    assert "tasks = " in r.stdout


def test_the_docs_have_campaign_examples_to_check():
    assert {page for page, _, _ in campaign_examples()} >= {"README.md", "docs/guide/first-campaign.md"}


def documented_rows(page, heading):
    """First-column code spans (and the cells after them) of the tables under `heading` of a reference page, up
    to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    rows, inside = [], False
    for line in open(page).read().splitlines():
        if line.startswith("#"):
            this = line.split(" ")[0]
            if line.strip() == heading:
                inside = True
                continue
            if inside and len(this) <= len(level):
                break
        if inside and line.startswith("| `"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.append([cells[0].strip("`")] + cells[1:])
    return rows


def expand(path):
    """`a/{b,c}/d` -> [a/b/d, a/c/d]."""
    if "{" not in path:
        return [path]
    head, rest = path.split("{", 1)
    options, tail = rest.split("}", 1)
    return [p for o in options.split(",") for p in expand(head + o + tail)]


@pytest.fixture(scope="module")
def results_file(tmp_path_factory):
    need_binary()
    d = tmp_path_factory.mktemp("results-reference")
    (d / "c.yaml").write_text(f"""name: reference-page
molecules:
  water: {{geometry: {REPO}/molecules/water.xyz, reference: {REPO}/molecules/water.mol}}
models: {{mmff: {{kind: reference}}}}
temperatures_K: [300]
seeds: 1
md: {{duration_ps: 0.05}}
start: {{energy_above_minimum_kcal_mol: [20, 60]}}
output: {{file: r.h5, frames_every: 20}}
""")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    r = subprocess.run([GPIQA, "run", str(d / "c.yaml")], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    return str(d / "r.h5")


def test_the_results_file_reference_lists_every_tasks_column_with_its_unit(results_file):
    import h5py
    page = os.path.join(REPO, "docs", "reference", "results-file.md")
    rows = documented_rows(page, "### `/tasks`: one row per task")
    documented = {row[0]: row[2] for row in rows}
    with h5py.File(results_file, "r") as f:
        tasks = f["tasks"]
        in_file = {name: tasks[name].attrs.get("unit", "") for name in tasks}
        attributes = set(f.attrs)
    assert set(documented) == set(in_file), (set(in_file) ^ set(documented))
    for name, unit in in_file.items():
        assert documented[name] == (unit.decode() if isinstance(unit, bytes) else unit), name
    root = {row[0] for row in documented_rows(page, "### Root attributes") for row in [row]}
    documented_attributes = {a.strip(" `") for entry in root for a in entry.split(",")}
    assert documented_attributes == attributes


def test_the_results_file_reference_lists_every_trajectory_dataset(results_file):
    import h5py
    page = os.path.join(REPO, "docs", "reference", "results-file.md")
    entries = [p for row in documented_rows(page, "## Trajectory files (`gpiqa md --out`), H5MD 1.1")
               for p in expand(row[0])]
    with h5py.File(results_file, "r") as f:
        g = f["trajectories/0"]
        datasets = []
        g.visititems(lambda name, obj: datasets.append(name) if isinstance(obj, h5py.Dataset) else None)
        for entry in entries:
            assert entry.rstrip("/") in g, f"{entry} is documented but not in a task's frames"
    for name in datasets:
        assert any(name == e or name.startswith(e.rstrip("/") + "/") for e in entries), f"{name} is not documented"


def python_blocks(page, heading):
    """The ```python blocks under `heading` of a page, up to the next heading."""
    text = open(page).read().split(heading + "\n", 1)[1]
    text = text.split("\n#", 1)[0]
    return [b.split("```")[0] for b in text.split("```python\n")[1:]]


def test_the_pandas_snippets_of_reading_results_run_on_a_results_file(results_file, capsys):
    """What a user copies from the guide works on a real results file: /tasks into a DataFrame with units."""
    page = os.path.join(REPO, "docs", "guide", "reading-results.md")
    blocks = python_blocks(page, "## `/tasks` as a pandas DataFrame")
    assert len(blocks) == 2
    cwd = os.getcwd()
    os.chdir(REPO)  # the snippets run from the repository root
    try:
        for block in blocks:
            exec(compile(block.replace("results/quickstart.h5", results_file), page, "exec"), {})
    finally:
        os.chdir(cwd)
    printed = capsys.readouterr().out
    assert "hartree/bohr - largest per-atom force norm seen" in printed
