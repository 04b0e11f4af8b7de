/*
 * harness: the server process. Start recruitd (and a second instance, and
 * an SMTP server) for a suite, stop it and judge its log, the scheduler's
 * clock, shell commands. The other parts: harness_http.c (requests and
 * their assertions), harness_db.c (the database and the store),
 * harness_mail.c (the e-mails delivered), harness_fixtures.c (records made
 * through the API).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"
#include "harness_parts.h"

static pid_t server;
static pid_t second; /* a second instance on the same databases, when the suite starts one */
static char base[96];
static char bases[2][96]; /* the instances' */
static char log_path[512];
static char second_log[600];
static char mail_dir[512];
static char clock_path[512]; /* RECRUITD_TEST_CLOCK: the scheduler's time, once a test writes it */
static char smtp_dir[512];   /* the SMTP server's maildir, when the suite runs one */
static char **forbidden;
static size_t nforbidden;

struct staff staff;

const char *
api_base(void)
{
	return base;
}

static int
free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) != 0)
		abort();
	close(s);
	return ntohs(a.sin_port);
}

static const char *
need_env(const char *name)
{
	const char *v = getenv(name);
	if (v == NULL || *v == '\0') {
		fprintf(stderr, "harness: %s is not set (run through scripts/test.sh)\n", name);
		exit(1);
	}
	return v;
}

static void
wait_ready(void)
{
	for (int i = 0; i < 200; i++) {
		struct resp *r = http("GET", "/healthz", NULL, NULL, NULL, NULL);
		long st = r->status;
		resp_free(r);
		if (st == 200)
			return;
		usleep(50000);
	}
	fprintf(stderr, "harness: the server did not come up; see %s\n", log_path);
	exit(1);
}

static const char *const *extra_settings;
static pid_t spawn(const char *bin, const char *listen, const char *log);
static pid_t smtpd;           /* the suite's SMTP server, when it runs one */
static char smtp_setting[96]; /* RECRUITD_SMTP_URL=... for it */
static const char *smtp_settings[16];

int
api_start_with(const char *const *settings)
{
	extra_settings = settings;
	return api_start(NULL);
}

int
api_start(void **state)
{
	const char *bin = need_env("RECRUITD_TEST_BIN");
	const char *url = need_env("RECRUITD_DATABASE_URL");
	const char *logdir = getenv("RECRUITD_TEST_LOGDIR");
	char listen[64];
	int port = free_port();

	(void)state;
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	snprintf(base, sizeof(base), "http://%s", listen);
	snprintf(log_path, sizeof(log_path), "%s/recruitd-%d.log", logdir ? logdir : "/tmp",
	         (int)getpid());
	snprintf(mail_dir, sizeof(mail_dir), "%s/eml-%d", logdir ? logdir : "/tmp", (int)getpid());
	mkdir(mail_dir, 0700);
	snprintf(clock_path, sizeof(clock_path), "%s/clock-%d", logdir ? logdir : "/tmp",
	         (int)getpid());
	unlink(clock_path); /* no clock: the scheduler does nothing until a test sets one */
	harness_http_open();
	snprintf(bases[0], sizeof(bases[0]), "%s", base);
	server = spawn(bin, listen, log_path);
	harness_db_open(url);
	wait_ready();
	staff.hr = staff_token("hr", staff.hr_name);
	staff.recruiter = staff_token("recruiter", staff.recruiter_name);
	return 0;
}

int
api_start_second(void)
{
	char listen[64];

	snprintf(listen, sizeof(listen), "127.0.0.1:%d", free_port());
	snprintf(bases[1], sizeof(bases[1]), "http://%s", listen);
	snprintf(second_log, sizeof(second_log), "%s.second", log_path);
	second = spawn(need_env("RECRUITD_TEST_BIN"), listen, second_log);
	api_use(1);
	wait_ready();
	api_use(0);
	return 0;
}

int
api_second_pid(void)
{
	return (int)second;
}

void
api_second_reaped(void)
{
	waitpid(second, NULL, 0);
	second = 0;
}

void
api_use(int instance)
{
	snprintf(base, sizeof(base), "%s", bases[instance]);
}

const char *
api_base_of(int instance)
{
	return bases[instance];
}

