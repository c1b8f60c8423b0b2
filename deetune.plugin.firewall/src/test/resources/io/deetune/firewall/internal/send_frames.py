#!/usr/bin/env python3
# Sends hand-built Ethernet frames out of an interface as they are (AF_PACKET: no stack builds or fragments them),
# then prints each TCP SYN+ACK that comes back in ("synack <sport> <dport>") until one from port <stop-port> arrives.
# The capture socket is open before the first frame leaves, so no answer is missed. Exits 2 if none from
# <stop-port> arrives within <timeout> seconds.
#
# usage: send_frames.py <interface> <stop-port> <timeout> <frame hex>...
import socket
import sys
import time

ETH_P_IP = 0x0800
TCP_SYN_ACK = 0x12


def main():
    ifname, stop_port, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    frames = [bytes.fromhex(h) for h in sys.argv[4:]]
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
    sock.bind((ifname, ETH_P_IP))
    for frame in frames:
        sock.send(frame)
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            print("timeout: no SYN+ACK from port %d" % stop_port, flush=True)
            sys.exit(2)
        sock.settimeout(left)
        try:
            data, address = sock.recvfrom(65535)
        except socket.timeout:
            continue
        if address[2] == socket.PACKET_OUTGOING or len(data) < 34 or data[14 + 9] != socket.IPPROTO_TCP:
            continue
        tcp = 14 + (data[14] & 0x0F) * 4
        if len(data) < tcp + 14 or data[tcp + 13] & TCP_SYN_ACK != TCP_SYN_ACK:
            continue
        sport = int.from_bytes(data[tcp:tcp + 2], "big")
        dport = int.from_bytes(data[tcp + 2:tcp + 4], "big")
        print("synack %d %d" % (sport, dport), flush=True)
        if sport == stop_port:
            return


main()
