"""The tokens of the line reader: Lark's ``Token`` without importing Lark.

A plain step-line workout is read without Lark (:mod:`planc.syntax.grammar`), so its
tokens cannot be ``lark.Token``.  :class:`LineToken` is a ``str`` with the same slots
and the same behaviour as far as a reader of tokens can tell: equal to a string of
the same text, unequal to a token of another type, hashed as its text, the same
``repr``, ``update``, ``new_borrow_pos``, copy and pickle.  Tests hold it to Lark's.
"""

from __future__ import annotations


class LineToken(str):
    """A piece of a workout line: its text, its terminal's name and where it is."""

    __slots__ = ("column", "end_column", "end_line", "end_pos", "line", "start_pos", "type",
                 "value")
    __match_args__ = ("type", "value")

    def __new__(cls, type, value, start_pos=None, line=None, column=None,
                end_line=None, end_column=None, end_pos=None):
        inst = str.__new__(cls, value)
        inst.type = type
        inst.start_pos = start_pos
        inst.value = value
        inst.line = line
        inst.column = column
        inst.end_line = end_line
        inst.end_column = end_column
        inst.end_pos = end_pos
        return inst

    def update(self, type=None, value=None):
        return self.new_borrow_pos(type if type is not None else self.type,
                                   value if value is not None else self.value, self)

    @classmethod
    def new_borrow_pos(cls, type_, value, borrow_t):
        return cls(type_, value, borrow_t.start_pos, borrow_t.line, borrow_t.column,
                   borrow_t.end_line, borrow_t.end_column, borrow_t.end_pos)

    def __reduce__(self):
        return (self.__class__, (self.type, self.value, self.start_pos, self.line, self.column))

    def __repr__(self):
        return f"Token({self.type!r}, {self.value!r})"

    def __deepcopy__(self, memo):
        return LineToken(self.type, self.value, self.start_pos, self.line, self.column)

    def __eq__(self, other):
        if isinstance(other, LineToken) and self.type != other.type:
            return False
        return str.__eq__(self, other)

    # no __ne__, as in Lark: ``!=`` is str's

    __hash__ = str.__hash__
