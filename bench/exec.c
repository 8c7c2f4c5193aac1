// SPDX-License-Identifier: GPL-2.0
/*
 * vt-bench-exec: run a tracer and measure it from the outside.
 *
 *   vt-bench-exec [-r TEXT] [-t TIMEOUT] [-d SECONDS] [-s INT|TERM]
 *                 [-o FILE] [-e FILE] -- COMMAND [ARG...]
 *
 * Starts COMMAND with its stdout and stderr on pipes and reads both:
 *   -r TEXT     the line that says the command is ready (vfio-trace: "Hit
 *               Ctrl-C"); the time from just before fork+exec to that line is
 *               its start-up time. Without -r the command runs to its own end.
 *   -t TIMEOUT  seconds to wait for TEXT before giving up (default 300)
 *   -d SECONDS  once ready, let it run this long (default 0), then stop it with
 *               -s's signal (default TERM). A SIGTERM or SIGINT to vt-bench-exec
 *               ends this run early, so a script can stop it when its own
 *               workload is done.
 *   -o, -e      copy its stdout or stderr to FILE; stdout is always counted
 *               (lines and bytes), so an event stream can be measured without
 *               a second reader.
 *
 * Prints key=value lines on stdout: at ready "ready_ms ready_cpu_ms ready_rss_kb"
 * (flushed at once, so a script can poll for it), and at the end "run_ms
 * run_cpu_ms hwm_kb rss_kb rss_anon_kb rss_file_kb stdout_lines stdout_bytes
 * exit signal total_cpu_ms maxrss_kb" (the memory figures are VmHWM, VmRSS,
 * RssAnon and RssFile just before the stop signal). CPU times come from
 * /proc/PID/task/ * /schedstat (nanoseconds on CPU, all threads) around the
 * run, and from the child's rusage for the total.
 * Exits 0 when the command became ready (or, without -r, ran) and ended by
 * itself or by our signal; 1 otherwise; 2 on a bad command line.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

static volatile sig_atomic_t stop_early;

static void on_signal(int sig)
{
	stop_early = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Nanoseconds on CPU of every thread of @pid so far (schedstat's first field). */
static uint64_t cpu_ns(pid_t pid)
{
	char path[64], file[400];
	unsigned long long ns;
	uint64_t sum = 0;
	struct dirent *de;
	FILE *f;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s/schedstat", path, de->d_name);
		f = fopen(file, "r");
		if (!f)
			continue;
		if (fscanf(f, "%llu", &ns) == 1)
			sum += ns;
		fclose(f);
	}
	closedir(dir);
	return sum;
}

/* A "Name:   N kB" field of /proc/PID/status, or 0. */
static unsigned long status_kb(pid_t pid, const char *field)
{
	char path[64], line[256];
	unsigned long kb = 0;
	size_t len = strlen(field);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':')
			kb = strtoul(line + len + 1, NULL, 10);
	fclose(f);
	return kb;
}

struct stream {
	int fd;
	FILE *copy;
	char line[4096]; /* the current line, for the ready match */
	size_t len;
	uint64_t lines, bytes;
};

/* Read what is there; true when @text completed a line. -1 at EOF. */
static int drain(struct stream *s, const char *text)
{
	char buf[65536];
	ssize_t n, i;
	int found = 0;

	n = read(s->fd, buf, sizeof(buf));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (n == 0)
		return -1;
	if (s->copy)
		fwrite(buf, 1, (size_t)n, s->copy);
	s->bytes += (uint64_t)n;
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			s->line[s->len] = '\0';
			if (text && strstr(s->line, text))
				found = 1;
			s->len = 0;
			s->lines++;
		} else if (s->len < sizeof(s->line) - 1) {
			s->line[s->len++] = buf[i];
		}
	}
	return found;
}

