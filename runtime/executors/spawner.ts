/**
 * A long-lived helper that forks script wrappers for the engine. Forking the ~70 MB node
 * process costs ~1.2 ms of main-thread time per step (libuv fork+exec); a small helper forks
 * off the main thread and much cheaper. dash cannot make a background job a process-group
 * leader without a tty (`set -m` is refused) and `exec setsid` costs an extra exec (~0.6 ms),
 * so the helper is a few lines of perl (perl-base is always present on Debian; without perl we
 * fall back to a direct spawn). It forks, makes the child the leader of its own group,
 * sets the exact environment, and execs the same `sh -c WRAPPER …` argv as a direct spawn,
 * announcing the pid only once exec succeeded (so the group exists when we hear of it),
 * so crash re-attach and the /proc argv scan of find-orphan.ts see no difference (D-R2).
 *
 * Protocol, node → helper: `<id> <nbytes>\n` then nbytes of NUL-separated fields
 * (cwd, env count, K=V…, argv…). Helper → node: `<id> pid <pid>`, `<id> exit <code|sig>`,
 * `<id> err <message>`. The helper exits on stdin EOF and never kills its children, so an
 * engine SIGKILL leaves running steps running, exactly as with a direct spawn.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { isOwnedPidAlive, listPids, readCmdline } from './process-group.js';

export interface SpawnedJob {
  pid: number;
  /** Resolves with the exit code (null: killed by a signal, or unknown because the helper died). */
  exited: Promise<number | null>;
}

interface Pending {
  onPid: (pid: number | null) => void;
  onExit: (code: number | null) => void;
  pid: number | null;
  argv?: string[];
}

export const HELPER = String.raw`
$| = 1; binmode STDIN; binmode STDOUT;
my (%ids, %early, %failed, %which);
# execvp semantics with a cache: a long PATH otherwise costs one failed execve per entry per step.
sub which {
  my ($prog, $path) = @_;
  return $prog if index($prog, '/') >= 0;
  my $key = "$path\0$prog"; my $hit = $which{$key};
  return $hit if defined $hit && -f $hit && -x _;
  for my $d (split /:/, $path, -1) { my $f = ($d eq '' ? '.' : $d) . "/$prog"; if (-f $f && -x _) { $which{$key} = $f; return $f; } }
  return $prog;
}
$SIG{PIPE} = 'DEFAULT';
# Called from the main loop and as the SIGCHLD handler; a handler dispatched inside the loop's
# own call would overwrite $? between waitpid and its read, hence the guard.
our $reaping = 0;
sub reap {
  return if $reaping;
  local $reaping = 1; local ($?, $!);
  while ((my $p = waitpid(-1, 1)) > 0) {
    my $st = ($? & 127) ? 'sig' : ($? >> 8);
    if (delete $failed{$p}) { delete $early{$p}; next; }
    if (exists $ids{$p}) { my $id = delete $ids{$p}; print "$id exit $st\n"; } else { $early{$p} = $st; }
  }
}
# SIGCHLD makes exits prompt, but perl defers handlers to between ops: one that lands just
# before select() blocks would wait for the next request, which never comes while the engine
# waits for that very exit. So children are also reaped on every turn, and select() wakes
# every 20 ms while any child runs (an idle helper blocks for good).
$SIG{CHLD} = \&reap;
sub start {
  my ($id, $buf) = @_;
  my ($cwd, $ne, @rest) = split /\0/, $buf, -1;
  # The helper's own environment becomes the child's: only what changed since the last request
  # is set or removed (rebuilding %ENV in every child cost ~0.15 ms a step). Perl reads PERL5OPT
  # and friends only at start-up, so they cannot change the running helper.
  my %want; for (splice(@rest, 0, $ne)) { my ($k, $v) = split /=/, $_, 2; $want{$k} = $v; }
  for my $k (keys %ENV) { delete $ENV{$k} unless exists $want{$k}; }
  while (my ($k, $v) = each %want) { $ENV{$k} = $v unless defined $ENV{$k} && $ENV{$k} eq $v; }
  my $prog = which($rest[0], defined $ENV{PATH} ? $ENV{PATH} : '/usr/local/bin:/usr/bin:/bin');
  # Like libuv: a close-on-exec pipe tells us whether exec worked before we announce the pid.
  pipe(my $r, my $w) or do { print "$id err pipe: $!\n"; return; };
  my $pid = fork();
  if (!defined $pid) { close $r; close $w; print "$id err fork: $!\n"; return; }
  if ($pid == 0) {
    close $r;
    setpgrp(0, 0);
    open(STDIN, '<', '/dev/null'); open(STDOUT, '>', '/dev/null');
    exec { $prog } @rest if chdir($cwd);
    syswrite($w, "$!"); exit 127;
  }
  close $w;
  my $why = ''; while (1) { my $got = sysread($r, my $c, 512); if (defined $got) { last if $got == 0; $why .= $c; } elsif (!$!{EINTR}) { last; } }
  close $r;
  if ($why ne '') {
    $failed{$pid} = 1; if (exists $early{$pid}) { delete $early{$pid}; delete $failed{$pid}; }
    print "$id err $why\n"; return;
  }
  print "$id pid $pid\n";
  $ids{$pid} = $id;
  if (exists $early{$pid}) { delete $ids{$pid}; print "$id exit " . delete($early{$pid}) . "\n"; }
}
my $in = ''; my $rin = ''; vec($rin, fileno(STDIN), 1) = 1;
while (1) {
  while ((my $nl = index($in, "\n")) >= 0) {
    my ($id, $n) = split / /, substr($in, 0, $nl);
    last if length($in) < $nl + 1 + $n;
    my $buf = substr($in, $nl + 1, $n);
    substr($in, 0, $nl + 1 + $n) = '';
    start($id, $buf);
  }
  reap();
  my $ready = select(my $rout = $rin, undef, undef, %ids ? 0.02 : undef);
  next if $ready <= 0;
  my $got = sysread(STDIN, $in, 65536, length $in);
  if (defined $got) { last if $got == 0; } elsif (!$!{EINTR}) { last; }
}
`;