/* Start bin listening on listen, its log to log: the child's pid. */
static pid_t
spawn(const char *bin, const char *listen, const char *log)
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM); /* a test that dies takes its server along */
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, STDERR_FILENO);
		setenv("RECRUITD_LISTEN", listen, 1);
		setenv("RECRUITD_MAX_JSON_BYTES", "65536", 1);
		setenv("RECRUITD_DB_WAIT_MS", "2000", 1);
		setenv("RECRUITD_MAIL_DIR", mail_dir, 1);
		setenv("RECRUITD_MAIL_INTERVAL_MS", "50", 1);
		setenv("RECRUITD_PUBLIC_URL", TEST_PUBLIC_URL, 1);
		setenv("RECRUITD_TEST_CLOCK", clock_path, 1);
		/* Every suite applies from 127.0.0.1 many times a minute; test_limits tests the
		 * limits themselves with their defaults. */
		setenv("RECRUITD_RATE_PER_ADDRESS_MINUTE", "1000000", 1);
		for (const char *const *e = extra_settings; e && *e; e++)
			putenv(strdup(*e)); /* the child execs at once */
		execl(bin, bin, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* PostgreSQL's own log (RECRUITD_TEST_PG_LOG) must not hold them either. */
static void
check_pg_log(void)
{
	const char *path = getenv("RECRUITD_TEST_PG_LOG");
	FILE *f = path ? fopen(path, "r") : NULL;
	char line[8192];
	long n = 0;

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f)) {
		n++;
		for (size_t i = 0; i < nforbidden; i++)
			if (strstr(line, forbidden[i]) != NULL)
				fail_msg("PostgreSQL's log holds personal data: line %ld", n);
		if (strstr(line, "there is no transaction in progress") != NULL)
			fail_msg("a stray ROLLBACK in PostgreSQL's log: line %ld", n);
	}
	fclose(f);
}

static void
check_log(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		for (size_t i = 0; i < nforbidden; i++)
			if (strstr(line, forbidden[i]) != NULL)
				fail_msg("the server log holds personal data: line %d", n + 1);
		n++;
	}
	fclose(f);
	assert_true(n > 0);
}

static bool terminated;

int
api_server_pid(void)
{
	return (int)server;
}

void
api_sigterm(void)
{
	kill(server, SIGTERM);
	terminated = true;
}

int
api_start_with_smtp(const char *const *settings)
{
	const char *logdir = getenv("RECRUITD_TEST_LOGDIR");
	int port = free_port(), n = 0;

	/* a maildir the server makes (with its tmp/, new/, cur/); mail_find reads its new/ */
	snprintf(smtp_dir, sizeof(smtp_dir), "%s/smtp-%d", logdir ? logdir : "/tmp", (int)getpid());
	smtpd = fork();
	if (smtpd == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		char listen[32];
		snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
		execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen, "-c",
		      "aiosmtpd.handlers.Mailbox", smtp_dir, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100; i++) { /* until it answers */
		struct sockaddr_in a = {.sin_family = AF_INET,
		                        .sin_port = htons((uint16_t)port),
		                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		int s = socket(AF_INET, SOCK_STREAM, 0);
		int ok = connect(s, (struct sockaddr *)&a, sizeof(a)) == 0;
		close(s);
		if (ok)
			break;
		usleep(100000);
	}
	snprintf(smtp_setting, sizeof(smtp_setting), "RECRUITD_SMTP_URL=smtp://127.0.0.1:%d", port);
	smtp_settings[n++] = smtp_setting;
	for (const char *const *e = settings; e && *e && n < 15; e++)
		smtp_settings[n++] = *e;
	smtp_settings[n] = NULL;
	return api_start_with(smtp_settings);
}

const char *
api_smtp_dir(void)
{
	return smtp_dir;
}

const char *
api_smtp_url(void)
{
	return smtp_setting + strlen("RECRUITD_SMTP_URL=");
}

/* SIGTERM must stop a server within its drain timeout (10 s), whatever the clients did. */
static void
stopped(pid_t pid, const char *log)
{
	int status = 0;
	pid_t done = 0;

	for (int i = 0; i < 300 && (done = waitpid(pid, &status, WNOHANG)) == 0; i++)
		usleep(100000);
	if (done == 0) {
		fprintf(stderr, "harness: recruitd did not stop within 30 s of SIGTERM; see %s\n",
		        log);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		exit(1);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "harness: recruitd did not exit 0 on SIGTERM (status %d); see %s\n",
		        status, log);
		exit(1);
	}
}

