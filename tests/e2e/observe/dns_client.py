"""Resolves NAME the way MODE says, then connects (TCP) to the answer's first address on PORT:
glibc (getaddrinfo through /etc/resolv.conf), udp (sendto + recvfrom on an unconnected socket,
as musl does) or tcp (DNS over TCP, the answer read with recvmsg). Prints the address."""
import socket
import struct
import sys

mode, name, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
server = sys.argv[4] if len(sys.argv) > 4 else "127.0.0.2"


def query():
    q = struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return q + struct.pack(">HH", 1, 1)


def first_a(msg):
    # The answer section's last A record (the fake server puts a CNAME, if any, first).
    return socket.inet_ntoa(msg[-4:])


if mode == "glibc":
    address = socket.getaddrinfo(name, port, socket.AF_INET, socket.SOCK_STREAM)[0][4][0]
elif mode == "udp":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.sendto(query(), (server, 53))
    msg, _ = s.recvfrom(4096)
    address = first_a(msg)
else:
    s = socket.create_connection((server, 53), timeout=5)
    q = query()
    s.sendall(struct.pack(">H", len(q)) + q)
    msg, _, _, _ = s.recvmsg(4096)
    address = first_a(msg[2:])
c = socket.socket()
c.settimeout(2)
c.connect_ex((address, port))
print(address)