/** How often a job whose helper died is polled for exit. */
const ORPHAN_POLL_MS = 20;
/** Time for a child the helper forked just before dying to reach exec (a fork+exec takes ~1 ms). */
const UNANNOUNCED_GRACE_MS = 50;

/** Resolves `onExit(null)` once `pid` is gone; the exit-code file then tells the status. */
function watchPid(pid: number, onExit: (code: number | null) => void): void {
  const timer = setInterval(() => {
    if (isOwnedPidAlive(pid, pid)) return;
    clearInterval(timer);
    onExit(null);
  }, ORPHAN_POLL_MS);
}

/** A live process (not a zombie) whose argv is exactly `argv` (Linux /proc), else null. */
function findByArgv(argv: string[]): number | null {
  const want = argv.join('\0');
  for (const pid of listPids() ?? []) {
    if (readCmdline(pid)?.join('\0') === want && isOwnedPidAlive(pid, pid)) return pid;
  }
  return null;
}

class Spawner {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private buf = '';
  private writeChain: Promise<void> = Promise.resolve();
  dead = false;

  get pid(): number | undefined {
    return this.child.pid;
  }

  constructor() {
    // detached: terminal signals (Ctrl-C) must not reach the helper, as they never reach a step.
    // A bare env: PERL5OPT/PERL5LIB of the user must not change the helper; each child gets its env per request.
    const env = process.env.PATH === undefined ? {} : { PATH: process.env.PATH };
    this.child = spawn('perl', ['-e', HELPER], { stdio: ['pipe', 'pipe', 'ignore'], detached: true, env });
    // 'close', not 'exit': only once stdout is drained do we know which pids were announced.
    this.child.on('close', () => this.die());
    this.child.on('error', () => this.die()); // never started: nothing was forked
    this.child.stdin?.on('error', () => undefined); // EPIPE: 'close' follows
    this.child.stdout?.on('error', () => undefined);
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => this.onData(chunk));
    this.updateRef();
  }

  /** Forks `argv` in `cwd` with exactly `env`; null when the helper is gone (use a direct spawn). */
  async spawn(argv: string[], cwd: string, env: string[]): Promise<SpawnedJob | null> {
    if (this.dead) return null;
    const id = this.nextId++;
    let resolveExit!: (code: number | null) => void;
    const exited = new Promise<number | null>((r) => (resolveExit = r));
    const pid = await new Promise<number | null>((onPid) => {
      this.pending.set(id, { onPid, onExit: resolveExit, pid: null, argv });
      this.updateRef();
      const payload = Buffer.from([cwd, String(env.length), ...env, ...argv].join('\0'), 'utf8');
      this.write(Buffer.concat([Buffer.from(`${id} ${payload.length}\n`), payload]));
    });
    if (pid === null) {
      this.pending.delete(id);
      this.updateRef();
      return null;
    }
    return { pid, exited };
  }

  /** Writes in order, waiting for 'drain' when the pipe is full (env values can be MiBs). */
  private write(data: Buffer): void {
    this.writeChain = this.writeChain.then(
      () =>
        new Promise<void>((resolve) => {
          const stdin = this.child.stdin;
          if (this.dead || !stdin || stdin.destroyed) return resolve();
          if (stdin.write(data)) return resolve();
          const done = (): void => {
            stdin.off('drain', done);
            stdin.off('close', done);
            resolve();
          };
          stdin.on('drain', done);
          stdin.on('close', done);
        }),
    );
  }

  private onData(chunk: string): void {
    this.buf += chunk;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const [idText, kind, value] = this.buf.slice(0, nl).split(' ', 3);
      this.buf = this.buf.slice(nl + 1);
      const p = this.pending.get(Number(idText));
      if (!p) continue;
      if (kind === 'pid') {
        p.pid = Number(value);
        p.onPid(p.pid);
      } else if (kind === 'exit') {
        this.pending.delete(Number(idText));
        p.onExit(value === 'sig' ? null : Number(value));
      } else {
        this.pending.delete(Number(idText));
        p.onPid(null); // fork or exec failed: nothing runs, the caller spawns directly
      }
    }
    this.updateRef();
  }

  /**
   * The helper is gone: steps it never forked fall back to a direct spawn; steps it did fork
   * are watched by pid (their exit-code file is the result), so no completion is ever lost.
   */
  private die(): void {
    if (this.dead) return;
    this.dead = true;
    deaths++;
    if (current === this) current = null;
    for (const p of this.pending.values()) {
      if (p.pid === null) void this.settleUnannounced(p);
      else watchPid(p.pid, p.onExit);
    }
    this.pending.clear();
    this.child.stdin?.destroy();
  }

  /**
   * A request the helper took but never answered: it may have died between fork and
   * announcing the pid. Look for the child by its exact argv before falling back to a direct
   * spawn, so a step is never started twice.
   */
  private async settleUnannounced(p: Pending): Promise<void> {
    await new Promise((r) => setTimeout(r, UNANNOUNCED_GRACE_MS));
    const pid = p.argv ? findByArgv(p.argv) : null;
    if (pid === null) return p.onPid(null);
    p.onPid(pid);
    watchPid(pid, p.onExit);
  }

  /** Keep the event loop alive only while a step is in flight: an idle helper must not hold the CLI open. */
  private updateRef(): void {
    const busy = this.pending.size > 0;
    const handles = [this.child, this.child.stdout, this.child.stdin] as Array<{ ref(): void; unref(): void } | null>;
    for (const h of handles) {
      if (!h || typeof h.ref !== 'function') continue;
      if (busy) h.ref();
      else h.unref();
    }
  }
}

let current: Spawner | null = null;
/** Helper deaths so far: a helper that keeps dying (no perl, a hostile sandbox) is given up on. */
let deaths = 0;
const MAX_DEATHS = 3;

/** `env` as `K=V` strings, or null when it cannot go through the helper (NUL byte, `=` in a name). */
export function envEntries(env: NodeJS.ProcessEnv): string[] | null {
  const out: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    if (k === '' || k.includes('=') || k.includes('\0') || v.includes('\0')) return null;
    out.push(`${k}=${v}`);
  }
  return out;
}

/**
 * Starts `argv` (argv[0] looked up on env PATH) through the shared helper, started lazily and
 * restarted lazily after it died. Null means "not started, spawn it directly".
 */
export async function spawnViaHelper(argv: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<SpawnedJob | null> {
  const entries = envEntries(env);
  if (entries === null || [cwd, ...argv].some((a) => a.includes('\0'))) return null;
  if (deaths >= MAX_DEATHS) return null;
  try {
    current ??= new Spawner();
  } catch {
    return null;
  }
  return current.spawn(argv, cwd, entries);
}

/** The running helper's pid, if one is running (tests kill it to check the fallbacks). */
export function helperPid(): number | undefined {
  return current?.dead === false ? current.pid : undefined;
}
