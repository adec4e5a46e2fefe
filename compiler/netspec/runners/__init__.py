"""Glue for the Terraform runners organisations run netspec's modules with (Atlantis, ...)."""
