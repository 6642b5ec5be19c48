// Batch side of the benchmark for mailauth: verify every message of an mbox
// in one Node.js process, one after another, with mailauth's authenticate()
// (what `mailauth report` runs per message) and a DNS cache made from the
// zone files by tests/agreement/zone2cache.py. Prints "N pass, N messages".
//   node --require tests/agreement/pin-clock.js bench/mailauth_batch.js MAILAUTH_DIR CACHE MBOX
'use strict';
const fs = require('fs');
const path = require('path');
const [dir, cachePath, mboxPath] = process.argv.slice(2);
const { authenticate } = require(path.resolve(dir));
const cache = JSON.parse(fs.readFileSync(cachePath, 'utf-8'));

async function resolver(name, type) {
    const answer = cache[name.toLowerCase()]?.[type];
    if (!answer) {
        const err = new Error('not found');
        err.code = 'ENOTFOUND';
        throw err;
    }
    return answer;
}

async function main() {
    const mbox = fs.readFileSync(mboxPath, 'latin1');
    const messages = mbox.split(/^From .*\n/m).filter(m => m.length > 0);
    let pass = 0;
    for (const m of messages) {
        const res = await authenticate(Buffer.from(m.replace(/\n/g, '\r\n'), 'latin1'), {
            ip: '203.0.113.5', helo: 'o5.out.mailer.test', sender: 'bounce@bounces.mailer.test',
            mta: 'mx.example.com', resolver
        });
        if (res.dmarc?.status?.result === 'pass') {
            pass++;
        }
    }
    console.log(`${pass} pass, ${messages.length} messages`);
}

main().catch(err => {
    console.error(err);
    process.exit(1);
});
