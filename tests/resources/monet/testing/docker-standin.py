#!/usr/bin/env python3
"""A recording stand-in for the docker client on a test "host", for the transport tests of remote
(RemoteCommandsContract on SSM, ssh and local, RemoteScriptTest, InterruptTest, ...): fast and many
cases, on three transports. What docker itself does to containers is tested on the real engine
(RemoteOnDockerTest), so this keeps only what those transport tests call.

Every call is appended to $MONET_SANDBOX/docker.log as one JSON line {"argv": [...]}.
It behaves like docker for what they use, from files under $MONET_SANDBOX:
  containers.json          [{"name","state","status","image"}]: ps, exec targets
  logs/NAME.log            "RFC3339NANO message" lines: logs --tail --since --timestamps
  exec NAME CMD...         runs CMD in containers/NAME (HOME=/home/app, PATH has container-bin)
  compose [OPTIONS] SUB    an unknown SUB fails as Compose v2 does (its usage on stdout, the error
                           on stderr, exit 16 up to v2.32, as the host's pinned v2.29.7 and Debian's
                           2.26.1); a subcommand compose has but this stand-in does not model fails too
Anything else is recorded and succeeds. Errors are docker's.
"""
import datetime, json, os, re, subprocess, sys

SANDBOX = os.environ["MONET_SANDBOX"]


def record():
    with open(os.path.join(SANDBOX, "docker.log"), "a") as log:
        log.write(json.dumps({"argv": sys.argv[1:], "cwd": os.getcwd()}) + "\n")


def containers():
    with open(os.path.join(SANDBOX, "containers.json")) as f:
        return json.load(f)


def find(name):
    for c in containers():
        if c["name"] == name:
            return c
    sys.stderr.write("Error response from daemon: No such container: %s\n" % name)
    sys.exit(1)


def parse_time(text):
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    m = re.match(r"^(.*T\d\d:\d\d:\d\d)(\.\d+)?(.*)$", text)
    frac = m.group(2) or ""
    ns = int((frac[1:] + "000000000")[:9]) if frac else 0
    base = datetime.datetime.fromisoformat(m.group(1) + m.group(3))
    return int(base.timestamp()) * 1_000_000_000 + ns


def since_ns(text):
    m = re.fullmatch(r"(\d+)([smh])", text)
    if m:
        seconds = int(m.group(1)) * {"s": 1, "m": 60, "h": 3600}[m.group(2)]
        return int((datetime.datetime.now(datetime.timezone.utc).timestamp() - seconds) * 1e9)
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return int(float(text) * 1e9)
    return parse_time(text)


def logs(args):
    tail, since, stamps, name = None, None, False, None
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--tail", "-n"):
            tail = args[i + 1]; i += 2; continue
        if a == "--since":
            since = args[i + 1]; i += 2; continue
        if a in ("--timestamps", "-t"):
            stamps = True; i += 1; continue
        if a in ("-f", "--follow"):
            i += 1; continue
        if a.startswith("-"):
            sys.stderr.write("unknown flag: %s\n" % a); sys.exit(125)
        name = a; i += 1
    find(name)
    path = os.path.join(SANDBOX, "logs", name + ".log")
    lines = open(path).read().splitlines() if os.path.exists(path) else []
    if since is not None:
        cut = since_ns(since)
        lines = [l for l in lines if parse_time(l.split(" ", 1)[0]) >= cut]
    if tail is not None and tail != "all" and int(tail) >= 0:
        lines = lines[len(lines) - int(tail):] if int(tail) > 0 else []
    out = sys.stdout
    for l in lines:
        stamp, _, message = l.partition(" ")
        out.write((l if stamps else message) + "\n")


def ps(args):
    fmt = None
    if "--format" in args:
        fmt = args[args.index("--format") + 1]
    show_all = "-a" in args or "--all" in args
    for c in containers():
        if not show_all and c["state"] != "running":
            continue
        if fmt:
            line = fmt
            for key, field in (("Names", "name"), ("State", "state"), ("Status", "status"), ("Image", "image")):
                line = line.replace("{{.%s}}" % key, c[field])
            print(line.replace("\\t", "\t"))
        else:
            print("%s\t%s\t%s" % (c["name"], c["image"], c["status"]))


