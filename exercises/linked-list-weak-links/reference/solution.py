"""A doubly linked list whose back-references are weak, so that reference counting alone
frees it (no reference cycles)."""
import weakref


class Node:
    __slots__ = ("value", "next", "_prev", "_owner", "__weakref__")

    def __init__(self, value, owner):
        self.value = value
        self.next = None          # strong: the list owns its nodes from head to tail
        self._prev = None         # weakref.ref to the previous node, or None
        self._owner = weakref.ref(owner)

    @property
    def prev(self):
        return self._prev() if self._prev is not None else None

    @property
    def owner(self):
        return self._owner() if self._owner is not None else None


class DoublyLinkedList:
    def __init__(self):
        self.head = None          # strong
        self._tail = None         # weak: the tail is already owned through the next links
        self._len = 0

    @property
    def tail(self):
        return self._tail() if self._tail is not None else None

    def __len__(self):
        return self._len

    def __iter__(self):
        node = self.head
        while node is not None:
            yield node.value
            node = node.next

    def __reversed__(self):
        node = self.tail
        while node is not None:
            yield node.value
            node = node.prev

    def append(self, value):
        node = Node(value, self)
        last = self.tail
        if last is None:
            self.head = node
        else:
            last.next = node
            node._prev = weakref.ref(last)
        self._tail = weakref.ref(node)
        self._len += 1
        return node

    def appendleft(self, value):
        node = Node(value, self)
        first = self.head
        if first is None:
            self._tail = weakref.ref(node)
        else:
            first._prev = weakref.ref(node)
            node.next = first
        self.head = node
        self._len += 1
        return node

    def remove(self, node):
        if node.owner is not self:
            raise ValueError("node is not in this list")
        before, after = node.prev, node.next
        if before is None:
            self.head = after
        else:
            before.next = after
        if after is None:
            self._tail = weakref.ref(before) if before is not None else None
        else:
            after._prev = weakref.ref(before) if before is not None else None
        node.next = node._prev = node._owner = None
        self._len -= 1

    def pop(self):
        node = self.tail
        if node is None:
            raise IndexError("pop from an empty list")
        self.remove(node)
        return node.value

    def popleft(self):
        node = self.head
        if node is None:
            raise IndexError("pop from an empty list")
        self.remove(node)
        return node.value
