/*
 * Status codes and the last error message.
 *
 * Every fallible function of libmailcheck returns an mc_status: MC_OK (0) or
 * one of a few negative codes. The message for the user is kept per thread
 * and read with mc_error_last(); it names the problem first and quotes the
 * subject, e.g. "cannot read zone file 'x.zone': line 12: bad TTL".
 */
#ifndef MAILCHECK_STATUS_H
#define MAILCHECK_STATUS_H

typedef enum mc_status {
	MC_OK = 0,
	MC_ENOTFOUND = -1, /* the thing asked for does not exist */
	MC_EPARSE = -2,    /* input could not be parsed */
	MC_ETEMP = -3,     /* temporary failure (DNS timeout, SERVFAIL) */
	MC_ENOMEM = -4,    /* out of memory */
	MC_EINVAL = -5,    /* invalid argument */
	MC_EIO = -6,       /* cannot read or write a file or socket */
} mc_status;

/* The message of the last error set on this thread ("" when none), in
 * English: the words of JSON's error objects. */
const char *mc_error_last(void);
/* The same message in the locale's language (as mc_error_last() when its
 * catalogue has none): for people. */
const char *mc_error_last_text(void);

/* Forget the last error. */
void mc_error_clear(void);

#endif
