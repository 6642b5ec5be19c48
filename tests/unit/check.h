/* A minimal unit-test harness: CHECK records a failure and goes on; each
 * test binary ends with "N passed, N failed" and a non-zero exit on failure. */
#ifndef MC_TEST_CHECK_H
#define MC_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

extern int check_failures;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		check_failures++; \
	} } while (0)

#define CHECK_STR(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_) != 0) { \
		fprintf(stderr, "%s:%d: '%s' != '%s'\n", __FILE__, __LINE__, \
		        a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
		check_failures++; \
	} } while (0)

typedef void (*test_fn)(void);
struct test { const char *name; test_fn fn; };

/* Run every test; prints one line per test and the summary. */
int run_tests(const struct test *tests, size_t n);

#define RUN(tests) run_tests(tests, sizeof(tests) / sizeof(tests[0]))

#endif
