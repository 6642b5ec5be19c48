"""A test CA and leaf certificates made with the openssl command at test time."""
import os
import subprocess

CA_CNF = """[ca]
default_ca = ca
[ca]
database = {d}/index.txt
new_certs_dir = {d}
serial = {d}/serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[any]
commonName = supplied
"""


def _run(*args, cwd=None):
    subprocess.run(args, check=True, cwd=cwd, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


class CA:
    def __init__(self, d, name="mailcheck test CA"):
        self.d = d
        os.makedirs(d, exist_ok=True)
        self.key, self.pem = f"{d}/ca.key", f"{d}/ca.pem"
        _run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", self.key, "-out", self.pem, "-days", "30",
             "-subj", f"/CN={name}")
        open(f"{d}/index.txt", "w").close()
        open(f"{d}/serial", "w").write("1000\n")
        open(f"{d}/ca.cnf", "w").write(CA_CNF.format(d=d))

    def leaf(self, out, cn, names, start=None, end=None, days=30, ext=""):
        """out.pem (leaf then CA) and out.key; dates as YYYYMMDDHHMMSSZ."""
        extfile = f"{out}.ext"
        open(extfile, "w").write("subjectAltName=" + ",".join("DNS:" + n for n in names) +
                                 "\n" + ext)
        _run("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", f"{out}.key", "-out", f"{out}.csr", "-subj", f"/CN={cn}")
        dates = ["-startdate", start, "-enddate", end] if start else ["-days", str(days)]
        _run("openssl", "ca", "-batch", "-notext", "-config", f"{self.d}/ca.cnf",
             "-cert", self.pem, "-keyfile", self.key, "-in", f"{out}.csr",
             "-out", f"{out}.leaf", "-extfile", extfile, *dates)
        with open(f"{out}.pem", "w") as f:
            f.write(open(f"{out}.leaf").read() + open(self.pem).read())
        return f"{out}.pem"