static int usage(void)
{
	fprintf(stderr, "usage: vt-bench-exec [-r TEXT] [-t TIMEOUT] [-d SECONDS] [-s INT|TERM] "
			"[-o FILE] [-e FILE] -- COMMAND [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *ready_text = NULL, *out_file = NULL, *err_file = NULL;
	double timeout_s = 300, run_s = 0;
	int stop_sig = SIGTERM, opt, outp[2], errp[2], status = 0, i, open_streams = 2;
	struct stream st[2] = {};
	struct sigaction sa = { .sa_handler = on_signal };
	struct rusage ru = {};
	uint64_t t0, t_ready = 0, t_stop = 0, cpu_ready = 0, cpu_stop = 0;
	unsigned long hwm = 0, rss = 0, rss_anon = 0, rss_file = 0;
	bool ready = false, signalled = false, exited = false;
	pid_t pid;

	while ((opt = getopt(argc, argv, "r:t:d:s:o:e:")) != -1) {
		switch (opt) {
		case 'r': ready_text = optarg; break;
		case 't': timeout_s = strtod(optarg, NULL); break;
		case 'd': run_s = strtod(optarg, NULL); break;
		case 's': stop_sig = !strcmp(optarg, "INT") ? SIGINT : SIGTERM; break;
		case 'o': out_file = optarg; break;
		case 'e': err_file = optarg; break;
		default: return usage();
		}
	}
	if (optind >= argc)
		return usage();
	if (out_file && !(st[0].copy = fopen(out_file, "w"))) {
		perror(out_file);
		return 1;
	}
	if (err_file && !(st[1].copy = fopen(err_file, "w"))) {
		perror(err_file);
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (pipe(outp) || pipe(errp)) {
		perror("vt-bench-exec: pipe");
		return 1;
	}

	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		perror("vt-bench-exec: fork");
		return 1;
	}
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		dup2(outp[1], STDOUT_FILENO);
		dup2(errp[1], STDERR_FILENO);
		close(outp[0]);
		close(outp[1]);
		close(errp[0]);
		close(errp[1]);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "vt-bench-exec: cannot run %s: %s\n", argv[optind],
			strerror(errno));
		_exit(127);
	}
	close(outp[1]);
	close(errp[1]);
	st[0].fd = outp[0];
	st[1].fd = errp[0];
	if (!ready_text)
		ready = true; /* nothing to wait for: the run is the whole command */

	while (open_streams) {
		struct pollfd pfd[2];
		uint64_t now = now_ns();
		int n = 0;

		/* Time to stop it: not ready in time, the run is over, or we were told. */
		if (!signalled && ready_text &&
		    ((!ready && now - t0 > (uint64_t)(timeout_s * 1e9)) ||
		     (ready && now - t_ready >= (uint64_t)(run_s * 1e9)) || stop_early)) {
			if (ready) {
				t_stop = now;
				cpu_stop = cpu_ns(pid);
				hwm = status_kb(pid, "VmHWM");
				rss = status_kb(pid, "VmRSS");
				rss_anon = status_kb(pid, "RssAnon");
				rss_file = status_kb(pid, "RssFile");
			}
			kill(pid, ready ? stop_sig : SIGKILL);
			signalled = true;
		}
		for (i = 0; i < 2; i++) {
			pfd[i].fd = st[i].fd;
			pfd[i].events = POLLIN;
			n += st[i].fd >= 0;
		}
		if (!n)
			break;
		if (poll(pfd, 2, 20) < 0 && errno != EINTR)
			break;
		for (i = 0; i < 2; i++) {
			int r;

			if (st[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = drain(&st[i], ready ? NULL : ready_text);
			if (r < 0) {
				close(st[i].fd);
				st[i].fd = -1;
				open_streams--;
			} else if (r > 0 && !ready) {
				t_ready = now_ns();
				ready = true;
				cpu_ready = cpu_ns(pid);
				printf("ready_ms=%.1f ready_cpu_ms=%.1f ready_rss_kb=%lu\n",
				       (double)(t_ready - t0) / 1e6, (double)cpu_ready / 1e6,
				       status_kb(pid, "VmRSS"));
				fflush(stdout);
			}
		}
	}
	/* Both pipes are closed: it has exited, or is about to. */
	if (wait4(pid, &status, 0, &ru) == pid)
		exited = true;
	if (!t_stop) {
		t_stop = now_ns();
		cpu_stop = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000u +
			   (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000u;
	}
	if (!ready_text)
		t_ready = t0;
	if (!hwm)
		hwm = (unsigned long)ru.ru_maxrss;
	printf("run_ms=%.1f run_cpu_ms=%.2f hwm_kb=%lu rss_kb=%lu rss_anon_kb=%lu rss_file_kb=%lu"
	       " stdout_lines=%" PRIu64 " stdout_bytes=%" PRIu64
	       " exit=%d signal=%d total_cpu_ms=%.1f maxrss_kb=%ld\n",
	       ready ? (double)(t_stop - t_ready) / 1e6 : -1.0,
	       ready ? (double)(cpu_stop - cpu_ready) / 1e6 : -1.0, hwm, rss, rss_anon, rss_file,
	       st[0].lines, st[0].bytes, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
	       WIFSIGNALED(status) ? WTERMSIG(status) : 0,
	       (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3,
	       ru.ru_maxrss);
	if (!ready)
		printf("ready_ms=-1\n");
	for (i = 0; i < 2; i++)
		if (st[i].copy)
			fclose(st[i].copy);
	if (!exited || !ready)
		return 1;
	if (WIFSIGNALED(status) && !(signalled && WTERMSIG(status) == stop_sig))
		return 1;
	return 0;
}
