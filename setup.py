"""Build the single extension ``scrutiny._core`` (C core + NumPy binding) against GSL.

GSL flags come from ``gsl-config`` (or ``pkg-config gsl``); set ``GSL_CFLAGS`` and
``GSL_LIBS`` to override.  ``SCRUTINY_CFLAGS`` / ``SCRUTINY_LDFLAGS`` add flags (the Makefile
uses them for warnings-as-errors and the sanitiser build).
"""
import glob
import os
import shlex
import shutil
import subprocess
import sys

import numpy
from setuptools import Extension, setup


def _run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


def gsl_flags():
    cflags, libs = os.environ.get("GSL_CFLAGS"), os.environ.get("GSL_LIBS")
    if cflags is not None and libs is not None:
        return shlex.split(cflags), shlex.split(libs)
    if shutil.which("gsl-config"):
        return shlex.split(_run(["gsl-config", "--cflags"])), shlex.split(_run(["gsl-config", "--libs"]))
    if shutil.which("pkg-config"):
        try:
            return (shlex.split(_run(["pkg-config", "--cflags", "gsl"])),
                    shlex.split(_run(["pkg-config", "--libs", "gsl"])))
        except subprocess.CalledProcessError:
            pass
    sys.exit(
        "scrutiny needs the GNU Scientific Library (GSL >= 2.5) to build, and neither "
        "'gsl-config' nor 'pkg-config gsl' found it.\n"
        "  Debian/Ubuntu: sudo apt-get install libgsl-dev\n"
        "  macOS:         brew install gsl\n"
        "  conda:         conda install -c conda-forge gsl\n"
        "or set GSL_CFLAGS and GSL_LIBS."
    )


gsl_cflags, gsl_libs = gsl_flags()
sources = sorted(glob.glob("csrc/core/*.c")) + sorted(glob.glob("csrc/binding/*.c"))

core = Extension(
    "scrutiny._core",
    sources=sources,
    include_dirs=["csrc/core", "csrc/binding", numpy.get_include()],
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_20_API_VERSION")],
    extra_compile_args=["-std=c99", "-O3", "-fno-math-errno", "-fopenmp", *gsl_cflags, *shlex.split(os.environ.get("SCRUTINY_CFLAGS", ""))],
    extra_link_args=["-fopenmp", *gsl_libs, *shlex.split(os.environ.get("SCRUTINY_LDFLAGS", ""))],
)

setup(ext_modules=[core], package_dir={"": "python"})
