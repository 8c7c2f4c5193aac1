// SPDX-License-Identifier: GPL-2.0
/* The full-screen terminal: raw keys, the alternate screen (terminal.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "terminal.h"

/* xterm's: the alternate screen (1049) keeps the user's scrollback as it
 * was; 25 shows or hides the cursor. Every terminal emulator in use has
 * them, so no terminfo database is needed. */
#define ENTER "\033[?1049h\033[?25l"
#define LEAVE "\033[?25h\033[?1049l"

int vt_terminal_open(struct vt_terminal *t)
{
	struct termios raw;

	t->full_screen = false;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return 0;
	if (tcgetattr(STDIN_FILENO, &t->saved))
		return -errno;
	raw = t->saved;
	/* Keys as they are typed, not echoed; ^C still sends SIGINT, which
	 * ends the run like q, and output processing stays on. */
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw))
		return -errno;
	t->full_screen = true;
	fputs(ENTER, stdout);
	fflush(stdout);
	return 0;
}

void vt_terminal_close(struct vt_terminal *t)
{
	if (!t->full_screen)
		return;
	fputs(LEAVE, stdout);
	fflush(stdout);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &t->saved);
	t->full_screen = false;
}

void vt_terminal_clear(FILE *f)
{
	fputs("\033[H\033[2J", f);
}

void vt_terminal_size(unsigned *rows, unsigned *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

int vt_terminal_key(const struct vt_terminal *t, int timeout_ms)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	unsigned char c;
	ssize_t n;

	if (!t->full_screen) {
		/* Batch mode reads no keys: stdin may be anything. */
		poll(NULL, 0, timeout_ms);
		return 0;
	}
	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	n = read(STDIN_FILENO, &c, 1);
	if (n == 1)
		return c;
	return n == 0 || errno != EINTR ? -1 : 0;
}
