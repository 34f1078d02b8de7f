/* svfs-linux-spawn.c: starting a process inside a built namespace
 *
 * Runs in an intermediate child forked from the caller (which may have
 * threads).  The intermediate joins the namespaces with setns() and clones
 * the process with CLONE_PARENT, so the process is the caller's child (it
 * can be waited for and watched with a pidfd) while living in the new PID
 * namespace.  Only plain syscalls here: ids are changed with raw syscalls
 * because glibc's setuid() family signals every thread it believes exists,
 * and after a raw clone of a threaded process those threads are not here.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <limits.h>
#include <string.h>
#include <sys/prctl.h>

#include "svfs-linux-private.h"

static void
report (int         fd,
        int         type,
        pid_t       pid,
        int         err,
        const char *stage)
{
  SvfsSpawnReport rep = { type, pid, err, stage };

  while (write (fd, &rep, sizeof rep) < 0 && errno == EINTR)
    ;
}

static const char *
find_path (const char * const *envp)
{
  for (size_t i = 0; envp != NULL && envp[i] != NULL; i++)
    if (strncmp (envp[i], "PATH=", 5) == 0)
      return envp[i] + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* execvpe() without malloc: searches PATH from the process environment. */
static int
exec_search (const char * const *argv,
             const char * const *envp)
{
  const char *file = argv[0];
  const char *path;
  size_t flen = strlen (file);
  bool eacces = false;
  char buf[PATH_MAX];

  if (strchr (file, '/') != NULL)
    {
      execve (file, (char * const *) argv, (char * const *) envp);
      return errno;
    }

  path = find_path (envp);
  for (const char *p = path;; )
    {
      const char *end = strchr (p, ':');
      size_t dlen = end != NULL ? (size_t) (end - p) : strlen (p);

      if (dlen + 1 + flen + 1 <= sizeof buf)
        {
          size_t n = 0;
          if (dlen == 0)
            buf[n++] = '.';
          memcpy (buf + n, p, dlen);
          n += dlen;
          buf[n++] = '/';
          memcpy (buf + n, file, flen + 1);
          execve (buf, (char * const *) argv, (char * const *) envp);
          if (errno == EACCES)
            eacces = true;
          else if (errno != ENOENT && errno != ENOTDIR)
            return errno;
        }
      if (end == NULL)
        break;
      p = end + 1;
    }
  return eacces ? EACCES : ENOENT;
}

static void __attribute__ ((noreturn))
run_process (const SvfsSpawnProgram *prog)
{
  int rep = prog->report_fd;
  unsigned n = prog->n_child_fds;
  unsigned low = n > 0 ? n : 3;
  int tmp[256];
  sigset_t none;
  int err;

  /* A clean signal state: the caller's mask and ignored signals (Python
   * ignores SIGPIPE) would otherwise survive exec.  The handlers go
   * before the mask: the caller blocks every signal around the clone, and
   * a handler of the caller must never run here (with CLONE_VM it would
   * run on the caller's memory). */
  for (int s = 1; s < NSIG; s++)
    {
      struct sigaction sa = { .sa_handler = SIG_DFL };
      if (s != SIGKILL && s != SIGSTOP)
        sigaction (s, &sa, NULL);
    }
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);

  /* fds: child_fds[i] becomes fd i; everything else is closed. */
  rep = fcntl (rep, F_DUPFD_CLOEXEC, (int) low);
  if (rep < 0)
    _exit (127);
  if (n > sizeof tmp / sizeof tmp[0])
    {
      report (rep, SVFS_SPAWN_REPORT_FAILURE, 0, EMFILE, "passing file descriptors");
      _exit (127);
    }
  for (unsigned i = 0; i < n; i++)
    {
      tmp[i] = -1;
      if (prog->child_fds[i] >= 0)
        {
          tmp[i] = fcntl (prog->child_fds[i], F_DUPFD_CLOEXEC, (int) low);
          if (tmp[i] < 0)
            {
              report (rep, SVFS_SPAWN_REPORT_FAILURE, 0, errno, "passing file descriptors");
              _exit (127);
            }
        }
    }
  for (unsigned i = 0; i < n; i++)
    {
      if (tmp[i] >= 0)
        {
          if (dup2 (tmp[i], (int) i) < 0)
            {
              report (rep, SVFS_SPAWN_REPORT_FAILURE, 0, errno, "passing file descriptors");
              _exit (127);
            }
        }
      else
        close ((int) i);
    }
  svfs_close_fds_except (low, rep, rep);

  /* The spec's supplementary groups, root's dropped.  setgroups is denied
   * in a user namespace made by an unprivileged caller or for an owner:
   * there the process keeps none it could use (apply warned that the
   * spec's are ignored); in the spec's, made by root, it is allowed. */
  if (syscall (SYS_setgroups, prog->n_groups, prog->groups) < 0 && !(prog->userns && errno == EPERM))
    {
      report (rep, SVFS_SPAWN_REPORT_FAILURE, 0, errno,
              prog->n_groups > 0 ? "setting the supplementary groups (process.user.additionalGids)"
                                 : "dropping supplementary groups");
      _exit (127);
    }
  if (syscall (SYS_setresgid, prog->gid, prog->gid, prog->gid) < 0)
    {
      report (rep, SVFS_SPAWN_REPORT_FAILURE, 0, errno, "setting the group id");
      _exit (127);
    }
  if (syscall (SYS_setresuid, prog->uid, prog->uid, prog->uid) < 0)
    {
      report (rep, SVFS_SPAWN_REPORT_FAILURE, 0, errno, "setting the user id");
      _exit (127);
    }

  /* After setns() the root and cwd are the container's; no host fd is
   * open any more, so the cwd cannot be a way out (runc CVE-2024-21626). */
  if (prog->cwd != NULL && chdir (prog->cwd) < 0)
    {
      report (rep, SVFS_SPAWN_REPORT_FAILURE, 0, errno, "changing to the working directory");
      _exit (127);
    }

  /* After the id changes, which clear it.  If the caller is already gone
   * the process is no one's: it does not start. */
  if (prog->die_with_caller != 0 &&
      (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid () != prog->die_with_caller))
    _exit (127);

  umask (prog->umask);
  err = exec_search (prog->argv, prog->envp);
  report (rep, SVFS_SPAWN_REPORT_FAILURE, 0, err, "executing the program");
  _exit (127);
}

