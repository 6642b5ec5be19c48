import sys, os, tempfile, subprocess, time
sys.path.insert(0,'../transport'); sys.path.insert(0,'.')
import servers, gen, pki
d=tempfile.mkdtemp()
ca=pki.CA(d+'/ca'); cert=ca.leaf(d+'/imap','imap.test',['imap.test'])
open(d+'/z.zone','w').write("$ORIGIN test.\n$TTL 300\n@ SOA ns.test. h.test. 1 1 1 1 1\nimap A 127.0.0.1\n")
with servers.Dovecot(cert, d+'/imap.key') as dv:
    rows=[gen.row("192.0.2.1", 1)]
    for i in range(2000):
        dv.deliver(gen.mail(gen.aggregate("m.test","r%d"%i,1,2,"shop.test",rows),"m.test","r%d"%i,"shop.test"),"%06d.m"%i)
    r=subprocess.run(['../../build/mailcheck','--zone',d+'/z.zone','report','-q','--no-lookups','--allow-private','--ca-file',ca.pem,'imaps://reports@imap.test:%d/INBOX'%dv.imaps],capture_output=True,text=True,env=dict(os.environ,MAILCHECK_IMAP_PASSWORD='s3cret',MC_IMAP_DEBUG='1'))
    print(r.stdout[:100], r.stderr[:800])
