"""Operating-system guards of the query workers: no network, bounded memory, a deep stack.

The endpoint refuses ``SERVICE`` and ``LOAD`` by reading the query text
(:mod:`nomengraph.server.lexer`): a fast, clear 403. This module is the guarantee below it. A
query worker (:mod:`nomengraph.server.worker`) calls :func:`isolate_network` first thing, before
it opens the store and before it starts any thread, and from then on it cannot open a network
connection, whatever the query engine is asked to do:

* **network namespace** (preferred): the worker moves into a new, empty network namespace
  (``unshare(CLONE_NEWNET)``; as an ordinary user, together with a new user namespace that maps
  the user to itself). The namespace has only a loopback interface, and it is down: every
  connection, to the Internet, the local network or the host's own loopback, fails with
  "Network is unreachable". Unix sockets on the file system are not affected (the query engine
  has no way to use them).
* **seccomp** (when namespaces are not available): a seccomp filter makes ``socket()`` fail for
  the Internet (IPv4, IPv6) and packet families, and refuses ``io_uring`` (which could open
  sockets without the ``socket`` system call). Linux on x86-64 and AArch64 only.
* **none**: neither could be set up; the reason is kept, and the text check stays the only
  barrier.

Each guard is verified before it is trusted: a listening socket is opened on 127.0.0.1 before the
guard is set up, and connecting to it afterwards must fail.

:func:`limit_memory` sets the worker's data segment limit (``RLIMIT_DATA``, which counts the
anonymous memory that Rust and C allocators map) a little above what a query may use, as a
backstop of the executor's watch of the worker's resident memory (:func:`resident_bytes`): an
allocation past it fails, and the engine aborts the worker process (the executor reports the
memory limit and starts another worker).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import platform
import resource
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

NAMESPACE = "network namespace"
SECCOMP = "seccomp"
NONE = "none"

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000

_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_X32_SYSCALL_BIT = 0x40000000
_AF_PACKET = 17
_IO_URING_SETUP = 425  # the same number on x86-64 and AArch64

# Per architecture: the audit architecture, and the numbers of socket() and seccomp().
_ARCHES = {
    "x86_64": (0xC000003E, 41, 317),
    "amd64": (0xC000003E, 41, 317),
    "aarch64": (0xC00000B7, 198, 277),
    "arm64": (0xC00000B7, 198, 277),
}

# Classic BPF instruction codes used by the filter.
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K


class GuardError(Exception):
    """A guard could not be set up; the message says why."""


@dataclass(frozen=True)
class NetworkGuard:
    """The network guard in force in this process: ``kind`` is :data:`NAMESPACE`,
    :data:`SECCOMP` or :data:`NONE`; ``reason`` says why none could be set up."""

    kind: str
    reason: str = ""

    @property
    def active(self) -> bool:
        return self.kind != NONE

    def __str__(self) -> str:
        return self.kind if self.active else f"{NONE} ({self.reason})"


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def _threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 0  # not known


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as out:
        out.write(text)


def enter_network_namespace(user: bool | None = None) -> None:
    """Move this process into a new network namespace with no interface up.

    As root (or with CAP_SYS_ADMIN) a network namespace alone; otherwise, or when that is
    refused, a user namespace too, mapping the current user and group to themselves (``user``
    True: only the latter, False: only the former). Must be called while the process has a
    single thread (a namespace is entered by one thread only). Raises :class:`GuardError`.
    """
    if _threads() != 1:
        raise GuardError("the process already runs several threads")
    libc = _libc()
    uid, gid = os.getuid(), os.getgid()
    failures = []
    attempts = []
    if user is False or (user is None and os.geteuid() == 0):
        attempts.append(CLONE_NEWNET)
    if user is not False:
        attempts.append(CLONE_NEWUSER | CLONE_NEWNET)
    for flags in attempts:
        if libc.unshare(ctypes.c_int(flags)) == 0:
            if flags & CLONE_NEWUSER:
                try:
                    _write("/proc/self/setgroups", "deny")
                    _write("/proc/self/uid_map", f"{uid} {uid} 1\n")
                    _write("/proc/self/gid_map", f"{gid} {gid} 1\n")
                except OSError:
                    pass  # unmapped ids still reach the store's files as before
            return
        code = ctypes.get_errno()
        what = "unshare(CLONE_NEWNET)" if flags == CLONE_NEWNET else "unshare(NEWUSER|NEWNET)"
        failures.append(f"{what}: {os.strerror(code)}")
    raise GuardError("; ".join(failures))


def _filter(arch: int, socket_nr: int, x32: bool) -> list[tuple[int, int, int, int]]:
    """The seccomp program: deny socket(AF_INET, AF_INET6, AF_PACKET), io_uring, other ABIs."""
    deny = (_RET_K, 0, 0, _SECCOMP_RET_ERRNO | errno.EACCES)
    allow = (_RET_K, 0, 0, _SECCOMP_RET_ALLOW)
    # Jump offsets count the instructions to skip; DENY is the last instruction, ALLOW before.
    program: list[tuple[int, int, int, int]] = [
        (_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (_JEQ_K, 1, 0, arch),
        deny,  # another ABI
        (_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
    ]
    if x32:
        program.append((_JGE_K, 0, 1, _X32_SYSCALL_BIT))
        program.append(deny)
    program += [
        (_JEQ_K, 0, 1, _IO_URING_SETUP),
        deny,
        (_JEQ_K, 0, 5, socket_nr),  # not socket(): allow
        (_LD_W_ABS, 0, 0, 16),  # args[0] (the family), low 32 bits
        (_JEQ_K, 4, 0, socket.AF_INET),
        (_JEQ_K, 3, 0, socket.AF_INET6),
        (_JEQ_K, 2, 0, _AF_PACKET),
        allow,
        allow,
        deny,
    ]
    return program


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def install_seccomp() -> None:
    """Install a seccomp filter that denies Internet sockets to every thread of this process
    (and of its children). Irreversible. Raises :class:`GuardError`."""
    machine = platform.machine().lower()
    if machine not in _ARCHES or os.uname().sysname != "Linux":
        raise GuardError(f"seccomp filter not written for {os.uname().sysname} {machine}")
    arch, socket_nr, seccomp_nr = _ARCHES[machine]
    program = _filter(arch, socket_nr, x32=arch == 0xC000003E)
    filters = (_SockFilter * len(program))(*[_SockFilter(*ins) for ins in program])
    fprog = _SockFprog(len(program), filters)
    libc = _libc()
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise GuardError(f"prctl(NO_NEW_PRIVS): {os.strerror(ctypes.get_errno())}")
    result = libc.syscall(
        ctypes.c_long(seccomp_nr),
        ctypes.c_uint(_SECCOMP_SET_MODE_FILTER),
        ctypes.c_uint(_SECCOMP_FILTER_FLAG_TSYNC),
        ctypes.byref(fprog),
    )
    if result != 0:
        raise GuardError(f"seccomp(SET_MODE_FILTER): {os.strerror(ctypes.get_errno())}")


def _listener() -> socket.socket | None:
    try:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        return listener
    except OSError:
        return None


def connection_refused(listener: socket.socket | None) -> str | None:
    """None when a new TCP connection to 127.0.0.1 (to ``listener``, opened before the guard,
    when given) fails as it should under a guard; else what happened."""
    port = listener.getsockname()[1] if listener is not None else 9
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(2.0)
            probe.connect(("127.0.0.1", port))
    except OSError as exc:
        if exc.errno in (errno.ENETUNREACH, errno.EACCES, errno.EPERM, errno.EHOSTUNREACH):
            return None
        return f"connecting to 127.0.0.1 failed differently: {exc}"
    return "a connection to 127.0.0.1 still succeeds"


def isolate_network() -> NetworkGuard:
    """Cut this process (and the threads and processes it starts later) off the network, with
    the best guard available: a network namespace, else a seccomp filter. Call it first thing,
    while the process has a single thread. Each guard is verified by a connection to 127.0.0.1
    that must fail. Returns the guard in force, :data:`NONE` with the reasons when neither
    could be set up."""
    reasons = []
    listener = _listener()
    try:
        for kind, setup in ((NAMESPACE, enter_network_namespace), (SECCOMP, install_seccomp)):
            try:
                setup()
            except GuardError as exc:
                reasons.append(f"{kind}: {exc}")
                continue
            problem = connection_refused(listener)
            if problem is None:
                return NetworkGuard(kind)
            reasons.append(f"{kind}: set up, but {problem}")
    finally:
        if listener is not None:
            listener.close()
    return NetworkGuard(NONE, "; ".join(reasons))


# -- memory -----------------------------------------------------------------------------------


def _status(pid: int | str = "self") -> dict[str, int]:
    """The memory fields (in bytes) of /proc/PID/status."""
    out = {}
    with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
        for line in status:
            name, _, value = line.partition(":")
            parts = value.split()
            if len(parts) == 2 and parts[1] == "kB":
                out[name] = int(parts[0]) * 1024
    return out


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_bytes(pid: int | str = "self") -> int | None:
    """The resident memory of a process, from /proc/PID/statm (None when it is gone)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return None


