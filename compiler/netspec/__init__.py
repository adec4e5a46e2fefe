"""netspec: compile a short YAML network spec into a private AWS VPC as Terraform JSON."""

# The one place the version is written: the wheel's metadata (pyproject.toml reads it from
# here), `netspec --version`, SARIF's tool version, every generated file's header and the
# example CI workflow's pin. (Before the imports: the renderer reads it.)
__version__ = "1.0.0"

from .pipeline import Result, compile_bytes, compile_text  # noqa: E402
# The distribution on PyPI: `pip install netspec-aws` installs the `netspec` command and package.
DISTRIBUTION = "netspec-aws"
__all__ = ["DISTRIBUTION", "Result", "compile_bytes", "compile_text", "__version__"]
