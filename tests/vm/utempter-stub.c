// SPDX-License-Identifier: GPL-2.0
/*
 * libutempter.so.0 for the test-bed guest's tmux (tests/vm/pack-tmux), in
 * place of Debian's: every call does nothing and says it worked.
 *
 * Debian's tmux calls utempter_remove_record() as soon as a pane's terminal
 * closes. libutempter then runs its setgid helper with SIGCHLD set to
 * SIG_DFL until the helper has exited: a SIGCHLD that arrives meanwhile, as
 * the pane's own process exits, is discarded, so tmux never reaps that
 * process. The pane is dead but its exit status never comes, and with
 * remain-on-exit it never says "Pane is dead": in 3 of 4 runs of tmux-smoke
 * on the 5.15 and 6.18 kernels under TCG, where the pane's shell stayed a
 * zombie until a SIGCHLD sent by hand. The guest has no utmp to record a
 * terminal in anyway, nor the helper.
 */

int utempter_add_record(int master_fd, const char *hostname);
int utempter_remove_record(int master_fd);
int utempter_remove_added_record(void);
void utempter_set_helper(const char *pathname);

/* libutempter's calls return 1 for success. */
int utempter_add_record(int master_fd, const char *hostname)
{
	(void)master_fd;
	(void)hostname;
	return 1;
}

int utempter_remove_record(int master_fd)
{
	(void)master_fd;
	return 1;
}

int utempter_remove_added_record(void)
{
	return 1;
}

void utempter_set_helper(const char *pathname)
{
	(void)pathname;
}
