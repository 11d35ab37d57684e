"""Out-of-process workloads, each run with the cycle collector OFF so that anything kept alive
by a reference cycle stays in memory.  Each mirrors one in-process test."""
from memgrade_harness import student


def build_lists(n):
    """n lists of 10 nodes (64-byte values), built with append and dropped (≈ 2.5 KiB each if kept)."""
    m = student("solution")
    for i in range(n):
        lst = m.DoublyLinkedList()
        for j in range(10):
            lst.append(bytearray(64))
        del lst


def edit_lists(n):
    """n lists edited from both ends (append, appendleft, remove, pop, popleft), then dropped."""
    m = student("solution")
    for i in range(n):
        lst = m.DoublyLinkedList()
        nodes = [lst.append(bytearray(64)) for j in range(6)]
        for j in range(4):
            lst.appendleft(bytearray(64))
        lst.remove(nodes[2])
        lst.remove(nodes[0])
        lst.pop()
        lst.popleft()
        del lst, nodes


def remove_nodes(n):
    """One list that lives throughout; n times a 4 KiB value is appended and removed, appended
    on the left and popped: removed nodes must not accumulate."""
    m = student("solution")
    lst = m.DoublyLinkedList()
    lst.append(0)
    lst.append(1)
    for i in range(n):
        node = lst.append(bytearray(4096))
        lst.remove(node)
        del node
        lst.appendleft(bytearray(4096))
        lst.popleft()
        lst.append(bytearray(4096))
        lst.pop()


def keep_tails(n):
    """n lists of 6 nodes with 1 KiB values; the user keeps each list's tail node and drops the
    list: only the kept nodes (and their values) may stay."""
    m = student("solution")
    kept = []
    for i in range(n):
        lst = m.DoublyLinkedList()
        for j in range(5):
            lst.append(bytearray(1024))
        kept.append(lst.append(None))
        del lst
