#!/usr/bin/env python3
"""deploy/docker/check-dockerfile.py: static checks of the repository's Dockerfile and .dockerignore.

No container engine runs on the project's machines, and hadolint is in neither Debian nor npm, so
this checks the structure the image relies on, with python3's standard library only:

- every FROM names a tag or a digest, never `latest` (an earlier stage's name excepted);
- several stages, a build stage named `build` that is not the last;
- the build stage runs `mvn ... -pl cli -am ... package`;
- the final stage copies from the build context nothing at all, and from `build` only
  cli/target/wsc.jar, to /opt/wsc/wsc.jar;
- the final stage runs as a USER that is not root (neither `root` nor uid 0);
- a HEALTHCHECK (not NONE) that asks /health;
- EXPOSE 8080 (the node's port) and 9080 (its operator port);
- ENTRYPOINT in exec form that runs java with $JAVA_OPTS and hands on the arguments ("$@", with the
  `sh -c` placeholder for $0), and a CMD;
- every WSC_* variable the image sets is a setting of docs/configuration.md (a node refuses to
  start on an unknown WSC_ variable), and WSC_ADMIN_HOST is 0.0.0.0;
- .dockerignore excludes target/, .git and node_modules.

Usage: check-dockerfile.py [Dockerfile [.dockerignore [docs/configuration.md]]]
(defaults: those of the repository this script lies in). Prints one line and exits 0 when all
hold; else prints each problem and exits 1.
"""
import json
import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def instructions(text):
    """(line, INSTRUCTION, arguments) of a Dockerfile: continuations joined, comments dropped."""
    escape = "\\"
    out, buf, start = [], "", 0
    lines = text.splitlines()
    for i, raw in enumerate(lines, 1):
        m = re.match(r"#\s*escape\s*=\s*(\S)", raw)
        if m and not out and not buf:
            escape = m.group(1)
        stripped = raw.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if buf and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if not buf:
            start = i
        if stripped.endswith(escape):
            buf += stripped[:-1] + " "
            continue
        buf += stripped
        word, _, rest = buf.partition(" ")
        out.append((start, word.upper(), rest.strip()))
        buf = ""
    if buf:
        word, _, rest = buf.partition(" ")
        out.append((start, word.upper(), rest.strip()))
    return out


def flags_and_rest(args):
    """Splits leading --flag=value options off an instruction's arguments."""
    flags = {}
    while args.startswith("--"):
        flag, _, args = args.partition(" ")
        name, _, value = flag[2:].partition("=")
        flags[name] = value
        args = args.strip()
    return flags, args


def exec_form(args):
    try:
        value = json.loads(args)
    except ValueError:
        return None
    return value if isinstance(value, list) and all(isinstance(v, str) for v in value) else None


def known_variables(config_md):
    """The WSC_* variables docs/configuration.md lists for the settings."""
    return set(re.findall(r"`(WSC_[A-Z0-9_]+)`", config_md.read_text(encoding="utf-8")))


