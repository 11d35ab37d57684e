"""Out-of-process workloads, each run with the cycle collector OFF so that anything kept alive
by a reference cycle stays in memory.  Each mirrors one in-process test, and returns what the
student's list gave back (lengths, popped values), which the judge compares with the reference's."""
from memgrade_harness import rng, student


def build_lists(n):
    """n lists of 10 nodes (64-byte values), built with append and dropped (≈ 2.5 KiB each if kept)."""
    m = student("solution")
    size = rng.randint(48, 80)
    total = 0
    for i in range(n):
        lst = m.DoublyLinkedList()
        for j in range(10):
            lst.append(bytearray(size))
        total += len(lst) + sum(len(v) for v in reversed(lst))
        del lst
    return total


def edit_lists(n):
    """n lists edited from both ends (append, appendleft, remove, pop, popleft), then dropped."""
    m = student("solution")
    size = rng.randint(48, 80)
    total = 0
    for i in range(n):
        lst = m.DoublyLinkedList()
        nodes = [lst.append(bytearray(size + j)) for j in range(6)]
        for j in range(4):
            lst.appendleft(bytearray(j))
        lst.remove(nodes[2])
        lst.remove(nodes[0])
        total += len(lst.pop()) + 10 * len(lst.popleft()) + 100 * len(lst)
        del lst, nodes
    return total


def remove_nodes(n):
    """One list that lives throughout; n times a 4 KiB value is appended and removed, appended
    on the left and popped: removed nodes must not accumulate."""
    m = student("solution")
    first, second = rng.word(), rng.word()
    lst = m.DoublyLinkedList()
    lst.append(first)
    lst.append(second)
    total = 0
    for i in range(n):
        node = lst.append(bytearray(4096))
        lst.remove(node)
        del node
        lst.appendleft(bytearray(4096))
        total += len(lst.popleft())
        lst.append(bytearray(4095))
        total += len(lst.pop())
    return [total, len(lst), list(lst)]


def keep_tails(n):
    """n lists of 6 nodes with 1 KiB values; the user keeps each list's tail node and drops the
    list: only the kept nodes (and their values) may stay."""
    m = student("solution")
    tag = rng.word()
    kept = []
    total = 0
    for i in range(n):
        lst = m.DoublyLinkedList()
        for j in range(5):
            lst.append(bytearray(1024))
        kept.append(lst.append(tag))
        total += len(lst)
        del lst
    return [total, sum(1 for node in kept if node.value == tag and node.owner is None)]
