#!/usr/bin/env python3
"""File a hotline ticket with an attachment through Opora's API, wait for the answer and print it.

Standard library only, so a region's integrator can start from it anywhere:

    OPORA_API_TOKEN=opora_… python3 scripts/api_example.py --base-url https://opora.example.ru \\
        --subject "Не открывается журнал" --body "Пишет «ошибка 500»" --file screenshot.png

The token needs the «write» scope (Profile → API tokens, or `opora user token EMAIL --scope write`).
The script polls GET /api/v1/tickets/{id} until someone other than the requester replies.
"""

import argparse
import json
import mimetypes
import os
import sys
import time
import urllib.error
import urllib.request
import uuid

API = "/api/v1"


class ApiError(Exception):
    """An error answer of the API: its status, code and message."""

    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


def multipart(fields, files):
    """(body bytes, content type) of a multipart/form-data request; files are (field, path) pairs."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                     + str(value).encode() + b"\r\n")
    for name, path in files:
        filename = os.path.basename(path).replace('"', "")
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        with open(path, "rb") as handle:
            content = handle.read()
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n")
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Client:
    """Calls the API with a bearer token and decodes JSON answers."""

    def __init__(self, base_url, token, timeout=30):
        self.base_url, self.token, self.timeout = base_url.rstrip("/"), token, timeout

    def request(self, method, path, body=None, content_type=None):
        """The decoded JSON answer, or ApiError with the API's error code and message."""
        request = urllib.request.Request(self.base_url + API + path, data=body, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/json")
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            try:
                problem = json.load(error).get("error", {})
            except (ValueError, AttributeError):
                problem = {}
            raise ApiError(error.code, problem.get("code", "error"),
                           problem.get("message", error.reason)) from None

    def file_ticket(self, queue, subject, body, paths):
        """POST /tickets as multipart/form-data with the files attached; the new ticket."""
        data, content_type = multipart({"queue": queue, "subject": subject, "body": body},
                                       [("files", path) for path in paths])
        return self.request("POST", "/tickets", data, content_type)

    def ticket(self, ticket_id):
        """GET /tickets/{id}: the ticket with its conversation."""
        return self.request("GET", f"/tickets/{ticket_id}")


def first_answer(ticket):
    """The first public message from someone other than the requester, or None."""
    requester = ticket["requester"]["id"]
    return next((message for message in ticket["messages"]
                 if message["author"]["id"] != requester and not message.get("is_internal")), None)


def wait_for_answer(client, ticket_id, interval, timeout, sleep=time.sleep):
    """Poll the ticket every `interval` seconds until it is answered; the message, or None after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        answer = first_answer(client.ticket(ticket_id))
        if answer is not None or time.monotonic() >= deadline:
            return answer
        sleep(interval)


def parse_args(argv):
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default=os.environ.get("OPORA_BASE_URL", "http://127.0.0.1:5000"))
    parser.add_argument("--token", default=os.environ.get("OPORA_API_TOKEN", ""),
                        help="API token (default: $OPORA_API_TOKEN)")
    parser.add_argument("--queue", default="technical", choices=("technical", "methodological"))
    parser.add_argument("--subject", default="Не открывается электронный журнал")
    parser.add_argument("--body",
                        default="После входа страница журнала не загружается. Снимок экрана приложен.")
    parser.add_argument("--file", action="append", default=[], help="a file to attach (repeat for more)")
    parser.add_argument("--interval", type=float, default=30, help="seconds between polls")
    parser.add_argument("--timeout", type=float, default=24 * 3600, help="give up after so many seconds")
    return parser.parse_args(argv)


def main(argv=None, out=None):
    """File the ticket, wait, print the answer; 0 answered, 1 API error, 2 no answer in time."""
    out = out or sys.stdout
    args = parse_args(argv)
    if not args.token:
        print("Set OPORA_API_TOKEN or pass --token.", file=sys.stderr)
        return 1
    client = Client(args.base_url, args.token)
    try:
        ticket = client.file_ticket(args.queue, args.subject, args.body, args.file)
        print(f"Filed {ticket['reference']} (id {ticket['id']}); waiting for an answer…", file=out,
              flush=True)
        answer = wait_for_answer(client, ticket["id"], args.interval, args.timeout)
    except ApiError as error:
        print(f"API error {error}", file=sys.stderr)
        return 1
    if answer is None:
        print("No answer yet; run the script again later.", file=out)
        return 2
    print(f"Answer from {answer['author']['name']}:\n{answer['body']}", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
