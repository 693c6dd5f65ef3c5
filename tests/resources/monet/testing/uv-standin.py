#!/usr/bin/env python3
"""Stand-in for `uv run ...` inside the app container, for remote's transport tests: the app CLI's
create-user (the rehearsal's API image has the app's CLI for the real-engine tests).

  uv run python -m drawing_agent.cli create-user --password-stdin EMAIL
                                                                    reads the password from stdin,
                                                                    stores sha256(password) for EMAIL
Each call is appended to $MONET_SANDBOX/app-cli.log (argv only: a password never is one).
"""
import hashlib, json, os, sqlite3, sys

SANDBOX = os.environ["MONET_SANDBOX"]
args = sys.argv[1:]
with open(os.path.join(SANDBOX, "app-cli.log"), "a") as log:
    log.write(json.dumps({"argv": args}) + "\n")
if args[:1] == ["run"]:
    args = args[1:]
db = os.path.join(SANDBOX, "data", "code_monet.db")
if args[:3] == ["python", "-m", "drawing_agent.cli"]:
    cmd = args[3:]
    if cmd[:1] == ["create-user"] and "--password-stdin" in cmd:
        email = [a for a in cmd[1:] if a != "--password-stdin"][0]
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            sys.stderr.write("no password on stdin\n"); sys.exit(2)
        digest = hashlib.sha256(password.encode()).hexdigest()
        with sqlite3.connect(db) as c:
            if c.execute("SELECT 1 FROM users WHERE email = ?", (email,)).fetchone():
                sys.stderr.write("user %s already exists\n" % email); sys.exit(1)
            c.execute("INSERT INTO users (email, password_sha256) VALUES (?, ?)", (email, digest))
        print("created user %s" % email)
        sys.exit(0)
sys.stderr.write("uv stand-in: unknown command %s\n" % args)
sys.exit(2)