@dataclass(frozen=True)
class MemoryLimit:
    """What :func:`limit_memory` measured and set (bytes): the resident and data sizes before
    the limit, and the data segment limit set (None when it could not be set)."""

    resident: int
    data: int
    rlimit: int | None


def limit_memory(allowed: int, margin: int) -> MemoryLimit:
    """Limit this process's data segment to its present size plus ``allowed`` plus ``margin``
    (``RLIMIT_DATA``, the soft limit: calling this again, after the store grew, raises it).

    Past it, allocations fail: Python raises MemoryError, Rust code aborts the process."""
    status = _status()
    resident = resident_bytes() or status.get("VmRSS", 0)
    data = status.get("VmData", 0)
    limit: int | None = data + allowed + margin
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (OSError, ValueError):
        limit = None
    return MemoryLimit(resident, data, limit)


def trim_heap() -> None:
    """Give free heap memory back to the system (glibc ``malloc_trim``; no-op elsewhere)."""
    try:
        _libc().malloc_trim(ctypes.c_size_t(0))
    except (AttributeError, OSError):
        pass


def start_thread(target: Callable[[], object], preferred: int = 1 << 30) -> threading.Thread:
    """Start ``target`` in a thread with a large stack: the largest that can be had among
    ``preferred`` and smaller sizes (the query parser and evaluator recurse on nested queries,
    deeper than the main thread's stack allows). Only touched pages use memory."""
    size = preferred
    while True:
        try:
            threading.stack_size(size if size >= 1 << 20 else 0)
            thread = threading.Thread(target=target, name="queries", daemon=True)
            thread.start()
            return thread
        except (ValueError, RuntimeError, MemoryError):
            if size < 1 << 20:
                raise
            size //= 4
        finally:
            threading.stack_size(0)
