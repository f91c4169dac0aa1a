"""An MQTT 3.1.1 device that subscribes and then stops reading (test 46).

Node cannot shrink a socket's receive buffer; this one asks the kernel for a small one before it
connects, so the edge's writes back up after a few KiB instead of after megabytes of kernel
buffers, as they would on a phone whose radio went quiet.
Usage: slow-device.py PORT CLIENT_ID TOPIC. Prints "subscribed", then holds the connection
without reading until stdin closes.
"""
import socket
import struct
import sys


def utf8(s: str) -> bytes:
    b = s.encode()
    return struct.pack('!H', len(b)) + b


def packet(first: int, body: bytes) -> bytes:
    n, length = len(body), b''
    while True:
        byte, n = n % 128, n // 128
        length += bytes([byte | (0x80 if n else 0)])
        if not n:
            return bytes([first]) + length + body


port, client_id, topic = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(('127.0.0.1', port))
# CONNECT: clean session, keep alive 0 (the edge must cut it off for being slow, not for silence).
s.sendall(packet(0x10, utf8('MQTT') + bytes([4, 0x02]) + struct.pack('!H', 0) + utf8(client_id)))
s.sendall(packet(0x82, struct.pack('!H', 1) + utf8(topic) + bytes([1])))
got = b''
while len(got) < 4 + 5:  # CONNACK, SUBACK
    chunk = s.recv(9 - len(got))
    if not chunk:
        sys.exit('closed before SUBACK')
    got += chunk
print('subscribed', flush=True)
sys.stdin.read()
