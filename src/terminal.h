/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The terminal of a full-screen command (`vfio-trace top`): keys one at a
 * time without echo, the alternate screen, and everything put back as it was
 * on the way out, whatever ends the run.
 */
#ifndef VT_TERMINAL_H
#define VT_TERMINAL_H

#include <stdbool.h>
#include <stdio.h>
#include <termios.h>

struct vt_terminal {
	bool full_screen; /* stdin and stdout are a terminal, and we took it */
	struct termios saved;
};

/* Takes the terminal when stdin and stdout are one: no canonical input, no
 * echo, the alternate screen, the cursor hidden. Otherwise leaves
 * full_screen false and changes nothing (batch mode). 0 or -errno. */
int vt_terminal_open(struct vt_terminal *t);
/* Puts back what vt_terminal_open() changed; safe to call twice. */
void vt_terminal_close(struct vt_terminal *t);
/* Clears the screen and homes the cursor, for the next frame. */
void vt_terminal_clear(FILE *f);
/* Rows and columns of the screen; 24 and 80 when it does not say. */
void vt_terminal_size(unsigned *rows, unsigned *cols);
/* A key pressed within @timeout_ms: its byte, 0 when none came, -1 when
 * stdin is closed or unreadable. */
int vt_terminal_key(const struct vt_terminal *t, int timeout_ms);

#endif
