"""The rehearsal's app CLI, as the toolkit calls the real one (app.cli.create-invite/create-user):

  python -m drawing_agent.cli create-invite                     stores a new invite, prints its code
  python -m drawing_agent.cli create-user --password-stdin EMAIL
      reads the password from the first line of stdin, stores sha256(password) for EMAIL;
      exit 1 if the user exists, 2 without a password
Both write to the SQLite database on the data volume (making the users and invites tables if they are not there).
"""
import hashlib
import os
import secrets
import sqlite3
import sys

DATABASE = os.path.join(os.environ.get("DATA_DIR", "/app/data"), "code_monet.db")


def main(args):
    with sqlite3.connect(DATABASE, timeout=10) as db:
        db.execute("CREATE TABLE IF NOT EXISTS invites (code TEXT PRIMARY KEY, created TEXT DEFAULT CURRENT_TIMESTAMP)")
        db.execute("CREATE TABLE IF NOT EXISTS users (email TEXT PRIMARY KEY, password_sha256 TEXT NOT NULL)")
        if args[:1] == ["create-invite"]:
            code = secrets.token_hex(4).upper()
            db.execute("INSERT INTO invites (code) VALUES (?)", (code,))
            print(code)
            return 0
        if args[:1] == ["create-user"] and "--password-stdin" in args:
            emails = [a for a in args[1:] if a != "--password-stdin"]
            password = sys.stdin.readline().rstrip("\n")
            if len(emails) != 1 or not password:
                print("usage: create-user --password-stdin EMAIL, the password on stdin", file=sys.stderr)
                return 2
            if db.execute("SELECT 1 FROM users WHERE email = ?", (emails[0],)).fetchone():
                print("user %s already exists" % emails[0], file=sys.stderr)
                return 1
            db.execute("INSERT INTO users VALUES (?, ?)", (emails[0], hashlib.sha256(password.encode()).hexdigest()))
            print("created user %s" % emails[0])
            return 0
    print("unknown command: %s" % " ".join(args), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
