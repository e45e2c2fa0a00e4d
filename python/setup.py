"""Builds the gpiqa package for pip (pyproject.toml): the pure-Python modules as they are, and the compiled
extension gpiqa._gpiqa through the project's own CMake (its target gpiqa_python), copied into the package.

The CMake build directory is, in this order: $GPIQA_BUILD_DIR; the repository's build/ when it is configured
for the Python module with this interpreter (scripts/build.sh of the test command leaves it so: nothing is
compiled again); else build-python/ of the repository, configured here without tests and benchmarks, through
ccache when it is installed. $CMAKE_BUILD_PARALLEL_LEVEL sets the compile jobs (default: every core). A build
directory beside build/ (build-python, or $GPIQA_BUILD_DIR at the same depth) compiles little when ccache has
seen build/: with ccache's base_dir set, the relative paths of its compile commands are the same.
"""
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def project_version() -> str:
    return re.search(r"project\(gpiqa VERSION ([0-9.]+)", (ROOT / "CMakeLists.txt").read_text()).group(1)


def cached(build: Path, name: str) -> str | None:
    """A variable of the build directory's CMakeCache.txt, or None."""
    cache = build / "CMakeCache.txt"
    if not cache.exists():
        return None
    found = re.search(rf"^{name}:[A-Z]+=(.*)$", cache.read_text(errors="replace"), re.M)
    return found.group(1) if found else None


def interpreter() -> str:
    """The real interpreter behind this one (a venv's python is a link to it), as the build must name it."""
    return os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)


def build_directory() -> tuple[Path, bool]:
    """(directory, True when it is configured for the Python module with this interpreter already)."""
    if os.environ.get("GPIQA_BUILD_DIR"):
        build = Path(os.environ["GPIQA_BUILD_DIR"]).resolve()
    else:
        build = ROOT / "build"
        python = cached(build, "Python_EXECUTABLE")
        if not (python and os.path.realpath(python) == interpreter()
                and (cached(build, "GPIQA_PYTHON") or "AUTO").upper() != "OFF" and cached(build, "pybind11_DIR")):
            build = ROOT / "build-python"
    python = cached(build, "Python_EXECUTABLE")
    return build, bool(python) and os.path.realpath(python) == interpreter()


class CMakeExtension(build_ext):
    """build_ext that runs CMake for gpiqa_python instead of compiling sources itself."""

    def build_extension(self, ext):
        start = time.monotonic()
        build, ready = build_directory()
        configure = ["cmake", "-S", str(ROOT), "-B", str(build), "-DGPIQA_PYTHON=ON"]
        if not ready:
            configure.append(f"-DPython_EXECUTABLE={interpreter()}")
        if not (build / "CMakeCache.txt").exists():
            configure += ["-DCMAKE_BUILD_TYPE=Release", "-DGPIQA_BUILD_TESTS=OFF", "-DGPIQA_BUILD_BENCHMARKS=OFF"]
            if shutil.which("ccache") and "CMAKE_CXX_COMPILER_LAUNCHER" not in os.environ:
                configure += ["-DCMAKE_C_COMPILER_LAUNCHER=ccache", "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"]
        subprocess.check_call(configure)
        jobs = [] if os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") else ["-j", str(os.cpu_count() or 1)]
        subprocess.check_call(["cmake", "--build", str(build), "--target", "gpiqa_python", *jobs])
        built = sorted((build / "python" / "gpiqa").glob("_gpiqa*.so"))
        if not built:
            raise RuntimeError(f"{build}: CMake built no gpiqa/_gpiqa*.so")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built[0], target)
        print(f"gpiqa: extension built with CMake in {build} in {time.monotonic() - start:.1f} s -> {target}")


# setuptools' own build files go into the CMake build directory too, not into the source tree.
_scratch = build_directory()[0] / "setuptools"
_scratch.mkdir(parents=True, exist_ok=True)
setup(version=project_version(), ext_modules=[Extension("gpiqa._gpiqa", sources=[])],
      cmdclass={"build_ext": CMakeExtension},
      options={"build": {"build_base": str(_scratch)}, "egg_info": {"egg_base": str(_scratch)}})