static int
run_process_entry (void *prog)
{
  run_process (prog);
}

int
svfs_linux_spawn_run_shared_vm (void *prog)
{
  svfs_linux_spawn_run (prog);
}

void
svfs_linux_spawn_run (const SvfsSpawnProgram *prog)
{
  sigset_t all;
  long pid;

  /* No handler of the caller may run here or in the process before
   * run_process() has reset them (they would act for the caller, and with
   * CLONE_VM on its memory).  The caller blocks every signal around the
   * clone of this intermediate, except where it falls back to a plain
   * fork; block them again, before the process is cloned, so that it
   * starts with every signal blocked whichever path made this one.  They
   * stay blocked here: this process only joins, clones, reports and exits,
   * and restoring the caller's mask would only let a pending signal run a
   * handler of the caller in this copy of it. */
  sigfillset (&all);
  sigprocmask (SIG_SETMASK, &all, NULL);

  /* Root joining an owner's user namespace: setgroups is denied there, so
   * the service's supplementary groups go now or never. */
  if (prog->drop_groups && syscall (SYS_setgroups, 0, NULL) < 0)
    {
      report (prog->report_fd, SVFS_SPAWN_REPORT_FAILURE, 0, errno, "dropping supplementary groups");
      _exit (1);
    }

  for (size_t i = 0; i < sizeof prog->ns_fds / sizeof prog->ns_fds[0] && prog->ns_fds[i] >= 0; i++)
    {
      if (setns (prog->ns_fds[i], prog->ns_types[i]) < 0)
        {
          report (prog->report_fd, SVFS_SPAWN_REPORT_FAILURE, 0, errno, "joining the container's namespaces");
          _exit (1);
        }
    }

  if (prog->process_stack != NULL)
    /* No copy of the address space: the process shares it until it
     * execs (or fails and exits), and this intermediate sleeps until
     * then.  It writes only on its own stack. */
    pid = clone (run_process_entry, prog->process_stack, CLONE_PARENT | CLONE_VM | CLONE_VFORK | SIGCHLD,
                 (void *) prog);
  else
    pid = syscall (SYS_clone, (unsigned long) (CLONE_PARENT | SIGCHLD), NULL, NULL, NULL, 0);
  if (pid < 0)
    {
      report (prog->report_fd, SVFS_SPAWN_REPORT_FAILURE, 0, errno, "starting the process");
      _exit (1);
    }
  if (pid == 0)
    run_process (prog);

  report (prog->report_fd, SVFS_SPAWN_REPORT_PID, (pid_t) pid, 0, NULL);
  _exit (0);
}
