"""Benchmarks / a seeded generator of realistic repositories and a runner that times `arkitektur check`."""
