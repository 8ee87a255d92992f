#!/usr/bin/env python3
"""Accepts TCP connections on 127.0.0.1 and never answers, as a remote that hangs does. Prints
the port on its first line of output.

usage: silent-server.py
"""
import signal
import socket

signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(64)
print(server.getsockname()[1], flush=True)
held = []
while True:
    connection, _ = server.accept()
    held.append(connection)
