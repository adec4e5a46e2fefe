"""netspec: compile a short YAML network spec into a private AWS VPC as Terraform JSON."""

from .pipeline import Result, compile_bytes, compile_text

__version__ = "1.0.0"
__all__ = ["Result", "compile_bytes", "compile_text", "__version__"]
