"""Servers the store tests start on 127.0.0.1 and stop after: a PostgreSQL
(initdb into a temporary directory, as the postgres user: initdb refuses
root) and a Dovecot IMAP server (a passwd-file user, a Maildir, TLS with a
test CA made by openssl)."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, seconds=20):
    end = time.time() + seconds
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def pg_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return os.path.dirname(found[-1]) if found else None


class Postgres:
    """with Postgres() as pg: pg.url("dbname") after pg.createdb("dbname")."""

    def __init__(self):
        self.bin = pg_bin()
        self.dir = None
        self.port = None

    def _as_pg(self, *args, **kw):
        cmd = list(args)
        if os.getuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        return subprocess.run(cmd, capture_output=True, text=True, **kw)

    def __enter__(self):
        if not self.bin:
            raise RuntimeError("no PostgreSQL server (package postgresql)")
        self.dir = tempfile.mkdtemp(prefix="mc-pg-")
        os.chmod(self.dir, 0o755)
        data = os.path.join(self.dir, "data")
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        r = self._as_pg(os.path.join(self.bin, "initdb"), "-D", data, "-A", "trust",
                        "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C")
        if r.returncode:
            raise RuntimeError("initdb: " + r.stderr)
        self.port = free_port()
        opts = "-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off" % (self.port, self.dir)
        r = self._as_pg(os.path.join(self.bin, "pg_ctl"), "-D", data, "-o", opts, "-w",
                        "-l", os.path.join(self.dir, "log"), "start")
        if r.returncode:
            raise RuntimeError("pg_ctl start: " + r.stderr + r.stdout)
        return self

    def createdb(self, name):
        r = self._as_pg(os.path.join(self.bin, "createdb"), "-h", "127.0.0.1", "-p",
                        str(self.port), "-U", "postgres", name)
        if r.returncode:
            raise RuntimeError("createdb: " + r.stderr)

    def url(self, name):
        return "postgresql://postgres@127.0.0.1:%d/%s" % (self.port, name)

    def sql(self, name, query):
        """Rows of a query, through psql (tab-separated)."""
        r = self._as_pg(os.path.join(self.bin, "psql"), "-h", "127.0.0.1", "-p",
                        str(self.port), "-U", "postgres", "-d", name, "-At", "-F", "\t",
                        "-c", query)
        if r.returncode:
            raise RuntimeError("psql: " + r.stderr)
        return [line.split("\t") for line in r.stdout.splitlines()]

    def __exit__(self, *exc):
        if self.dir:
            self._as_pg(os.path.join(self.bin, "pg_ctl"), "-D",
                        os.path.join(self.dir, "data"), "-m", "immediate", "stop")
            shutil.rmtree(self.dir, ignore_errors=True)


DOVECOT_CONF = """
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/log
info_log_path = {d}/log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={d}/home/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


class Dovecot:
    """A Dovecot IMAP server with one user; put messages with deliver()."""

    def __init__(self, cert, key, user="reports", password="s3cret"):
        self.cert, self.key, self.user, self.password = cert, key, user, password

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="mc-imap-")
        os.chmod(self.dir, 0o755)
        self.imap, self.imaps = free_port(), free_port()
        for sub in ("run", "state", "home"):
            os.makedirs(os.path.join(self.dir, sub))
        with open(os.path.join(self.dir, "passwd"), "w") as f:
            f.write("%s:{PLAIN}%s\n" % (self.user, self.password))
        self.maildir = os.path.join(self.dir, "home", self.user, "Maildir")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(self.maildir, sub))
        if os.getuid() == 0:
            for root, dirs, _ in os.walk(os.path.join(self.dir, "home")):
                shutil.chown(root, "dovecot", "dovecot")
                for x in dirs:
                    shutil.chown(os.path.join(root, x), "dovecot", "dovecot")
        conf = os.path.join(self.dir, "dovecot.conf")
        with open(conf, "w") as f:
            f.write(DOVECOT_CONF.format(d=self.dir, cert=self.cert, key=self.key,
                                        imap=self.imap, imaps=self.imaps))
        self.proc = subprocess.Popen(["dovecot", "-F", "-c", conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if not (wait_port(self.imaps) and wait_port(self.imap)):
            self.__exit__()
            raise RuntimeError("dovecot did not start: " + self.log())
        return self

    def deliver(self, data, name):
        """A message into the Maildir's new/ (unread)."""
        path = os.path.join(self.maildir, "new", name)
        with open(path, "wb") as f:
            f.write(data)
        if os.getuid() == 0:
            shutil.chown(path, "dovecot", "dovecot")

    def files(self, folder=""):
        """The Maildir's file names (cur and new) of a folder ("" the inbox)."""
        base = os.path.join(self.maildir, "." + folder) if folder else self.maildir
        out = []
        for sub in ("cur", "new"):
            p = os.path.join(base, sub)
            if os.path.isdir(p):
                out += [os.path.join(sub, n) for n in sorted(os.listdir(p))]
        return out

    def log(self):
        try:
            return open(os.path.join(self.dir, "log")).read()[-2000:]
        except OSError:
            return ""

    def __exit__(self, *exc):
        if getattr(self, "proc", None):
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
