"""@resources(cpu=1, gpu=None, memory=4096, disk=None, shared_memory=None): what a task needs.

Remote backends size their containers from it. Locally the runtime never starts a task whose
request does not fit beside the running tasks' requests (CPUs, memory in MB, GPUs), fails at
once a task that asks for more than the machine has, and gives a task asking for gpu=N that
many devices nobody else uses, through CUDA_VISIBLE_DEVICES.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import List, Optional, Sequence

from ..exception import DecoratorSpecError
from .base import StepDecorator, make_step_decorator


@dataclass(frozen=True)
class Request:
    cpu: float = 0.0
    memory: float = 0.0
    gpu: int = 0

    def fits(self, used: "Request", capacity: "Request") -> bool:
        return (used.cpu + self.cpu <= capacity.cpu + 1e-9
                and used.memory + self.memory <= capacity.memory
                and used.gpu + self.gpu <= capacity.gpu)

    def __add__(self, other: "Request") -> "Request":
        return Request(self.cpu + other.cpu, self.memory + other.memory, self.gpu + other.gpu)

    def __sub__(self, other: "Request") -> "Request":
        return Request(self.cpu - other.cpu, self.memory - other.memory, self.gpu - other.gpu)


class ResourcesDecorator(StepDecorator):
    name = "resources"
    defaults = {"cpu": 1, "gpu": None, "memory": 4096, "disk": None, "shared_memory": None}

    def init(self) -> None:
        for key in ("cpu", "gpu", "memory", "disk", "shared_memory"):
            value = self.attributes[key]
            if value is None:
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise DecoratorSpecError(f"@resources({key}=...) must be a number, got "
                                         f"{value!r}") from None
            if number < 0:
                raise DecoratorSpecError(f"@resources({key}=...) cannot be negative")
        if self.attributes["gpu"] is not None and float(self.attributes["gpu"]) % 1:
            raise DecoratorSpecError("@resources(gpu=...) must be a whole number")

    @property
    def request(self) -> Request:
        a = self.attributes
        return Request(float(a["cpu"] or 0), float(a["memory"] or 0), int(float(a["gpu"] or 0)))


def machine_capacity() -> Request:
    """CPUs this process may use, total memory in MB, and GPUs (from nvidia-smi -L)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    memory = 0.0
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    memory = int(line.split()[1]) / 1024
                    break
    except OSError:
        memory = float("inf")
    return Request(float(cpus), memory, len(visible_gpus()))


def visible_gpus() -> List[int]:
    if shutil.which("nvidia-smi") is None:
        return []
    try:
        out = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return []
    return [i for i, line in enumerate(out.stdout.splitlines()) if line.startswith("GPU ")]


def allocate_gpus(all_gpus: Sequence[int], in_use: Sequence[int], n: int) -> Optional[List[int]]:
    """n devices from all_gpus that are not in use (lowest first), or None if too few are free."""
    free = [g for g in all_gpus if g not in set(in_use)]
    return free[:n] if len(free) >= n else None


resources = make_step_decorator(ResourcesDecorator)
