"""Describe the machine a benchmark ran on, for the first lines of its output."""

from __future__ import annotations

import os
import platform
import resource
import sys
from pathlib import Path


def describe() -> str:
    """CPU model, core count, memory and Python version on one line."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        mem = f", {kib / 2**20:.0f} GiB RAM"
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}, Python {sys.version.split()[0]}, {platform.system()} {platform.release()}"
    )


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
