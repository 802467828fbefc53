"""The HTTP/1.1 protocol the server runs: uvicorn's h11, with its one plain-text answer made a problem document.

A request h11 cannot parse (a raw UTF-8 path such as ``GET /api/programmes?group=老年人``, a
malformed header, a head over the size limit) never reaches the app: uvicorn answers it
itself with ``400 Invalid HTTP request received.`` in plain text.  Every other error of this
server is ``application/problem+json``, and a user who pasted Chinese into curl deserves to
be told how to send it; so that one answer is a problem document too.
"""

from __future__ import annotations

import json

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from policykg.api.problems import MEDIA_TYPE, TYPE_BASE

HINT = ("a path or query string must be ASCII on the wire: percent-encode Chinese and other characters "
        "(curl -G --data-urlencode 'group=老年人' …, or encodeURIComponent in a browser)")


class ProblemH11Protocol(H11Protocol):
    """uvicorn's h11 protocol whose answer to an unreadable request is a problem document."""

    def send_400_response(self, msg: str) -> None:
        body = json.dumps({"type": TYPE_BASE + "invalid-http-request", "title": "Invalid HTTP request", "status": 400,
                           "detail": f"the request could not be read as HTTP/1.1 ({msg.rstrip('.')}); {HINT}"},
                          ensure_ascii=False).encode("utf-8")
        headers = [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode()),
                   (b"connection", b"close")]
        self.transport.write(self.conn.send(h11.Response(status_code=400, headers=headers, reason=b"Bad Request")))
        self.transport.write(self.conn.send(h11.Data(data=body)))
        self.transport.write(self.conn.send(h11.EndOfMessage()))
        self.transport.close()
