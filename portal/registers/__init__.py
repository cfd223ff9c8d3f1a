"""Registers staff maintain: the OEP licence register, minimum wages, the JPY→PKR rate, the test calendar."""