def check(dockerfile, dockerignore, config_md):
    problems = []
    text = dockerfile.read_text(encoding="utf-8")
    ins = instructions(text)
    if not ins:
        return ["the Dockerfile has no instructions"]

    # Stages.
    stages = []  # dicts: name, image, line, instructions
    for line, word, args in ins:
        if word == "FROM":
            flags, rest = flags_and_rest(args)
            parts = rest.split()
            name = parts[2].lower() if len(parts) >= 3 and parts[1].lower() == "as" else None
            stages.append({"name": name, "image": parts[0] if parts else "", "line": line, "ins": []})
        elif not stages:
            if word != "ARG":
                problems.append(f"line {line}: {word} before the first FROM")
        else:
            stages[-1]["ins"].append((line, word, args))
    if not stages:
        return problems + ["no FROM"]

    names = set()
    for st in stages:
        image = st["image"]
        if image.lower() in names:
            pass  # FROM an earlier stage
        elif "$" in image:
            problems.append(f"line {st['line']}: FROM {image}: the base image is a variable, not pinned here")
        elif "@sha256:" in image:
            pass  # pinned by digest
        else:
            last = image.rsplit("/", 1)[-1]
            tag = last.partition(":")[2]
            if not tag:
                problems.append(f"line {st['line']}: FROM {image}: no tag (pin a version)")
            elif tag == "latest":
                problems.append(f"line {st['line']}: FROM {image}: `latest` is not a pinned version")
        if st["name"]:
            names.add(st["name"])

    if len(stages) < 2:
        problems.append("a single stage: the image must be multi-stage (build, then runtime)")
    build = next((s for s in stages if s["name"] == "build"), None)
    final = stages[-1]
    if build is None:
        problems.append("no stage named `build` (FROM ... AS build)")
    elif build is final:
        problems.append("the build stage is the final stage: the runtime stage must come after it")
    else:
        runs = " ".join(a for _, w, a in build["ins"] if w == "RUN")
        if not re.search(r"\bmvn\b[^&;|]*-pl\s+cli\b[^&;|]*-am\b[^&;|]*\bpackage\b", runs):
            problems.append("the build stage does not run `mvn ... -pl cli -am ... package`")

    final_ins = final["ins"]
    by_word = {}
    for line, word, args in final_ins:
        by_word.setdefault(word, []).append((line, args))

    # What the final stage copies.
    for line, word, args in final_ins:
        if word not in ("COPY", "ADD"):
            continue
        flags, rest = flags_and_rest(args)
        parts = exec_form(rest) or shlex.split(rest)
        src, dest = parts[:-1], parts[-1] if parts else ""
        if "from" not in flags:
            problems.append(f"line {line}: {word} from the build context into the final stage (only the jar of the build stage may go in)")
            continue
        if flags["from"].lower() != "build":
            problems.append(f"line {line}: {word} --from={flags['from']}: the final stage copies from `build` only")
        if not all(re.search(r"(^|/)cli/target/wsc\.jar$", s) for s in src):
            problems.append(f"line {line}: COPY --from=build {' '.join(src)}: only cli/target/wsc.jar may be copied")
        if len(src) != 1:
            problems.append(f"line {line}: COPY --from=build copies {len(src)} sources; only the jar")
        if dest != "/opt/wsc/wsc.jar":
            problems.append(f"line {line}: the jar goes to {dest}, not /opt/wsc/wsc.jar")
    if not any(w == "COPY" and "--from=build" in a for _, w, a in final_ins):
        problems.append("the final stage does not COPY --from=build the jar")

    # USER.
    users = by_word.get("USER", [])
    if not users:
        problems.append("the final stage has no USER: it would run as root")
    else:
        line, user = users[-1]
        name = user.split(":")[0].strip()
        if name in ("", "root", "0") or (name.isdigit() and int(name) == 0):
            problems.append(f"line {line}: USER {user}: the final stage must not run as root")

    # HEALTHCHECK.
    checks = by_word.get("HEALTHCHECK", [])
    if not checks:
        problems.append("no HEALTHCHECK in the final stage")
    else:
        line, args = checks[-1]
        flags, rest = flags_and_rest(args)
        if rest.upper().startswith("NONE"):
            problems.append(f"line {line}: HEALTHCHECK NONE")
        elif not rest.upper().startswith("CMD"):
            problems.append(f"line {line}: HEALTHCHECK without CMD")
        else:
            cmd = rest[3:].strip()
            argv = exec_form(cmd)
            probe = " ".join(argv) if argv is not None else cmd
            if "/health" not in probe:
                problems.append(f"line {line}: the HEALTHCHECK does not ask /health")
            if "8080" not in probe:
                problems.append(f"line {line}: the HEALTHCHECK does not probe port 8080 (the node's default)")
            if argv is None and "/dev/tcp" in cmd:
                problems.append(f"line {line}: HEALTHCHECK in shell form runs /bin/sh, which may have no /dev/tcp: use the exec form with bash")
            if re.search(r"\b(curl|wget)\b", probe) and not any(
                    re.search(r"\b(curl|wget)\b", a) for _, w, a in final_ins if w == "RUN"):
                problems.append(f"line {line}: the HEALTHCHECK uses curl/wget, which the runtime stage does not install")

    # EXPOSE.
    exposed = set()
    for _, args in by_word.get("EXPOSE", []):
        for port in args.split():
            exposed.add(port.split("/")[0])
    for port in ("8080", "9080"):
        if port not in exposed:
            problems.append(f"EXPOSE {port} missing in the final stage")

    # ENTRYPOINT and CMD.
    entries = by_word.get("ENTRYPOINT", [])
    if not entries:
        problems.append("no ENTRYPOINT in the final stage")
    else:
        line, args = entries[-1]
        argv = exec_form(args)
        if argv is None:
            problems.append(f"line {line}: ENTRYPOINT in shell form: arguments and CMD would be ignored; use the exec form")
        else:
            joined = " ".join(argv)
            if "JAVA_OPTS" not in joined:
                problems.append(f"line {line}: the ENTRYPOINT does not pass $JAVA_OPTS to java")
            if "java" not in joined or "/opt/wsc/wsc.jar" not in joined:
                problems.append(f"line {line}: the ENTRYPOINT does not run java -jar /opt/wsc/wsc.jar")
            if len(argv) >= 2 and argv[1] == "-c":
                script = argv[2] if len(argv) > 2 else ""
                if '"$@"' not in script:
                    problems.append(f"line {line}: the ENTRYPOINT's script does not hand on \"$@\"")
                if not re.search(r"(^|[;&|]\s*)exec\s+java\b", script):
                    problems.append(f"line {line}: the ENTRYPOINT's script must `exec java` (else sh keeps PID 1 and java gets no SIGTERM)")
                if len(argv) < 4:
                    problems.append(f"line {line}: sh -c takes its first argument as $0: add a placeholder (\"--\") after the script, or the first argument is lost")
    if not by_word.get("CMD"):
        problems.append("no CMD in the final stage (the default command, `node`)")
    else:
        line, args = by_word["CMD"][-1]
        if exec_form(args) is None:
            problems.append(f"line {line}: CMD in shell form would be passed as `/bin/sh -c ...` to the ENTRYPOINT")

    # WSC_* variables.
    known = known_variables(config_md)
    admin_host = None
    for line, args in by_word.get("ENV", []):
        pairs = re.findall(r'(\w+)=("[^"]*"|\S+)', args) if "=" in args.split()[0] else [tuple(args.split(None, 1))]
        for key, value in pairs:
            value = value.strip('"')
            if key.startswith("WSC_") and key not in known:
                problems.append(f"line {line}: ENV {key}: not a setting of docs/configuration.md (a node refuses to start on it)")
            if key == "WSC_ADMIN_HOST":
                admin_host = value
    if admin_host != "0.0.0.0":
        problems.append("the final stage does not set WSC_ADMIN_HOST=0.0.0.0 (the operator listener would be unreachable from outside the container)")

    # .dockerignore.
    if not dockerignore.is_file():
        problems.append(f"{dockerignore.name} is missing")
    else:
        entries = {l.strip().rstrip("/") for l in dockerignore.read_text(encoding="utf-8").splitlines()
                   if l.strip() and not l.strip().startswith("#")}
        for need, forms in (("target", ("target", "**/target")), (".git", (".git",)),
                            ("node_modules", ("node_modules", "**/node_modules"))):
            if not entries.intersection(forms):
                problems.append(f"{dockerignore.name} does not exclude {need}")
    return problems, len(stages)


def main(argv):
    dockerfile = Path(argv[1]) if len(argv) > 1 else ROOT / "Dockerfile"
    dockerignore = Path(argv[2]) if len(argv) > 2 else dockerfile.parent / ".dockerignore"
    config_md = Path(argv[3]) if len(argv) > 3 else ROOT / "docs" / "configuration.md"
    result = check(dockerfile, dockerignore, config_md)
    problems, stages = (result, 0) if isinstance(result, list) else result
    if problems:
        for p in problems:
            print(f"{dockerfile}: {p}", file=sys.stderr)
        return 1
    print(f"{dockerfile.name}: valid ({stages} stages, pinned bases, non-root user, healthcheck, "
          f"JAVA_OPTS entrypoint, only the jar copied; {dockerignore.name} excludes target, .git, node_modules)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
