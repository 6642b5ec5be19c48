/* GMime for the modules that read mail as MIME (bounce, feedback): the
 * library started once, a message parsed from bytes, a part's content with
 * its transfer encoding undone -- each bounded. */
#ifndef MC_COMMON_MIME_H
#define MC_COMMON_MIME_H

#include <gmime/gmime.h>
#include <stddef.h>

/* At most this many multipart declarations in a message: GMime builds
 * every nested part (60,000 nested multiparts take seconds), and no real
 * bounce or report has more than a few. */
#define MC_MIME_MAX_MULTIPARTS 256

/* The message in data[0..len) (GMime's, unref it); NULL with *why (a
 * sentence) when it has no header field before the first blank line or
 * more than MC_MIME_MAX_MULTIPARTS multiparts. */
GMimeMessage *mc_mime_message(const char *data, size_t len, const char **why);
/* A leaf part's content, decoded, at most max bytes (NULL: no content). */
GByteArray *mc_mime_content(GMimePart *part, size_t max);
/* A text part's content in UTF-8: converted from its charset parameter
 * (ISO-2022-JP, Shift_JIS, EUC-JP, ISO-8859-*, ...; ISO-2022-JP also when
 * the parameter is missing and the text shifts into JIS), bytes the charset
 * does not allow skipped; as it is when UTF-8, ASCII or unknown to iconv.
 * At most max bytes. */
GByteArray *mc_mime_text(GMimePart *part, size_t max);
/* An embedded message (message/rfc822) as bytes. */
GByteArray *mc_mime_bytes(GMimeMessage *m);

#endif