int
api_stop(void **state)
{
	(void)state;
	if (!terminated)
		kill(server, SIGTERM);
	stopped(server, log_path);
	if (second > 0) {
		kill(second, SIGTERM);
		stopped(second, second_log);
		second = 0;
		check_log(second_log);
	}
	unlink(clock_path);
	api_use(0);
	if (smtpd > 0) {
		kill(smtpd, SIGTERM);
		waitpid(smtpd, NULL, 0);
		smtpd = 0;
	}
	check_log(log_path);
	check_pg_log();
	free(staff.hr);
	free(staff.recruiter);
	staff.hr = staff.recruiter = NULL;
	harness_http_close();
	harness_db_close();
	for (size_t i = 0; i < nforbidden; i++)
		free(forbidden[i]);
	free(forbidden);
	forbidden = NULL;
	nforbidden = 0; /* a suite may start the server again */
	terminated = false;
	return 0;
}

void
forbid_in_log(const char *s)
{
	forbidden = xrealloc(forbidden, (nforbidden + 1) * sizeof(*forbidden));
	forbidden[nforbidden++] = xstrdup(s);
}

int
run_env_command(const char *var)
{
	return system(need_env(var));
}

const char *
api_mail_dir(void)
{
	return mail_dir;
}

void
api_reset_peak(void)
{
	char clear[64];
	snprintf(clear, sizeof(clear), "/proc/%d/clear_refs", api_server_pid());
	FILE *f = fopen(clear, "w"); /* "5": the peak starts again from now */
	assert_non_null(f);
	fputs("5", f);
	fclose(f);
}

long
api_status_kb(const char *field)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", api_server_pid());
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, strlen(field)) == 0 && line[strlen(field)] == ':')
			kb = atol(line + strlen(field) + 1);
	fclose(f);
	return kb;
}

const char *
api_clock_path(void)
{
	return clock_path;
}

void
api_clock_set(time_t t)
{
	char tmp[600], line[32];
	struct tm tm;
	FILE *f;

	gmtime_r(&t, &tm);
	strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(tmp, sizeof(tmp), "%s.new", clock_path);
	assert_non_null(f = fopen(tmp, "w"));
	fprintf(f, "%s\n", line);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, clock_path), 0); /* never half a time */
}

/* recruitd_scheduler_ticks_total of the instance now in use. */
static long
scheduler_ticks(void)
{
	struct resp *r = http("GET", "/metrics", NULL, NULL, NULL, NULL);
	const char *at = r->body ? strstr(r->body, "\nrecruitd_scheduler_ticks_total ") : NULL;
	long n = at ? strtol(at + 32, NULL, 10) : -1;

	assert_int_equal(r->status, 200);
	resp_free(r);
	assert_true(n >= 0);
	return n;
}

long
api_scheduler_ticks(int instance)
{
	api_use(instance);
	long n = scheduler_ticks();
	api_use(0);
	return n;
}

void
api_scheduler_kick(int instance)
{
	assert_int_equal(kill(instance == 0 ? server : second, SIGUSR1), 0);
}

void
api_scheduler_wait(int instance, long before)
{
	/* a bound for a broken server (10 s), not a wait for time to pass */
	for (int i = 0; i < 1000 && api_scheduler_ticks(instance) <= before; i++)
		usleep(10000);
	assert_true(api_scheduler_ticks(instance) > before);
}

void
api_scheduler_tick(int instance)
{
	long before = api_scheduler_ticks(instance);

	api_scheduler_kick(instance);
	api_scheduler_wait(instance, before);
}

/* A shell command made from a format: its exit status (0 when it succeeded). */
int
shell(const char *fmt, ...)
{
	va_list ap;
	char *cmd;

	va_start(ap, fmt);
	assert_true(vasprintf(&cmd, fmt, ap) > 0);
	va_end(ap);
	int rc = system(cmd);
	free(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
}
