"""
Build hook of the axon Python package (the metadata is in pyproject.toml):
copies libaxon.so into the package, from $AXON_LIB (the file or its folder)
or from the build tree next to this folder (../build/libaxon.so), so an
installed package finds its library without the source tree. Without
either, the package is built without it and looks for the library at import
time (AXON_LIB, the build tree, the system library path).
"""
import os
import shutil

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py


def _library():
    env = os.environ.get("AXON_LIB")
    if env:
        return os.path.join(env, "libaxon.so") if os.path.isdir(env) else env
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, "..", "build", "libaxon.so")


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        lib = _library()
        if os.path.isfile(lib):
            dst = os.path.join(self.build_lib, "axon", "libaxon.so")
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(os.path.realpath(lib), dst)
            print(f"axon: packaged {os.path.realpath(lib)}")
        else:
            print(f"axon: {lib} not found; the package will look for libaxon.so at import "
                  "(AXON_LIB, the build tree, the system library path)")


class Dist(Distribution):
    """With the library inside, the wheel is tagged for this platform, not py3-none-any."""

    def has_ext_modules(self):
        return os.path.isfile(_library())


setup(cmdclass={"build_py": BuildWithLibrary}, distclass=Dist)
