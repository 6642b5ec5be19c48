// Preloaded into mailauth (node --require) so that its clock reads
// MAILCHECK_NOW (seconds since the epoch), as mailcheck's --now does: the test
// messages carry fixed t= and x= tags and must verify the same way every day.
'use strict';
const now = Number(process.env.MAILCHECK_NOW) * 1000;
if (!Number.isFinite(now)) {
    throw new Error('pin-clock.js: MAILCHECK_NOW must be seconds since the epoch');
}
const RealDate = Date;
class PinnedDate extends RealDate {
    constructor(...args) {
        if (args.length === 0) {
            super(now);
        } else {
            super(...args);
        }
    }
    static now() {
        return now;
    }
}
global.Date = PinnedDate;
