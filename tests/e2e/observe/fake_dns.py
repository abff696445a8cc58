"""A DNS server for tests, on UDP and TCP port 53 of one loopback address: NAME -> ADDR pairs
from argv answer A queries (one CNAME hop for names listed as NAME=>ALIAS), anything else is
NXDOMAIN. Prints "ready" when both sockets listen; exits 3 when port 53 cannot be bound."""
import socket
import struct
import sys
import threading

addr = sys.argv[1]
table, aliases = {}, {}
for pair in sys.argv[2:]:
    if "=>" in pair:
        n, a = pair.split("=>")
        aliases[n.lower()] = a.lower()
    else:
        n, a = pair.split("=")
        table[n.lower()] = a


def encode(name):
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"


def answer(q):
    ident, flags, qd = struct.unpack(">HHH", q[:6])
    i, labels = 12, []
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode())
        i += 1 + q[i]
    question = q[12:i + 5]
    name = ".".join(labels).lower()
    records, target, count = b"", name, 0
    if name in aliases:
        count += 1
        target = aliases[name]
        rdata = encode(target)
        records += b"\xc0\x0c" + struct.pack(">HHIH", 5, 1, 60, len(rdata)) + rdata
    if target in table:
        count += 1
        owner = b"\xc0\x0c" if target == name else encode(target)
        records += owner + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton(table[target])
    rcode = 0 if target in table else 3
    return struct.pack(">HHHHHH", ident, 0x8180 | rcode, 1, count, 0, 0) + question + records


try:
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((addr, 53))
    tcp = socket.socket()
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((addr, 53))
    tcp.listen(8)
except OSError as e:
    print("cannot bind %s:53: %s" % (addr, e), file=sys.stderr)
    sys.exit(3)


def serve_tcp():
    while True:
        c, _ = tcp.accept()
        with c:
            n = struct.unpack(">H", c.recv(2))[0]
            q = b""
            while len(q) < n:
                q += c.recv(n - len(q))
            a = answer(q)
            c.sendall(struct.pack(">H", len(a)) + a)


threading.Thread(target=serve_tcp, daemon=True).start()
print("ready", flush=True)
while True:
    q, peer = udp.recvfrom(4096)
    udp.sendto(answer(q), peer)