def execute(args):
    interactive = False
    env = {}
    workdir = None
    i = 0
    while i < len(args) and args[i].startswith("-"):
        a = args[i]
        if a in ("-i", "--interactive", "-t", "-it", "-ti"):
            interactive = interactive or "i" in a; i += 1
        elif a in ("-e", "--env"):
            k, _, v = args[i + 1].partition("="); env[k] = v; i += 2
        elif a in ("-w", "--workdir", "-u", "--user"):
            if a in ("-w", "--workdir"):
                workdir = args[i + 1]
            i += 2
        else:
            sys.stderr.write("unknown flag: %s\n" % a); sys.exit(125)
    name, command = args[i], args[i + 1:]
    c = find(name)
    if c["state"] != "running":
        sys.stderr.write("Error response from daemon: container %s is not running\n" % name)
        sys.exit(1)
    sys.exit(run_in(name, command, env, workdir, sys.stdin if interactive else subprocess.DEVNULL))


def run_in(name, command, env, workdir, stdin):
    """Runs command "in" the container: its own directory, HOME and PATH (with the app's CLI)."""
    root = os.path.join(SANDBOX, "containers", name)
    os.makedirs(root, exist_ok=True)
    child_env = {"PATH": os.path.join(SANDBOX, "container-bin") + ":/usr/local/bin:/usr/bin:/bin",
                 "HOME": "/home/app", "HOSTNAME": name, "MONET_SANDBOX": SANDBOX, "MONET_CONTAINER": name}
    child_env.update(env)
    try:
        return subprocess.call(command, cwd=workdir or root, env=child_env, stdin=stdin)
    except FileNotFoundError:
        sys.stderr.write('OCI runtime exec failed: exec: "%s": executable file not found in $PATH\n' % command[0])
        return 127


# Compose v2's global options that take a value (the others are flags), and its subcommands
# (`docker compose --help` of v2.26.1 and v2.29.7).
COMPOSE_VALUE_OPTIONS = {"-f", "--file", "-p", "--project-name", "--project-directory", "--env-file", "--profile",
                         "--ansi", "--progress", "--parallel", "--workdir"}
COMPOSE_COMMANDS = {"attach", "build", "config", "cp", "create", "down", "events", "exec", "images", "kill", "logs", "ls",
                    "pause", "port", "ps", "pull", "push", "restart", "rm", "run", "scale", "start", "stats", "stop", "top",
                    "unpause", "up", "version", "wait", "watch"}
COMPOSE_USAGE = """
Usage:  docker compose [OPTIONS] COMMAND

Define and run multi-container applications with Docker

Run 'docker compose COMMAND --help' for more information on a command.
"""


def compose(args):
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 1 if "=" in args[i] or args[i] not in COMPOSE_VALUE_OPTIONS else 2
    if i >= len(args):
        sys.stdout.write(COMPOSE_USAGE)
        sys.exit(0)
    sub = args[i]
    if sub not in COMPOSE_COMMANDS:
        # As cmd/compose/compose.go: the help on stdout, then a StatusError (CommandSyntaxFailure, 16).
        sys.stdout.write(COMPOSE_USAGE)
        sys.stderr.write('unknown docker command: "compose %s"\n' % sub)
        sys.exit(16)
    sys.stderr.write("docker stand-in: `docker compose %s` is not modelled here (what compose does to containers is"
                     " tested on the real engine: RemoteOnDockerTest)\n" % sub)
    sys.exit(1)


def main():
    record()
    args = sys.argv[1:]
    if not args:
        sys.exit(0)
    sub, rest = args[0], args[1:]
    if sub == "logs":
        logs(rest)
    elif sub == "ps":
        ps(rest)
    elif sub == "exec":
        execute(rest)
    elif sub == "compose":
        compose(rest)


main()
