# The Python twins' prelude (fox-qc): Morph's builtins under their Morph
# names, variants, `lanjut`, and Python's exceptions mapped to Morph's kinds.
import math
import sys
sys.setrecursionlimit(20000)
def panjang(x): return len(x)
teks = str
absolut = abs
lantai = math.floor
atap = math.ceil
pangkat = pow
bulat = round
def kunci(d): return list(d)
def nilai_kamus(d): return list(d.values())
def gabung(xs, sep=""): return sep.join(str(x) for x in xs)
def tambah(xs, x): xs.append(x)
class _V:
    def __init__(self, *a):
        self._a = a
        for i, x in enumerate(a): setattr(self, "f%d" % i, x)
    def __eq__(self, o): return isinstance(o, _V) and type(self).__name__ == type(o).__name__ and self._a == o._a
    __hash__ = None
    def __str__(self): return type(self).__name__ if not self._a else "%s(%s)" % (type(self).__name__, ", ".join(str(x) for x in self._a))
    __repr__ = __str__
class Momen(_V): __match_args__ = ("f0", "f1")
def lanjut(g):
    try: v = g.send(None)
    except StopIteration as s: return s.value
    return Momen(v, g)
class _E(Exception):
    def __init__(self, pesan, jenis):
        self.pesan = pesan
        self.jenis = jenis
_KINDS = [(ZeroDivisionError, "ErrorPembagianNol"), (IndexError, "ErrorIndeks"), (KeyError, "ErrorKunci"), (TypeError, "ErrorTipe"), (ValueError, "ErrorNilai"), (AttributeError, "ErrorAtribut"), (NameError, "ErrorNama"), (RecursionError, "ErrorBatas")]
def _err(x):
    if isinstance(x, _E): return x
    for k, v in _KINDS:
        if isinstance(x, k): return _E(None, v)
    return _E(None, type(x).__name__)
