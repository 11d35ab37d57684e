"""A doubly linked list.  It works — but every pair of neighbours forms a reference cycle
(a.next is b and b.prev is a), and every node points back at its list.  Only the cycle
collector can free it.  Make the back-references weak (see statement.md)."""


class Node:
    def __init__(self, value, owner):
        self.value = value
        self.next = None
        self.prev = None
        self.owner = owner


class DoublyLinkedList:
    def __init__(self):
        self.head = None
        self.tail = None
        self._len = 0

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
        if self.tail is None:
            self.head = self.tail = node
        else:
            node.prev = self.tail
            self.tail.next = node
            self.tail = node
        self._len += 1
        return node

    def appendleft(self, value):
        node = Node(value, self)
        if self.head is None:
            self.head = self.tail = node
        else:
            node.next = self.head
            self.head.prev = node
            self.head = node
        self._len += 1
        return node

    def remove(self, node):
        if node.owner is not self:
            raise ValueError("node is not in this list")
        if node.prev is None:
            self.head = node.next
        else:
            node.prev.next = node.next
        if node.next is None:
            self.tail = node.prev
        else:
            node.next.prev = node.prev
        node.next = node.prev = node.owner = None
        self._len -= 1

    def pop(self):
        if self.tail is None:
            raise IndexError("pop from an empty list")
        node = self.tail
        self.remove(node)
        return node.value

    def popleft(self):
        if self.head is None:
            raise IndexError("pop from an empty list")
        node = self.head
        self.remove(node)
        return node.value
