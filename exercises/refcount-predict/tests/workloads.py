"""Out-of-process workloads for refcount-predict (the judge reads each process's peak RSS and
compares the returned value with the reference solution's): n objects of 4 KiB registered
(and unregistered), with is_registered() asked about every 1000th."""
from memgrade_harness import Probe, rng, student


def register_keeps(n):
    """register() must keep its object: n registered 4 KiB objects stay alive (≈ 80 MiB)."""
    m = student("solution")
    kept, answers = [], []
    for i in range(n):
        p = Probe(i, 4096)
        m.register(p)
        if i % 1000 == 0:
            answers.append(m.is_registered(p))
            kept.append(p)
        del p
    answers.append(m.is_registered(Probe(rng.randint(0, 10 ** 6))))
    for p in kept:
        m.unregister(p)
    return answers


def register_unregister(n):
    """register() then unregister(): nothing may stay (a registry that keeps grows ≈ 80 MiB)."""
    m = student("solution")
    answers = []
    for i in range(n):
        p = Probe(i, 4096)
        m.register(p)
        if i % 1000 == 0:
            answers.append(m.is_registered(p))
        m.unregister(p)
        if i % 1000 == 0:
            answers.append(m.is_registered(p))
        del p
    return answers
